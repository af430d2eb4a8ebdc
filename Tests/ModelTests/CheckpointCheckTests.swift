import Foundation
import Model
import TestSupport
import Testing

// V vocabulary, C width, H MLP width, L layers.

/// A model directory is checked against its config.json before anything is allocated: sizes that
/// once aborted, trapped or hung now throw an error naming the key, and a config that disagrees
/// with the weights names the tensor and both shapes.
@Suite("Checkpoint check")
struct CheckpointCheckTests {
    /// A fresh directory holding a valid saved model of `variant`; the caller removes it.
    func savedModel(_ variant: Variant = .untied) throws -> (model: Llama, directory: URL) {
        let model = makeModel(variant.config)
        let directory = try temporaryDirectory()
        try model.save(to: directory)
        return (model, directory)
    }

    /// Both the check and the load throw a CheckpointError whose description holds every fragment.
    func expectRefused(
        _ directory: URL, mentions fragments: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for (step, attempt) in [("inspect", { _ = try Llama.inspect(directory: directory) }),
                                ("load", { _ = try Llama.load(from: directory) })] as [(String, () throws -> Void)] {
            do {
                try attempt()
                Issue.record("\(step): expected an error, the directory passed", sourceLocation: sourceLocation)
            } catch let error as CheckpointError {
                for fragment in fragments {
                    #expect(error.description.contains(fragment), "\(step): \"\(fragment)\" not in: \(error)", sourceLocation: sourceLocation)
                }
            } catch {
                Issue.record("\(step): expected a CheckpointError, got \(error)", sourceLocation: sourceLocation)
            }
        }
    }

    // MARK: Sizes found by fuzzing config.json

