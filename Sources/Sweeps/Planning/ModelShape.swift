import Foundation
import Model

/// A model's shape as a user names it — a model directory, a config.json file, or a published
/// model's name (`PublishedShape`) — without reading any weights.
public struct ModelShape: Sendable {
    public let config: LlamaConfig
    /// What was given, as the user wrote it.
    public let source: String
    /// The published model, when named.
    public let published: PublishedShape?

    public init(config: LlamaConfig, source: String, published: PublishedShape? = nil) {
        self.config = config
        self.source = source
        self.published = published
    }

    /// Resolves `argument`: a published shape's name first, then a directory (its config.json), then
    /// a file. Anything else, or an invalid config.json, is `BadInput` naming it.
    public static func resolve(_ argument: String) throws -> ModelShape {
        if let shape = PublishedShape.named(argument) {
            return ModelShape(config: shape.config, source: argument, published: shape)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
            throw BadInput("\(argument): no such model directory or config.json, nor a published shape (\(PublishedShape.names.joined(separator: ", ")))")
        }
        if isDirectory.boolValue { return ModelShape(config: try ModelDirectory.config(argument), source: argument, published: nil) }
        let url = URL(fileURLWithPath: argument)
        do {
            let config = try Llama.readConfig(from: url.deletingLastPathComponent(), file: url.lastPathComponent)
            return ModelShape(config: config, source: argument, published: nil)
        } catch let error as CustomStringConvertible {
            throw BadInput("cannot read the model's shape: \(error.description)")
        }
    }
}
