import Foundation

/// The files `sweep base` writes beside a base model, and what later commands read back from them.
public enum BaseRecord {
    public static let recipeFile = "recipe.json"
    public static let trainingFile = "training.json"
    public static let evaluationFile = "evaluation.json"

    /// Which recipe trained the model: its hash, and every setting it resolved to.
    public struct Recipe: Codable, Equatable {
        public var path: String
        public var sha256: String
        public var settings: String

        public init(path: String, sha256: String, settings: String) {
            self.path = path
            self.sha256 = sha256
            self.settings = settings
        }
    }

    /// How pretraining went.
    public struct Training: Codable {
        public var parameters: Int
        public var corpusTokens: Int
        public var steps: Int
        public var plannedSteps: Int
        public var tokens: Int
        public var passes: Double
        public var finalLoss: Float
        public var trainingSeconds: Double
        public var preparationSeconds: Double
        public var tokensPerSecond: Double
        public var blas: String
        public var losses: [Float]

        public init(parameters: Int, corpusTokens: Int, steps: Int, plannedSteps: Int, tokens: Int, passes: Double, finalLoss: Float, trainingSeconds: Double, preparationSeconds: Double, tokensPerSecond: Double, blas: String, losses: [Float]) {
            self.parameters = parameters
            self.corpusTokens = corpusTokens
            self.steps = steps
            self.plannedSteps = plannedSteps
            self.tokens = tokens
            self.passes = passes
            self.finalLoss = finalLoss
            self.trainingSeconds = trainingSeconds
            self.preparationSeconds = preparationSeconds
            self.tokensPerSecond = tokensPerSecond
            self.blas = blas
            self.losses = losses
        }
    }

    public static func read<Value: Decodable>(_ type: Value.Type, from url: URL) throws -> Value {
        guard let data = try? Data(contentsOf: url) else { throw CommandError("\(url.path): cannot be read (run `make base` to write it)") }
        do {
            return try jsonDecoder().decode(type, from: data)
        } catch {
            throw CommandError("\(url.path): not a valid \(url.lastPathComponent): \(error)")
        }
    }
}
