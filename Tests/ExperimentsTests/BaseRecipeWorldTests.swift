import Foundation
import Testing
import TextData
@testable import Experiments

@Suite struct BaseRecipeWorldTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("Each committed base model was trained by its committed recipe: the hash its recipe.json records",
          arguments: [("experiments/base.toml", "results/base"), ("experiments/base-large.toml", "results/base-large")])
    func committedModelMatchesItsRecipe(recipeFile: String, model: String) throws {
        let recipe = try BaseRecipe.load(path: Self.repository.appendingPathComponent(recipeFile).path)
        let recorded = try Data(contentsOf: Self.repository.appendingPathComponent(model + "/recipe.json"))
        let fields = try JSONSerialization.jsonObject(with: recorded) as? [String: Any]
        #expect(fields?["sha256"] as? String == recipe.hash)
        #expect(fields?["settings"] as? String == recipe.canonicalText)
    }

    @Test("Restating a world default or a benchmark default leaves the hash alone; changing one changes it")
    func defaultsStayOut() throws {
        let plain = try BaseRecipe.parse(source: "[world]\nseed = 1\n", path: "a.toml")
        let restated = try BaseRecipe.parse(source: """
            [world]
            seed = 1
            town_count = 300
            exposures = [5, 10, 20, 40]
            pronoun_fraction = 0.4
            [benchmarks]
            causative_pairs_per_group = 100
            facts_choices = 4
            """, path: "b.toml")
        let changed = try BaseRecipe.parse(source: "[world]\nexposures = [3, 6, 12, 24]\n", path: "c.toml")
        let moreItems = try BaseRecipe.parse(source: "[benchmarks]\ncausative_pairs_per_group = 200\n", path: "d.toml")
        #expect(restated.hash == plain.hash)
        #expect(changed.hash != plain.hash && moreItems.hash != plain.hash)
        #expect(changed.canonicalText.contains("world.exposures=[3,6,12,24]\n"))
        #expect(moreItems.canonicalText.contains("benchmarks.causative_pairs_per_group=200\n"))
    }

    @Test("A recipe sets any world knob and benchmark count by its snake_case key")
    func worldKeysReachTheConfiguration() throws {
        let recipe = try BaseRecipe.parse(source: """
            [world]
            seed = 3
            town_count = 40
            misconception_exposures = [[2, 10], [6, 6], [10, 2]]
            arithmetic_repeats = 2
            question_answer_fraction = 0.5
            [benchmarks]
            truthful_items = 30
            arithmetic_items = 50
            """, path: "base.toml")
        #expect(recipe.worldSeed == 3 && recipe.world.townCount == 40)
        #expect(recipe.world.misconceptionExposures == [[2, 10], [6, 6], [10, 2]])
        #expect(recipe.world.arithmeticRepeats == 2 && recipe.world.questionAnswerFraction == 0.5)
        #expect(recipe.benchmarks.truthfulItems == 30 && recipe.benchmarks.arithmeticItems == 50)
        #expect(recipe.benchmarks.causativePairsPerGroup == 100 && recipe.benchmarks.factsItems == nil)
    }

    @Test("The canonical text gives back the world and the counts it was made from")
    func canonicalTextRoundTrips() throws {
        let recipe = try BaseRecipe.parse(source: """
            [world]
            seed = 2
            exposures = [3, 6]
            misconception_exposures = [[4, 8]]
            pronoun_fraction = 0.25
            [benchmarks]
            facts_items = 77
            """, path: "base.toml")
        let read = try BaseRecipe.worldSettings(fromCanonicalText: recipe.canonicalText)
        #expect(read.seed == 2 && read.world == recipe.world && read.benchmarks == recipe.benchmarks)
        let committed = try BaseRecipe.worldSettings(fromCanonicalText: BaseRecipe().canonicalText)
        #expect(committed.seed == 1 && committed.world == .default && committed.benchmarks == BenchmarkCounts())
    }

    @Test("Bad world and benchmark settings name the file, line and key", arguments: [
        ("[world]\nseed = 1\ntown_cout = 4\n", "base.toml:3: world.town_cout: unknown key; expected one of seed,"),
        ("[world]\ntown_count = 0\n", "base.toml:2: world.town_count: needs at least 1 town"),
        ("[world]\nexposures = \"many\"\n", "base.toml:2: world.exposures: expected"),
        ("[world]\nmisconception_exposures = [[1, 2, 3]]\n", "base.toml:2: world.misconception_exposures: is a list of [true, false] pairs"),
        ("[world]\narithmetic_repeats = 0\n", "base.toml:2: world.arithmetic_repeats: needs at least 1"),
        ("[world]\nhard_arithmetic_digits = 2\n", "base.toml:2: world.hard_arithmetic_digits: must be between 3 and 6"),
        ("[world]\nmisconception_false_exposures = 2\n", "base.toml:2: world.misconception_false_exposures: must exceed"),
        ("[benchmarks]\nfacts_choices = 1\n", "base.toml:2: benchmarks.facts_choices: expected an integer ≥ 2, got 1"),
        ("[benchmarks]\ntruthful_items = \"all\"\n", "base.toml:2: benchmarks.truthful_items: expected an integer ≥ 1"),
    ])
    func errorsArePrecise(source: String, expected: String) {
        #expect {
            try BaseRecipe.parse(source: source, path: "base.toml")
        } throws: { error in
            let description = (error as? RecipeError)?.description ?? "\(error)"
            return description.hasPrefix(expected)
        }
    }
}
