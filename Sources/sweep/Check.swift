import ArgumentParser
import Experiments
import Foundation
import ResultsStore

/// `sweep check FILE`: are results stable across seeds, and does a run replay bit for bit?
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an experiment's consistency: spread across seeds within tolerance, and one run replayed bit for bit.",
        discussion: """
            Trains (or reuses) the file's runs, then (a) for every configuration and every metric in \
            the file's [check.max_spread], checks that max − min over its seeds is within the tolerance, \
            and (b) trains the run of [check] reproduce_seed again in a fresh worker and compares its \
            loss curve with the stored one, bit for bit. Prints a table; exits with status 1 on a violation.

              [check]
              reproduce_seed = 1
              [check.max_spread]
              facts = 0.05
            """)

    @Argument(help: "An experiment file with a [check] table.") var file: String
    @Option(help: "The results database.") var db = ExperimentSession.defaultDatabase
    @Option(help: "Runs to train at once (default: the number of cores).") var jobs = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let session = try ExperimentSession.open(path: file, database: db, allowLarge: false)
        let check = session.file.check
        guard !check.maxSpread.isEmpty || check.reproduceSeed != nil else {
            throw ExitCodeError.badInput("\(file): no [check] table: give reproduce_seed and/or [check.max_spread]")
        }
        try session.register()
        _ = try session.store.releaseRunning(where: ResultsStore.localWorkerIsDead)
        let runner = SweepRunner(
            store: session.store, experiments: [session.file.name], jobs: jobs, threadsPerJob: SweepRunner.threadsPerRun,
            runs: session.plan.runs.map { ($0.id, $0.run.configuration, RunCommand.label($0.run, session), session.file.base) })
        if try runner.run().interrupted { throw ExitCode(130) }

        var violations = 0
        print("observed     limit        verdict    check")
        for row in try spreads(session) {
            let ok = row.spread <= row.tolerance
            if !ok { violations += 1 }
            print(String(format: "%-12.4g %-12.4g ", row.spread, row.tolerance) + (ok ? "ok" : "VIOLATION").padding(toLength: 11, withPad: " ", startingAt: 0) + row.name)
        }
        if let seed = check.reproduceSeed {
            let (name, ok, detail) = try replay(session, seed: seed)
            if !ok { violations += 1 }
            print(detail.padding(toLength: 25, withPad: " ", startingAt: 0) + " " + (ok ? "ok" : "VIOLATION").padding(toLength: 11, withPad: " ", startingAt: 0) + name)
        }
        if violations > 0 {
            printProgress("\(violations) violation(s)")
            throw ExitCode(1)
        }
    }

    /// max − min of each checked metric over the seeds of each configuration (done runs only).
    func spreads(_ session: ExperimentSession) throws -> [(name: String, spread: Double, tolerance: Double)] {
        var groups: [String: [String]] = [:]
        var order: [String] = []
        for entry in session.plan.runs {
            let key = RunCommand.label(entry.run, session).split(separator: " ").filter { !$0.hasPrefix("seed=") }.joined(separator: " ")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(entry.id)
        }
        var rows: [(String, Double, Double)] = []
        for key in order {
            let done = try groups[key]!.filter { try session.store.run(id: $0)?.status == .done }
            for (metric, tolerance) in session.file.check.maxSpread {
                let values = try done.compactMap { id in try session.store.metrics(runID: id).first { $0.name == metric }?.value }
                guard values.count >= 2 else {
                    throw CommandError("\(metric) of \(key.isEmpty ? "the configuration" : key): \(values.count) seed(s) finished; a spread needs 2 or more")
                }
                let name = "\(metric) spread over \(values.count) seeds" + (key.isEmpty ? "" : " (\(key))")
                rows.append((name, values.max()! - values.min()!, tolerance))
            }
        }
        return rows
    }

    /// Trains the first run with `seed` again, outside the database, and compares loss curves exactly.
    func replay(_ session: ExperimentSession, seed: Int) throws -> (String, Bool, String) {
        guard let entry = session.plan.runs.first(where: { $0.run.configuration.seed == seed }) else {
            throw ExitCodeError.badInput("\(file): reproduce_seed \(seed) is not among the runs' seeds")
        }
        let stored = try session.store.curve(runID: entry.id)
        // OpenBLAS rounds some small products differently with another thread count: the replay uses
        // the thread count the run was trained with.
        let threads = try session.store.run(id: entry.id)?.machine?.threads ?? SweepRunner.threadsPerRun
        printProgress("replaying run \(entry.id) (\(RunCommand.label(entry.run, session))) with \(threads) BLAS thread(s) to compare its loss curve")
        let finished = try WorkerProcess(baseDirectory: session.file.base, configuration: entry.run.configuration, threads: threads)
            .run(started: { _ in }, progress: { _ in })
        guard let outcome = finished.outcome else { throw CommandError("the replay failed: \(finished.failure)") }
        let name = "loss curve of seed \(seed) replayed"
        guard outcome.curve.count == stored.count else {
            return (name, false, "\(outcome.curve.count) vs \(stored.count) steps")
        }
        if let step = zip(outcome.curve, stored).enumerated().first(where: { $1.0.loss.bitPattern != $1.1.loss.bitPattern })?.offset {
            return (name, false, "differs at step \(step + 1)")
        }
        return (name, true, "\(stored.count) steps identical")
    }
}
