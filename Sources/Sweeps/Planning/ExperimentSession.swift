import Experiments
import Foundation
import ResultsStore
import TextData

/// An experiment file opened against a results database: its plan (runs with ids) and the store.
public struct ExperimentSession {
    public let file: ExperimentFile
    public let plan: ExperimentPlan
    public let store: ResultsStore

    public static let defaultDatabase = "results/runs.sqlite"

    /// Reads and expands `path`, checking that its base model and dataset exist before hashing them:
    /// the run ids need the base model's files' and the dataset's hashes.
    public static func plan(path: String, allowLarge: Bool) throws -> (ExperimentFile, ExperimentPlan) {
        let file: ExperimentFile
        do { file = try ExperimentFile.load(path: path) } catch { throw BadInput(error.description) }
        do { _ = try file.expand(allowLarge: allowLarge) } catch { throw BadInput(error.description) }
        try checkBase(of: file)
        let datasetHash: String
        do { datasetHash = try Self.datasetHash(file) } catch let problem as RunDataset.Problem {
            throw BadInput(file.problem(at: problem.key, problem.description).description)
        } catch let error as BadInput {
            throw BadInput(file.problem(at: "dataset", error.description).description)
        }
        BaseModel.warnIfStale(file.base)
        let fingerprint = Fingerprint(
            baseModelHash: try BaseModel.hash(file.base), datasetHash: datasetHash, codeVersion: RunExecutor.numericsVersion)
        do {
            return (file, try ExperimentPlan(file: file, fingerprint: fingerprint, allowLarge: allowLarge))
        } catch {
            throw BadInput(error.description)
        }
    }

    /// The hash of what the file's runs train and are scored on: the dataset's split records (every one
    /// checked against the template first), and the model's chat template when the template is `model`.
    static func datasetHash(_ file: ExperimentFile) throws -> String {
        let (template, chatTemplate) = try ModelTemplate.resolve(file.template ?? .alpaca, modelDirectory: file.base)
        let dataset = try RunDataset.load(
            dataset: file.dataset, heldout: file.heldout, heldoutFraction: file.heldoutFraction, templates: [template],
            world: try BaseModel.world(file.base), dataDirectory: DataPath.directory(ofExperimentFile: file.path))
        guard let chatTemplate else { return dataset.hash }
        return sha256Hex(Data((dataset.split.identityText + "\n--\nchat template:\n" + chatTemplate).utf8))
    }

    /// A missing or inconsistent base model stops the sweep here, naming the file's `base` line, rather
    /// than failing every run; its config.json is checked against its weights' shapes without loading them,
    /// and its tokenizer.json is read.
    static func checkBase(of file: ExperimentFile) throws {
        do {
            try ModelDirectory.check(file.base)
            _ = try BaseModel.encoding(file.base)  // every run encodes its data with it
        } catch let error as BadInput {
            throw BadInput(file.problem(at: "base", error.description).description)
        }
    }

    /// Opens every file, then the database once: a bad file anywhere leaves no database behind, and a
    /// report directory that cannot be written is found before anything trains, not an hour later.
    /// When the database already holds every file's registration and run, it is opened to read only,
    /// so a sweep with nothing to do leaves it byte for byte as it was.
    public static func open(paths: [String], database: String, allowLarge: Bool, reportDirectory: String?) throws -> [ExperimentSession] {
        let plans = try paths.map { try plan(path: $0, allowLarge: allowLarge) }
        try refuseDuplicateNames(plans.map(\.0))
        if let reportDirectory { try ReportBuilder.prepare(directory: reportDirectory) }
        let store = try openStore(database, forPlans: plans)
        return plans.map { ExperimentSession(file: $0.0, plan: $0.1, store: store) }
    }

    /// Opens every file against the database to read only (an empty one in memory when it does not
    /// exist yet): for dry runs, which must write nothing.
    public static func openReadingOnly(paths: [String], database: String, allowLarge: Bool) throws -> [ExperimentSession] {
        let plans = try paths.map { try plan(path: $0, allowLarge: allowLarge) }
        try refuseDuplicateNames(plans.map(\.0))
        let store = FileManager.default.fileExists(atPath: database) ? try openForReading(database) : try ResultsStore.inMemory()
        return plans.map { ExperimentSession(file: $0.0, plan: $0.1, store: store) }
    }

    /// An existing database, to read only (reports, exports): it stays byte for byte as it was.
    public static func openForReading(_ database: String) throws -> ResultsStore {
        guard FileManager.default.fileExists(atPath: database) else { throw BadInput("\(database) does not exist: run a sweep first (make sweep)") }
        do { return try ResultsStore(readingOnly: database) } catch { throw BadInput("\(error)") }
    }

    /// Two files of one invocation with the same name would overwrite each other's registration.
    static func refuseDuplicateNames(_ files: [ExperimentFile]) throws {
        var seen: [String: String] = [:]
        for file in files {
            if let other = seen[file.name], other != file.path {
                throw BadInput(file.problem(at: "name", "\"\(file.name)\" is also the name of \(other); experiment names must be unique").description)
            }
            seen[file.name] = file.path
        }
    }

