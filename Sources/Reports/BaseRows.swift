/// The "base" and "chance" rows of a report's tables: the base model's scores with the runs' own
/// evaluation settings, and the chance level of each benchmark's items.
enum BaseRows {
    /// The baselines some done run compares with, in the order given.
    static func used(_ baselines: [ReportBaseline], by runs: [ReportRun]) -> [ReportBaseline] {
        let ids = Set(runs.filter { $0.status == "done" }.compactMap(\.baselineID))
        return baselines.filter { ids.contains($0.id) }
    }

    /// The chance level of `metric` when every baseline has one and they agree; nil otherwise.
    static func chance(_ metric: String, in baselines: [ReportBaseline]) -> Double? {
        let levels = baselines.compactMap { $0.chance[metric] }
        guard let first = levels.first, levels.count == baselines.count, levels.allSatisfy({ $0 == first }) else { return nil }
        return first
    }

    /// A base row's cell: the score, or a dash.
    static func cell(_ metric: String, of baseline: ReportBaseline) -> String {
        guard let value = baseline.metrics[metric]?.value else { return "—" }
        return MetricFormat(metric: metric).format(value)
    }

    /// A chance row's cell: the level, or blank for a metric without one (a loss).
    static func chanceCell(_ metric: String, in baselines: [ReportBaseline]) -> String {
        chance(metric, in: baselines).map { MetricFormat(metric: metric).format($0) } ?? ""
    }
}
