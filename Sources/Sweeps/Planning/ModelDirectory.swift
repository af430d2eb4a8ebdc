import Foundation
import Model

/// A model directory as a user hands it over (config.json, model.safetensors, tokenizer.json):
/// problems with it are input to fix, not failures.
public enum ModelDirectory {
    /// Loads the model; a missing or corrupt file is `BadInput` naming the file.
    public static func load(_ path: String) throws -> Llama {
        try existing(path)
        do {
            return try Llama.load(from: URL(fileURLWithPath: path))
        } catch let error as CustomStringConvertible {
            throw BadInput("cannot load the model: \(error.description)")
        }
    }

    /// config.json alone.
    public static func config(_ path: String) throws -> LlamaConfig {
        try existing(path)
        do {
            return try Llama.readConfig(from: URL(fileURLWithPath: path))
        } catch let error as CustomStringConvertible {
            throw BadInput("cannot load the model: \(error.description)")
        }
    }

    static func existing(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BadInput("\(path): no such model directory (a directory with config.json and model.safetensors)")
        }
    }
}

extension ModelDirectory {
    /// Checks the directory without loading its weights: config.json is valid, and every tensor of
    /// the safetensors headers has the shape config.json implies.
    public static func check(_ path: String) throws {
        try existing(path)
        do {
            _ = try Llama.inspect(directory: URL(fileURLWithPath: path))
        } catch let error as CustomStringConvertible {
            throw BadInput("cannot load the model: \(error.description)")
        }
    }
}

extension ModelDirectory {
    /// The files that tell how the model reads text: what a checkpoint written from this one (merged,
    /// say) needs beside its weights to read text as this one does.
    public static let tokenizerFiles = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]

    /// Copies the tokenizer files `source` has into `destination`, replacing any there.
    public static func copyTokenizerFiles(from source: String, to destination: URL) throws {
        let files = FileManager.default
        for name in tokenizerFiles {
            let from = URL(fileURLWithPath: source).appendingPathComponent(name)
            guard files.fileExists(atPath: from.path) else { continue }
            let to = destination.appendingPathComponent(name)
            try? files.removeItem(at: to)
            try files.copyItem(at: from, to: to)
        }
    }
}
