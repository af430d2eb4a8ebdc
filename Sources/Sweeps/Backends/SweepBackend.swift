import Foundation
import ResultsStore

/// Where a sweep's missing runs execute: worker processes on this machine, or a Slurm job array.
public protocol SweepBackend {
    /// Trains the sessions' pending runs and records their outcomes in the sessions' store.
    func train(_ sessions: [ExperimentSession]) throws -> SweepRunner.Summary
}

/// Worker processes here, `jobs` at a time, one pool for every file: the next file's runs start as soon
/// as a job is free.
public struct LocalBackend: SweepBackend {
    public var jobs: Int
    public var launcher: any RunLauncher

    public init(jobs: Int, launcher: any RunLauncher = WorkerLauncher()) {
        self.jobs = jobs
        self.launcher = launcher
    }

    public func train(_ sessions: [ExperimentSession]) throws -> SweepRunner.Summary {
        guard let store = sessions.first?.store else { return SweepRunner.Summary() }
        let runner = SweepRunner(
            store: store, launcher: launcher, experiments: sessions.map(\.file.name), jobs: jobs,
            runs: sessions.flatMap { $0.entries(prefixed: sessions.count > 1) })
        return try runner.run()
    }
}

/// One Slurm job array per file: each task runs one run (`sweep shard`) and writes a shard file; the
/// backend waits for the array and merges the shards, unless `detach`.
public struct SlurmBackend: SweepBackend {
    public var options: SlurmArray.Options
    public var detach: Bool

    public init(options: SlurmArray.Options, detach: Bool) {
        self.options = options
        self.detach = detach
    }

    public func train(_ sessions: [ExperimentSession]) throws -> SweepRunner.Summary {
        var summary = SweepRunner.Summary()
        for session in sessions {
            let collected = try submit(session)
            summary.trained += collected?.recorded ?? 0
            summary.failed += collected?.missing.count ?? 0
        }
        return summary
    }

    /// Submits the session's pending runs as one array; waits and collects unless `detach`.
    func submit(_ session: ExperimentSession) throws -> SlurmArray.Collected? {
        guard options.maxParallel >= 1, options.cpusPerTask >= 1 else {
            throw BadInput("--max-parallel and --cpus-per-task must be at least 1")
        }
        let pending = try Set(session.store.runs(experiment: session.file.name).filter { $0.status == .pending }.map(\.id))
        let runs = session.plan.runs.filter { pending.contains($0.id) }.map { (id: $0.id, configuration: $0.run.configuration) }
        guard !runs.isEmpty else {
            printProgress("\(session.file.name): nothing to submit, every run is done or failed")
            return nil
        }
        let directory = try SlurmArray.prepare(experiment: session.file.name, base: session.file.base, runs: runs, options: options)
        let job = try SlurmArray.submit(directory)
        printProgress("submitted job \(job): \(runs.count) tasks, at most \(options.maxParallel) at once; files in \(directory.path)")
        if detach {
            printProgress("collect the results with: sweep collect \(directory.path)")
            return nil
        }
        try SlurmArray.wait(job: job, directory: directory, total: runs.count)
        let collected = try SlurmArray.collect(directory, store: session.store, job: job)
        printProgress(collected.description)
        return collected
    }
}
