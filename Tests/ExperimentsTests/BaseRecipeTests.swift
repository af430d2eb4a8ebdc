import Testing
@testable import Experiments

@Suite struct BaseRecipeTests {
    @Test("A recipe sets what it lists and keeps the defaults for the rest")
    func parsesSettings() throws {
        let recipe = try BaseRecipe.parse(source: """
            [model]
            dim = 96   # a comment
            layers = 2
            [training]
            lr = 1e-3
            schedule = "linear"
            """, path: "base.toml")
        #expect(recipe.dim == 96 && recipe.layers == 2 && recipe.lr == 1e-3 && recipe.schedule == "linear")
        #expect(recipe.heads == BaseRecipe().heads && recipe.steps == BaseRecipe().steps)
        #expect(recipe.resolvedHidden == 256)  // 8/3 × 96 rounded up to a multiple of 16
    }

    @Test("The hash ignores comments and restated defaults, and follows every setting")
    func hashCoversSettingsOnly() throws {
        let plain = try BaseRecipe.parse(source: "[model]\ndim = 96\n", path: "a.toml")
        let commented = try BaseRecipe.parse(source: "# the width\n[model]\ndim = 96  # narrow\nlayers = 4\n", path: "b.toml")
        let wider = try BaseRecipe.parse(source: "[model]\ndim = 128\n", path: "c.toml")
        #expect(plain.hash == commented.hash)
        #expect(plain.hash != wider.hash)
        #expect(plain.hash.count == 64)
    }

    @Test("Unknown keys, wrong types and impossible shapes name the file, line and key", arguments: [
        ("[model]\ndim = 96\nlayres = 4\n", "base.toml:3: model.layres: unknown key"),
        ("[modle]\ndim = 96\n", "base.toml:1: modle: unknown section"),
        ("[training]\nlr = \"fast\"\n", "base.toml:2: training.lr: expected a number"),
        ("[training]\nsteps = 0\n", "base.toml:2: training.steps: expected an integer ≥ 1, got 0"),
        ("[training]\nschedule = \"step\"\n", "base.toml:2: training.schedule: expected one of"),
        ("[model]\ndim = 100\nheads = 3\n", "base.toml: model: dim (100) must be a multiple of heads (3)"),
        ("[model\n", "base.toml:1: "),
    ])
    func errorsArePrecise(source: String, expected: String) {
        #expect {
            try BaseRecipe.parse(source: source, path: "base.toml")
        } throws: { error in
            (error as? RecipeError)?.description.hasPrefix(expected) == true
        }
    }
}
