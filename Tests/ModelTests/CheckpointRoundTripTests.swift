import Foundation
import Kernels
import Model
import SafeTensors
import TestSupport
import Testing

/// Saving a model directory and loading it back, in the layout transformers reads.
@Suite("Checkpoint round trip")
struct CheckpointRoundTripTests {
    @Test("Save then load gives bit-identical parameters, the same config and the same log-probabilities",
          arguments: Variant.allCases)
    func roundTripIsExact(variant: Variant) throws {
        var config = variant.config
        config.bosTokenID = 1
        config.eosTokenID = 2
        config.ropeTheta = 500
        config.normEps = 1e-6
        let model = Llama(config: config)
        model.parameters.copy(from: makeModel(variant.config).parameters)
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        try model.save(to: directory)
        let loaded = try Llama.load(from: directory)

        #expect(loaded.config == model.config)
        #expect(loaded.parameterCount == model.parameterCount)
        #expect(bitIdentical(loaded.parameters.array, model.parameters.array), "parameters changed in the round trip")
        let ids: [Int32] = [1, 5, 3, 8, 2, 9]
        #expect(bitIdentical(loaded.logProbabilities(of: ids), model.logProbabilities(of: ids)))
    }

    @Test("Saving into a directory that does not exist yet creates it, and saving again overwrites")
    func saveCreatesAndOverwrites() throws {
        let parent = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: parent) }
        let directory = parent.appendingPathComponent("nested/model")
        let first = makeModel(Variant.untied.config, seed: 1)
        let second = makeModel(Variant.untied.config, seed: 2)

        try first.save(to: directory)
        try second.save(to: directory)
        let loaded = try Llama.load(from: directory)

        #expect(bitIdentical(loaded.parameters.array, second.parameters.array))
        // No temporary files are left beside the two the directory should hold.
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == ["config.json", "model.safetensors"])
    }

    @Test("config.json carries the keys transformers' LlamaConfig reads", arguments: [Variant.untied, Variant.tied, Variant.grouped])
    func configJSONHasTransformersKeys(variant: Variant) throws {
        let model = makeModel(variant.config)
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try model.save(to: directory)

        let data = try Data(contentsOf: directory.appendingPathComponent("config.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let config = variant.config

        #expect(json["architectures"] as? [String] == ["LlamaForCausalLM"])
        #expect(json["model_type"] as? String == "llama")
        #expect(json["hidden_size"] as? Int == config.dim)
        #expect(json["intermediate_size"] as? Int == config.hiddenDim)
        #expect(json["num_attention_heads"] as? Int == config.nHeads)
        #expect(json["num_key_value_heads"] as? Int == config.nKVHeads)
        #expect(json["num_hidden_layers"] as? Int == config.nLayers)
        #expect(json["vocab_size"] as? Int == config.vocabSize)
        #expect(json["max_position_embeddings"] as? Int == config.maxSeqLen)
        #expect(json["tie_word_embeddings"] as? Bool == config.tiedEmbeddings)
        #expect(json["hidden_act"] as? String == "silu")
        let eps = try #require(json["rms_norm_eps"] as? Double)
        #expect(abs(eps - Double(config.normEps)) <= 1e-12)
        let theta = try #require(json["rope_theta"] as? Double)
        #expect(theta == config.ropeTheta)
        // The head width, written so that transformers need not derive it.
        #expect(json["head_dim"] as? Int == config.headDim)
    }

    @Test("model.safetensors holds exactly transformers' tensor names, with lm_head only when untied",
          arguments: [Variant.untied, Variant.tied])
    func safetensorsHasTransformersNames(variant: Variant) throws {
        let model = makeModel(variant.config)
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try model.save(to: directory)

        let file = try SafeTensorsFile(contentsOf: directory.appendingPathComponent("model.safetensors"))
        var expected = ["model.embed_tokens.weight", "model.norm.weight"]
        for l in 0..<variant.config.nLayers {
            expected += [
                "input_layernorm", "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                "post_attention_layernorm", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj",
            ].map { "model.layers.\(l).\($0).weight" }
        }
        if !variant.config.tiedEmbeddings { expected.append("lm_head.weight") }

        #expect(Set(file.names) == Set(expected))
        #expect(file.names.count == expected.count)
        #expect(file.metadata["format"] == "pt")
        let C = variant.config.dim, V = variant.config.vocabSize, H = variant.config.hiddenDim
        #expect(file.tensors["model.embed_tokens.weight"]?.shape == [V, C])
        #expect(file.tensors["model.layers.1.mlp.down_proj.weight"]?.shape == [C, H])
        #expect(file.tensors["model.layers.0.mlp.gate_proj.weight"]?.shape == [H, C])
        #expect(file.tensors["model.layers.0.self_attn.k_proj.weight"]?.shape == [variant.config.kvDim, C])
        #expect(file.tensors["model.layers.0.self_attn.q_proj.weight"]?.dtype == .f32)
        // The values are the parameters, slot by slot.
        for slot in model.layout.slots {
            let values = try file.floats(slot.name)
            let original = Array(UnsafeBufferPointer(start: model.parameters.pointer + slot.offset, count: slot.count))
            #expect(bitIdentical(values, original), "\(slot.name) differs in the file")
        }
    }

    @Test("A tied config loads a checkpoint that also stores lm_head.weight, using the embedding")
    func tiedConfigSkipsStoredHead() throws {
        let untied = makeModel(Variant.untied.config)
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try untied.save(to: directory)
        // Same tensors, but config.json now says the head is tied.
        try rewriteConfig(in: directory) { $0["tie_word_embeddings"] = true }

        let loaded = try Llama.load(from: directory)

        #expect(loaded.config.tiedEmbeddings)
        let embedding = try #require(untied.layout.slot(named: "model.embed_tokens.weight"))
        #expect(bitIdentical(Array(loaded.parameters.array[..<embedding.count]), Array(untied.parameters.array[..<embedding.count])))
        #expect(loaded.weights.lmHead == loaded.weights.embedding)
    }
}

/// Reads config.json in `directory` as a JSON object, lets `edit` change it, and writes it back.
func rewriteConfig(in directory: URL, _ edit: (inout [String: Any]) -> Void) throws {
    let url = directory.appendingPathComponent("config.json")
    var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    edit(&json)
    try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]).write(to: url)
}
