import Experiments
import Foundation
import ResultsStore

/// `[check]` of an experiment file: each configuration's metric spread over its seeds within tolerance,
/// and one run trained again and compared with the stored one bit for bit.
public struct ConsistencyCheck {
    public let session: ExperimentSession
    public let launcher: any RunLauncher

    public init(session: ExperimentSession, launcher: any RunLauncher = WorkerLauncher()) {
        self.session = session
        self.launcher = launcher
    }

    /// One line of the check's table.
    public struct Row: Sendable {
        public var name: String
        /// "0.0123" or "475 steps identical".
        public var observed: String
        public var limit: String
        public var holds: Bool
    }

    public func rows() throws -> [Row] {
        var rows = try spreads()
        if let seed = session.file.check.reproduceSeed { rows.append(try replay(seed: seed)) }
        return rows
    }

    /// max − min of each checked metric over the seeds of each configuration (done runs only).
    func spreads() throws -> [Row] {
        var groups: [String: [String]] = [:]
        var order: [String] = []
        for entry in session.plan.runs {
            let key = session.label(entry.run).split(separator: " ").filter { !$0.hasPrefix("seed=") }.joined(separator: " ")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(entry.id)
        }
        var rows: [Row] = []
        for key in order {
            let done = try groups[key, default: []].filter { try session.store.run(id: $0)?.status == .done }
            for (metric, tolerance) in session.file.check.maxSpread {
                let values = try done.compactMap { id in try session.store.metrics(runID: id).first { $0.name == metric }?.value }
                guard let lowest = values.min(), let highest = values.max(), values.count >= 2 else {
                    throw CommandError("\(metric) of \(key.isEmpty ? "the configuration" : key): \(values.count) seed(s) finished; a spread needs 2 or more")
                }
                let name = "\(metric) spread over \(values.count) seeds" + (key.isEmpty ? "" : " (\(key))")
                let spread = highest - lowest
                rows.append(Row(name: name, observed: String(format: "%.4g", spread), limit: String(format: "%.4g", tolerance),
                                holds: spread <= tolerance))
            }
        }
        return rows
    }

    /// Trains the first run with `seed` again, outside the database, with the thread count it was
    /// trained with (any count gives the same bits), and compares the loss curves exactly.
    func replay(seed: Int) throws -> Row {
        guard var entry = session.entries(prefixed: false).first(where: { $0.configuration.seed == seed }) else {
            throw BadInput(session.file.problem(at: "check.reproduce_seed", "seed \(seed) is not among the runs' seeds").description)
        }
        let stored = try session.store.curve(runID: entry.id)
        let threads = try session.store.run(id: entry.id)?.machine?.threads ?? SweepRunner.threadsPerRun
        printProgress("replaying run \(entry.id) (\(entry.label)) with \(threads) worker thread(s) to compare its loss curve")
        entry.adapterDirectory = nil  // a replay compares; the kept adapter stays the original run's
        let finished = launcher.launch(entry, threads: threads, started: { _ in }, progress: { _ in })
        guard let outcome = finished.outcome else { throw CommandError("the replay failed: \(finished.failure)") }
        let name = "loss curve of seed \(seed) replayed"
        guard outcome.curve.count == stored.count else {
            return Row(name: name, observed: "\(outcome.curve.count) vs \(stored.count) steps", limit: "identical", holds: false)
        }
        if let step = zip(outcome.curve, stored).enumerated().first(where: { $1.0.loss.bitPattern != $1.1.loss.bitPattern })?.offset {
            return Row(name: name, observed: "differs at step \(step + 1)", limit: "identical", holds: false)
        }
        return Row(name: name, observed: "\(stored.count) steps identical", limit: "identical", holds: true)
    }
}
