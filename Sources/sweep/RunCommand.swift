import ArgumentParser
import Experiments
import Foundation
import ResultsStore

/// `sweep FILE…`: the product's front door.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run experiment files: train the runs the database lacks, then render their reports (the default command).",
        discussion: """
            Each file's grid expands into runs (see `sweep plan`); a run's id hashes its whole \
            configuration with the base model's and the data's hashes, so a run already in the database \
            is never trained twice, and a second invocation of a finished sweep trains nothing. Each run \
            executes in its own worker process with one BLAS thread (see below); --jobs N runs N at once \
            (default: one per core). \
            A run that crashes or diverges is recorded as failed and the sweep goes on. Ctrl-C stops \
            cleanly: the next invocation resumes. After a file's runs, results/<name>.md and its charts \
            are rendered from the database.

              sweep experiments/alpha-rank.toml
              sweep experiments/alpha-rank.toml experiments/targets.toml --jobs 2
            One BLAS thread per run: at fine-tuning's shapes (micro-batches of one example) a second \
            thread gains nothing, and OpenBLAS rounds some small products differently with more \
            threads, so a run's numbers would depend on --jobs. With one thread they never do.

              sqlite3 results/runs.sqlite 'select rank, alpha, value from runs join metrics on id = run_id where name = "facts"'
            """)

    @Argument(help: "Experiment files (TOML).") var files: [String]
    @Option(help: "The results database.") var db = ExperimentSession.defaultDatabase
    @Option(help: "Runs to train at once, each in its own process with one BLAS thread (default: the number of cores).")
    var jobs = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Directory for the rendered reports.") var out = "results"
    @Flag(help: "Allow grids of more than 500 runs.") var yes = false
    @Flag(name: .customLong("no-report"), help: "Do not render the reports afterwards.") var noReport = false
    @OptionGroup(title: "Slurm") var slurm: SlurmOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one experiment file, e.g. experiments/alpha-rank.toml") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    func run() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if jobs > cores { printProgress("warning: --jobs \(jobs) is more than the \(cores) cores: the runs share cores") }
        // Everything is checked before anything trains: a typo in the second file must not wait an hour.
        let sessions = try ExperimentSession.open(paths: files, database: db, allowLarge: yes, reportDirectory: noReport ? nil : out)
        for session in sessions {
            try session.register()
            let released = try session.store.releaseRunning(where: ResultsStore.localWorkerIsDead)
            if !released.isEmpty { printProgress("\(released.count) run(s) left running by a stopped sweep are pending again") }
        }
        if slurm.backend == .slurm {
            for session in sessions {
                try slurm.submit(session)
                if !noReport, !slurm.detach { printProgress("wrote \(try ReportBuilder.write(experiment: session.file.name, store: session.store, to: out))") }
            }
        } else if let store = sessions.first?.store {
            // One pool of jobs for every file: the next file's runs start as soon as a job is free.
            let runner = SweepRunner(
                store: store, experiments: sessions.map(\.file.name), jobs: jobs, threadsPerJob: SweepRunner.threadsPerRun,
                runs: sessions.flatMap { session in
                    session.plan.runs.map {
                        let label = Self.label($0.run, session)
                        return ($0.id, $0.run.configuration, sessions.count > 1 ? "\(session.file.name) \(label)" : label, session.file.base)
                    }
                })
            let summary = try runner.run()
            if summary.interrupted { throw ExitCode(130) }
            for session in sessions {
                if !noReport { printProgress("wrote \(try ReportBuilder.write(experiment: session.file.name, store: session.store, to: out))") }
                printProgress(try session.store.statusCounts(experiment: session.file.name).description)
            }
            if summary.failed > 0 { printProgress("\(summary.failed) run(s) failed; their errors are in the report and in the runs table") }
        }
        if !noReport, slurm.backend == .local || !slurm.detach, let session = sessions.last(where: { $0.file.finding != nil }),
            let findings = try FindingsBuilder.write(store: session.store, to: out)
        {
            printProgress("wrote \(findings)")
        }
    }

    /// "rank=8 alpha=2 * rank seed=1": the run's axis values, as progress lines name it.
    static func label(_ run: PlannedRun, _ session: ExperimentSession) -> String {
        let axes = session.file.axes.map(\.knob.rawValue)
        let parts = axes.map { "\($0)=\(run.axisValues[$0] ?? run.configuration.formatted(Knob(rawValue: $0)!) ?? "-")" }
        return (parts + ["seed=\(run.configuration.seed)"]).joined(separator: " ")
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
            Identical database contents give byte-identical files. With no names, every experiment's
            report, and results/FINDINGS.md when experiments declare [finding]s (the article's
            findings with verdicts: experiments/f1…f9, `make reproduce`).

              sweep report                    # every experiment in results/runs.sqlite
              sweep report alpha-rank --out /tmp/reports
            """)

    @Argument(help: "Experiment names (default: all in the database).") var experiments: [String] = []
    @Option(help: "The results database.") var db = ExperimentSession.defaultDatabase
    @Option(help: "Directory to write to.") var out = "results"

    func run() throws {
        guard FileManager.default.fileExists(atPath: db) else { throw CommandError("\(db) does not exist: run a sweep first (make sweep)") }
        let store: ResultsStore
        do { store = try ResultsStore(readingOnly: db) } catch { throw CommandError("\(error)") }
        let names = experiments.isEmpty ? try store.experiments().map(\.name) : experiments
        for name in names {
            print(try ReportBuilder.write(experiment: name, store: store, to: out))
        }
        if experiments.isEmpty, let findings = try FindingsBuilder.write(store: store, to: out) {
            print(findings)
        }
    }
}
