import Foundation
import SafeTensors

/// A model directory that cannot be read, with the file and the problem.
public struct CheckpointError: Error, CustomStringConvertible {
    public let path: String
    public let problem: String
    public var description: String { "\(path): \(problem)" }
}

/// Model directories in the Hugging Face layout: `config.json` (LlamaConfig) and
/// `model.safetensors` (or shards listed in `model.safetensors.index.json`) with transformers'
/// tensor names. F32, F16 and BF16 tensors are read and converted to fp32; fp32 is written.
extension Llama {
    public static let configFile = "config.json"
    public static let weightsFile = "model.safetensors"
    public static let shardIndexFile = "model.safetensors.index.json"

    /// Reads a model directory, checking every tensor's presence and shape.
    public static func load(from directory: URL) throws -> Llama {
        let config = try readConfig(from: directory)
        let model = Llama(config: config)
        let files = try weightFiles(in: directory)
        var fileOf: [String: SafeTensorsFile] = [:]
        for file in files {
            for name in file.names {
                if name.hasSuffix("rotary_emb.inv_freq") { continue }  // older checkpoints store RoPE's table
                if name == "lm_head.weight", config.tiedEmbeddings { continue }
                guard model.layout.slot(named: name) != nil else {
                    throw CheckpointError(path: file.path, problem: "unexpected tensor \"\(name)\": not part of a Llama with this config.json")
                }
                fileOf[name] = file
            }
        }
        for slot in model.layout.slots {
            guard let file = fileOf[slot.name], let info = file.tensors[slot.name] else {
                throw CheckpointError(path: files[0].path, problem: "missing tensor \"\(slot.name)\" (shape \(slot.shape))")
            }
            guard info.shape == slot.shape else {
                throw CheckpointError(path: file.path, problem: "tensor \"\(slot.name)\" has shape \(info.shape), config.json implies \(slot.shape)")
            }
            try file.copyFloats(slot.name, into: .init(start: model.parameters.pointer + slot.offset, count: slot.count))
        }
        return model
    }

    public static func readConfig(from directory: URL, file: String = configFile) throws -> LlamaConfig {
        let url = directory.appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CheckpointError(path: url.path, problem: "cannot be read: is \(directory.path) a model directory?")
        }
        do {
            return try JSONDecoder().decode(LlamaConfig.self, from: data)
        } catch let error as DecodingError {
            throw CheckpointError(path: url.path, problem: describe(error))
        } catch {
            throw CheckpointError(path: url.path, problem: "is not valid JSON (\(error.localizedDescription))")
        }
    }

    /// Writes `config.json` and `model.safetensors` into `directory`, creating it if needed.
    public func save(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(config).write(to: directory.appendingPathComponent(Self.configFile), options: .atomic)
        let tensors = layout.slots.map { slot in
            (name: slot.name, shape: slot.shape,
             values: UnsafeBufferPointer(start: parameters.pointer + slot.offset, count: slot.count))
        }
        try SafeTensorsWriter.write(tensors, metadata: ["format": "pt"], to: directory.appendingPathComponent(Self.weightsFile))
    }

    private static func weightFiles(in directory: URL) throws -> [SafeTensorsFile] {
        let single = directory.appendingPathComponent(weightsFile)
        if FileManager.default.fileExists(atPath: single.path) { return [try SafeTensorsFile(contentsOf: single)] }
        let index = directory.appendingPathComponent(shardIndexFile)
        guard let data = FileManager.default.contents(atPath: index.path) else {
            throw CheckpointError(path: directory.path, problem: "holds neither \(weightsFile) nor \(shardIndexFile)")
        }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let weightMap = json["weight_map"] as? [String: String] else {
            throw CheckpointError(path: index.path, problem: "is not a shard index: expected an object with a \"weight_map\" of tensor name to file")
        }
        return try Set(weightMap.values).sorted().map { name in
            guard !name.contains("/") else {
                throw CheckpointError(path: index.path, problem: "shard \"\(name)\" must be a file name inside the model directory")
            }
            return try SafeTensorsFile(contentsOf: directory.appendingPathComponent(name))
        }
    }
}

/// A decoding error as one line: the key path and what was wrong.
func describe(_ error: DecodingError) -> String {
    func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }
    switch error {
    case .keyNotFound(let key, _): return "missing key \"\(key.stringValue)\""
    case .typeMismatch(let type, let context): return "key \"\(path(context))\" should be \(type): \(context.debugDescription)"
    case .valueNotFound(let type, let context): return "key \"\(path(context))\" is null, expected \(type)"
    case .dataCorrupted(let context):
        let key = path(context)
        return key.isEmpty ? context.debugDescription : "key \"\(key)\": \(context.debugDescription)"
    @unknown default: return "\(error)"
    }
}
