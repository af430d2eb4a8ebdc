import Experiments
import Foundation
import ResultsStore

/// An experiment file opened against a results database: its plan (runs with ids) and the store.
struct ExperimentSession {
    let file: ExperimentFile
    let plan: ExperimentPlan
    let store: ResultsStore

    static let defaultDatabase = "results/runs.sqlite"

    /// Reads and expands `path`; the run ids need the base model's and the dataset's hashes.
    static func plan(path: String, allowLarge: Bool) throws -> (ExperimentFile, ExperimentPlan) {
        let file: ExperimentFile
        do { file = try ExperimentFile.load(path: path) } catch { throw ExitCodeError.badInput(error.description) }
        // Check the grid's size before hashing anything.
        do { _ = try file.expand(allowLarge: allowLarge) } catch { throw ExitCodeError.badInput(error.description) }
        BaseModel.warnIfStale(file.base)
        let baseModelHash = try BaseModel.hash(file.base)
        // A corrupt or truncated checkpoint stops the sweep here, naming the file, rather than failing every run.
        _ = try loadModel(file.base)
        let fingerprint = Fingerprint(
            baseModelHash: baseModelHash,
            datasetHash: try RunData.load(dataset: file.dataset, baseDirectory: file.base).hash,
            codeVersion: RunExecutor.numericsVersion)
        do {
            return (file, try ExperimentPlan(file: file, fingerprint: fingerprint, allowLarge: allowLarge))
        } catch {
            throw ExitCodeError.badInput(error.description)
        }
    }

    static func open(path: String, database: String, allowLarge: Bool) throws -> ExperimentSession {
        let (file, plan) = try self.plan(path: path, allowLarge: allowLarge)
        return ExperimentSession(file: file, plan: plan, store: try openStore(database))
    }

    /// Opens every file, then the database once: a bad file anywhere leaves no database behind, and a
    /// report directory that cannot be written is found before anything trains, not an hour later.
    static func open(paths: [String], database: String, allowLarge: Bool, reportDirectory: String?) throws -> [ExperimentSession] {
        let plans = try paths.map { try plan(path: $0, allowLarge: allowLarge) }
        if let reportDirectory { try ReportBuilder.prepare(directory: reportDirectory) }
        let store = try openStore(database)
        return plans.map { ExperimentSession(file: $0.0, plan: $0.1, store: store) }
    }

    /// Records the experiment and its runs (new ones as pending; finished runs stay as they are).
    func register() throws {
        let source = (try? String(contentsOfFile: file.path, encoding: .utf8)) ?? ""
        let experiment = ExperimentRecord(
            name: file.name, purpose: file.purpose, sourcePath: file.path, sourceText: source, metric: file.metric,
            higherIsBetter: file.higherIsBetter, axes: file.axes.map(\.knob.rawValue) + ["seeds"], updatedAt: nil)
        try store.register(experiment: experiment, runs: plan.runs.map { entry in
            (id: entry.id, knobs: Self.knobs(entry.run.configuration), configurationJSON: entry.run.configuration.canonicalJSON,
             axisValuesJSON: Self.axisValuesJSON(entry.run, axes: file.axes.map(\.knob)))
        })
    }

    /// The queryable columns of a run.
    static func knobs(_ c: RunConfiguration) -> RunKnobs {
        RunKnobs(rank: c.rank, alpha: c.alpha, scale: c.rslora ? c.alpha / Double(c.rank).squareRoot() : c.alpha / Double(c.rank),
                 targets: c.targets, quantization: c.quantization.rawValue, optimizer: c.optimizer.rawValue, lr: c.lr,
                 schedule: c.schedule.rawValue, passes: c.passes, seed: c.seed)
    }

    /// Each axis's value as the file wrote it ("2 * rank"), or the resolved value for included runs.
    static func axisValuesJSON(_ run: PlannedRun, axes: [Knob]) -> String {
        var values: [String: String] = [:]
        for knob in axes {
            values[knob.rawValue] = run.axisValues[knob.rawValue] ?? run.configuration.formatted(knob) ?? "-"
        }
        values["seed"] = "\(run.configuration.seed)"
        let data = try! JSONSerialization.data(withJSONObject: values, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

func openStore(_ path: String) throws -> ResultsStore {
    do {
        return try ResultsStore(path: path)
    } catch {
        throw CommandError("\(error)")
    }
}

/// Errors with their own exit status: 2 for input the user must fix (bad experiment files).
enum ExitCodeError: Error, CustomStringConvertible {
    case badInput(String)

    var description: String {
        switch self { case .badInput(let message): message }
    }
}
