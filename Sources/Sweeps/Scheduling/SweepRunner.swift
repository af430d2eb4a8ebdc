import Experiments
import Foundation
import ResultsStore
import Training

/// Trains the missing runs of one or more experiments' plans, each through the launcher (a worker process), `jobs` at a time
/// (the next experiment's runs start as soon as a job is free), and records every outcome in the store
/// as it arrives. Runs are claimed atomically, so two sweeps on one database never train
/// the same run; Ctrl-C stops the workers and puts their runs back to pending for the next invocation.
public final class SweepRunner: @unchecked Sendable {
    let store: ResultsStore
    let launcher: any RunLauncher
    /// Claimed from in this order.
    let experiments: [String]
    let jobs: Int
    let threadsPerJob: Int
    /// Run id → the run, for the runs this sweep may claim.
    let entries: [String: RunEntry]

    /// Worker threads per run: one, so --jobs runs share the cores one each (the numbers do not
    /// depend on the thread count).
    public static let threadsPerRun = 1

    private let lock = NSLock()
    private var running: [String: any RunHandle] = [:]
    private var progress: [String: WorkerProgress] = [:]
    private var lastPrinted = Date.distantPast
    private var interrupted = false
    private let started = Date()
    private var finishedSeconds: [Double] = []
    private var failures = 0
    private var runStarted: [String: Date] = [:]
    private var toTrain = 0

