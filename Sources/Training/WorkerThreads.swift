import Dispatch
import Synchronization

/// Runs tasks 0..<count on `workers` threads at once, each worker taking the next task by index
/// until none is left; `body(worker, task)` sees its worker's number, so each worker can use
/// buffers of its own. Returns when every task is done. One worker runs everything on the calling
/// thread, in task order, without starting a thread.
///
/// Which worker runs a task depends on timing; a caller whose results must not depend on it keeps
/// each task's results apart (per task, not per worker) and combines them in task order afterwards.
/// `body` may share data between tasks only to read it: it is called from several threads at once.
public enum WorkerThreads {
    public static func run(workers: Int, tasks count: Int, _ body: (_ worker: Int, _ task: Int) -> Void) {
        precondition(workers >= 1, "at least one worker, got \(workers)")
        if workers == 1 || count <= 1 {
            for task in 0..<count { body(0, task) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = SharedBody(call: body)
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: min(workers, count)) { worker in
                while true {
                    let task = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard task < count else { return }
                    shared.call(worker, task)
                }
            }
        }
    }

    /// The caller's body, handed to the worker threads: it reads shared data and writes only what
    /// belongs to its worker or its task (see `run`).
    private struct SharedBody: @unchecked Sendable {
        let call: (Int, Int) -> Void
    }
}
