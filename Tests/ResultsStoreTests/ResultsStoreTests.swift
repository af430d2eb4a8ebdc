import Foundation
import GRDB
import Synchronization
import Testing
@testable import ResultsStore

// MARK: - Fixtures

typealias Registration = (id: String, knobs: RunKnobs, configurationJSON: String, axisValuesJSON: String)

func knobs(rank: Int = 8, seed: Int = 1) -> RunKnobs {
    RunKnobs(
        rank: rank, alpha: 16, scale: 16 / Double(rank), targets: ["q", "v"], quantization: "none",
        optimizer: "adamw", lr: 3e-4, schedule: "cosine", passes: 1, seed: seed)
}

func experiment(_ name: String = "rank-sweep", axes: [String] = ["rank", "seed"]) -> ExperimentRecord {
    ExperimentRecord(
        name: name, purpose: "How does the rank change the result?", sourcePath: "experiments/\(name).toml",
        sourceText: "# \(name)\n[grid]\nrank = [4, 8]\n", metric: "facts", higherIsBetter: true, axes: axes)
}

/// `count` runs with ids 0000000000000000, 0000000000000001, … (offset by `first`).
func registrations(_ count: Int, first: Int = 0) -> [Registration] {
    (first..<first + count).map { i in
        (id: String(format: "%016x", i), knobs: knobs(rank: 4, seed: i),
         configurationJSON: #"{"rank":4,"seed":\#(i)}"#, axisValuesJSON: #"{"rank":4,"seed":\#(i)}"#)
    }
}

let machine = MachineFingerprint(cpu: "Intel(R) Xeon(R) Platinum 8375C", blas: "SkylakeX", threads: 2)

/// A fresh directory under the system's temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("results-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

// MARK: - Tests

@Suite struct ResultsStoreTests {
    @Test("A store opened to read leaves the database file byte for byte as it was, and reads what was written")
    func readingOnlyLeavesTheFileUnchanged() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("runs.sqlite").path
        do {
            let store = try ResultsStore(path: path)
            try store.register(experiment: experiment(), runs: registrations(2))
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for _ in 0..<2 {
            let reader = try ResultsStore(readingOnly: path)
            #expect(try reader.experiments().map(\.name) == ["rank-sweep"])
            #expect(try reader.runs(experiment: "rank-sweep").count == 2)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("A database from before kept adapters reads as it is: unchanged, its runs without adapters")
    func aFirstVersionDatabaseReadsWithoutAdapters() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("runs.sqlite").path
        try ResultsStore(path: path).register(experiment: experiment(), runs: registrations(1))
        try DatabaseQueue(path: path).write { db in  // back to the first version's schema
            try db.execute(sql: "DROP TABLE adapters; DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [Migrations.keptAdapters])
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let reader = try ResultsStore(readingOnly: path)
        #expect(try reader.adapterDirectory(runID: registrations(1)[0].id) == nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("Opening a file that is not a results database to read says so")
    func readingOnlyRefusesOtherFiles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("notes.txt").path
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ResultsStoreError.self) { try ResultsStore(readingOnly: path) }
    }

    @Test func migrationsCreateEveryTableInAFileInWALMode() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("results/runs.sqlite").path

        let store = try ResultsStore(path: path)

        let tables = try store.strings("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        #expect(tables == [
            "adapters", "base_evaluations", "base_metrics", "curves", "experiment_runs", "experiments", "grdb_migrations", "metrics",
            "run_base_evaluations", "runs",
        ])
        #expect(try store.strings("SELECT identifier FROM grdb_migrations ORDER BY identifier")
            == ["v1-experiments-runs-metrics-curves", "v2-kept-adapters", "v3-base-evaluations"])
        #expect(try store.strings("PRAGMA journal_mode") == ["wal"])
        #expect(try store.strings("PRAGMA foreign_keys") == ["1"])
        // Opening the migrated file again changes nothing.
        _ = try ResultsStore(path: path)
        #expect(try store.strings("SELECT count(*) FROM grdb_migrations") == ["3"])
    }

    @Test func registeringRunsRecordsThemPendingInOrderWithTheirKnobs() throws {
        let store = try ResultsStore.inMemory()

        try store.register(experiment: experiment(), runs: registrations(3, first: 5).reversed())

        let runs = try store.runs(experiment: "rank-sweep")
        #expect(runs.map(\.id) == ["0000000000000007", "0000000000000006", "0000000000000005"])
        #expect(runs.allSatisfy { $0.status == .pending && $0.worker == nil && $0.machine == nil })
        #expect(runs[0].knobs == knobs(rank: 4, seed: 7))
        #expect(runs[0].configurationJSON == #"{"rank":4,"seed":7}"#)
        #expect(try store.strings("SELECT targets FROM runs LIMIT 1") == ["q,v"])
        let stored = try #require(try store.experiment(named: "rank-sweep"))
        #expect(stored.axes == ["rank", "seed"])
        #expect(stored.sourceText == experiment().sourceText)
        #expect(stored.higherIsBetter)
        #expect(stored.updatedAt != nil)
        #expect(try store.experiments().map(\.name) == ["rank-sweep"])
        #expect(try store.statusCounts(experiment: "rank-sweep") == StatusCounts(pending: 3))
    }

    @Test func registeringTwiceKeepsOneRowPerRunAndKeepsADoneRunDone() throws {
        let store = try ResultsStore.inMemory()
        try store.register(experiment: experiment(), runs: registrations(2))
        #expect(try store.claim(runID: "0000000000000000", worker: "host:1"))
        try store.finish(
            runID: "0000000000000000", metrics: [Metric(name: "facts", value: 0.5)], curve: [],
            trainableParameters: 1024, codeVersion: "abc123", machine: machine)

        var edited = experiment()
        edited.purpose = "Edited purpose"
        try store.register(experiment: edited, runs: registrations(2))

        #expect(try store.strings("SELECT count(*) FROM runs") == ["2"])
        #expect(try store.strings("SELECT count(*) FROM experiments") == ["1"])
        #expect(try store.strings("SELECT count(*) FROM experiment_runs") == ["2"])
        let done = try #require(try store.run(id: "0000000000000000"))
        #expect(done.status == .done)
        #expect(try store.metrics(runID: done.id) == [Metric(name: "facts", value: 0.5)])
        #expect(try store.experiment(named: "rank-sweep")?.purpose == "Edited purpose")
    }

    @Test func registeringASmallerGridUnlinksTheDroppedRunsButKeepsThem() throws {
        let store = try ResultsStore.inMemory()
        try store.register(experiment: experiment(), runs: registrations(3))

        try store.register(experiment: experiment(), runs: Array(registrations(3).suffix(2)))

        #expect(try store.runs(experiment: "rank-sweep").map(\.id) == ["0000000000000001", "0000000000000002"])
        #expect(try store.run(id: "0000000000000000") != nil)
    }

    @Test func aRunSharedByTwoExperimentsIsOneRunInBoth() throws {
        let store = try ResultsStore.inMemory()
        let shared = registrations(1)[0]
        try store.register(experiment: experiment("ranks"), runs: [shared] + registrations(1, first: 1))
        try store.register(
            experiment: experiment("targets", axes: ["targets"]),
            runs: [(id: shared.id, knobs: shared.knobs, configurationJSON: shared.configurationJSON,
                    axisValuesJSON: #"{"targets":"q,v"}"#)])

        #expect(try store.claim(runID: shared.id, worker: "host:1"))
        try store.finish(
            runID: shared.id, metrics: [Metric(name: "facts", value: 0.75)], curve: [],
            trainableParameters: 10, codeVersion: "v", machine: machine)

        #expect(try store.strings("SELECT count(*) FROM runs") == ["2"])
        #expect(try store.runs(experiment: "ranks").map(\.id) == [shared.id, "0000000000000001"])
        #expect(try store.runs(experiment: "targets").map(\.status) == [.done])
        #expect(try store.statusCounts(experiment: "ranks") == StatusCounts(pending: 1, done: 1))
        #expect(try store.axisValues(experiment: "ranks", runID: shared.id) == ["rank": "4", "seed": "0"])
        #expect(try store.axisValues(experiment: "targets", runID: shared.id) == ["targets": "q,v"])
        #expect(try store.axisValues(experiment: "targets", runID: "0000000000000001") == [:])
        #expect(try store.experiments().map(\.name) == ["ranks", "targets"])
    }

    @Test func claimingTakesPendingRunsInOrderAndNeverTwice() throws {
        let store = try ResultsStore.inMemory()
        try store.register(experiment: experiment(), runs: registrations(2))

        let first = try #require(try store.claimNextPending(experiment: "rank-sweep", worker: "host:1"))
        #expect(first.id == "0000000000000000")
        #expect(first.status == .running)
        #expect(first.worker == "host:1")
        #expect(first.claimedAt != nil)
        #expect(try store.claim(runID: "0000000000000001", worker: "host:2"))
        #expect(try !store.claim(runID: "0000000000000001", worker: "host:3"))
        #expect(try !store.claim(runID: "ffffffffffffffff", worker: "host:3"))
        #expect(try store.claimNextPending(experiment: "rank-sweep", worker: "host:1") == nil)
        #expect(try store.claimNextPending(experiment: "no-such-experiment", worker: "host:1") == nil)
    }

    @Test func storesOpeningOneNewFileAtOnceEachGetTheMigratedDatabase() throws {
        for _ in 0..<5 {
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("runs.sqlite").path
            let opened = Mutex<[Bool]>([])
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                let store = try? ResultsStore(path: path)
                let usable = (try? store?.runs(experiment: "rank-sweep")) != nil
                opened.withLock { $0.append(usable) }
            }
            #expect(opened.withLock { $0 } == Array(repeating: true, count: 6))
        }
    }

    @Test func twoStoresOnOneFileClaimingConcurrentlyClaimEachRunExactlyOnce() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("runs.sqlite").path
        let stores = [try ResultsStore(path: path), try ResultsStore(path: path)]
        try stores[0].register(experiment: experiment(), runs: registrations(50))

        // Each task hands back its worker name with its claims: results arrive in completion order.
        let claimed = try await withThrowingTaskGroup(of: (worker: String, ids: [String]).self) { group in
            for (index, store) in stores.enumerated() {
                group.addTask {
                    let worker = "host:\(index)"
                    var ids: [String] = []
                    while let run = try store.claimNextPending(experiment: "rank-sweep", worker: worker) {
                        ids.append(run.id)
                    }
                    return (worker, ids)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        let all = claimed.flatMap(\.ids)
        #expect(all.count == 50)
        #expect(Set(all) == Set(registrations(50).map(\.id)))
        #expect(try stores[1].statusCounts(experiment: "rank-sweep") == StatusCounts(running: 50))
        // Each worker recorded as the claimer is the one that got the run.
        for (worker, ids) in claimed {
            let workers = try stores[0].runs(experiment: "rank-sweep").filter { ids.contains($0.id) }.map(\.worker)
            #expect(workers.allSatisfy { $0 == worker })
        }
    }

    @Test func finishingWritesMetricsCurveAndProvenanceAndMarksTheRunDone() throws {
        let store = try ResultsStore.inMemory()
        try store.register(experiment: experiment(), runs: registrations(1))
        let id = registrations(1)[0].id
        #expect(try store.claim(runID: id, worker: "host:1"))
        let metrics = [
            Metric(name: "facts", value: 0.62, stderr: 0.03, n: 250),
            Metric(name: "peak-memory-bytes.adapter", value: 65536),
            Metric(name: "tokens-per-second", value: 1234.5),
        ]
        let curve = (1...3).map { CurvePoint(step: $0, loss: 3.0 / Double($0), lr: 3e-4) }

        try store.finish(
            runID: id, metrics: metrics.reversed(), curve: curve.reversed(), trainableParameters: 4096,
            codeVersion: "1a2b3c", machine: machine)

        let run = try #require(try store.run(id: id))
        #expect(run.status == .done)
        #expect(run.trainableParameters == 4096)
        #expect(run.codeVersion == "1a2b3c")
        #expect(run.machine == machine)
        #expect(run.finishedAt != nil)
        #expect(try store.metrics(runID: id) == metrics)
        #expect(try store.curve(runID: id) == curve)
    }

    @Test func aFinishThatCannotBeWrittenLeavesNoTrace() throws {
        let store = try ResultsStore.inMemory()
        try store.register(experiment: experiment(), runs: registrations(1))
        let id = registrations(1)[0].id
        #expect(try store.claim(runID: id, worker: "host:1"))

        // The second "facts" breaks the (run_id, name) key after the curve and first metric went in.
        #expect(throws: ResultsStoreError.self) {
            try store.finish(
                runID: id, metrics: [Metric(name: "facts", value: 0.5), Metric(name: "facts", value: 0.6)],
                curve: [CurvePoint(step: 1, loss: 2, lr: 1e-3)], trainableParameters: 1, codeVersion: "v",
                machine: machine)
        }

        #expect(try store.run(id: id)?.status == .running)
        #expect(try store.metrics(runID: id).isEmpty)
        #expect(try store.curve(runID: id).isEmpty)
    }

    @Test func finishingAnUnknownRunIsAnErrorNamingTheRun() throws {
        let store = try ResultsStore.inMemory()
        let error = #expect(throws: ResultsStoreError.self) {
            try store.finish(
                runID: "0123456789abcdef", metrics: [], curve: [], trainableParameters: 1, codeVersion: "v",
                machine: machine)
        }
        #expect(error?.reason.contains("0123456789abcdef") == true)
    }

    @Test func failingRecordsTheErrorTheStepAndTheCurveSoFar() throws {
        let store = try ResultsStore.inMemory()
        try store.register(experiment: experiment(), runs: registrations(2))
        let id = registrations(1)[0].id
        #expect(try store.claim(runID: id, worker: "host:1"))

        try store.fail(
            runID: id, error: "loss is NaN at step 3", step: 3,
            curve: [CurvePoint(step: 1, loss: 2.5, lr: 1e-2), CurvePoint(step: 3, loss: .nan, lr: 1e-2)])

        let run = try #require(try store.run(id: id))
        #expect(run.status == .failed)
        #expect(run.error == "loss is NaN at step 3")
        #expect(run.failedStep == 3)
        let curve = try store.curve(runID: id)
        #expect(curve.map(\.step) == [1, 3])
        #expect(curve[1].loss.isNaN)
        #expect(try store.strings("SELECT quote(loss) FROM curves WHERE step = 3") == ["NULL"])
        #expect(try store.statusCounts(experiment: "rank-sweep") == StatusCounts(pending: 1, failed: 1))
    }

    @Test func registeringTheSameExperimentAgainWritesNothing() throws {
        let store = try ResultsStore.inMemory()
        try store.register(experiment: experiment(), runs: registrations(2))
        let first = try #require(try store.experiment(named: "rank-sweep")?.updatedAt)

        try store.register(experiment: experiment(), runs: registrations(2))

        #expect(try store.experiment(named: "rank-sweep")?.updatedAt == first)
        #expect(try store.isRegistered(experiment: experiment(), runs: registrations(2).map { ($0.id, $0.axisValuesJSON) }))
    }

    @Test func anExperimentWithAnotherRunListIsNotRegisteredYet() throws {
        let store = try ResultsStore.inMemory()
        try store.register(experiment: experiment(), runs: registrations(2))
        var edited = experiment()
        edited.purpose = "another purpose"

        #expect(try !store.isRegistered(experiment: experiment(), runs: registrations(3).map { ($0.id, $0.axisValuesJSON) }))
        #expect(try !store.isRegistered(experiment: edited, runs: registrations(2).map { ($0.id, $0.axisValuesJSON) }))
    }

    @Test func releasingDeadWorkersReturnsOnlyTheirRunsToPending() throws {
        let store = try ResultsStore.inMemory()
        try store.register(experiment: experiment(), runs: registrations(4))
        #expect(try store.claim(runID: "0000000000000000", worker: "host:100"))
        #expect(try store.claim(runID: "0000000000000001", worker: "host:200"))
        #expect(try store.claim(runID: "0000000000000002", worker: "host:300"))

        let released = try store.releaseRunning(where: { $0 == "host:100" })

        #expect(released == ["0000000000000000"])
        let runs = try store.runs(experiment: "rank-sweep")
        #expect(runs.map(\.status) == [.pending, .running, .running, .pending])
        #expect(runs[0].worker == nil && runs[0].claimedAt == nil)
        #expect(try store.statusCounts(experiment: "rank-sweep") == StatusCounts(pending: 2, running: 2))
    }

    @Test func onlyALocalWorkerWhoseProcessIsGoneIsDead() {
        let host = ProcessInfo.processInfo.hostName
        #expect(!ResultsStore.localWorkerIsDead(ResultsStore.currentWorker))
        #expect(ResultsStore.localWorkerIsDead("\(host):\(Int32.max)"))
        #expect(!ResultsStore.localWorkerIsDead("some-other-host:\(Int32.max)"))
        #expect(!ResultsStore.localWorkerIsDead("not a worker"))
    }

    @Test func resettingADoneRunMakesItPendingAndForgetsItsResults() throws {
        let store = try ResultsStore.inMemory()
        try store.register(experiment: experiment(), runs: registrations(1))
        let id = registrations(1)[0].id
        #expect(try store.claim(runID: id, worker: "host:1"))
        try store.finish(
            runID: id, metrics: [Metric(name: "facts", value: 0.5)], curve: [CurvePoint(step: 1, loss: 2, lr: 1)],
            trainableParameters: 1, codeVersion: "v", machine: machine)

        #expect(try store.reset(runIDs: [id, "ffffffffffffffff"]) == 1)

        let run = try #require(try store.run(id: id))
        #expect(run == RunRecord(id: id, status: .pending, configurationJSON: run.configurationJSON, knobs: run.knobs))
        #expect(try store.metrics(runID: id).isEmpty)
        #expect(try store.curve(runID: id).isEmpty)
    }

    @Test func integrityCheckOfASoundFileIsOK() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try ResultsStore(path: directory.appendingPathComponent("runs.sqlite").path)
        try store.register(experiment: experiment(), runs: registrations(3))

        #expect(try store.strings("PRAGMA integrity_check") == ["ok"])
    }

    @Test func aPathThatCannotBeCreatedGivesAnErrorNamingIt() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A regular file where the directory should be: fails even for root.
        let file = directory.appendingPathComponent("not-a-directory")
        try Data("x".utf8).write(to: file)
        let path = file.appendingPathComponent("results/runs.sqlite").path

        let error = #expect(throws: ResultsStoreError.self) { try ResultsStore(path: path) }

        #expect(error?.path == path)
        #expect(error?.description.contains(path) == true)
        #expect(error?.reason.contains("\(file.path) is a file, not a directory") == true)
    }

    @Test func aDirectoryInPlaceOfTheFileGivesAnErrorNamingIt() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        let error = #expect(throws: ResultsStoreError.self) { try ResultsStore(path: directory.path) }

        #expect(error?.path == directory.path)
        #expect(error?.reason == "it is a directory, not a file")
    }
}
