import Experiments
import Foundation
import Reports
import ResultsStore

/// Turns the findings declared by the experiments in the results store into results/FINDINGS.md and
/// results/findings/*.svg: each finding's arms gathered from the database, its tests evaluated.
public enum FindingsBuilder {
    static let fileName = "FINDINGS.md"
    /// `make reproduce` trains with `--jobs 2`: the suite's summed run time is shared by two jobs.
    static let reproduceJobs = 2

    /// Writes the findings report if any stored experiment declares a finding; returns its path.
    public static func write(store: ResultsStore, to directory: String) throws -> String? {
        guard let input = try input(store: store) else { return nil }
        let report = FindingsReport.render(input)
        let out = URL(fileURLWithPath: directory)
        let charts = out.appendingPathComponent(FindingsReport.chartDirectory)
        do {
            try FileManager.default.createDirectory(at: charts, withIntermediateDirectories: true)
            for file in report.files {
                try Data(file.contents.utf8).write(to: charts.appendingPathComponent(file.name), options: .atomic)
            }
            let markdown = out.appendingPathComponent(fileName)
            try Data(report.markdown.utf8).write(to: markdown, options: .atomic)
            return markdown.path
        } catch {
            throw CommandError("cannot write the findings under \(directory): \(error.localizedDescription)")
        }
    }

    /// A done run as findings read it.
    struct DoneRun {
        let id: String
        let configuration: RunConfiguration
        let values: FindingRunValues
    }

    static func input(store: ResultsStore) throws -> FindingsReportInput? {
        var declared: [(record: ExperimentRecord, finding: Finding)] = []
        for record in try store.experiments() {
            guard let file = try? ExperimentFile.parse(source: record.sourceText, path: record.sourcePath), let finding = file.finding else { continue }
            declared.append((record, finding))
        }
        guard !declared.isEmpty else { return nil }
        declared.sort { $0.finding.id.compare($1.finding.id, options: .numeric) == .orderedAscending }

        var cache: [String: [DoneRun]] = [:]
        func doneRuns(_ experiment: String) throws -> [DoneRun] {
            if let cached = cache[experiment] { return cached }
            var runs: [DoneRun] = []
            for run in try store.runs(experiment: experiment) where run.status == .done {
                guard let configuration = try? JSONDecoder().decode(RunConfiguration.self, from: Data(run.configurationJSON.utf8)) else {
                    throw CommandError("run \(run.id) has a configuration this version cannot read")
                }
                let metrics = try store.metrics(runID: run.id).map { (name: $0.name, value: $0.value, stderr: $0.stderr) }
                runs.append(DoneRun(id: run.id, configuration: configuration, values: Finding.runValues(
                    metrics: metrics, benchmarks: configuration.benchmarks, trainableParameters: run.trainableParameters)))
            }
            cache[experiment] = runs
            return runs
        }

        var suite: [String: FindingRunValues] = [:]
        for (record, _) in declared {
            for run in try doneRuns(record.name) { suite[run.id] = run.values }
        }
        let suiteRuns = suite.keys.sorted().map { suite[$0]! }

        var sections: [FindingSection] = []
        for (record, finding) in declared {
            var armRuns: [String: [FindingRunValues]] = [Finding.suiteArm: suiteRuns]
            for arm in finding.arms {
                armRuns[arm.name] = try doneRuns(arm.experiment ?? record.name).filter { arm.contains($0.configuration) }.map(\.values)
            }
            let (outcomes, verdict) = finding.evaluate(runs: armRuns)
            let first = armRuns[finding.arms[0].name]!
            let arms = finding.arms.enumerated().map { index, arm -> ArmRuns in
                let runs = armRuns[arm.name]!
                var effects: [String: Double] = [:]
                if index > 0 {
                    for metric in Set(runs.flatMap(\.values.keys)) where metric != FindingMetric.trainable {
                        effects[metric] = Finding.effect(runs.compactMap { $0.values[metric] }, first.compactMap { $0.values[metric] })
                    }
                }
                return ArmRuns(name: arm.name, runs: runs.map(\.values), effects: effects)
            }
            sections.append(FindingSection(
                id: finding.id, title: finding.title, claim: finding.claim, article: finding.article, setting: finding.setting,
                experiment: record.name, sourcePath: record.sourcePath, verdict: verdict.rawValue, arms: arms,
                expectations: outcomes.map {
                    ExpectationRow(what: $0.expectation.what, test: $0.expectation.test, left: $0.left,
                                   comparison: $0.expectation.comparisonSymbol, right: $0.right, interval: $0.interval,
                                   result: $0.result, problem: $0.problem)
                }))
        }
        let totals = SuiteTotals(
            runs: suiteRuns.count, runSeconds: suiteRuns.compactMap { $0.values[FindingMetric.runSeconds] }.reduce(0, +),
            jobs: reproduceJobs,
            largestPeakMemoryBytes: suiteRuns.compactMap { $0.values[MetricName.peakMemoryBytes.rawValue] }.max(),
            largestPeakRSSBytes: suiteRuns.compactMap { $0.values[MetricName.peakRSSBytes.rawValue] }.max())
        return FindingsReportInput(database: store.path, findings: sections, suite: totals)
    }
}
