import Experiments
import Foundation
import Reports
import ResultsStore

/// Turns an experiment's rows in the results store into results/<name>.md and results/<name>/*.svg.
/// It reads the database only (the experiment's TOML is stored there too), so reports can be
/// regenerated anywhere the database is.
public enum ReportBuilder {
    /// Writes the report; returns the Markdown file's path.
    public static func write(experiment name: String, store: ResultsStore, to directory: String) throws -> String {
        let report = ExperimentReport.render(try input(experiment: name, store: store), chartDirectoryName: name)
        let out = URL(fileURLWithPath: directory)
        let charts = out.appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(at: charts, withIntermediateDirectories: true)
            for file in report.files {
                try Data(file.contents.utf8).write(to: charts.appendingPathComponent(file.name), options: .atomic)
            }
            let markdown = out.appendingPathComponent("\(name).md")
            try Data(report.markdown.utf8).write(to: markdown, options: .atomic)
            return markdown.path
        } catch {
            throw CommandError("cannot write the report under \(directory): \(error.localizedDescription)")
        }
    }

    /// Creates `directory` if needed and checks that files can be written in it.
    public static func prepare(directory: String) throws {
        let probe = URL(fileURLWithPath: directory).appendingPathComponent(".write-test-\(getpid())")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data().write(to: probe)
            try FileManager.default.removeItem(at: probe)
        } catch {
            throw CommandError("cannot write reports under \(directory): \(obstacle(to: directory) ?? error.localizedDescription) (--out chooses another directory)")
        }
    }

    /// Why nothing can be written under `directory`, which Foundation on Linux reports as "error 512":
    /// an ancestor that is a file, or the first existing ancestor that is not writable.
    static func obstacle(to directory: String) -> String? {
        var ancestor = URL(fileURLWithPath: directory).standardizedFileURL
        var isDirectory: ObjCBool = false
        while ancestor.path != "/" && !FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) {
            ancestor.deleteLastPathComponent()
        }
        if ancestor.path != "/" && !isDirectory.boolValue { return "\(ancestor.path) is a file, not a directory" }
        if !FileManager.default.isWritableFile(atPath: ancestor.path) { return "\(ancestor.path) is not writable" }
        return nil
    }

    static func input(experiment name: String, store: ResultsStore) throws -> ExperimentReportInput {
        guard let record = try store.experiment(named: name) else {
            let known = try store.experiments().map(\.name)
            throw CommandError("no experiment named \(name) in \(store.path)\(known.isEmpty ? "" : "; it holds \(known.joined(separator: ", "))")")
        }
        let file: ExperimentFile
        do {
            file = try ExperimentFile.parse(source: record.sourceText, path: record.sourcePath)
        } catch {
            throw CommandError("the stored copy of \(record.sourcePath) no longer parses: \(error)")
        }
        let axes = file.axes.map(\.knob)
        var runs: [ReportRun] = []
        var configurations: [RunConfiguration] = []
        var evaluations: [String: BaseEvaluation] = [:]
        var benchmarks: [String: [BenchmarkTask]] = [:]
        for run in try store.runs(experiment: name) {
            guard let configuration = try? JSONDecoder().decode(RunConfiguration.self, from: Data(run.configurationJSON.utf8)) else {
                throw CommandError("run \(run.id) has a configuration this version cannot read")
            }
            configurations.append(configuration)
            var axisValues = try store.axisValues(experiment: name, runID: run.id)
            axisValues["seed"] = nil
            let metrics = try store.metrics(runID: run.id)
            var values = Dictionary(metrics.map { ($0.name, MetricValue(value: $0.value, stderr: $0.stderr)) }, uniquingKeysWith: { a, _ in a })
            let baselineID = try store.baseEvaluationID(runID: run.id)
            if let baselineID, evaluations[baselineID] == nil { evaluations[baselineID] = try store.baseEvaluation(id: baselineID) }
            benchmarks[run.id] = configuration.benchmarks
            if run.status == .done {
                var computed = values.mapValues(\.value)
                BaseComparison.addComputed(to: &computed, benchmarks: configuration.benchmarks, base: baselineID.flatMap { evaluations[$0] })
                for (name, value) in computed where values[name] == nil { values[name] = MetricValue(value: value) }
            }
            runs.append(ReportRun(
                id: run.id, status: run.status.rawValue, seed: configuration.seed, axisValues: axisValues,
                knobs: Dictionary(uniqueKeysWithValues: Knob.allCases.compactMap { knob in configuration.formatted(knob).map { (knob.rawValue, $0) } }),
                metrics: values,
                curve: try store.curve(runID: run.id).map { (step: $0.step, loss: $0.loss) },
                trainableParameters: run.trainableParameters, error: run.error,
                baselineID: baselineID.flatMap { evaluations[$0] == nil ? nil : $0 }))
        }
        let fixed = Knob.allCases.filter { knob in
            knob != .seed && !axes.contains(knob) && Set(configurations.map { $0.formatted(knob) ?? "-" }).count == 1
        }
        return ExperimentReportInput(
            name: name, purpose: record.purpose, sourcePath: record.sourcePath, base: file.base, dataset: Self.data(of: file),
            metric: record.metric, higherIsBetter: record.higherIsBetter, axes: axes.map(\.rawValue) + ["seeds"],
            axisValueOrder: Dictionary(uniqueKeysWithValues: file.axes.map { ($0.knob.rawValue, $0.values.map(\.description)) }),
            fixedKnobs: fixed.compactMap { knob in configurations.first?.formatted(knob).map { (key: knob.rawValue, value: $0) } },
            runs: runs,
            baselines: try BaseComparison.rows(runIDs: runs.filter { $0.status == "done" }.map(\.id), benchmarks: benchmarks, store: store))
    }

    /// The report's data line: the dataset, then its template and held-out set when the file gives them
    /// ("data/chat.jsonl, template chatml, 20% held out").
    static func data(of file: ExperimentFile) -> String {
        var parts = [file.dataset]
        if let template = file.template { parts.append("template \(template.rawValue)") }
        if let heldout = file.heldout { parts.append("held out: \(heldout)") }
        if let fraction = file.heldoutFraction { parts.append(String(format: "%g%% held out", fraction * 100)) }
        return parts.joined(separator: ", ")
    }
}
