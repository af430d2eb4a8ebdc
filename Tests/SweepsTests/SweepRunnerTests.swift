import Experiments
import Foundation
import ResultsStore
import Testing
@testable import Sweeps

@Suite("The sweep runner, driven in-process with a fake launcher")
struct SweepRunnerTests {
    @Test func aSweepRecordsEveryRunOfThePlanOnce() throws {
        let grid = try GridFixture()
        defer { grid.remove() }
        try grid.session.register()

        let summary = try LocalBackend(jobs: 2, launcher: FakeLauncher.succeeding).train([grid.session])

        #expect(summary == SweepRunner.Summary(trained: 4, failed: 0, interrupted: false))
        let runs = try grid.session.store.runs(experiment: "grid")
        #expect(runs.map(\.status) == [.done, .done, .done, .done])
        for run in runs {
            let rank = try #require(try grid.session.store.metrics(runID: run.id).first { $0.name == "facts" })
            #expect(rank.value == Double(run.knobs.rank))
        }
    }

    @Test func aSecondSweepOfAFinishedPlanLaunchesNothing() throws {
        let grid = try GridFixture()
        defer { grid.remove() }
        try grid.session.register()
        _ = try LocalBackend(jobs: 1, launcher: FakeLauncher.succeeding).train([grid.session])

        let again = try LocalBackend(jobs: 1, launcher: FakeLauncher { _ in
            Issue.record("a finished run was launched again")
            return LaunchResult(outcome: nil, failure: "launched twice")
        }).train([grid.session])

        #expect(again.trained == 0 && again.failed == 0)
    }

    @Test func aRunThatCrashesIsRecordedAsFailedAndTheOthersStillTrain() throws {
        let grid = try GridFixture()
        defer { grid.remove() }
        try grid.session.register()
        let crashing = FakeLauncher { run in
            run.configuration.rank == 4 && run.configuration.seed == 2
                ? LaunchResult(outcome: nil, failure: "the worker was killed by signal 11")
                : LaunchResult(outcome: FakeLauncher.outcome(rank: run.configuration.rank))
        }

        let summary = try LocalBackend(jobs: 2, launcher: crashing).train([grid.session])

        #expect(summary.trained == 3 && summary.failed == 1)
        let failed = try grid.session.store.runs(experiment: "grid").filter { $0.status == .failed }
        #expect(failed.map(\.error) == ["the worker was killed by signal 11"])
    }

    @Test func anInterruptedRunGoesBackToPendingAndStopsTheSweep() throws {
        let grid = try GridFixture()
        defer { grid.remove() }
        try grid.session.register()
        let interrupted = FakeLauncher { _ in LaunchResult(outcome: nil, failure: "SIGINT", interrupted: true) }

        let summary = try LocalBackend(jobs: 1, launcher: interrupted).train([grid.session])

        #expect(summary == SweepRunner.Summary(trained: 0, failed: 0, interrupted: true))
        #expect(try grid.session.store.statusCounts(experiment: "grid") == StatusCounts(pending: 4))
    }

    @Test func aDivergedRunIsRecordedWithItsStepAndCurve() throws {
        let grid = try GridFixture()
        defer { grid.remove() }
        try grid.session.register()
        let diverging = FakeLauncher { run in
            var outcome = FakeLauncher.outcome(rank: run.configuration.rank)
            outcome.error = "diverged at step 1: loss nan"
            outcome.failedStep = 0
            return LaunchResult(outcome: outcome)
        }

        _ = try LocalBackend(jobs: 1, launcher: diverging).train([grid.session])

        let runs = try grid.session.store.runs(experiment: "grid")
        #expect(runs.allSatisfy { $0.status == .failed && $0.error == "diverged at step 1: loss nan" })
        #expect(try grid.session.store.curve(runID: runs[0].id).count == 1)
    }
}

