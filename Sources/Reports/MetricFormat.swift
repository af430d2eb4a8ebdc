import Vocabulary

/// How a metric's numbers are shown, chosen from its key.
enum MetricFormat {
    /// A benchmark score or a loss: three decimals.
    case score
    /// Bytes, shown as MB with one decimal ("peak-memory-bytes", any "…-bytes").
    case bytes
    /// Seconds, shown in s, min or h ("wall-seconds", any "…-seconds").
    case seconds
    /// A difference of scores, signed, three decimals ("forgetting", "forgetting.facts"): +0.012, −0.034.
    case difference

    init(metric: String) {
        if metric == MetricName.forgetting.rawValue || metric.hasPrefix(MetricName.forgetting.rawValue + ".") {
            self = .difference
        } else if metric.hasSuffix("-bytes") {
            self = .bytes
        } else if metric.hasSuffix("-seconds") {
            self = .seconds
        } else {
            self = .score
        }
    }

    /// One value.
    func format(_ value: Double) -> String {
        switch self {
        case .score: NumberFormatting.fixed(value, decimals: 3)
        case .difference: (value < 0 ? "−" : "+") + NumberFormatting.fixed(abs(value), decimals: 3)
        case .bytes: NumberFormatting.megabytes(value)
        case .seconds: NumberFormatting.duration(value)
        }
    }

    /// "mean ± std", or the mean alone for one run.
    func format(_ summary: Summary) -> String {
        format(summary.mean, plusMinus: summary.std)
    }

    /// "mean ± spread" (a std, or an interval's half-width), or the mean alone without one.
    func format(_ mean: Double, plusMinus spread: Double?) -> String {
        guard let spread else { return format(mean) }
        switch self {
        case .score:
            return NumberFormatting.fixed(mean, decimals: 3) + " ± " + NumberFormatting.fixed(spread, decimals: 3)
        case .difference: return format(mean) + " ± " + NumberFormatting.fixed(spread, decimals: 3)
        case .bytes: return NumberFormatting.megabytes(mean, plusMinus: spread)
        case .seconds: return NumberFormatting.duration(mean, plusMinus: spread)
        }
    }

    /// The unit charts plot in, and the divisor from the stored value to it.
    var chartUnit: (suffix: String, divisor: Double) {
        switch self {
        case .score, .difference: ("", 1)
        case .bytes: (" (MB)", 1e6)
        case .seconds: (" (s)", 1)
        }
    }
}

/// The columns of the scores table, in the article's order.
enum ScoreColumns {
    /// Benchmark and loss columns: shown as mean ± std over seeds.
    static let scores: [(metric: String, title: String)] =
        BenchmarkTask.allCases.map { ($0.rawValue, $0.articleName) } + [(MetricName.heldoutLoss.rawValue, "held-out loss")]
    /// Computed from the benchmark scores (and, for the first two, the base evaluation), shown before them
    /// when the runs have them: the normalised average, its forgetting from the base model, the raw average.
    static let suite: [(metric: String, title: String)] = [
        (MetricName.normalizedAverage.rawValue, "normalised average"),
        (MetricName.forgetting.rawValue, "forgetting"),
        (rawAverage, "benchmark average"),
    ]
    /// The key of the raw mean of a run's benchmark scores (the findings' `suite`).
    static let rawAverage = "suite"
    /// Resource columns: shown as the mean over seeds.
    static let resources: [(metric: String, title: String)] = [
        (MetricName.peakMemoryBytes.rawValue, "peak memory"),
        (MetricName.wallSeconds.rawValue, "time"),
    ]
}
