import ArgumentParser
import Experiments
import Foundation
import ResultsStore
import Sweeps

/// `sweep check FILE`: are results stable across seeds, and does a run replay bit for bit?
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an experiment's consistency: spread across seeds within tolerance, and one run replayed bit for bit.",
        discussion: """
            Trains the file's runs that the database lacks, then (a) for every configuration and every \
            metric in the file's [check.max_spread], checks that max − min over its seeds is within the \
            tolerance, and (b) trains the run of [check] reproduce_seed again in a fresh worker, with the \
            thread count it was trained with, and compares its loss curve with the stored one, bit for \
            bit. Prints a table; exits with status 1 on a violation. Without --db it works on a \
            temporary copy of results/runs.sqlite, so the committed results stay as they are.

              sweep check experiments/consistency.toml
              sweep check experiments/consistency.toml --db consistency.sqlite --jobs 2

              [check]
              reproduce_seed = 1
              [check.max_spread]
              facts = 0.05
            """)

    @Argument(help: "An experiment file with a [check] table.") var file: String
    @Option(help: "The results database to train into and read from (default: a temporary copy of results/runs.sqlite).")
    var db: String?
    @Option(help: "Runs to train at once (default: the number of cores).") var jobs = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let scratch: URL? = db == nil ? try Self.temporaryCopy(of: ExperimentSession.defaultDatabase) : nil
        defer { if let scratch { try? FileManager.default.removeItem(at: scratch.deletingLastPathComponent()) } }
        let database = scratch?.path ?? db ?? ExperimentSession.defaultDatabase
        guard let session = try ExperimentSession.open(paths: [file], database: database, allowLarge: false, reportDirectory: nil).first
        else { return }
        guard !session.file.check.maxSpread.isEmpty || session.file.check.reproduceSeed != nil else {
            throw BadInput("\(file): no [check] table: give reproduce_seed and/or [check.max_spread]")
        }
        if !session.store.isReadOnly {
            try session.register()
            _ = try session.store.releaseRunning(where: ResultsStore.localWorkerIsDead)
            if try LocalBackend(jobs: jobs).train([session]).interrupted { throw ExitCode(130) }
        }
        let rows = try ConsistencyCheck(session: session).rows()
        print("observed                  limit        verdict    check")
        for row in rows {
            print(row.observed.padding(toLength: 25, withPad: " ", startingAt: 0) + " "
                  + row.limit.padding(toLength: 12, withPad: " ", startingAt: 0) + " "
                  + (row.holds ? "ok" : "VIOLATION").padding(toLength: 10, withPad: " ", startingAt: 0) + " " + row.name)
        }
        let violations = rows.filter { !$0.holds }.count
        if violations > 0 {
            printProgress("\(violations) violation(s)")
            throw ExitCode(1)
        }
    }

    /// A copy of `database` (with its -wal, if any) in a new temporary directory; a new file when there is none.
    static func temporaryCopy(of database: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lora-sweep-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let copy = directory.appendingPathComponent("runs.sqlite")
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: database + suffix) {
            try FileManager.default.copyItem(atPath: database + suffix, toPath: copy.path + suffix)
        }
        printProgress("working on a temporary copy of \(database) (--db chooses a database to keep)")
        return copy
    }
}
