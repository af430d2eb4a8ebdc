import Experiments
import Foundation
import Sweeps
import Testing

/// A base model is checked against the recipe file its recipe.json names, not against experiments/base.toml:
/// results/base-large is trained by experiments/base-large.toml.
@Suite("Stale recipe warning")
struct StaleRecipeWarningTests {
    static func modelDirectory(trainedBy recipePath: String, in folder: URL, name: String) throws -> String {
        let recipe = try BaseRecipe.load(path: recipePath)
        let directory = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let record = BaseRecord.Recipe(path: recipePath, sha256: recipe.hash, settings: recipe.canonicalText)
        try JSONEncoder().encode(record).write(to: directory.appendingPathComponent(BaseRecord.recipeFile))
        return directory.path
    }

    @Test("A model warns only when the recipe that trained it changes, and names that recipe")
    func warnsForItsOwnRecipe() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stale-recipe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let small = folder.appendingPathComponent("small.toml").path
        let large = folder.appendingPathComponent("large.toml").path
        try "[training]\nsteps = 10\n".write(toFile: small, atomically: true, encoding: .utf8)
        try "[training]\nsteps = 20\n".write(toFile: large, atomically: true, encoding: .utf8)
        let smallModel = try Self.modelDirectory(trainedBy: small, in: folder, name: "small")
        let largeModel = try Self.modelDirectory(trainedBy: large, in: folder, name: "large")
        #expect(BaseModel.staleRecipeWarning(smallModel) == nil)
        #expect(BaseModel.staleRecipeWarning(largeModel) == nil)

        try "[training]\nsteps = 30\n".write(toFile: small, atomically: true, encoding: .utf8)

        let warning = try #require(BaseModel.staleRecipeWarning(smallModel))
        #expect(warning.contains("but \(small) now hashes to") && warning.contains("sweep base --recipe \(small) --out \(smallModel)"))
        #expect(BaseModel.staleRecipeWarning(largeModel) == nil)
        #expect(BaseModel.staleRecipeWarning(folder.path) == nil, "a directory without recipe.json, such as a Hugging Face checkpoint")
    }
}
