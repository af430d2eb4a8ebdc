import Foundation
import GRDB
import Testing
@testable import ResultsStore

private func evaluation(_ id: String = "00000000000000aa", facts: Double = 0.9) -> BaseEvaluation {
    BaseEvaluation(
        id: id, settingsJSON: #"{"benchmarks":["facts","arith-2ds"],"dataset":"alpaca"}"#, baseModelHash: "b", codeVersion: "c",
        metrics: [
            Metric(name: "facts", value: facts, stderr: 0.01, n: 592), Metric(name: "arith-2ds", value: 0.05, stderr: 0.01, n: 400),
            Metric(name: "heldout-loss", value: 3.1, stderr: 0.1, n: 100),
        ],
        chance: ["facts": 0.25, "arith-2ds": 0], machine: machine)
}

@Suite("Base evaluations: the base model's scores with the runs' evaluation settings")
struct BaseEvaluationTests {
    @Test("Given runs linked to an evaluation, when it is recorded, then each run reads it back with its chance levels")
    func recordAndReadBack() throws {
        let store = try ResultsStore.inMemory()
        let runs = registrations(2)
        try store.register(experiment: experiment(), runs: runs)
        let links = runs.map { (runID: $0.id, evaluationID: "00000000000000aa") }
        try store.linkBaseEvaluations(links)
        #expect(try store.hasBaseEvaluationLinks(links))
        #expect(try !store.hasBaseEvaluations(links))
        #expect(try store.missingBaseEvaluations(["00000000000000aa"]) == ["00000000000000aa"])

        try store.record(evaluation())

        #expect(try store.hasBaseEvaluations(links))
        #expect(try store.missingBaseEvaluations(["00000000000000aa"]).isEmpty)
        let read = try #require(try store.baseEvaluation(runID: runs[1].id))
        #expect(read.metrics.map(\.name) == ["arith-2ds", "facts", "heldout-loss"])
        #expect(read.chance == ["facts": 0.25, "arith-2ds": 0])
        #expect(read.machine == machine)
        #expect(read.settingsJSON == evaluation().settingsJSON)
    }

    @Test("Recording an evaluation again replaces it; a link to another id is not settled")
    func replaceAndRelink() throws {
        let store = try ResultsStore.inMemory()
        let runs = registrations(1)
        try store.register(experiment: experiment(), runs: runs)
        try store.linkBaseEvaluations([(runs[0].id, "00000000000000aa")])
        try store.record(evaluation(facts: 0.8))
        try store.record(evaluation(facts: 0.9))
        #expect(try store.baseEvaluation(id: "00000000000000aa")?.metrics.first { $0.name == "facts" }?.value == 0.9)
        #expect(try !store.hasBaseEvaluations([(runs[0].id, "00000000000000bb")]))
    }

    @Test("Given a database from before base evaluations, when opened to read, then it is unchanged and has none; when opened to write, then it is migrated with its runs kept")
    func migratesAnOldDatabase() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("runs.sqlite").path
        // Given: a finished run in the schema as it was before this migration.
        let runs = registrations(1)
        do {
            let store = try ResultsStore(path: path)
            try store.register(experiment: experiment(), runs: runs)
            try store.finish(runID: runs[0].id, metrics: [Metric(name: "facts", value: 0.7)], curve: [], trainableParameters: 1,
                             codeVersion: "c", machine: machine)
        }
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "DROP TABLE base_metrics; DROP TABLE base_evaluations; DROP TABLE run_base_evaluations")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [Migrations.baseEvaluations])
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let reader = try ResultsStore(readingOnly: path)
        #expect(try reader.baseEvaluation(runID: runs[0].id) == nil)
        #expect(try !reader.hasBaseEvaluations([(runs[0].id, "00000000000000aa")]))
        #expect(try reader.missingBaseEvaluations(["00000000000000aa"]) == ["00000000000000aa"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)

        // When: a sweep opens it to write (which migrates it), links its run and records the evaluation.
        let writer = try ResultsStore(path: path)
        try writer.linkBaseEvaluations([(runs[0].id, "00000000000000aa")])
        try writer.record(evaluation())
        // Then: the new tables exist and the run is as it was.
        #expect(try writer.strings("SELECT identifier FROM grdb_migrations ORDER BY identifier").contains(Migrations.baseEvaluations))
        #expect(try writer.metrics(runID: runs[0].id) == [Metric(name: "facts", value: 0.7)])
        #expect(try writer.baseEvaluation(runID: runs[0].id)?.chance["facts"] == 0.25)
    }
}
