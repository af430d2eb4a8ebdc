import Experiments
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

    /// The session's runs that the store holds as pending or not at all, in plan order (a run that
    /// another sweep is training is left to it).
    static func toSubmit(_ session: ExperimentSession) throws -> [(id: String, configuration: RunConfiguration)] {
        try session.plan.runs.filter { entry in
            let status = try session.store.run(id: entry.id)?.status
            return status == nil || status == .pending
        }.map { (id: $0.id, configuration: $0.run.configuration) }
    }

    /// What `train` would submit for the session, without writing or submitting anything: the array's
    /// size and its job script.
    public func preview(_ session: ExperimentSession) throws -> String {
        let runs = try Self.toSubmit(session)
        guard !runs.isEmpty else { return "\(session.file.name): nothing to submit, every run is done or failed" }
        let directory = SlurmArray.submissionDirectory(experiment: session.file.name, options: options)
        let script = SlurmArray.jobScript(experiment: session.file.name, count: runs.count, directory: directory, options: options)
        return "\(session.file.name): would submit an array of \(runs.count) task(s), at most \(options.maxParallel) at once, "
            + "with this job script as \(directory.path)/job.sh:\n\n" + script
    }

    /// Submits the session's pending runs as one array; waits and collects unless `detach`.
    func submit(_ session: ExperimentSession) throws -> SlurmArray.Collected? {
        guard options.maxParallel >= 1, options.cpusPerTask >= 1 else {
            throw BadInput("--max-parallel and --cpus-per-task must be at least 1")
        }
        let runs = try Self.toSubmit(session)
        guard !runs.isEmpty else {
            printProgress("\(session.file.name): nothing to submit, every run is done or failed")
            return nil
        }
        let directory = try SlurmArray.prepare(experiment: session.file.name, base: session.file.base, runs: runs, options: options,
                                               dataDirectory: DataPath.directory(ofExperimentFile: session.file.path))
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
