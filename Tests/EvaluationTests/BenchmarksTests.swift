import Evaluation
import Foundation
import Model
import Testing
import TextData

@Suite("The suite end to end: a tiny Llama and the unigram floor on a tiny world")
struct BenchmarksTests {
    let world = EvaluationFixtures.world
    let tokenizer = EvaluationFixtures.tokenizer

    @Test("Every task is scored on all its items, each distinct request once")
    func runAll() {
        let model = LlamaLanguageModel(model: EvaluationFixtures.model(), encoding: .project(tokenizer))
        let results = Benchmarks.run(model: model, world: world)
        #expect(results.tasks == BenchmarkTask.allCases)
        for task in BenchmarkTask.allCases {
            let result = results[task]!
            #expect(result.score.n == Benchmarks.items(for: task, world: world).count, "\(task)")
            #expect((0...1).contains(result.score.score), "\(task): \(result.score.score)")
        }
        #expect(results[.facts]!.metrics["acc_norm"] != nil)
        #expect(Set(results[.facts]!.breakdown.keys) == ["k=5", "k=10", "k=20", "k=40"])
        #expect(Set(results[.causative]!.breakdown.keys) == ["frequent", "rare", "held_out"])
        // MC1's requests are MC2's first wording: no request is scored twice.
        let all = BenchmarkTask.allCases.flatMap { Benchmarks.items(for: $0, world: world).requests }
        #expect(results.requestCount == Set(all).count)
        #expect(results.requestCount < all.count)
    }

    @Test("Scores of the same model do not depend on which tasks run together")
    func tasksIndependent() {
        let model = LlamaLanguageModel(model: EvaluationFixtures.model(), encoding: .project(tokenizer))
        let together = Benchmarks.run(model: model, tasks: [.truthfulMC1, .truthfulMC2, .facts], world: world)
        let alone = Benchmarks.run(model: model, tasks: [.facts], world: world)
        #expect(together[.facts] == alone[.facts])
    }

    @Test("The unigram floor scores the same items")
    func floor() {
        let unigram = UnigramLanguageModel(encoding: .project(tokenizer), corpus: world.corpus().texts)
        let results = Benchmarks.run(model: unigram, world: world)
        for task in BenchmarkTask.allCases {
            #expect(results[task]!.score.n == Benchmarks.items(for: task, world: world).count)
        }
        // It ignores the question, so a 4-choice question is near chance, never certain.
        #expect(results[.facts]!.score.score < 1)
    }

    @Test("sweep eval --json: {\"tasks\": {name: {score, stderr, n, chance, …, floor}}}")
    func jsonShape() throws {
        let tasks: [BenchmarkTask] = [.facts, .arith2ds]
        let model = LlamaLanguageModel(model: EvaluationFixtures.model(), encoding: .project(tokenizer))
        let results = Benchmarks.run(model: model, tasks: tasks, world: world)
        let floor = Benchmarks.run(model: UnigramLanguageModel(encoding: .project(tokenizer), corpus: world.corpus().texts),
                                   tasks: tasks, world: world)
        // The CLI's encoder: sorted snake_case keys, non-finite numbers as strings.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(EvaluationReport(results: results, floor: floor, worldSeed: 7))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["world_seed"] as? Int == 7)
        let taskTable = try #require(json["tasks"] as? [String: Any])
        #expect(Set(taskTable.keys) == ["facts", "arith-2ds"])
        let facts = try #require(taskTable["facts"] as? [String: Any])
        #expect(Set(facts.keys) == ["score", "stderr", "n", "chance", "metrics", "breakdown", "floor"])
        #expect(facts["chance"] as? Double == 0.25)
        #expect(facts["score"] as? Double == results[.facts]!.score.score)
        #expect(facts["stderr"] as? Double == results[.facts]!.score.stderr)
        #expect(facts["n"] as? Int == 16)
        let accNorm = try #require((facts["metrics"] as? [String: Any])?["acc_norm"] as? [String: Any])
        #expect(Set(accNorm.keys) == ["score", "stderr", "n"])
        let byK = try #require(facts["breakdown"] as? [String: Any])
        #expect(Set(byK.keys) == ["k=5", "k=10", "k=20", "k=40"])
        let factsFloor = try #require(facts["floor"] as? [String: Any])
        #expect(factsFloor["score"] as? Double == floor[.facts]!.score.score)
        #expect(factsFloor["floor"] == nil)
        let arithmetic = try #require(taskTable["arith-2ds"] as? [String: Any])
        #expect(Set(arithmetic.keys) == ["score", "stderr", "n", "chance", "floor"])
        #expect(arithmetic["chance"] as? Double == 0)
        // A result read back equals the one written.
        let decoded = try JSONDecoder().decode(TaskResult.self, from: try JSONSerialization.data(withJSONObject: facts))
        #expect(decoded == results[.facts]!)
    }
}
