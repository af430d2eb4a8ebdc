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
        var declared: [(record: ExperimentRecord, finding: Finding, base: String)] = []
        for record in try store.experiments() {
            guard let file = try? ExperimentFile.parse(source: record.sourceText, path: record.sourcePath), let finding = file.finding else { continue }
            declared.append((record, finding, file.base))
        }
        guard !declared.isEmpty else { return nil }
        declared.sort { $0.finding.id.compare($1.finding.id, options: .numeric) == .orderedAscending }

        var evaluations: [String: BaseEvaluation?] = [:]
        func baseEvaluation(_ runID: String) throws -> BaseEvaluation? {
            guard let id = try store.baseEvaluationID(runID: runID) else { return nil }
            if let known = evaluations[id] { return known }
            let evaluation = try store.baseEvaluation(id: id)
            evaluations[id] = evaluation
            return evaluation
        }

        var cache: [String: [DoneRun]] = [:]
        func doneRuns(_ experiment: String) throws -> [DoneRun] {
            if let cached = cache[experiment] { return cached }
            var runs: [DoneRun] = []
            for run in try store.runs(experiment: experiment) where run.status == .done {
                guard let configuration = try? JSONDecoder().decode(RunConfiguration.self, from: Data(run.configurationJSON.utf8)) else {
                    throw CommandError("run \(run.id) has a configuration this version cannot read")
                }
                let metrics = try store.metrics(runID: run.id).map { (name: $0.name, value: $0.value, stderr: $0.stderr) }
                var values = Finding.runValues(
                    metrics: metrics, benchmarks: configuration.benchmarks, trainableParameters: run.trainableParameters)
                BaseComparison.addComputed(to: &values.values, benchmarks: configuration.benchmarks, base: try baseEvaluation(run.id))
                runs.append(DoneRun(id: run.id, configuration: configuration, values: values))
            }
            cache[experiment] = runs
            return runs
        }

        /// The done runs of `experiments`, each once, in the order of their ids (so sums over them, and
        /// the report, are the same on every rendering).
        func distinctRuns(_ experiments: [String]) throws -> [FindingRunValues] {
            var runs: [String: FindingRunValues] = [:]
            for experiment in experiments {
                for run in try doneRuns(experiment) { runs[run.id] = run.values }
            }
            return runs.keys.sorted().map { runs[$0]! }
        }
        let suiteExperiments = declared.filter { $0.finding.repeats == nil }.map(\.record.name)
        let suiteRuns = try distinctRuns(suiteExperiments)

        var sections: [FindingSection] = []
        for (record, finding, base) in declared {
            var armRuns: [String: [FindingRunValues]] = [Finding.suiteArm: suiteRuns]
            var armRunIDs: [String] = []
            var benchmarks: [String: [BenchmarkTask]] = [:]
            for arm in finding.arms {
                let runs = try doneRuns(arm.experiment ?? record.name).filter { arm.contains($0.configuration) }
                armRuns[arm.name] = runs.map(\.values)
                armRunIDs += runs.map(\.id)
                for run in runs { benchmarks[run.id] = run.configuration.benchmarks }
            }
            let progress = try runProgress(
                of: finding, experiment: record.name, suite: finding.readsSuite ? suiteExperiments : [], store: store)
            let (outcomes, evaluated) = finding.evaluate(runs: armRuns)
            let verdict = progress.toTrain > 0 ? .incomplete : evaluated
            let arms = finding.arms.map { arm -> ArmRuns in
                let runs = armRuns[arm.name]!
                var halfWidths: [String: Double] = [:]
                for metric in Set(runs.flatMap(\.values.keys)) {
                    if let halfWidth = MeanInterval.halfWidth(runs.compactMap { $0.values[metric] }) { halfWidths[metric] = halfWidth }
                }
                return ArmRuns(name: arm.name, runs: runs.map(\.values), halfWidths: halfWidths)
            }
            sections.append(FindingSection(
                id: finding.id, title: finding.title, claim: finding.claim, article: finding.article, setting: finding.setting,
                experiment: record.name, sourcePath: record.sourcePath, base: base, repeats: finding.repeats,
                verdict: verdict.rawValue, arms: arms,
                expectations: outcomes.map {
                    ExpectationRow(what: $0.expectation.what, test: $0.expectation.test, left: $0.left,
                                   comparison: $0.expectation.comparisonSymbol, right: $0.right, interval: $0.interval,
                                   result: $0.result, problem: $0.problem)
                },
                baselines: try BaseComparison.rows(runIDs: armRunIDs, benchmarks: benchmarks, store: store),
                progress: progress))
        }
        let repeatRuns = try distinctRuns(declared.filter { $0.finding.repeats != nil }.map(\.record.name))
        return FindingsReportInput(
            database: store.path, findings: sections, suite: totals(of: suiteRuns),
            repeats: repeatRuns.isEmpty ? nil : totals(of: repeatRuns),
            reproduceWallTime: try reproduceWallTime(besideDatabase: store.path))
    }

    /// The wall time `make reproduce` recorded beside the database, if it did.
    static func reproduceWallTime(besideDatabase database: String) throws -> ReproduceWallTime? {
        let directory = (database as NSString).deletingLastPathComponent
        let path = directory.isEmpty ? ReproduceWallTime.fileName : (directory as NSString).appendingPathComponent(ReproduceWallTime.fileName)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw BadInput("cannot read \(path) as UTF-8 text") }
        do {
            return try ReproduceWallTime.parse(text, path: path)
        } catch {
            throw BadInput(String(describing: error))
        }
    }

    /// Distinct runs' count, summed training and evaluation seconds, and largest peak memory.
    static func totals(of runs: [FindingRunValues]) -> SuiteTotals {
        SuiteTotals(
            runs: runs.count, runSeconds: runs.compactMap { $0.values[FindingMetric.runSeconds] }.reduce(0, +),
            jobs: reproduceJobs,
            largestPeakMemoryBytes: runs.compactMap { $0.values[MetricName.peakMemoryBytes.rawValue] }.max(),
            largestPeakRSSBytes: runs.compactMap { $0.values[MetricName.peakRSSBytes.rawValue] }.max())
    }

    /// The finding's own experiment's runs, those of other experiments its arms read, and every run of
    /// the `suite` experiments (the findings', when a test reads the whole suite), by state.
    static func runProgress(of finding: Finding, experiment: String, suite: [String] = [], store: ResultsStore) throws -> RunProgress {
        var states: [String: RunStatus] = [:]
        for name in [experiment] + suite {
            for run in try store.runs(experiment: name) { states[run.id] = run.status }
        }
        for arm in finding.arms {
            guard let other = arm.experiment, other != experiment else { continue }
            for run in try store.runs(experiment: other) {
                guard let configuration = try? JSONDecoder().decode(RunConfiguration.self, from: Data(run.configurationJSON.utf8)),
                      arm.contains(configuration) else { continue }
                states[run.id] = run.status
            }
        }
        return RunProgress(
            planned: states.count, done: states.values.filter { $0 == .done }.count,
            failed: states.values.filter { $0 == .failed }.count)
    }
}
