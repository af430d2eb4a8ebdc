import Foundation
import Testing
@testable import Sweeps

@Suite("results/base.md: the base model's scores beside their chance levels and floors")
struct BaseReportTests {
    let recipe = BaseRecord.Recipe(path: "experiments/base.toml", sha256: "abc", settings: "world.seed=1")
    let training = BaseRecord.Training(
        parameters: 2_150_000, corpusTokens: 500_000, steps: 10, plannedSteps: 10, tokens: 40_000, passes: 0.08, finalLoss: 3.5,
        trainingSeconds: 60, preparationSeconds: 5, tokensPerSecond: 700, blas: "Haswell", losses: [4, 3.5])

    @Test("An evaluation with chance levels gets a chance column before the floor")
    func chanceColumn() {
        let markdown = BaseReport.markdown(
            recipe: recipe, training: training,
            evaluation: ["facts": (score: 0.907, stderr: 0.012, n: 592, floor: 0.3, chance: 0.25)],
            modelDirectory: "results/base", chart: "base/loss.svg")
        #expect(markdown.contains("| benchmark                  | ours    | score ± stderr |   n | chance | floor (unigram) |"))
        #expect(markdown.contains("| MMLU global facts analogue | `facts` |  0.907 ± 0.012 | 592 |  0.250 |           0.300 |"))
    }

    @Test("An evaluation.json from before chance levels renders as it did")
    func withoutChance() {
        let markdown = BaseReport.markdown(
            recipe: recipe, training: training,
            evaluation: ["facts": (score: 0.907, stderr: 0.012, n: 592, floor: 0.3, chance: nil)],
            modelDirectory: "results/base", chart: "base/loss.svg")
        #expect(markdown.contains("| benchmark                  | ours    | score ± stderr |   n | floor (unigram) |"))
    }

    @Test("arith-4ds is named by the digits the recipe sets, the world's default when it sets none")
    func hardTaskDigits() {
        let three = BaseRecord.Recipe(path: "base.toml", sha256: "abc", settings: "world.hard_arithmetic_digits=3\nworld.seed=1")
        #expect(BaseReport.hardArithmeticDigits(three) == 3)
        #expect(BaseReport.hardArithmeticDigits(recipe) == 4)
        let markdown = BaseReport.markdown(recipe: three, training: training, evaluation: [:], modelDirectory: "m", chart: "c.svg")
        #expect(markdown.contains("which this recipe's world sets to 3-digit subtraction (`hard_arithmetic_digits`)"))
    }
}
