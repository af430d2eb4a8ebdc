import Foundation
import TextData
@_exported import Vocabulary

/// A task's score with its standard error, secondary metrics (`acc_norm`, …) and breakdowns (by
/// exposure k, by verb group), each a mean over items with its standard error.
public struct TaskResult: Codable, Sendable, Equatable {
    public var score: TaskScore
    /// Other metrics over the same items, by lm-eval's name where it has one ("acc_norm").
    public var metrics: [String: TaskScore]
    /// The main score over subsets of the items ("k=5", "rare").
    public var breakdown: [String: TaskScore]
    /// The main score's chance level on these items (`ChanceLevel`); nil for scores that have none
    /// (a held-out loss).
    public var chance: Double?

    public init(score: TaskScore, metrics: [String: TaskScore] = [:], breakdown: [String: TaskScore] = [:], chance: Double? = nil) {
        self.score = score
        self.metrics = metrics
        self.breakdown = breakdown
        self.chance = chance
    }

    enum CodingKeys: String, CodingKey { case score, stderr, n, chance, metrics, breakdown }

    /// {"score": …, "stderr": …, "n": …}, plus "chance", "metrics" and "breakdown" when there are any.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(score.score, forKey: .score)
        try c.encode(score.stderr, forKey: .stderr)
        try c.encode(score.n, forKey: .n)
        try c.encodeIfPresent(chance, forKey: .chance)
        if !metrics.isEmpty { try c.encode(metrics, forKey: .metrics) }
        if !breakdown.isEmpty { try c.encode(breakdown, forKey: .breakdown) }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        score = TaskScore(score: try c.decode(Double.self, forKey: .score), stderr: try c.decode(Double.self, forKey: .stderr),
                          n: try c.decode(Int.self, forKey: .n))
        metrics = try c.decodeIfPresent([String: TaskScore].self, forKey: .metrics) ?? [:]
        breakdown = try c.decodeIfPresent([String: TaskScore].self, forKey: .breakdown) ?? [:]
        chance = try c.decodeIfPresent(Double.self, forKey: .chance)
    }
}

/// The benchmark suite: items from a `World`, requests scored by any `LanguageModel`, metrics as
/// lm-evaluation-harness computes them.
///
/// ```swift
/// let model = LlamaLanguageModel(model: llama, encoding: encoding)
/// let results = Benchmarks.run(model: model, tasks: BenchmarkTask.allCases, world: World(seed: 1))
/// results[.facts]!.score      // TaskScore: score, stderr, n
/// ```
public enum Benchmarks {
    /// The results of a run, in the order the tasks were asked.
    public struct Results: Sendable {
        public let tasks: [BenchmarkTask]
        public let results: [BenchmarkTask: TaskResult]
        /// Requests scored (after removing duplicates shared by tasks) and the wall time.
        public let requestCount: Int
        public let seconds: Double

        public subscript(task: BenchmarkTask) -> TaskResult? { results[task] }
    }

    /// Builds every task's items, scores each distinct request once (MC1's requests are among MC2's)
    /// in one call to the model, and computes the metrics.
    public static func run(
        model: any LanguageModel, tasks: [BenchmarkTask] = BenchmarkTask.allCases, world: World,
        configuration: Configuration = .default
    ) -> Results {
        let started = Date()
        let allItems = tasks.map { items(for: $0, world: world, configuration: configuration) }
        var unique: [LogLikelihoodRequest] = []
        var position: [LogLikelihoodRequest: Int] = [:]
        for request in allItems.flatMap(\.requests) where position[request] == nil {
            position[request] = unique.count
            unique.append(request)
        }
        let scored = model.logLikelihoods(unique)
        let lookup = { (request: LogLikelihoodRequest) in scored[position[request]!] }
        var results: [BenchmarkTask: TaskResult] = [:]
        for (task, taskItems) in zip(tasks, allItems) {
            results[task] = score(task, items: taskItems, logLikelihood: lookup)
        }
        return Results(tasks: tasks, results: results, requestCount: unique.count,
                       seconds: Date().timeIntervalSince(started))
    }

    /// A task's metrics from the log-likelihoods of its requests, with the items' chance level.
    public static func score(
        _ task: BenchmarkTask, items: TaskItems, logLikelihood: (LogLikelihoodRequest) -> LogLikelihood
    ) -> TaskResult {
        let chance = ChanceLevel.of(task, items: items)
        switch items {
        case .greedy(let items):
            return TaskResult(score: TaskScore(itemScores: items.map { logLikelihood($0.request).isGreedy ? 1 : 0 }), chance: chance)
        case .choices(let items):
            var main: [Double] = []
            var metrics: [String: [Double]] = [:]
            var groups: [String: [Double]] = [:]
            for item in items {
                let lls = item.requests.map { logLikelihood($0).logProbability }
                let value: Double
                switch task {
                case .truthfulMC2:
                    value = Scoring.mc2(lls, isTrue: item.isTrue)
                case .facts:
                    value = Scoring.accuracy(lls, gold: item.gold)
                    metrics["acc_norm", default: []].append(Scoring.normalizedAccuracy(lls, choices: item.choices, gold: item.gold))
                case .causative:
                    value = Scoring.minimalPair(good: lls[item.gold], bad: lls[1 - item.gold])
                default:
                    value = Scoring.mc1(lls, trueIndex: item.gold)
                }
                if task == .truthfulMC1, let rival = item.rival {
                    metrics["true_beats_myth", default: []].append(Scoring.accuracy([lls[item.gold], lls[rival]], gold: 0))
                }
                main.append(value)
                if let group = item.group { groups[group, default: []].append(value) }
            }
            return TaskResult(score: TaskScore(itemScores: main),
                              metrics: metrics.mapValues(TaskScore.init(itemScores:)),
                              breakdown: groups.mapValues(TaskScore.init(itemScores:)), chance: chance)
        }
    }
}

/// What `sweep eval --json` prints: `{"tasks": {"facts": {"score": …, "stderr": …, "n": …, …}, …}}`,
/// each task with its `floor` (the unigram baseline on the same items) when one was measured.
public struct EvaluationReport: Encodable, Sendable {
    public struct Entry: Encodable, Sendable {
        public let result: TaskResult
        public let floor: TaskResult?

        enum CodingKeys: String, CodingKey { case floor }

        public func encode(to encoder: any Encoder) throws {
            try result.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(floor, forKey: .floor)
        }
    }

    public private(set) var tasks: [String: Entry]
    public let worldSeed: UInt64
    public let seconds: Double

    public init(results: Benchmarks.Results, floor: Benchmarks.Results?, worldSeed: UInt64) {
        var tasks: [String: Entry] = [:]
        for task in results.tasks {
            tasks[task.rawValue] = Entry(result: results.results[task]!, floor: floor?.results[task])
        }
        self.tasks = tasks
        self.worldSeed = worldSeed
        seconds = results.seconds
    }

    /// Adds a score measured outside the benchmark suite ("heldout-loss").
    public mutating func add(_ name: String, score: TaskScore, floor: TaskScore? = nil) {
        tasks[name] = Entry(result: TaskResult(score: score), floor: floor.map { TaskResult(score: $0) })
    }

    enum CodingKeys: String, CodingKey { case tasks, worldSeed = "world_seed", seconds }
}
