import Foundation

/// The files `sweep base` writes beside a base model, and what later commands read back from them.
enum BaseRecord {
    static let recipeFile = "recipe.json"
    static let trainingFile = "training.json"
    static let evaluationFile = "evaluation.json"

    /// Which recipe trained the model: its hash, and every setting it resolved to.
    struct Recipe: Codable, Equatable {
        var path: String
        var sha256: String
        var settings: String
    }

    /// How pretraining went.
    struct Training: Codable {
        var parameters: Int
        var corpusTokens: Int
        var steps: Int
        var plannedSteps: Int
        var tokens: Int
        var passes: Double
        var finalLoss: Float
        var trainingSeconds: Double
        var preparationSeconds: Double
        var tokensPerSecond: Double
        var blas: String
        var losses: [Float]
    }

    static func read<Value: Decodable>(_ type: Value.Type, from url: URL) throws -> Value {
        guard let data = try? Data(contentsOf: url) else { throw CommandError("\(url.path): cannot be read (run `make base` to write it)") }
        do {
            return try jsonDecoder().decode(type, from: data)
        } catch {
            throw CommandError("\(url.path): not a valid \(url.lastPathComponent): \(error)")
        }
    }
}

extension Encodable {
    /// Writes self as sorted, snake_case JSON.
    func write(to url: URL) throws {
        var data = try jsonEncoder().encode(self)
        data.append(UInt8(ascii: "\n"))
        try data.write(to: url, options: .atomic)
    }
}

func jsonDecoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
}
