import Evaluation
import Experiments
import Foundation
import TextData
import Tokenization

/// What the sweep needs to know about a base model directory beyond its weights: how it reads text, the
/// world it was pretrained on, its identity, and whether its recipe still matches experiments/base.toml.
public enum BaseModel {
    /// The directory's tokenizer.json (this project's own, or any Hugging Face one `sweep tokenize` reads).
    public static func encoding(_ directory: String) throws -> TextEncoding {
        let file = URL(fileURLWithPath: directory).appendingPathComponent("tokenizer.json")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw BadInput("\(directory) has no tokenizer.json: text goes through the tokenizer the model was trained with (`make base` and `sweep pretrain --tokenizer bpe` save it beside the model)")
        }
        return TextEncoding(try ModelTokenizer.load(directory))
    }

    /// The recipe the model was trained with, when `sweep base` wrote it.
    public static func recipe(_ directory: String) -> BaseRecord.Recipe? {
        try? BaseRecord.read(BaseRecord.Recipe.self, from: URL(fileURLWithPath: directory).appendingPathComponent(BaseRecord.recipeFile))
    }

    /// The seed of the world the model was pretrained on (its recipe's `world.seed`); 1 without a recipe.
    public static func worldSeed(_ directory: String) -> UInt64 {
        let setting = recipe(directory)?.settings.split(separator: "\n").first { $0.hasPrefix("world.seed=") }
        return setting.flatMap { UInt64($0.dropFirst("world.seed=".count)) } ?? 1
    }

    /// The world the model was pretrained on: its recipe's `world.seed` and `[world]` settings (the default
    /// world of seed 1 without a recipe). A recipe.json whose world settings no longer validate is bad input.
    public static func world(_ directory: String) throws -> World {
        guard let settings = recipe(directory)?.settings else { return World(seed: 1) }
        do {
            let read = try BaseRecipe.worldSettings(fromCanonicalText: settings)
            return World(seed: read.seed, configuration: read.world)
        } catch {
            throw BadInput("\(directory)/\(BaseRecord.recipeFile): \(error)")
        }
    }

    /// The benchmark item counts the model's recipe set (`[benchmarks]`); the defaults without a recipe.
    public static func benchmarkConfiguration(_ directory: String) -> Benchmarks.Configuration {
        guard let settings = recipe(directory)?.settings,
              let read = try? BaseRecipe.worldSettings(fromCanonicalText: settings) else { return .default }
        return Benchmarks.Configuration(read.benchmarks)
    }

    /// SHA-256 over config.json, the weights and tokenizer.json: the model's identity in run ids.
    public static func hash(_ directory: String) throws -> String {
        var data = Data()
        for file in ["config.json", "model.safetensors", "tokenizer.json"] {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(file)
            guard let contents = try? Data(contentsOf: url) else {
                throw BadInput("\(url.path) cannot be read: is \(directory) a base model? (`make base` writes results/base)")
            }
            data.append(Data(file.utf8))
            data.append(contents)
        }
        return sha256Hex(data)
    }

    /// A warning when the recipe file that trained the model (the path its recipe.json records) now hashes
    /// differently; nil when it still matches, when that file is gone, or when no recipe.json says which
    /// recipe it was (a model from elsewhere, such as a Hugging Face checkpoint).
    public static func staleRecipeWarning(_ directory: String) -> String? {
        guard let used = recipe(directory), FileManager.default.fileExists(atPath: used.path),
              let current = try? BaseRecipe.load(path: used.path), used.sha256 != current.hash else { return nil }
        return "warning: \(directory) was trained by a recipe with hash \(used.sha256.prefix(12)), but \(used.path) now hashes to \(current.hash.prefix(12)): run `sweep base --recipe \(used.path) --out \(directory)` to retrain it, or expect results that do not match the recipe"
    }

    /// Prints `staleRecipeWarning`, if any.
    public static func warnIfStale(_ directory: String) {
        if let warning = staleRecipeWarning(directory) { printProgress(warning) }
    }
}

extension Benchmarks.Configuration {
    /// A recipe's `[benchmarks]` counts; `BenchmarkCounts()` gives `Benchmarks.Configuration.default`.
    public init(_ counts: BenchmarkCounts) {
        self = .default
        truthfulItems = counts.truthfulItems
        causativePairsPerGroup = counts.causativePairsPerGroup
        factsItems = counts.factsItems
        factsChoices = counts.factsChoices
        arithmeticItems = counts.arithmeticItems
    }
}
