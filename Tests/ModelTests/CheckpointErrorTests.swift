import Foundation
import Kernels
import Model
import SafeTensors
import TestSupport
import Testing

/// A model directory that cannot be loaded gives an error naming the file and the problem, never
/// a crash. Each test starts from a valid saved model and breaks one thing.
@Suite("Checkpoint errors")
struct CheckpointErrorTests {
    /// A fresh directory holding a valid untied model; the caller removes it.
    func savedModel(_ variant: Variant = .untied) throws -> (model: Llama, directory: URL) {
        let model = makeModel(variant.config)
        let directory = try temporaryDirectory()
        try model.save(to: directory)
        return (model, directory)
    }

    /// Loads `directory` expecting a CheckpointError whose description contains every fragment.
    func expectLoadFailure(
        _ directory: URL, mentions fragments: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let model = try Llama.load(from: directory)
            Issue.record("expected an error, loaded a model of \(model.parameterCount) parameters", sourceLocation: sourceLocation)
        } catch let error as CheckpointError {
            let message = error.description
            #expect(message.hasPrefix(error.path + ": "), "\(message)", sourceLocation: sourceLocation)
            for fragment in fragments {
                #expect(message.contains(fragment), "\"\(fragment)\" not in: \(message)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("expected a CheckpointError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Rewrites model.safetensors with the model's tensors, changed by `edit` first.
    func rewriteWeights(
        of model: Llama, in directory: URL,
        _ edit: (inout [(name: String, shape: [Int], values: [Float])]) -> Void
    ) throws {
        var tensors = model.layout.slots.map { slot in
            (name: slot.name, shape: slot.shape,
             values: Array(UnsafeBufferPointer(start: model.parameters.pointer + slot.offset, count: slot.count)))
        }
        edit(&tensors)
        let all = tensors.flatMap(\.values)
        var starts: [Int] = [], start = 0
        for tensor in tensors { starts.append(start); start += tensor.values.count }
        try all.withUnsafeBufferPointer { base in
            let views = tensors.indices.map { i in
                (name: tensors[i].name, shape: tensors[i].shape,
                 values: UnsafeBufferPointer(rebasing: base[starts[i]..<starts[i] + tensors[i].values.count]))
            }
            try SafeTensorsWriter.write(views, metadata: ["format": "pt"], to: directory.appendingPathComponent("model.safetensors"))
        }
    }

    // MARK: The directory and config.json

    @Test("A directory that does not exist is named, with a hint that it should be a model directory")
    func missingDirectory() {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-model-\(UUID().uuidString)")
        expectLoadFailure(directory, mentions: [directory.path, "config.json", "model directory"])
    }

    @Test("A directory without config.json names config.json")
    func missingConfig() throws {
        let (_, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("config.json"))
        expectLoadFailure(directory, mentions: ["config.json", "cannot be read"])
    }

    @Test("A config.json that is not JSON says so")
    func invalidJSON() throws {
        let (_, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("{\"hidden_size\": 8,".utf8).write(to: directory.appendingPathComponent("config.json"))
        expectLoadFailure(directory, mentions: ["config.json", "JSON"])
    }

    @Test("A config.json without hidden_size names the key")
    func missingHiddenSize() throws {
        let (_, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteConfig(in: directory) { $0["hidden_size"] = nil }
        expectLoadFailure(directory, mentions: ["config.json", "hidden_size", "missing"])
    }

    @Test("hidden_act gelu is refused, naming hidden_act and the value")
    func unsupportedActivation() throws {
        let (_, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteConfig(in: directory) { $0["hidden_act"] = "gelu" }
        expectLoadFailure(directory, mentions: ["config.json", "hidden_act", "gelu"])
    }

    @Test("hidden_size not divisible by num_attention_heads is refused, naming both")
    func headsDoNotDivideWidth() throws {
        let (_, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteConfig(in: directory) {
            $0["num_attention_heads"] = 3
            $0["num_key_value_heads"] = 3
            $0["head_dim"] = nil
        }
        expectLoadFailure(directory, mentions: ["config.json", "hidden_size (8)", "num_attention_heads (3)", "divisible"])
    }

    @Test("num_attention_heads not divisible by num_key_value_heads is refused, naming both")
    func kvHeadsDoNotDivideHeads() throws {
        let (_, directory) = try savedModel(.grouped)
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteConfig(in: directory) { $0["num_key_value_heads"] = 3 }
        expectLoadFailure(directory, mentions: ["config.json", "num_attention_heads (4)", "num_key_value_heads (3)", "divisible"])
    }

    // MARK: model.safetensors

    @Test("A directory without model.safetensors or a shard index names both")
    func missingWeights() throws {
        let (_, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("model.safetensors"))
        expectLoadFailure(directory, mentions: [directory.path, "model.safetensors", "model.safetensors.index.json"])
    }

    @Test("A missing tensor is named with its shape")
    func missingTensor() throws {
        let (model, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteWeights(of: model, in: directory) { $0.removeAll { $0.name == "model.layers.1.mlp.up_proj.weight" } }
        expectLoadFailure(directory, mentions: ["model.safetensors", "missing tensor", "\"model.layers.1.mlp.up_proj.weight\"", "[12, 8]"])
    }

    @Test("An untied config with a checkpoint lacking lm_head.weight names lm_head.weight")
    func missingHead() throws {
        let (model, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteWeights(of: model, in: directory) { $0.removeAll { $0.name == "lm_head.weight" } }
        expectLoadFailure(directory, mentions: ["missing tensor", "\"lm_head.weight\""])
    }

    @Test("A tensor with the wrong shape is named with both shapes")
    func wrongShape() throws {
        let (model, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Same element count, transposed: only the shape can tell.
        try rewriteWeights(of: model, in: directory) { tensors in
            let i = tensors.firstIndex { $0.name == "model.layers.0.mlp.down_proj.weight" }!
            tensors[i].shape = [12, 8]
        }
        expectLoadFailure(directory, mentions: ["model.safetensors", "\"model.layers.0.mlp.down_proj.weight\"", "[12, 8]", "[8, 12]"])
    }

    @Test("An unexpected extra tensor is named")
    func unexpectedTensor() throws {
        let (model, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteWeights(of: model, in: directory) { $0.append((name: "model.layers.2.self_attn.q_proj.weight", shape: [8, 8], values: Array(repeating: 0, count: 64))) }
        expectLoadFailure(directory, mentions: ["model.safetensors", "unexpected tensor", "\"model.layers.2.self_attn.q_proj.weight\""])
    }

    @Test("A truncated model.safetensors is reported as truncated, naming the file")
    func truncatedWeights() throws {
        let (_, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count - 100).write(to: url)

        // The safetensors reader's own error surfaces here, not a CheckpointError: accept either,
        // as long as it names the file and the problem.
        do {
            let model = try Llama.load(from: directory)
            Issue.record("expected an error, loaded a model of \(model.parameterCount) parameters")
        } catch {
            let message = "\(error)"
            #expect(message.contains(url.path), "\(message)")
            #expect(message.contains("truncated"), "\(message)")
        }
    }

    @Test("A tensor of an integer dtype is refused, naming the tensor and the dtype")
    func integerTensor() throws {
        let (_, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        // Rewrite the header in place: "F32" → "I32" for model.norm.weight (same length, same bytes).
        var bytes = try Data(contentsOf: url)
        let headerLength = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        var header = String(decoding: bytes[8..<8 + headerLength], as: UTF8.self)
        let entry = try #require(header.range(of: "\"model.norm.weight\":{\"dtype\":\"F32\""))
        header.replaceSubrange(entry, with: "\"model.norm.weight\":{\"dtype\":\"I32\"")
        bytes.replaceSubrange(8..<8 + headerLength, with: Data(header.utf8))
        try bytes.write(to: url)

        do {
            _ = try Llama.load(from: directory)
            Issue.record("expected an error for an I32 tensor")
        } catch {
            let message = "\(error)"
            #expect(message.contains("model.norm.weight") && message.contains("I32"), "\(message)")
        }
    }
}