    public init(store: ResultsStore, launcher: any RunLauncher = WorkerLauncher(), experiments: [String], jobs: Int,
                threadsPerJob: Int = SweepRunner.threadsPerRun, runs: [RunEntry]) {
        self.store = store
        self.launcher = launcher
        self.experiments = experiments
        self.jobs = jobs
        self.threadsPerJob = threadsPerJob
        entries = Dictionary(runs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public struct Summary: Sendable, Equatable {
        public var trained = 0
        public var failed = 0
        public var interrupted = false
    }

    /// Claims and trains pending runs until none is left (or Ctrl-C).
    public func run() throws -> Summary {
        var pending = Set<String>()
        for experiment in experiments {
            let counts = try store.statusCounts(experiment: experiment)
            let ids = try store.runs(experiment: experiment).filter { $0.status == .pending }.map(\.id)
            let new = ids.filter { !pending.contains($0) }.count
            pending.formUnion(ids)
            let shared = new < ids.count ? " (\(ids.count - new) shared with an earlier file)" : ""
            printProgress("\(experiment): \(counts.total) runs, \(counts.done) done, \(counts.failed) failed, \(new) to train\(shared)")
        }
        let toTrain = pending.count
        self.toTrain = toTrain
        if experiments.count > 1 || toTrain > 0 {
            printProgress("\(toTrain) run(s) to train; \(jobs) job(s) × \(threadsPerJob) thread(s)")
        }
        guard toTrain > 0 else { return Summary() }

        let interruption = installInterruptHandler()
        defer { interruption.cancel(); signal(SIGINT, SIG_DFL); signal(SIGTERM, SIG_DFL) }
        let group = DispatchGroup()
        let slots = DispatchSemaphore(value: jobs)
        var summary = Summary()
        var launched = 0
        while !isInterrupted {
            slots.wait()
            if isInterrupted { slots.signal(); break }
            guard let record = try claimNext() else {
                slots.signal()
                break
            }
            launched += 1
            let index = launched
            group.enter()
            DispatchQueue.global().async {
                defer { slots.signal(); group.leave() }
                self.execute(record, index: index, of: toTrain)
            }
        }
        group.wait()
        lock.lock()
        summary.trained = finishedSeconds.count
        summary.failed = failures
        summary.interrupted = interrupted
        lock.unlock()
        return summary
    }

    /// The first pending run of the first experiment that has one.
    private func claimNext() throws -> RunRecord? {
        for experiment in experiments {
            if let record = try store.claimNextPending(experiment: experiment, worker: ResultsStore.currentWorker) { return record }
        }
        return nil
    }

    private var isInterrupted: Bool {
        lock.lock(); defer { lock.unlock() }
        return interrupted
    }

    /// SIGINT/SIGTERM: stop claiming, kill the workers (a run is all or nothing); their runs go back to pending.
    private func installInterruptHandler() -> DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let handler: @Sendable () -> Void = { [weak self] in self?.stop() }
        source.setEventHandler(handler: handler)
        source.resume()
        let term = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        term.setEventHandler(handler: handler)
        term.resume()
        self.termSource = term
        return source
    }
    private var termSource: DispatchSourceSignal?

    /// Stops claiming and stops the running runs (a run is all or nothing); their runs go back to pending.
    public func stop() {
        lock.lock()
        interrupted = true
        let workers = Array(running.values)
        lock.unlock()
        printProgress("interrupted: stopping \(workers.count) worker(s); their runs stay pending for the next invocation")
        for worker in workers { worker.stop() }
    }

    /// One claimed run, launched and followed to its recorded outcome.
    private func execute(_ claimed: RunRecord, index: Int, of total: Int) {
        let id = claimed.id
        guard let entry = entries[id] else {
            try? store.fail(runID: id, error: "claimed a run that is not in this plan", step: nil, curve: [])
            return
        }
        let label = entry.label
        let begun = Date()
        let finished = launcher.launch(entry, threads: threadsPerJob, started: { handle in
            self.lock.lock(); self.running[id] = handle; self.runStarted[id] = Date(); self.lock.unlock()
            printProgress("[\(index)/\(total)] \(label): started (run \(id))")
        }, progress: { step in self.report(step, id: id) })
        lock.lock(); running[id] = nil; progress[id] = nil; runStarted[id] = nil; let stopped = interrupted; lock.unlock()

        let seconds = Date().timeIntervalSince(begun)
        if let outcome = finished.outcome {
            record(outcome, id: id, label: label, adapterKept: entry.adapterDirectory != nil, index: index, total: total, seconds: seconds)
        } else if stopped || finished.interrupted {
            // Stopped by the sweep or by Ctrl-C: not the run's fault. A SIGKILL from elsewhere (the OOM killer) is.
            // A worker stopped by SIGINT or SIGTERM stops the sweep too, rather than being claimed again.
            _ = try? store.reset(runIDs: [id])
            lock.lock(); interrupted = true; lock.unlock()
        } else {
            try? store.fail(runID: id, error: finished.failure, step: nil, curve: [])
            lock.lock(); failures += 1; lock.unlock()
            printProgress("[\(index)/\(total)] \(label): FAILED: \(finished.failure)")
        }
    }

    private func record(_ outcome: RunOutcome, id: String, label: String, adapterKept: Bool, index: Int, total: Int, seconds: Double) {
        do {
            if let error = outcome.error {
                try store.fail(runID: id, error: error, step: outcome.failedStep, curve: outcome.curve)
                lock.lock(); failures += 1; lock.unlock()
                printProgress("[\(index)/\(total)] \(label): FAILED: \(error)")
                return
            }
            try store.finish(runID: id, metrics: outcome.metrics, curve: outcome.curve,
                             trainableParameters: outcome.trainableParameters, codeVersion: RunExecutor.numericsVersion,
                             machine: outcome.machine, adapterKept: adapterKept)
        } catch {
            printProgress("[\(index)/\(total)] \(label): cannot record the outcome: \(error)")
            return
        }
        lock.lock()
        finishedSeconds.append(seconds)
        let done = finishedSeconds.count + failures
        let eta = finishedSeconds.reduce(0, +) / Double(finishedSeconds.count) * Double(total - done) / Double(jobs)
        lock.unlock()
        let loss = outcome.finalLoss.map { String(format: "loss %.4f", $0) } ?? ""
        printProgress("[\(index)/\(total)] \(label): done in \(formatDuration(seconds)), \(loss); sweep \(done)/\(total), eta \(formatDuration(eta))")
    }

    /// A progress line at most every few seconds, for all running workers at once.
    private func report(_ step: WorkerProgress, id: String) {
        lock.lock()
        progress[id] = step
        let due = Date().timeIntervalSince(lastPrinted) >= Self.progressInterval
        if due { lastPrinted = Date() }
        let snapshot = progress
        lock.unlock()
        if due { printStatus(snapshot) }
    }

    static let progressInterval = 5.0

    private func printStatus(_ snapshot: [String: WorkerProgress]) {
        let parts = snapshot.sorted { $0.key < $1.key }.map { id, p in
            "\(entries[id]?.label ?? id): step \(p.step)/\(p.total) loss \(String(format: "%.4f", p.loss)) \(String(format: "%.0f", p.tokensPerSecond)) tok/s"
        }
        printProgress("  " + parts.joined(separator: "  |  ") + "  (sweep \(sweepStatus(snapshot)))")
    }

    /// "3/9 runs, 2m10s elapsed, eta 4m30s": finished runs' mean time (or, before any finishes, the running
    /// runs' pace) over what is left, shared by the jobs.
    private func sweepStatus(_ snapshot: [String: WorkerProgress]) -> String {
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        var remaining = 0.0
        var projected: [Double] = []
        for (id, p) in snapshot {
            // The first steps also pay for loading the base and the data: project from 5% on.
            guard let start = runStarted[id], p.step > 0, p.step * 20 >= p.total else { continue }
            let elapsed = now.timeIntervalSince(start)
            projected.append(elapsed * Double(p.total) / Double(p.step))
            remaining += elapsed * Double(p.total - p.step) / Double(p.step)
        }
        let done = finishedSeconds.count + failures
        let perRun = finishedSeconds.isEmpty ? (projected.isEmpty ? .nan : projected.reduce(0, +) / Double(projected.count))
            : finishedSeconds.reduce(0, +) / Double(finishedSeconds.count)
        let waiting = max(0, toTrain - done - snapshot.count)
        let eta = (remaining + Double(waiting) * perRun) / Double(jobs)
        return "\(done)/\(toTrain) runs, \(formatDuration(now.timeIntervalSince(started))) elapsed, eta \(formatDuration(eta))"
    }
}
