import Experiments
import Foundation
import ResultsStore
import Synchronization
@testable import Sweeps

/// A 2 × 2 grid written to a temporary directory, planned without a base model (the fingerprint is made up).
struct GridFixture {
    let directory: URL
    let session: ExperimentSession

    static let source = """
        name = "grid"
        purpose = "a 2 × 2 grid for the scheduler's tests"
        base = "unused"
        [grid]
        rank = [2, 4]
        seeds = [1, 2]
        """

    init(source: String = GridFixture.source) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweeps-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("grid.toml").path
        try Data(source.utf8).write(to: URL(fileURLWithPath: path))
        let file = try ExperimentFile.load(path: path)
        let plan = try ExperimentPlan(file: file, fingerprint: Fingerprint(baseModelHash: "b", datasetHash: "d", codeVersion: "test"))
        session = ExperimentSession(file: file, plan: plan, store: try ResultsStore(path: directory.appendingPathComponent("runs.sqlite").path))
    }

    var databasePath: String { directory.appendingPathComponent("runs.sqlite").path }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Runs in-process: each run's outcome is what `outcome` makes of its configuration, or a failure.
struct FakeLauncher: RunLauncher {
    var result: @Sendable (RunEntry) -> LaunchResult

    func launch(_ run: RunEntry, threads: Int, started: @escaping @Sendable (any RunHandle) -> Void,
                progress: @escaping @Sendable (WorkerProgress) -> Void) -> LaunchResult {
        started(FakeHandle())
        progress(WorkerProgress(step: 1, total: 1, loss: 1, tokensPerSecond: 1))
        return result(run)
    }

    /// Every run succeeds with its rank as the facts score.
    static let succeeding = FakeLauncher { run in LaunchResult(outcome: outcome(rank: run.configuration.rank)) }

    static func outcome(rank: Int) -> RunOutcome {
        RunOutcome(error: nil, failedStep: nil,
                   metrics: [Metric(name: BenchmarkTask.facts.rawValue, value: Double(rank)), Metric(name: MetricName.finalLoss.rawValue, value: 1)],
                   curve: [CurvePoint(step: 0, loss: 1, lr: 0.1)], trainableParameters: rank,
                   machine: MachineFingerprint(cpu: "test", blas: "test", threads: 1))
    }
}

final class FakeHandle: RunHandle {
    func stop() {}
}

/// Records a made-up base evaluation instead of scoring a model, and counts its calls.
final class FakeBaseEvaluator: Sendable {
    let calls = Mutex(0)

    func evaluate(id: String, configuration: RunConfiguration, baseDirectory: String, dataDirectory: String?,
                  fingerprint: Fingerprint) throws -> BaseEvaluation {
        calls.withLock { $0 += 1 }
        return BaseEvaluation(
            id: id, settingsJSON: configuration.evaluationSettingsJSON, baseModelHash: fingerprint.baseModelHash,
            codeVersion: fingerprint.codeVersion, metrics: [Metric(name: "facts", value: 0.9, stderr: 0.01, n: 100)],
            chance: ["facts": 0.25])
    }
}
