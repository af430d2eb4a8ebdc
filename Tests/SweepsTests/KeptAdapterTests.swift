import Adapters
import Experiments
import Foundation
import ResultsStore
import Testing
@testable import Sweeps

@Suite("Adapters a sweep keeps, and the best arm")
struct KeptAdapterTests {
    /// Succeeds like `FakeLauncher.succeeding`, and writes a stand-in adapter where the entry says.
    static let keeping = FakeLauncher { run in
        if let directory = run.adapterDirectory {
            let url = URL(fileURLWithPath: directory)
            try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try? Data("{\"base_model_name_or_path\": \"unused\"}".utf8).write(to: url.appendingPathComponent(LoRA.configFile))
            try? Data("weights of \(run.id)".utf8).write(to: url.appendingPathComponent(LoRA.weightsFile))
        }
        return LaunchResult(outcome: FakeLauncher.outcome(rank: run.configuration.rank))
    }

    @Test func everyDoneRunKeepsItsAdapterBesideTheDatabaseAndTheDatabaseSaysWhere() throws {
        let grid = try GridFixture()
        defer { grid.remove() }
        try grid.session.register()
        _ = try LocalBackend(jobs: 2, launcher: Self.keeping).train([grid.session])

        for run in try grid.session.store.runs(experiment: "grid") {
            let kept = try #require(try grid.session.store.adapterDirectory(runID: run.id))
            #expect(kept == grid.directory.appendingPathComponent("adapters/\(run.id)").standardizedFileURL)
            #expect(try Data(contentsOf: kept.appendingPathComponent(LoRA.weightsFile)) == Data("weights of \(run.id)".utf8))
        }
    }

    @Test func exportWritesTheKeptAdapterAndRefusesARunThatKeptNone() throws {
        let grid = try GridFixture()
        defer { grid.remove() }
        try grid.session.register()
        let store = grid.session.store
        let first = try #require(try store.runs(experiment: "grid").first)
        #expect(throws: BadInput.self) { try AdapterExport(store: store, runID: first.id).write(to: grid.directory, merged: false) }

        _ = try LocalBackend(jobs: 1, launcher: Self.keeping).train([grid.session])
        let out = grid.directory.appendingPathComponent("exported")
        try AdapterExport(store: store, runID: first.id).write(to: out, merged: false)
        #expect(try Data(contentsOf: out.appendingPathComponent(LoRA.weightsFile)) == Data("weights of \(first.id)".utf8))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(LoRA.configFile).path))
    }

    @Test func theBestArmHasTheBestMeanOverItsSeedsInTheMetricsDirection() throws {
        let grid = try GridFixture()
        defer { grid.remove() }
        try grid.session.register()
        _ = try LocalBackend(jobs: 2, launcher: FakeLauncher.succeeding).train([grid.session])

        let byFacts = try BestArm(experiment: "grid", metric: "facts", store: grid.session.store)
        #expect(byFacts.higherIsBetter)
        #expect(byFacts.ranking.map(\.mean) == [4, 2])
        #expect(byFacts.best.configuration.rank == 4 && byFacts.best.runIDs.count == 2)
        #expect(throws: BadInput.self) { try BestArm(experiment: "grid", metric: "steps", store: grid.session.store) }
        #expect(throws: BadInput.self) { try BestArm(experiment: "nonesuch", metric: nil, store: grid.session.store) }
    }
}