    @Test("vocab_size 2^31 (which once aborted allocating 3.3 TB) is refused, naming the key and the value")
    func hugeVocabulary() throws {
        let (_, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteConfig(in: directory) { $0["vocab_size"] = 1 << 31 }
        expectRefused(directory, mentions: ["config.json", "vocab_size 2147483648", "limit"])
    }

    @Test("intermediate_size 2^62 (which once trapped on overflow) is refused, naming the key and the value")
    func hugeMLP() throws {
        let (_, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteConfig(in: directory) { $0["intermediate_size"] = 1 << 62 }
        expectRefused(directory, mentions: ["config.json", "intermediate_size 4611686018427387904", "limit"])
    }

    @Test("num_hidden_layers 2^31 (which once hung) is refused, naming the key and the value")
    func hugeDepth() throws {
        let (_, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteConfig(in: directory) { $0["num_hidden_layers"] = 1 << 31 }
        expectRefused(directory, mentions: ["config.json", "num_hidden_layers 2147483648", "limit"])
    }

    @Test("An eos_token_id beyond Int32 (which would trap as a token) is refused, naming the key and the value")
    func hugeEndOfSequence() throws {
        let (_, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteConfig(in: directory) { $0["eos_token_id"] = 1 << 62 }
        expectRefused(directory, mentions: ["config.json", "eos_token_id 4611686018427387904"])
    }

    @Test("Sizes each within their limit but too many parameters together are refused, naming the keys")
    func tooManyParameters() {
        let config = LlamaConfig(dim: 1 << 16, hiddenDim: 1 << 18, nLayers: 1024, nHeads: 1 << 10, vocabSize: 1 << 20, maxSeqLen: 16)
        let problems = config.problems()
        #expect(problems.count == 1)
        #expect(problems.first?.contains("hidden_size 65536") == true, "\(problems)")
        #expect(problems.first?.contains("above the limit of 17179869184") == true, "\(problems)")
    }

    @Test("Activations too large for an Int to count are reported as nil before allocating")
    func activationsOverflow() {
        let config = LlamaConfig(dim: 1 << 20, hiddenDim: 1 << 20, nLayers: 1024, nHeads: 1 << 10, vocabSize: 1 << 22, maxSeqLen: 1 << 20)
        #expect(LlamaActivations.floatCount(config: config, B: 1 << 20, T: 1 << 20, training: true) == nil)
        #expect(LlamaActivations.floatCount(config: Variant.untied.config, B: 2, T: 4, training: true) != nil)
    }

    // MARK: config.json against the weights

    @Test("A vocab_size that disagrees with the weights names the key, the tensor and both shapes")
    func vocabularyDisagrees() throws {
        let (_, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteConfig(in: directory) { $0["vocab_size"] = 4_000_000 }
        expectRefused(directory, mentions: [
            "config.json: vocab_size 4000000 implies \"model.embed_tokens.weight\" [4000000, 8], model.safetensors has [11, 8]",
        ])
    }

    @Test("An intermediate_size that disagrees names the first MLP tensor and both shapes")
    func mlpWidthDisagrees() throws {
        let (_, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteConfig(in: directory) { $0["intermediate_size"] = 16 }
        expectRefused(directory, mentions: [
            "intermediate_size 16 implies \"model.layers.0.mlp.gate_proj.weight\" [16, 8], model.safetensors has [12, 8]",
        ])
    }

    @Test("Fewer key/value heads than the weights have names the keys the k_proj shape comes from")
    func keyValueHeadsDisagree() throws {
        let (_, directory) = try savedModel(.grouped)
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteConfig(in: directory) { $0["num_key_value_heads"] = 1 }
        expectRefused(directory, mentions: ["num_key_value_heads 1", "\"model.layers.0.self_attn.k_proj.weight\" [4, 16]", "has [8, 16]"])
    }

    @Test("A head_dim that disagrees with the weights names the keys the q_proj shape comes from")
    func headDimDisagrees() throws {
        let (_, directory) = try savedModel(.wideHeads)
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteConfig(in: directory) { $0["head_dim"] = 4 }
        expectRefused(directory, mentions: [
            "num_attention_heads 2, head_dim 4 imply \"model.layers.0.self_attn.q_proj.weight\" [8, 8], model.safetensors has [12, 8]",
        ])
    }

    @Test("An untied config over tied weights names the missing lm_head.weight")
    func untiedOverTied() throws {
        let (_, directory) = try savedModel(.tied)
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteConfig(in: directory) { $0["tie_word_embeddings"] = false }
        expectRefused(directory, mentions: ["missing tensor \"lm_head.weight\"", "[11, 8]"])
    }

    @Test("A tied config over untied weights loads, ignoring lm_head.weight")
    func tiedOverUntied() throws {
        let (model, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteConfig(in: directory) { $0["tie_word_embeddings"] = true }
        // The head is skipped for a tied model: the file loads, reading only the embedding.
        let loaded = try Llama.load(from: directory)
        #expect(loaded.config.tiedEmbeddings)
        #expect(loaded.parameterCount == model.parameterCount - 11 * 8)
    }

    // MARK: Valid directories

    @Test("A valid tiny checkpoint passes the check and loads the same config", arguments: Variant.allCases)
    func validCheckpoint(variant: Variant) throws {
        let (model, directory) = try savedModel(variant)
        defer { try? FileManager.default.removeItem(at: directory) }

        let config = try Llama.inspect(directory: directory)
        let loaded = try Llama.load(from: directory)

        #expect(config == variant.config)
        #expect(loaded.config == config)
        #expect(loaded.parameters.array == model.parameters.array)
    }

    @Test("A sharded checkpoint is checked shard by shard and loads")
    func shardedCheckpoint() throws {
        let (model, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        let single = directory.appendingPathComponent("model.safetensors")
        try FileManager.default.moveItem(at: single, to: directory.appendingPathComponent("model-00001-of-00001.safetensors"))
        let weightMap = Dictionary(uniqueKeysWithValues: model.layout.slots.map { ($0.name, "model-00001-of-00001.safetensors") })
        try JSONSerialization.data(withJSONObject: ["weight_map": weightMap])
            .write(to: directory.appendingPathComponent("model.safetensors.index.json"))

        #expect(try Llama.inspect(directory: directory) == model.config)
        #expect(try Llama.load(from: directory).parameters.array == model.parameters.array)
    }

    @Test("A shard index that puts a tensor in a shard without it names the tensor and the shard")
    func shardIndexDisagrees() throws {
        let (model, directory) = try savedModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        let single = directory.appendingPathComponent("model.safetensors")
        try FileManager.default.moveItem(at: single, to: directory.appendingPathComponent("shard.safetensors"))
        var weightMap = Dictionary(uniqueKeysWithValues: model.layout.slots.map { ($0.name, "shard.safetensors") })
        weightMap["model.layers.9.mlp.up_proj.weight"] = "shard.safetensors"
        try JSONSerialization.data(withJSONObject: ["weight_map": weightMap])
            .write(to: directory.appendingPathComponent("model.safetensors.index.json"))

        expectRefused(directory, mentions: ["model.safetensors.index.json", "\"model.layers.9.mlp.up_proj.weight\"", "shard.safetensors"])
    }
}
