import Adapters
import Foundation
import Kernels
import Model
import SafeTensors
import TestSupport
import Testing

// Shapes: lora_A (r, IN), lora_B (OUT, r).
//
// An adapter directory as PEFT writes it: adapter_config.json and adapter_model.safetensors.
// Each error case starts from a directory this implementation wrote and changes one thing.

@Suite("PEFT adapter directories")
struct PEFTFormatTests {
    let config = Variant.untied.config  // C 8, H 12, V 11, 2 layers

    /// A saved adapter with non-zero A and B in a fresh directory; the caller removes it.
    func savedAdapter(_ knobs: LoRAConfig) throws -> (directory: URL, lora: LoRA) {
        let directory = try temporaryDirectory()
        let lora = LoRA(config: knobs, modelConfig: config, seed: 6)
        lora.perturbB()
        try lora.save(to: directory, baseModel: "tiny-llama")
        return (directory, lora)
    }

    func configURL(_ directory: URL) -> URL { directory.appendingPathComponent(LoRA.configFile) }
    func weightsURL(_ directory: URL) -> URL { directory.appendingPathComponent(LoRA.weightsFile) }

    /// The saved adapter_config.json as a dictionary.
    func readJSON(_ directory: URL) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: configURL(directory))) as? [String: Any])
    }

    /// Replaces adapter_config.json with `change` applied to the saved one.
    func rewriteConfig(_ directory: URL, _ change: (inout [String: Any]) -> Void) throws {
        var json = try readJSON(directory)
        change(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: configURL(directory))
    }

    /// Replaces adapter_model.safetensors with `change` applied to its (name, shape, values) list.
    func rewriteTensors(_ directory: URL, _ change: (inout [(name: String, shape: [Int], values: [Float])]) -> Void) throws {
        let file = try SafeTensorsFile(contentsOf: weightsURL(directory))
        var tensors = try file.names.map { (name: $0, shape: file.tensors[$0]!.shape, values: try file.floats($0)) }
        change(&tensors)
        let arrays = tensors.map(\.values)
        try withBuffers(arrays) { buffers in
            try SafeTensorsWriter.write(zip(tensors, buffers).map { (name: $0.name, shape: $0.shape, values: $1) },
                                        metadata: ["format": "pt"], to: weightsURL(directory))
        }
    }

    /// The message of the error `body` throws (Issue recorded if none).
    func errorMessage(_ body: () throws -> Void) -> String {
        do {
            try body()
            Issue.record("no error was thrown")
            return ""
        } catch {
            return "\(error)"
        }
    }

    func load(_ directory: URL) throws -> LoRA {
        try LoRA.load(from: directory, modelConfig: config)
    }

    @Test("Save then load gives the same A and B bit for bit and the same knobs",
          arguments: [LoRAConfig(rank: 4, alpha: 8, dropout: 0.05, targets: [.q, .v]),
                      LoRAConfig(rank: 3, alpha: 5.5, dropout: 0.1, targets: Set(ProjectionSite.allCases), useRSLoRA: true),
                      LoRAConfig(rank: 2, alpha: 16, dropout: 0, targets: [.down, .head])])
    func roundTrip(knobs: LoRAConfig) throws {
        let (directory, lora) = try savedAdapter(knobs)
        defer { try? FileManager.default.removeItem(at: directory) }
        let loaded = try load(directory)
        #expect(loaded.config == knobs)
        #expect(loaded.scale == lora.scale)
        #expect(bitIdentical(loaded.parameters.array, lora.parameters.array))
        #expect(loaded.slots.map(\.aOffset) == lora.slots.map(\.aOffset))
        #expect(!loaded.training, "a loaded adapter is for inference: dropout off")
        #expect(try LoRA.readConfig(from: directory) == knobs)
    }

    @Test("adapter_config.json holds PEFT's keys, with lora_dropout written as 0.05 and HF module names")
    func configFile() throws {
        let (directory, _) = try savedAdapter(LoRAConfig(rank: 8, alpha: 16, dropout: 0.05, targets: [.v, .q, .head],
                                                         useRSLoRA: true))
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = try readJSON(directory)
        #expect(json["peft_type"] as? String == "LORA")
        #expect(json["task_type"] as? String == "CAUSAL_LM")
        #expect(json["r"] as? Int == 8)
        #expect((json["lora_alpha"] as? NSNumber)?.doubleValue == 16)
        #expect((json["lora_dropout"] as? NSNumber)?.doubleValue == 0.05)
        #expect(json["target_modules"] as? [String] == ["q_proj", "v_proj", "lm_head"])
        #expect(json["use_rslora"] as? Bool == true)
        #expect(json["use_dora"] as? Bool == false)
        #expect(json["bias"] as? String == "none")
        #expect(json["base_model_name_or_path"] as? String == "tiny-llama")

        // The text itself: Float(0.05) widened naively would print 0.05000000074505806.
        let text = try String(contentsOf: configURL(directory), encoding: .utf8)
        let dropoutLine = text.split(separator: "\n").first { $0.contains("\"lora_dropout\"") }.map(String.init) ?? ""
        #expect(dropoutLine.replacingOccurrences(of: " ", with: "") == "\"lora_dropout\":0.05,", "\(dropoutLine)")
        #expect(!text.contains("0.0500000"))
    }

    @Test("Tensors are named base_model.model.<module>.lora_A/B.weight with shapes (r, IN) and (OUT, r)")
    func tensorNames() throws {
        let r = 2
        let (directory, lora) = try savedAdapter(LoRAConfig(rank: r, alpha: 4, dropout: 0, targets: [.q, .k, .down, .head]))
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try SafeTensorsFile(contentsOf: weightsURL(directory))
        let C = config.dim, H = config.hiddenDim, V = config.vocabSize, KV = config.kvDim
        var expected: [String: [Int]] = [
            "base_model.model.lm_head.lora_A.weight": [r, C],
            "base_model.model.lm_head.lora_B.weight": [V, r],
        ]
        for l in 0..<config.nLayers {
            expected["base_model.model.model.layers.\(l).self_attn.q_proj.lora_A.weight"] = [r, C]
            expected["base_model.model.model.layers.\(l).self_attn.q_proj.lora_B.weight"] = [C, r]
            expected["base_model.model.model.layers.\(l).self_attn.k_proj.lora_A.weight"] = [r, C]
            expected["base_model.model.model.layers.\(l).self_attn.k_proj.lora_B.weight"] = [KV, r]
            expected["base_model.model.model.layers.\(l).mlp.down_proj.lora_A.weight"] = [r, H]
            expected["base_model.model.model.layers.\(l).mlp.down_proj.lora_B.weight"] = [C, r]
        }
        #expect(Set(file.names) == Set(expected.keys))
        for (name, shape) in expected {
            #expect(file.tensors[name]?.shape == shape, "\(name)")
        }
        #expect(file.metadata["format"] == "pt")
        // The values are the adapter's: layer 1's down_proj B, for one.
        let slot = try #require(lora.slots.first { $0.site == .down && $0.layer == 1 })
        #expect(try file.floats("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight") == lora.b(slot))
        #expect(try file.floats("base_model.model.lm_head.lora_A.weight") == lora.a(lora.slots.last!))
    }

    @Test("An extra lm_head.base_layer.weight, as PEFT saves for an adapted head, is ignored")
    func baseLayerIgnored() throws {
        let (directory, lora) = try savedAdapter(LoRAConfig(rank: 2, alpha: 4, dropout: 0, targets: [.q, .head]))
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteTensors(directory) {
            $0.append((name: "base_model.model.lm_head.base_layer.weight", shape: [11, 8], values: Array(repeating: 1, count: 88)))
        }
        let loaded = try load(directory)
        #expect(bitIdentical(loaded.parameters.array, lora.parameters.array))
    }

    @Test("A directory without adapter_config.json is rejected, naming the file")
    func missingConfig() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let message = errorMessage { _ = try load(directory) }
        #expect(message.contains("adapter_config.json") && message.contains("cannot be read"), "\(message)")
    }

    /// The message loading fails with after `change` to a saved q,v adapter's config.
    func configError(_ change: (inout [String: Any]) -> Void) throws -> String {
        let (directory, _) = try savedAdapter(LoRAConfig(rank: 4, alpha: 8, dropout: 0.05, targets: [.q, .v]))
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteConfig(directory, change)
        let message = errorMessage { _ = try load(directory) }
        #expect(message.hasPrefix(configURL(directory).path + ": "), "\(message)")
        return message
    }

    @Test("Config errors name the key: peft_type, r, target_modules, use_dora")
    func configErrors() throws {
        var message = try configError { $0["peft_type"] = "IA3" }
        #expect(message.contains("peft_type must be \"LORA\", found IA3"), "\(message)")
        message = try configError { $0["r"] = nil }
        #expect(message.contains("missing integer key \"r\""), "\(message)")
        message = try configError { $0["target_modules"] = ["q_proj", "qkv_proj"] }
        #expect(message.contains("target module \"qkv_proj\" is not one of"), "\(message)")
        #expect(message.contains("q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, lm_head"), "\(message)")
        message = try configError { $0["use_dora"] = true }
        #expect(message.contains("use_dora = true is not supported"), "\(message)")
        message = try configError { $0["r"] = 0 }
        #expect(message.contains("rank must be a positive integer, got 0"), "\(message)")
    }

    /// The message loading fails with after `change` to a saved q,v adapter's tensors.
    func tensorError(_ change: (inout [(name: String, shape: [Int], values: [Float])]) -> Void) throws -> String {
        let (directory, _) = try savedAdapter(LoRAConfig(rank: 4, alpha: 8, dropout: 0.05, targets: [.q, .v]))
        defer { try? FileManager.default.removeItem(at: directory) }
        try rewriteTensors(directory, change)
        let message = errorMessage { _ = try load(directory) }
        #expect(message.hasPrefix(weightsURL(directory).path + ": "), "\(message)")
        return message
    }

    @Test("Tensor errors name the tensor: missing, wrong shape, unexpected")
    func tensorErrors() throws {
        let name = "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight"
        var message = try tensorError { $0.removeAll { $0.name == name } }
        #expect(message.contains("missing tensor \"\(name)\" (shape [8, 4])"), "\(message)")

        message = try tensorError { tensors in
            let i = tensors.firstIndex { $0.name == name }!
            tensors[i] = (name: name, shape: [4, 8], values: tensors[i].values)  // transposed
        }
        #expect(message.contains("tensor \"\(name)\" has shape [4, 8], expected [8, 4]"), "\(message)")

        let stray = "base_model.model.model.layers.0.mlp.up_proj.lora_A.weight"
        message = try tensorError { $0.append((name: stray, shape: [4, 8], values: Array(repeating: 0, count: 32))) }
        #expect(message.contains("unexpected tensor \"\(stray)\""), "\(message)")
    }
}

/// Calls `body` with buffer pointers to each array, all valid for the call.
private func withBuffers<R>(_ arrays: [[Float]], _ body: ([UnsafeBufferPointer<Float>]) throws -> R) throws -> R {
    var buffers: [UnsafeBufferPointer<Float>] = []
    func recurse(_ index: Int) throws -> R {
        guard index < arrays.count else { return try body(buffers) }
        return try arrays[index].withUnsafeBufferPointer { buffer in
            buffers.append(buffer)
            return try recurse(index + 1)
        }
    }
    return try recurse(0)
}
