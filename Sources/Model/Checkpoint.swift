import Foundation
import SafeTensors

/// A model directory or training checkpoint that cannot be read, with the file and the problem.
public struct CheckpointError: Error, CustomStringConvertible {
    public let path: String
    public let problem: String
    public var description: String { "\(path): \(problem)" }

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }
}

/// Model directories in the Hugging Face layout: `config.json` (LlamaConfig) and
/// `model.safetensors` (or shards listed in `model.safetensors.index.json`) with transformers'
/// tensor names. F32, F16 and BF16 tensors are read and converted to fp32; fp32 is written.
extension Llama {
    public static let configFile = "config.json"
    public static let weightsFile = "model.safetensors"
    public static let shardIndexFile = "model.safetensors.index.json"

    /// Reads a model directory. `CheckpointCheck` first proves config.json valid and every
    /// tensor present with the shape it implies, so nothing is allocated for a bad directory.
    public static func load(from directory: URL) throws -> Llama {
        let check = try CheckpointCheck(directory: directory)
        let model = Llama(config: check.config)
        for slot in model.layout.slots {
            guard let file = check.fileOf[slot.name] else {  // the check proved every slot present
                throw CheckpointError(path: directory.path, problem: "missing tensor \"\(slot.name)\"")
            }
            let destination = UnsafeMutableBufferPointer(start: model.parameters.pointer + slot.offset, count: slot.count)
            try file.copyFloats(slot.name, into: destination)
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