    /// Read-only when nothing needs writing; otherwise for writing (which changes the file's header).
    static func openStore(_ path: String, forPlans plans: [(ExperimentFile, ExperimentPlan)]) throws -> ResultsStore {
        // A reader that fails (another sweep creating the file this instant) falls back to the writer.
        if FileManager.default.fileExists(atPath: path), let reader = try? ResultsStore(readingOnly: path),
           (try? plans.allSatisfy({ try Self.isSettled($0.0, $0.1, in: reader) })) == true {
            return reader
        }
        do { return try ResultsStore(path: path) } catch { throw CommandError("\(error)") }
    }

    /// Registered as the file says, with no run left to train.
    static func isSettled(_ file: ExperimentFile, _ plan: ExperimentPlan, in store: ResultsStore) throws -> Bool {
        let session = ExperimentSession(file: file, plan: plan, store: store)
        guard try store.isRegistered(experiment: session.record, runs: session.registrations.map { ($0.id, $0.axisValuesJSON) }) else {
            return false
        }
        guard try store.hasBaseEvaluations(session.baseEvaluationLinks) else { return false }
        return try store.runs(experiment: file.name).allSatisfy { $0.status == .done || $0.status == .failed }
    }

    /// Records the experiment and its runs (new ones as pending; finished runs stay as they are). A name
    /// already registered from another file is refused unless `replace`.
    public func register(replace: Bool = false) throws {
        if !replace, let existing = try store.experiment(named: file.name), !Self.samePath(existing.sourcePath, file.path) {
            throw BadInput(file.problem(at: "name", "an experiment named \"\(file.name)\" is already registered in \(store.path) from \(existing.sourcePath); rename one of them, or give --replace to let \(file.path) take the name over").description)
        }
        try store.register(experiment: record, runs: registrations.map {
            (id: $0.id, knobs: $0.knobs, configurationJSON: $0.configurationJSON, axisValuesJSON: $0.axisValuesJSON)
        })
        if try !store.hasBaseEvaluationLinks(baseEvaluationLinks) { try store.linkBaseEvaluations(baseEvaluationLinks) }
    }

    /// Each run with the base evaluation its tables compare with (`RunConfiguration.baseEvaluationID`).
    public var baseEvaluationLinks: [(runID: String, evaluationID: String)] {
        plan.runs.map { (runID: $0.id, evaluationID: $0.run.configuration.baseEvaluationID(fingerprint: plan.fingerprint)) }
    }

    static func samePath(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
    }

    var record: ExperimentRecord {
        let source = (try? String(contentsOfFile: file.path, encoding: .utf8)) ?? ""
        return ExperimentRecord(
            name: file.name, purpose: file.purpose, sourcePath: file.path, sourceText: source, metric: file.metric,
            higherIsBetter: file.higherIsBetter, axes: file.axes.map(\.knob.rawValue) + ["seeds"], updatedAt: nil)
    }

    var registrations: [(id: String, knobs: RunKnobs, configurationJSON: String, axisValuesJSON: String)] {
        plan.runs.map { entry in
            (id: entry.id, knobs: Self.knobs(entry.run.configuration), configurationJSON: entry.run.configuration.canonicalJSON,
             axisValuesJSON: Self.axisValuesJSON(entry.run, axes: file.axes.map(\.knob)))
        }
    }

    /// The runs for a `SweepRunner`, labelled by their axis values (prefixed by the experiment's name
    /// when a sweep runs several files).
    public func entries(prefixed: Bool) -> [RunEntry] {
        plan.runs.map {
            RunEntry(id: $0.id, configuration: $0.run.configuration, baseDirectory: file.base,
                     label: prefixed ? "\(file.name) \(label($0.run))" : label($0.run),
                     adapterDirectory: store.keptAdapterDirectory(runID: $0.id)?.path,
                     dataDirectory: DataPath.directory(ofExperimentFile: file.path))
        }
    }

    /// "rank=8 alpha=2 * rank seed=1": the run's axis values, as progress lines name it.
    public func label(_ run: PlannedRun) -> String {
        let parts = file.axes.map { axis in
            "\(axis.knob.rawValue)=\(run.axisValues[axis.knob.rawValue] ?? run.configuration.formatted(axis.knob) ?? "-")"
        }
        return (parts + ["seed=\(run.configuration.seed)"]).joined(separator: " ")
    }

    /// The queryable columns of a run.
    static func knobs(_ c: RunConfiguration) -> RunKnobs {
        RunKnobs(rank: c.rank, alpha: c.alpha, scale: c.rslora ? c.alpha / Double(c.rank).squareRoot() : c.alpha / Double(c.rank),
                 targets: c.targets.map(\.rawValue), quantization: c.quantization.rawValue, optimizer: c.optimizer.rawValue,
                 lr: c.lr, schedule: c.schedule.rawValue, passes: c.passes, seed: c.seed)
    }

    /// Each axis's value as the file wrote it ("2 * rank"), or the resolved value for included runs.
    static func axisValuesJSON(_ run: PlannedRun, axes: [Knob]) -> String {
        var values: [String: String] = [:]
        for knob in axes {
            values[knob.rawValue] = run.axisValues[knob.rawValue] ?? run.configuration.formatted(knob) ?? "-"
        }
        values["seed"] = "\(run.configuration.seed)"
        let data = (try? JSONSerialization.data(withJSONObject: values, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
