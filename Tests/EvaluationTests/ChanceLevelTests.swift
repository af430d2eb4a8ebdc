import Evaluation
import Testing
import TextData

@Suite("Chance levels: the expected score of a uniform random choice, from the items")
struct ChanceLevelTests {
    @Test("MC1, facts and minimal pairs: the mean of 1 / choices")
    func oneOverChoices() {
        let items = TaskItems.choices([
            ChoiceItem(context: "Q:", choices: ["a", "b", "c", "d"], gold: 0),       // 1/4
            ChoiceItem(context: "Q:", choices: ["a", "b"], gold: 1),                 // 1/2
            ChoiceItem(context: "Q:", choices: ["a", "b", "c", "d", "e"], gold: 2),  // 1/5
        ])
        let expected = (0.25 + 0.5 + 0.2) / 3  // 0.31666…
        #expect(abs(ChanceLevel.of(.truthfulMC1, items: items) - expected) < 1e-15)
        #expect(abs(ChanceLevel.of(.facts, items: items) - expected) < 1e-15)
        let pairs = TaskItems.choices([ChoiceItem(context: "", choices: ["good", "bad"], delimiter: "", gold: 0)])
        #expect(ChanceLevel.of(.causative, items: pairs) == 0.5)
    }

    @Test("MC2: the true answers' share of the choices, the mass uniform probabilities put on them")
    func trueMass() {
        let items = TaskItems.choices([
            // 2 true of 8: 0.25
            ChoiceItem(context: "Q:", choices: (0..<8).map { "\($0)" }, gold: 0,
                       isTrue: [true, false, false, false, true, false, false, false]),
            // 1 true of 3: 1/3
            ChoiceItem(context: "Q:", choices: ["x", "y", "z"], gold: 2),
        ])
        #expect(abs(ChanceLevel.of(.truthfulMC2, items: items) - (0.25 + 1.0 / 3) / 2) < 1e-15)
    }

    @Test("Exact-match arithmetic: 0")
    func arithmetic() {
        let items = TaskItems.greedy([GreedyItem(context: "Question: What is 1 plus 1?\nAnswer:", target: " 2")])
        #expect(ChanceLevel.of(.arith2ds, items: items) == 0)
        #expect(ChanceLevel.of(.arith4ds, items: items) == 0)
    }

    @Test("A scored task carries its items' chance level, and the world's suite has the hand-computed ones")
    func scoredTasksCarryIt() {
        let world = EvaluationFixtures.world
        let levels = ChanceLevel.levels(tasks: BenchmarkTask.allCases, world: world)
        #expect(levels[.truthfulMC1] == 0.25)   // four values per misconception
        #expect(levels[.truthfulMC2] == 0.25)   // the true value in two wordings of eight answers
        #expect(levels[.causative] == 0.5)
        #expect(levels[.facts] == 0.25)         // four choices per fact
        #expect(levels[.arith2ds] == 0)
        let model = UnigramLanguageModel(encoding: .project(EvaluationFixtures.tokenizer), corpus: world.corpus().texts)
        let results = Benchmarks.run(model: model, tasks: [.facts, .arith2ds], world: world)
        #expect(results[.facts]?.chance == 0.25)
        #expect(results[.arith2ds]?.chance == 0)
    }
}
