import Testing
import Training

@Suite("Worker threads")
struct WorkerThreadsTests {
    @Test("Every task runs exactly once, on a worker numbered below the worker count", arguments: [1, 2, 3, 16])
    func everyTaskOnce(workers: Int) {
        let count = 10
        let runs = UnsafeMutablePointer<Int>.allocate(capacity: count), worker = UnsafeMutablePointer<Int>.allocate(capacity: count)
        defer { runs.deallocate(); worker.deallocate() }
        runs.initialize(repeating: 0, count: count)
        worker.initialize(repeating: -1, count: count)
        WorkerThreads.run(workers: workers, tasks: count) { w, task in
            runs[task] += 1
            worker[task] = w
        }
        #expect((0..<count).allSatisfy { runs[$0] == 1 })
        #expect((0..<count).allSatisfy { (0..<min(workers, count)).contains(worker[$0]) })
    }

    @Test("One worker runs the tasks in order on the calling thread")
    func oneWorkerInOrder() {
        var order: [Int] = []
        WorkerThreads.run(workers: 1, tasks: 5) { _, task in order.append(task) }
        #expect(order == [0, 1, 2, 3, 4])
    }
}
