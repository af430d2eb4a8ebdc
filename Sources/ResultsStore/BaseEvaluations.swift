import Foundation
import GRDB

/// The base model scored with the evaluation settings of some runs (their benchmarks, item limit and
/// held-out data): the "base" row of their tables, and the chance level of each benchmark's items.
/// Its id hashes the settings with the base model's and the data's hashes, so runs that would evaluate
/// the base model identically share one.
public struct BaseEvaluation: Sendable, Equatable {
    public var id: String
    /// The evaluation settings, as canonical JSON.
    public var settingsJSON: String
    public var baseModelHash: String
    public var codeVersion: String
    /// Benchmark scores, the held-out loss and the evaluation's time, as a run's are named.
    public var metrics: [Metric]
    /// Benchmark name → the chance level of its items.
    public var chance: [String: Double]
    public var machine: MachineFingerprint?
    /// Set by `record` when nil.
    public var finishedAt: Date?

    public init(
        id: String, settingsJSON: String, baseModelHash: String, codeVersion: String, metrics: [Metric],
        chance: [String: Double], machine: MachineFingerprint? = nil, finishedAt: Date? = nil
    ) {
        self.id = id
        self.settingsJSON = settingsJSON
        self.baseModelHash = baseModelHash
        self.codeVersion = codeVersion
        self.metrics = metrics
        self.chance = chance
        self.machine = machine
        self.finishedAt = finishedAt
    }
}

extension ResultsStore {
    /// Records which base evaluation each run compares with (replacing an older link).
    public func linkBaseEvaluations(_ links: [(runID: String, evaluationID: String)]) throws {
        try write { db in
            for link in links {
                try db.execute(sql: "INSERT OR REPLACE INTO run_base_evaluations (run_id, evaluation_id) VALUES (?, ?)",
                               arguments: [link.runID, link.evaluationID])
            }
        }
    }

    /// Whether every run is linked to exactly the given evaluation (recorded or not).
    public func hasBaseEvaluationLinks(_ links: [(runID: String, evaluationID: String)]) throws -> Bool {
        try read { db in
            guard try db.tableExists("run_base_evaluations") else { return links.isEmpty }
            return try links.allSatisfy { link in
                try String.fetchOne(db, sql: "SELECT evaluation_id FROM run_base_evaluations WHERE run_id = ?",
                                    arguments: [link.runID]) == link.evaluationID
            }
        }
    }

    /// Whether every run is linked to exactly the given evaluation and every one of them is recorded:
    /// a sweep with nothing to evaluate. False on a database older than base evaluations.
    public func hasBaseEvaluations(_ links: [(runID: String, evaluationID: String)]) throws -> Bool {
        try read { db in
            guard try db.tableExists("run_base_evaluations") else { return links.isEmpty }
            for link in links {
                let linked = try String.fetchOne(db, sql: "SELECT evaluation_id FROM run_base_evaluations WHERE run_id = ?",
                                                 arguments: [link.runID])
                guard linked == link.evaluationID else { return false }
            }
            let ids = Set(links.map(\.evaluationID))
            return try ids.allSatisfy { id in
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM base_evaluations WHERE id = ?)", arguments: [id]) ?? false
            }
        }
    }

    /// Of `ids`, those not recorded yet, in the order given.
    public func missingBaseEvaluations(_ ids: [String]) throws -> [String] {
        try read { db in
            guard try db.tableExists("base_evaluations") else { return ids }
            return try ids.filter { id in
                try !(Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM base_evaluations WHERE id = ?)", arguments: [id]) ?? false)
            }
        }
    }

    /// Writes an evaluation and its metrics, replacing one with the same id, all or nothing.
    public func record(_ evaluation: BaseEvaluation) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM base_evaluations WHERE id = ?", arguments: [evaluation.id])
            try db.execute(
                sql: """
                    INSERT INTO base_evaluations (id, settings_json, base_model_hash, code_version, cpu, blas, threads, finished_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    evaluation.id, evaluation.settingsJSON, evaluation.baseModelHash, evaluation.codeVersion,
                    evaluation.machine?.cpu, evaluation.machine?.blas, evaluation.machine?.threads, evaluation.finishedAt ?? Date(),
                ])
            var names = Set<String>()
            for metric in evaluation.metrics {
                names.insert(metric.name)
                try db.execute(
                    sql: "INSERT INTO base_metrics (evaluation_id, name, value, stderr, n, chance) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [evaluation.id, metric.name, metric.value.isNaN ? nil : metric.value, metric.stderr, metric.n,
                                evaluation.chance[metric.name]])
            }
            for (name, chance) in evaluation.chance.sorted(by: { $0.key < $1.key }) where !names.contains(name) {
                throw ResultsStoreError(path: path, reason: "base evaluation \(evaluation.id) has a chance level (\(chance)) for \(name) but no score")
            }
        }
    }

    /// The evaluation with `id`; nil when it is not recorded (or the database predates them).
    public func baseEvaluation(id: String) throws -> BaseEvaluation? {
        try read { db in
            guard try db.tableExists("base_evaluations"),
                let row = try Row.fetchOne(db, sql: "SELECT * FROM base_evaluations WHERE id = ?", arguments: [id])
            else { return nil }
            var metrics: [Metric] = []
            var chance: [String: Double] = [:]
            for metric in try Row.fetchAll(db, sql: "SELECT * FROM base_metrics WHERE evaluation_id = ? ORDER BY name", arguments: [id]) {
                let name: String = metric["name"]
                metrics.append(Metric(name: name, value: metric["value"] ?? .nan, stderr: metric["stderr"], n: metric["n"]))
                if let level: Double = metric["chance"] { chance[name] = level }
            }
            var machine: MachineFingerprint?
            if let cpu: String = row["cpu"], let blas: String = row["blas"], let threads: Int = row["threads"] {
                machine = MachineFingerprint(cpu: cpu, blas: blas, threads: threads)
            }
            return BaseEvaluation(
                id: id, settingsJSON: row["settings_json"], baseModelHash: row["base_model_hash"], codeVersion: row["code_version"],
                metrics: metrics, chance: chance, machine: machine, finishedAt: row["finished_at"])
        }
    }

    /// The id of the base evaluation a run compares with; nil when it has no link.
    public func baseEvaluationID(runID: String) throws -> String? {
        try read { db in
            guard try db.tableExists("run_base_evaluations") else { return nil }
            return try String.fetchOne(db, sql: "SELECT evaluation_id FROM run_base_evaluations WHERE run_id = ?", arguments: [runID])
        }
    }

    /// The recorded base evaluation a run compares with; nil when none is linked or recorded.
    public func baseEvaluation(runID: String) throws -> BaseEvaluation? {
        guard let id = try baseEvaluationID(runID: runID) else { return nil }
        return try baseEvaluation(id: id)
    }
}
