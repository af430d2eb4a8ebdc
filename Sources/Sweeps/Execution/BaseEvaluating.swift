import Evaluation
import Experiments
import Foundation
import Kernels
import ResultsStore

/// The base model evaluated with each distinct evaluation setting of a sweep's runs (its benchmarks, item
/// limit and held-out data: `RunConfiguration.baseEvaluationID`), before the runs train, and recorded in
/// the store: the "base" row of every table, the chance levels of the normalised average, and the
/// reference of forgetting. `sweep report` only reads them; a setting already recorded is never
/// evaluated again.
public enum BaseEvaluating {
    /// How one evaluation is made: `evaluate` by default; tests give their own.
    public typealias Evaluator = (_ id: String, _ configuration: RunConfiguration, _ baseDirectory: String, _ dataDirectory: String?,
                                  _ fingerprint: Fingerprint) throws -> BaseEvaluation

    /// Evaluates, one after the other in this process, the base evaluations the sessions' runs are linked
    /// to and the store lacks; returns how many it recorded. One that fails is reported and skipped: the
    /// runs still train, their tables lack the base row, and the next sweep tries again.
    @discardableResult
    public static func evaluateMissing(_ sessions: [ExperimentSession], evaluator: Evaluator = evaluate) throws -> Int {
        var done = Set<String>()
        var recorded = 0
        for session in sessions {
            for (entry, link) in zip(session.plan.runs, session.baseEvaluationLinks) where !done.contains(link.evaluationID) {
                done.insert(link.evaluationID)
                guard try !session.store.missingBaseEvaluations([link.evaluationID]).isEmpty else { continue }
                let configuration = entry.run.configuration
                printProgress("\(session.file.name): evaluating the base model \(session.file.base) with \(configuration.evaluationSettingsJSON)")
                let evaluation: BaseEvaluation
                do {
                    evaluation = try evaluator(
                        link.evaluationID, configuration, session.file.base, DataPath.directory(ofExperimentFile: session.file.path),
                        session.plan.fingerprint)
                } catch {
                    printProgress("\(session.file.name): warning: the base model could not be evaluated (\(error)); its tables will lack the base row until a sweep evaluates it")
                    continue
                }
                try session.store.record(evaluation)
                let seconds = evaluation.metrics.first { $0.name == MetricName.evalSeconds.rawValue }?.value ?? 0
                printProgress(String(format: "%@: base evaluation %@ recorded (%.1f s)", session.file.name, link.evaluationID, seconds))
                recorded += 1
            }
        }
        return recorded
    }

    /// The base model in `baseDirectory`, unquantized and without an adapter, scored as a run with
    /// `configuration` is scored after training (`RunExecutor.evaluate`).
    public static func evaluate(
        id: String, configuration: RunConfiguration, baseDirectory: String, dataDirectory: String?, fingerprint: Fingerprint
    ) throws -> BaseEvaluation {
        let data: RunData
        do { data = try RunData.load(configuration: configuration, baseDirectory: baseDirectory, dataDirectory: dataDirectory) }
        catch let problem as RunDataset.Problem { throw BadInput(problem.description) }
        let model = try ModelDirectory.load(baseDirectory)
        let (metrics, chance) = RunExecutor.evaluate(model: model, configuration: configuration, data: data)
        return BaseEvaluation(
            id: id, settingsJSON: configuration.evaluationSettingsJSON, baseModelHash: fingerprint.baseModelHash,
            codeVersion: fingerprint.codeVersion, metrics: metrics, chance: chance,
            machine: MachineFingerprint(cpu: RunExecutor.cpuName, blas: BLAS.coreName, threads: 1))
    }
}
