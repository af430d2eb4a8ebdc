import ArgumentParser
import Evaluation
import Foundation
import Sweeps
import Kernels
import Model
import TextData

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a model on the benchmark suite, as lm-evaluation-harness scores it.",
        discussion: """
            The article's six scores on the generated world (--seed picks it; use the seed the model \
            was pretrained on): truthful-mc1, truthful-mc2 (TruthfulQA), causative (BLiMP), facts \
            (MMLU global facts, on towns kept out of the instruction sets), arith-2ds, arith-4ds. \
            Each is a mean over fixed items with its standard error, beside its chance level (the \
            expected score of a uniform random choice among each item's answers; 0 for arithmetic); \
            --floor also scores a unigram model of the world's corpus on the same items, the score \
            that needs no context.

            The tokenizer is the model directory's tokenizer.json.

              sweep eval --model models/base --floor
              sweep eval --model models/base --adapter adapters/qv --tasks facts,arith-2ds --json
            """)

    @Option(help: "A model directory (config.json, model.safetensors, tokenizer.json).")
    var model: String

    @OptionGroup var adapterOptions: AdapterOptions

    @Option(help: "Comma-separated tasks: \(BenchmarkTask.allCases.map(\.rawValue).joined(separator: ",")) (default: all).")
    var tasks = "all"

    @Option(help: "Seed of the world the items come from (default: the model's own world, from its recipe.json; a seed given here keeps the default world's shape).")
    var seed: UInt64?

    @Option(help: "At most this many items per task (lm-eval's --limit), for quick checks.")
    var limit: Int?

    @Option(help: "Also measure the held-out loss (nats per response token) of this built-in instruction set's held-out split: alpaca, lima or none.")
    var heldout: HeldOutChoice = .alpaca

    @Flag(help: "Also score the unigram baseline (token frequencies of the world's corpus) on the same items.")
    var floor = false

    @Flag(help: "Print one JSON object: {\"tasks\": {\"facts\": {\"score\": …, \"stderr\": …, \"n\": …}, …}}.")
    var json = false

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        do {
            _ = try BenchmarkTask.parseList(tasks)
        } catch {
            throw ValidationError("--tasks: \(error.description)")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
    }

    func run() throws {
        try compute.apply()
        BaseModel.warnIfStale(model)
        let chosen = try BenchmarkTask.parseList(tasks)
        let config = try ModelDirectory.config(model)
        let encoding = try BaseModel.encoding(model)
        guard encoding.vocabularySize <= config.vocabSize else {
            throw CommandError("\(model)/tokenizer.json has \(encoding.vocabularySize) tokens, more than the model's vocab_size (\(config.vocabSize)): it is not this model's tokenizer")
        }
        let llama = try adapterOptions.attach(to: ModelDirectory.load(model))
        // The model's own world and item counts (its recipe.json), unless --seed names another world.
        var configuration = seed == nil ? BaseModel.benchmarkConfiguration(model) : .default
        if let limit { configuration = configuration.limited(to: limit) }
        let world = try seed.map { World(seed: $0) } ?? BaseModel.world(model)

        let (results, floorResults, report) = try SuiteEvaluation.run(
            model: llama, encoding: encoding, world: world, tasks: chosen, configuration: configuration,
            floor: floor, heldOut: heldout.set, heldOutLimit: limit)
        if json { return try printJSON(report) }
        printTable(results: results, floor: floorResults)
        if let entry = report.tasks[MetricName.heldoutLoss.rawValue] {
            // No chance level: a loss has none.
            let floorCell = entry.floor.map { String(format: "          %.3f", $0.score.score) } ?? ""
            print(MetricName.heldoutLoss.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0)
                  + String(format: "%.3f ± %.3f", entry.result.score.score, entry.result.score.stderr).padding(toLength: 16, withPad: " ", startingAt: 0)
                  + String(format: "%5d", entry.result.score.n) + floorCell)
        }
    }

    enum HeldOutChoice: String, CaseIterable, ExpressibleByArgument {
        case alpaca, lima, none
        var set: InstructionSet.Builtin? { InstructionSet.Builtin(rawValue: rawValue) }
    }

    /// task, score ± stderr, n, chance, floor; metrics and breakdowns indented below their task.
    func printTable(results: Benchmarks.Results, floor: Benchmarks.Results?) {
        func cell(_ score: TaskScore) -> String {
            String(format: "%.3f ± %.3f", score.score, score.stderr)
        }
        func line(_ name: String, _ score: TaskScore, chance: Double? = nil, floor: TaskScore?) {
            let chanceCell = chance.map { String(format: "%6.3f", $0) } ?? String(repeating: " ", count: 6)
            let floorCell = floor.map { String(format: "%.3f", $0.score) } ?? ""
            print(name.padding(toLength: 22, withPad: " ", startingAt: 0) + cell(score).padding(toLength: 16, withPad: " ", startingAt: 0)
                  + String(format: "%5d", score.n) + "  " + chanceCell + "  " + floorCell)
        }
        print("task".padding(toLength: 22, withPad: " ", startingAt: 0) + "score ± stderr".padding(toLength: 16, withPad: " ", startingAt: 0)
              + "    n  chance" + (floor == nil ? "" : "  floor"))
        for task in results.tasks {
            guard let result = results[task] else { continue }
            let floorResult = floor?[task]
            line(task.rawValue, result.score, chance: result.chance, floor: floorResult?.score)
            for (name, score) in result.metrics.sorted(by: { $0.key < $1.key }) {
                line("  " + name, score, floor: floorResult?.metrics[name])
            }
            for (name, score) in result.breakdown.sorted(by: { breakdownOrder($0.key) < breakdownOrder($1.key) }) {
                line("  " + name, score, floor: floorResult?.breakdown[name])
            }
        }
    }

    /// Exposures in numeric order (k=5 before k=10), verb groups from frequent to held out.
    func breakdownOrder(_ key: String) -> (Int, String) {
        if key.hasPrefix("k="), let k = Int(key.dropFirst(2)) { return (k, key) }
        let groups = World.Verb.Group.allCases.map(\.rawValue)
        return (groups.firstIndex(of: key) ?? groups.count, key)
    }
}