@Suite("What the database is left as")
struct SweepStoreTests {
    @Test func aSweepWithNothingToTrainOpensTheDatabaseReadOnlyAndLeavesItByteForByte() throws {
        let grid = try GridFixture()
        defer { grid.remove() }
        try grid.session.register()
        try BaseEvaluating.evaluateMissing([grid.session], evaluator: FakeBaseEvaluator().evaluate)
        _ = try LocalBackend(jobs: 1, launcher: FakeLauncher.succeeding).train([grid.session])
        let path = grid.databasePath
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        let store = try ExperimentSession.openStore(path, forPlans: [(grid.session.file, grid.session.plan)])
        let again = ExperimentSession(file: grid.session.file, plan: grid.session.plan, store: store)
        _ = try LocalBackend(jobs: 1, launcher: FakeLauncher.succeeding).train([again])

        #expect(store.isReadOnly)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func aPlanWhoseBaseEvaluationIsMissingOpensTheDatabaseForWriting() throws {
        let grid = try GridFixture()
        defer { grid.remove() }
        try grid.session.register()
        _ = try LocalBackend(jobs: 1, launcher: FakeLauncher.succeeding).train([grid.session])

        let store = try ExperimentSession.openStore(grid.databasePath, forPlans: [(grid.session.file, grid.session.plan)])

        #expect(!store.isReadOnly)
    }

    @Test func theBaseModelIsEvaluatedOncePerEvaluationSettingAndNeverAgain() throws {
        let grid = try GridFixture()
        defer { grid.remove() }
        try grid.session.register()
        let evaluator = FakeBaseEvaluator()

        #expect(try BaseEvaluating.evaluateMissing([grid.session], evaluator: evaluator.evaluate) == 1)
        #expect(try BaseEvaluating.evaluateMissing([grid.session], evaluator: evaluator.evaluate) == 0)

        #expect(evaluator.calls.withLock { $0 } == 1)  // four runs (two ranks × two seeds), one evaluation setting
        let ids = Set(grid.session.baseEvaluationLinks.map(\.evaluationID))
        #expect(ids.count == 1)
        let evaluation = try #require(try grid.session.store.baseEvaluation(runID: grid.session.plan.runs[3].id))
        #expect(evaluation.chance["facts"] == 0.25)
    }

    @Test func aBaseEvaluationThatFailsIsSkippedAndTriedAgainNextTime() throws {
        let grid = try GridFixture()
        defer { grid.remove() }
        try grid.session.register()
        struct Broken: Error {}

        #expect(try BaseEvaluating.evaluateMissing([grid.session]) { _, _, _, _, _ in throw Broken() } == 0)
        #expect(try BaseEvaluating.evaluateMissing([grid.session], evaluator: FakeBaseEvaluator().evaluate) == 1)
    }

    @Test func aPlanWithRunsLeftToTrainOpensTheDatabaseForWriting() throws {
        let grid = try GridFixture()
        defer { grid.remove() }
        try grid.session.register()

        let store = try ExperimentSession.openStore(grid.databasePath, forPlans: [(grid.session.file, grid.session.plan)])

        #expect(!store.isReadOnly)
    }

    @Test func aNameRegisteredFromAnotherFileIsRefusedNamingBothFilesUnlessReplaced() throws {
        let grid = try GridFixture()
        defer { grid.remove() }
        try grid.session.register()
        let otherPath = grid.directory.appendingPathComponent("other.toml").path
        try Data(GridFixture.source.utf8).write(to: URL(fileURLWithPath: otherPath))
        let other = ExperimentSession(file: try ExperimentFile.load(path: otherPath), plan: grid.session.plan, store: grid.session.store)

        #expect {
            try other.register()
        } throws: { error in
            let message = "\(error)"
            return error is BadInput && message.contains(otherPath) && message.contains(grid.session.file.path)
        }
        try other.register(replace: true)
        #expect(try grid.session.store.experiment(named: "grid")?.sourcePath == otherPath)
    }
}

@Suite("The parent–worker protocol")
struct WorkerMessageTests {
    @Test func aMessageDecodesToWhatWasEncoded() throws {
        let messages: [WorkerMessage] = [
            .progress(WorkerProgress(step: 3, total: 10, loss: 2.5, tokensPerSecond: 812)),
            .outcome(FakeLauncher.outcome(rank: 8)),
        ]
        for message in messages {
            let line = try message.line()
            #expect(line.last == UInt8(ascii: "\n"))
            #expect(WorkerMessage.decode(line: line.dropLast()) == message)
        }
    }

    @Test func aMessageIsOneObjectNamedByItsKind() throws {
        let line = String(decoding: try WorkerMessage.progress(WorkerProgress(step: 1, total: 2, loss: 3, tokensPerSecond: 4)).line(), as: UTF8.self)
        #expect(line == #"{"progress":{"loss":3,"step":1,"tokens_per_second":4,"total":2}}"# + "\n")
    }

    @Test func aLineThatIsNoMessageIsIgnored() {
        #expect(WorkerMessage.decode(line: Data("warning: something".utf8)) == nil)
    }
}
