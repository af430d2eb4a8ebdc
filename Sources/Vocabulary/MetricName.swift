/// The names a run's measurements are stored and reported under, besides the benchmarks' own
/// (`BenchmarkTask.rawValue`): one definition for the executor that measures, the store, the
/// findings and the reports.
public enum MetricName: String, CaseIterable, Codable, Sendable {
    /// The mean loss of the last 10 optimizer steps.
    case finalLoss = "final-loss"
    case steps
    case trainExamples = "train-examples"
    case trainTokens = "train-tokens"
    case tokensPerSecond = "tokens-per-second"
    /// Training time.
    case wallSeconds = "wall-seconds"
    /// Benchmark and held-out scoring time.
    case evalSeconds = "eval-seconds"
    /// The memory ledger's peak over all categories (the analogue of `torch.cuda.max_memory_allocated`).
    case peakMemoryBytes = "peak-memory-bytes"
    case peakRSSBytes = "peak-rss-bytes"
    /// Mean per-token loss on the instruction set's held-out split.
    case heldoutLoss = "heldout-loss"
    /// Computed from a run's benchmark scores, never stored: the mean over its benchmarks of
    /// (score − chance) / (1 − chance) (`SuiteScores.normalizedAverage`), so that 0 is chance and 1 a
    /// perfect score on every benchmark, and none dominates by its range. The raw mean of the scores is
    /// the findings' `suite` ("benchmark average"), kept beside it.
    case normalizedAverage = "normalized-average"
    /// Computed, never stored: the base model's normalized average minus the run's (`SuiteScores`); per
    /// benchmark, `forgetting(of:)`.
    case forgetting

    /// "peak-memory-bytes.adapter": the ledger's peak of one category.
    public static func peakMemoryBytes(category: String) -> String { "\(peakMemoryBytes.rawValue).\(category)" }

    /// "forgetting.facts": the base model's score on the benchmark minus the run's.
    public static func forgetting(of task: BenchmarkTask) -> String { "\(forgetting.rawValue).\(task.rawValue)" }
}

extension MetricName {
    /// Whether a larger value of the metric named `name` is better: benchmark scores and tokens/s are,
    /// losses, times and memory are not; nil for counts (steps, examples, tokens).
    public static func higherIsBetter(_ name: String) -> Bool? {
        if BenchmarkTask(rawValue: name) != nil { return true }
        if name.hasPrefix(peakMemoryBytes.rawValue) || name.hasPrefix(forgetting.rawValue) { return false }
        switch MetricName(rawValue: name) {
        case .tokensPerSecond, .normalizedAverage: return true
        case .finalLoss, .heldoutLoss, .wallSeconds, .evalSeconds, .peakRSSBytes: return false
        default: return nil
        }
    }
}
