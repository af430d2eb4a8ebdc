import Experiments
import Foundation
import Reports
import TextData
import Vocabulary

/// results/base.md: the base model's loss curve, benchmark scores beside their floors, tokens, time, size.
/// Rendered from the files `sweep base` writes beside the model, so it can be redone without training.
public enum BaseReport {
    /// The tasks in the article's order, with the names its table uses.
    static let tasks: [(metric: String, title: String)] = BenchmarkTask.allCases.map {
        ($0.rawValue, $0.articleName + ([.arith2ds, .arith4ds].contains($0) ? "" : " analogue"))
    } + [(MetricName.heldoutLoss.rawValue, "held-out loss, Alpaca analogue (nats/token)")]

    public static func write(modelDirectory: String, to path: String) throws {
        let directory = URL(fileURLWithPath: modelDirectory)
        let recipe = try BaseRecord.read(BaseRecord.Recipe.self, from: directory.appendingPathComponent(BaseRecord.recipeFile))
        let training = try BaseRecord.read(BaseRecord.Training.self, from: directory.appendingPathComponent(BaseRecord.trainingFile))
        let evaluation = try readEvaluation(directory.appendingPathComponent(BaseRecord.evaluationFile))

        let report = URL(fileURLWithPath: path)
        let chartDirectory = report.deletingPathExtension().lastPathComponent
        let chartURL = report.deletingLastPathComponent().appendingPathComponent(chartDirectory)
        try FileManager.default.createDirectory(at: chartURL, withIntermediateDirectories: true)
        try Data(lossChart(training).utf8).write(to: chartURL.appendingPathComponent("loss.svg"), options: .atomic)
        try Data(markdown(recipe: recipe, training: training, evaluation: evaluation, modelDirectory: modelDirectory,
                          chart: "\(chartDirectory)/loss.svg").utf8).write(to: report, options: .atomic)
        printProgress("wrote \(path)")
    }

    /// task → (score, stderr, n, floor score, chance level: absent from reports older than chance levels).
    static func readEvaluation(_ url: URL) throws -> [String: (score: Double, stderr: Double, n: Int, floor: Double?, chance: Double?)] {
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let tasks = object["tasks"] as? [String: [String: Any]] else {
            throw CommandError("\(url.path): missing or not an evaluation report (run `make base`)")
        }
        var result: [String: (Double, Double, Int, Double?, Double?)] = [:]
        for (name, entry) in tasks {
            let floor = (entry["floor"] as? [String: Any])?["score"] as? Double
            result[name] = ((entry["score"] as? Double) ?? .nan, (entry["stderr"] as? Double) ?? .nan, (entry["n"] as? Int) ?? 0, floor,
                            entry["chance"] as? Double)
        }
        return result
    }

    static func markdown(recipe: BaseRecord.Recipe, training: BaseRecord.Training,
                         evaluation: [String: (score: Double, stderr: Double, n: Int, floor: Double?, chance: Double?)],
                         modelDirectory: String, chart: String) -> String {
        func fixed(_ value: Double, _ decimals: Int = 3) -> String { NumberFormatting.fixed(value, decimals: decimals) }
        // The chance column (ChanceLevel) when the evaluation recorded it; older evaluation.json files have none.
        let showsChance = evaluation.values.contains { $0.chance != nil }
        var scores = MarkdownTable(headers: ["benchmark", "ours", "score ± stderr", "n"] + (showsChance ? ["chance"] : []) + ["floor (unigram)"],
                                   alignments: [.left, .left, .right, .right, .right] + (showsChance ? [.right] : []))
        for (task, article) in tasks {
            guard let entry = evaluation[task] else { continue }
            scores.append([article, "`\(task)`", "\(fixed(entry.score)) ± \(fixed(entry.stderr))", "\(entry.n)"]
                          + (showsChance ? [entry.chance.map { fixed($0) } ?? "—"] : []) + [entry.floor.map { fixed($0) } ?? "—"])
        }
        var facts = MarkdownTable(headers: ["quantity", "value"], alignments: [.left, .right])
        facts.append(["parameters", NumberFormatting.grouped(training.parameters)])
        facts.append(["corpus tokens", NumberFormatting.grouped(training.corpusTokens)])
        facts.append(["tokens trained on", "\(NumberFormatting.grouped(training.tokens)) (\(fixed(training.passes, 1)) passes)"])
        facts.append(["optimizer steps", "\(NumberFormatting.grouped(training.steps)) of \(NumberFormatting.grouped(training.plannedSteps))"])
        facts.append(["final training loss", fixed(Double(training.finalLoss))])
        facts.append(["training time", NumberFormatting.duration(training.trainingSeconds)])
        facts.append(["corpus and tokenizer time", NumberFormatting.duration(training.preparationSeconds)])
        facts.append(["throughput", "\(NumberFormatting.grouped(Int(training.tokensPerSecond.rounded()))) tokens/s, \(training.blas)"])
        facts.append(["recipe hash", "`\(recipe.sha256.prefix(16))`"])
        let hardDigits = hardArithmeticDigits(recipe)

        return """
            # The base model

            A Llama pretrained from scratch by `sweep base --recipe \(recipe.path) --out \(modelDirectory)` \
            on WordNet's glosses and examples and the generated world; the experiments whose `base` is \
            `\(modelDirectory)` fine-tune it. The files are in `\(modelDirectory)/`; `recipe.json` holds the \
            recipe's hash, and a sweep warns when that recipe has changed since.

            \(facts.render())
            ## Benchmarks

            Scored as lm-evaluation-harness scores them (`sweep eval --model \(modelDirectory) --floor`). \
            The floor is a unigram model of the world's corpus on the same items: the score of word \
            frequencies alone, with no context. A base model should sit between floor and ceiling, so \
            fine-tuning can move it either way. The chance column is what guessing scores; `arith-4ds` \
            stands for the article's hard arithmetic task, which this recipe's world sets to \
            \(hardDigits)-digit subtraction (`hard_arithmetic_digits`).

            \(scores.render())
            ## Training loss

            ![training loss](\(chart))

            ## Recipe

            ```
            \(recipe.settings.trimmingCharacters(in: .newlines))
            ```

            """
    }

    /// The digits of the hard subtraction task in the world the recipe's canonical settings describe.
    static func hardArithmeticDigits(_ recipe: BaseRecord.Recipe) -> Int {
        let world = (try? BaseRecipe.worldSettings(fromCanonicalText: recipe.settings))?.world ?? World.Configuration()
        return world.hardArithmeticDigits
    }

    static func lossChart(_ training: BaseRecord.Training) -> String {
        // At most ~250 points keep the file small; the mean over each window keeps the shape honest.
        let window = max(1, training.losses.count / 250)
        var points: [SVGChart.Point] = []
        var start = 0
        while start < training.losses.count {
            let slice = training.losses[start..<min(start + window, training.losses.count)]
            let mean = slice.reduce(0) { $0 + Double($1) } / Double(slice.count)
            points.append(SVGChart.Point(x: Double(start + slice.count), y: mean))
            start += window
        }
        return SVGChart(title: "Base model pretraining loss", xLabel: "optimizer step", yLabel: "cross-entropy (nats per token)",
                        xAxis: .linear, series: [SVGChart.Series(label: "training loss (mean over \(window) steps)", points: points)])
            .render()
    }
}
