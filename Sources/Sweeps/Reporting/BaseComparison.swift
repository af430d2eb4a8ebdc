import Experiments
import Foundation
import Reports
import ResultsStore

/// What the reports compute from a run's stored scores and the base evaluation it is linked to: the
/// raw benchmark average, the normalised average (`SuiteScores`, with the chance levels the base
/// evaluation recorded for the same items), and forgetting, overall and per benchmark; and the base
/// evaluations as the tables' "base" rows. One place for `ReportBuilder` and `FindingsBuilder`.
enum BaseComparison {
    /// Adds the computed scores to a run's `values` (metric → value): `suite` when the run has every one
    /// of `benchmarks` (kept when already there, as `Finding.runValues` computes it), and with `base` the
    /// normalised average, forgetting and forgetting per benchmark.
    static func addComputed(to values: inout [String: Double], benchmarks: [BenchmarkTask], base: BaseEvaluation?) {
        if values[FindingMetric.suite] == nil, let suite = SuiteScores.average(values, tasks: benchmarks) {
            values[FindingMetric.suite] = suite
        }
        guard let base else { return }
        let baseScores = Self.scores(base)
        if let normalized = SuiteScores.normalizedAverage(scores: values, chance: base.chance, tasks: benchmarks) {
            values[MetricName.normalizedAverage.rawValue] = normalized
            if let baseNormalized = SuiteScores.normalizedAverage(scores: baseScores, chance: base.chance, tasks: benchmarks) {
                values[MetricName.forgetting.rawValue] = baseNormalized - normalized
            }
        }
        for (task, forgetting) in SuiteScores.forgetting(base: baseScores, tuned: values, tasks: benchmarks) {
            values[MetricName.forgetting(of: task)] = forgetting
        }
    }

    /// The evaluation's metrics by name.
    static func scores(_ base: BaseEvaluation) -> [String: Double] {
        Dictionary(base.metrics.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// The evaluation as a "base" row: its scores with its averages over `benchmarks`, and the chance
    /// levels, with the averages' own (the mean chance for the raw average, 0 for the normalised one).
    static func row(_ base: BaseEvaluation, label: String, benchmarks: [BenchmarkTask]) -> ReportBaseline {
        var values = scores(base)
        addComputed(to: &values, benchmarks: benchmarks, base: nil)
        if let normalized = SuiteScores.normalizedAverage(scores: values, chance: base.chance, tasks: benchmarks) {
            values[MetricName.normalizedAverage.rawValue] = normalized
        }
        var metrics: [String: MetricValue] = [:]
        for (name, value) in values { metrics[name] = MetricValue(value: value, stderr: base.metrics.first { $0.name == name }?.stderr) }
        var chance = base.chance
        if let meanChance = SuiteScores.average(base.chance, tasks: benchmarks) {
            chance[FindingMetric.suite] = meanChance
            chance[MetricName.normalizedAverage.rawValue] = 0
        }
        return ReportBaseline(id: base.id, label: label, metrics: metrics, chance: chance)
    }

    /// "base" for a single evaluation; for several, "base (dataset=lima)": the settings that tell them apart.
    static func labels(_ evaluations: [BaseEvaluation]) -> [String] {
        guard evaluations.count > 1 else { return evaluations.map { _ in "base" } }
        let settings = evaluations.map { evaluation -> [String: String] in
            guard let object = try? JSONSerialization.jsonObject(with: Data(evaluation.settingsJSON.utf8)) as? [String: Any] else { return [:] }
            return object.mapValues { value in
                if let list = value as? [Any] { return list.map { "\($0)" }.joined(separator: ",") }
                return "\(value)"
            }
        }
        let keys = Set(settings.flatMap(\.keys)).filter { key in Set(settings.map { $0[key] ?? "-" }).count > 1 }.sorted()
        return zip(evaluations, settings).map { evaluation, values in
            keys.isEmpty ? "base (\(evaluation.id.prefix(8)))" : "base (" + keys.map { "\($0)=\(values[$0] ?? "-")" }.joined(separator: ", ") + ")"
        }
    }

    /// The evaluations the runs are linked to, in the order of their first run, as labelled rows.
    static func rows(runIDs: [String], benchmarks: [String: [BenchmarkTask]], store: ResultsStore) throws -> [ReportBaseline] {
        var ids: [String] = []
        var tasks: [String: [BenchmarkTask]] = [:]
        for run in runIDs {
            guard let id = try store.baseEvaluationID(runID: run) else { continue }
            if !ids.contains(id) { ids.append(id); tasks[id] = benchmarks[run] ?? [] }
        }
        let evaluations = try ids.compactMap { try store.baseEvaluation(id: $0) }
        return zip(evaluations, labels(evaluations)).map { row($0, label: $1, benchmarks: tasks[$0.id] ?? []) }
    }
}
