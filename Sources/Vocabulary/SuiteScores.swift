/// The suite-level numbers computed from a run's benchmark scores and their chance levels: one
/// definition for the reports, the findings and the base rows.
///
/// ```swift
/// SuiteScores.average(run, tasks: BenchmarkTask.allCases)             // the raw benchmark average
/// SuiteScores.normalized(0.40, chance: 0.25)                       // 0.2: a fifth of the way from chance to 1
/// SuiteScores.normalizedAverage(scores: run, chance: chance, tasks: [.facts, .arith2ds])
/// SuiteScores.forgetting(base: base, tuned: run, tasks: BenchmarkTask.allCases)   // base − tuned
/// ```
public enum SuiteScores {
    /// The raw benchmark average, as lm-evaluation-harness tables average scores: the mean over `tasks`
    /// of the values keyed by the task's name; nil when a task lacks one or `tasks` is empty.
    public static func average(_ values: [String: Double], tasks: [BenchmarkTask]) -> Double? {
        let present = tasks.compactMap { values[$0.rawValue] }
        guard !present.isEmpty, present.count == tasks.count else { return nil }
        return present.reduce(0, +) / Double(present.count)
    }

    /// (score − chance) / (1 − chance): 0 at chance, 1 at a perfect score, negative below chance.
    public static func normalized(_ score: Double, chance: Double) -> Double {
        (score - chance) / (1 - chance)
    }

    /// The mean of `normalized` over `tasks`, scores and chance levels keyed by the task's name; nil when a
    /// task lacks either, or a chance level is 1 or more (a task nobody can beat chance on), or `tasks` is empty.
    public static func normalizedAverage(scores: [String: Double], chance: [String: Double], tasks: [BenchmarkTask]) -> Double? {
        guard !tasks.isEmpty else { return nil }
        var sum = 0.0
        for task in tasks {
            guard let score = scores[task.rawValue], let level = chance[task.rawValue], level < 1 else { return nil }
            sum += normalized(score, chance: level)
        }
        return sum / Double(tasks.count)
    }

    /// base − tuned for each task that both have, by the task's name: how much fine-tuning lost
    /// (negative: it gained).
    public static func forgetting(base: [String: Double], tuned: [String: Double], tasks: [BenchmarkTask]) -> [BenchmarkTask: Double] {
        var forgetting: [BenchmarkTask: Double] = [:]
        for task in tasks {
            if let b = base[task.rawValue], let t = tuned[task.rawValue] { forgetting[task] = b - t }
        }
        return forgetting
    }
}
