import ArgumentParser
import Experiments
import Foundation
import ResultsStore
import Sweeps
import Training

/// `sweep FILE…`: the product's front door.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run experiment files: train the runs the database lacks, then render their reports (the default command).",
        discussion: """
            Each file's grid expands into runs (see `sweep plan`); a run's id hashes its whole \
            configuration with the base model's and the data's hashes, so a run already in the database \
            is never trained twice, and a second invocation of a finished sweep trains nothing (and \
            leaves the database byte for byte as it was). Before the runs, the base model is scored once \
            per distinct evaluation setting of the runs (benchmarks, item limit, held-out data) and \
            recorded: the "base" row of every table. Each run executes in its own worker process \
            with one thread; --jobs N runs N at once (default: one per core), and a run's numbers \
            never depend on --jobs. A run that crashes or diverges is recorded as failed and the sweep \
            goes on. Ctrl-C stops cleanly: the next invocation resumes. After a file's runs, \
            results/<name>.md and its charts are rendered from the database.

              sweep experiments/alpha-rank.toml
              sweep experiments/alpha-rank.toml experiments/default.toml --jobs 2
              sweep experiments/alpha-rank.toml --db fresh.sqlite --out fresh-results
            """)

    @Argument(help: "Experiment files (TOML).") var files: [String]
    @Option(help: "The results database.") var db = ExperimentSession.defaultDatabase
    @Option(help: "Runs to train at once, each in its own process with one thread (default: the number of cores).")
    var jobs = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Directory for the rendered reports.") var out = "results"
    @Flag(help: "Allow grids of more than 500 runs.") var yes = false
    @Flag(help: "Let a file take over an experiment name that another file registered in the database.") var replace = false
    @Flag(name: .customLong("no-report"), help: "Do not render the reports afterwards.") var noReport = false
    @OptionGroup(title: "Slurm") var slurm: SlurmOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one experiment file, e.g. experiments/alpha-rank.toml") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    func run() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if jobs > cores { printProgress("warning: --jobs \(jobs) is more than the \(cores) cores: the runs share cores") }
        if slurm.dryRun { return try previewSubmission() }
        // Everything is checked before anything trains: a typo in the second file must not wait an hour.
        let sessions = try ExperimentSession.open(paths: files, database: db, allowLarge: yes, reportDirectory: noReport ? nil : out)
        guard let store = sessions.first?.store else { return }
        if store.isReadOnly {
            try sayNothingToTrain(sessions)
        } else {
            try train(sessions, store: store)
        }
        if !noReport { try writeReports(sessions, store: store) }
    }

    /// --dry-run: what each file's array would be, with nothing written or submitted.
    func previewSubmission() throws {
        let backend = SlurmBackend(options: slurm.options, detach: slurm.detach)
        for session in try ExperimentSession.openReadingOnly(paths: files, database: db, allowLarge: yes) {
            print(try backend.preview(session))
        }
    }

    func train(_ sessions: [ExperimentSession], store: ResultsStore) throws {
        for session in sessions { try session.register(replace: replace) }
        let released = try store.releaseRunning(where: ResultsStore.localWorkerIsDead)
        if !released.isEmpty { printProgress("\(released.count) run(s) left running by a stopped sweep are pending again") }
        try BaseEvaluating.evaluateMissing(sessions)
        let backend: any SweepBackend = slurm.backend == .slurm
            ? SlurmBackend(options: slurm.options, detach: slurm.detach) : LocalBackend(jobs: jobs)
        let summary = try backend.train(sessions)
        if summary.interrupted { throw ExitCode(130) }
        for session in sessions { printProgress(try store.statusCounts(experiment: session.file.name).description) }
        if summary.failed > 0 { printProgress("\(summary.failed) run(s) failed; their errors are in the report and in the runs table") }
    }

    /// Every run is already in the database: say where the results came from and how to train them again.
    func sayNothingToTrain(_ sessions: [ExperimentSession]) throws {
        var seconds = 0.0
        for session in sessions {
            let runs = try session.store.runs(experiment: session.file.name)
            seconds += try runs.reduce(0) { total, run in
                try total + session.store.metrics(runID: run.id)
                    .filter { $0.name == MetricName.wallSeconds.rawValue || $0.name == MetricName.evalSeconds.rawValue }
                    .reduce(0) { $0 + $1.value }
            }
            printProgress("\(session.file.name): all \(runs.count) runs are already in \(db); nothing to train")
        }
        let fresh = "/tmp/lora-sweep-\(ProcessInfo.processInfo.processIdentifier).sqlite"
        printProgress("""
            The results come from the database as it is (committed results/runs.sqlite on a fresh clone), \
            which this sweep left untouched. To train every run again, give a new database: \
            sweep \(files.joined(separator: " ")) --db \(fresh) --jobs \(jobs) --out /tmp/reports \
            (about \(formatDuration(seconds / Double(jobs))) at the runs' recorded times).
            """)
    }

    func writeReports(_ sessions: [ExperimentSession], store: ResultsStore) throws {
        if slurm.backend == .slurm, slurm.detach { return }
        for session in sessions {
            printProgress("wrote \(try ReportBuilder.write(experiment: session.file.name, store: store, to: out))")
        }
        if sessions.contains(where: { $0.file.finding != nil }), let findings = try FindingsBuilder.write(store: store, to: out) {
            printProgress("wrote \(findings)")
        }
    }
}

/// `sweep plan FILE`: what a sweep would run, without training.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the runs an experiment file expands to, with their ids, without training.",
        discussion: """
              sweep plan experiments/alpha-rank.toml
              sweep plan experiments/alpha-rank.toml --json    # {"runs": [{"id": …, "config": {…}}, …]}
            """)

    @Argument(help: "An experiment file (TOML).") var file: String
    @Flag(help: "Print {\"runs\": [{\"id\": …, \"config\": {…}}, …]}.") var json = false
    @Flag(help: "Allow grids of more than 500 runs.") var yes = false

    func run() throws {
        let (_, plan) = try ExperimentSession.plan(path: file, allowLarge: yes)
        if json { return print(plan.json) }
        print("\(plan.name): \(plan.runs.count) runs (base \(plan.fingerprint.baseModelHash.prefix(12)), data \(plan.fingerprint.datasetHash.prefix(12)))")
        print(plan.table, terminator: "")
    }
}

/// `sweep report`: Markdown and charts from the database alone.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render results/<name>.md and its charts from the database, without training.",
        discussion: """
            Identical database contents give byte-identical files, and the database is only read (the \
            base model's rows come from the evaluations a sweep recorded before its runs; nothing is \
            evaluated here). With no names, every experiment's report, and results/FINDINGS.md when experiments declare \
            [finding]s (the article's findings with verdicts: experiments/f1…f9, `make reproduce`).

              sweep report                    # every experiment in results/runs.sqlite
              sweep report alpha-rank --out reports
            """)

    @Argument(help: "Experiment names (default: all in the database).") var experiments: [String] = []
    @Option(help: "The results database.") var db = ExperimentSession.defaultDatabase
    @Option(help: "Directory to write to.") var out = "results"

    func run() throws {
        let store = try ExperimentSession.openForReading(db)
        let names = experiments.isEmpty ? try store.experiments().map(\.name) : experiments
        for name in names {
            print(try ReportBuilder.write(experiment: name, store: store, to: out))
        }
        if experiments.isEmpty, let findings = try FindingsBuilder.write(store: store, to: out) {
            print(findings)
        }
    }
}
