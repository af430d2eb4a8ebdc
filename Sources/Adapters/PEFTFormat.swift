import Foundation
import Model
import SafeTensors

/// An adapter directory that cannot be read, with the file and the problem.
public struct AdapterError: Error, CustomStringConvertible {
    public let path: String
    public let problem: String
    public var description: String { "\(path): \(problem)" }
}

/// Adapter directories as PEFT writes them: `adapter_config.json` (peft_type "LORA", r,
/// lora_alpha, lora_dropout, target_modules, use_rslora, base_model_name_or_path) and
/// `adapter_model.safetensors` with tensors named
/// `base_model.model.<module path>.lora_A.weight` (r, IN) and `….lora_B.weight` (OUT, r), so that
/// `PeftModel.from_pretrained(LlamaForCausalLM.from_pretrained(base), adapter)` loads them.
extension LoRA {
    public static let configFile = "adapter_config.json"
    public static let weightsFile = "adapter_model.safetensors"

    /// The safetensors names of one adapter slot's A and B.
    static func tensorNames(_ site: ProjectionSite, layer: Int) -> (a: String, b: String) {
        let prefix = "base_model.model." + site.modulePath(layer: layer)
        return (prefix + ".lora_A.weight", prefix + ".lora_B.weight")
    }

    /// Writes the adapter directory; `baseModel` is recorded as base_model_name_or_path.
    public func save(to directory: URL, baseModel: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let peftConfig: [String: Any] = [
            "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": config.rank, "lora_alpha": shortest(config.alpha),
            "lora_dropout": shortest(config.dropout), "use_rslora": config.useRSLoRA,
            "target_modules": config.targets.sorted().map(\.moduleName), "base_model_name_or_path": baseModel,
            "bias": "none", "fan_in_fan_out": false, "inference_mode": true, "init_lora_weights": true,
            "modules_to_save": NSNull(), "layers_to_transform": NSNull(), "use_dora": false,
        ]
        let json = try JSONSerialization.data(withJSONObject: peftConfig, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try json.write(to: directory.appendingPathComponent(Self.configFile), options: .atomic)
        let r = config.rank
        let tensors = slots.flatMap { slot in
            let names = Self.tensorNames(slot.site, layer: slot.layer)
            return [
                (name: names.a, shape: [r, slot.inFeatures],
                 values: UnsafeBufferPointer(start: parameters.pointer + slot.aOffset, count: r * slot.inFeatures)),
                (name: names.b, shape: [slot.outFeatures, r],
                 values: UnsafeBufferPointer(start: parameters.pointer + slot.bOffset, count: slot.outFeatures * r)),
            ]
        }
        try SafeTensorsWriter.write(tensors, metadata: ["format": "pt"], to: directory.appendingPathComponent(Self.weightsFile))
    }

    /// Reads the knobs of an adapter directory, rejecting what this implementation does not compute.
    public static func readConfig(from directory: URL) throws -> LoRAConfig {
        let url = directory.appendingPathComponent(configFile)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw AdapterError(path: url.path, problem: "cannot be read: is \(directory.path) an adapter directory?")
        }
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw AdapterError(path: url.path, problem: "is not a JSON object")
        }
        func fail(_ problem: String) -> AdapterError { AdapterError(path: url.path, problem: problem) }
        guard json["peft_type"] as? String == "LORA" else { throw fail("peft_type must be \"LORA\", found \(json["peft_type"] ?? "nothing")") }
        guard let rank = json["r"] as? Int else { throw fail("missing integer key \"r\"") }
        guard let alpha = (json["lora_alpha"] as? NSNumber)?.floatValue else { throw fail("missing number key \"lora_alpha\"") }
        let dropout = (json["lora_dropout"] as? NSNumber)?.floatValue ?? 0
        let useRSLoRA = json["use_rslora"] as? Bool ?? false
        if json["use_dora"] as? Bool == true { throw fail("use_dora = true is not supported") }
        if let bias = json["bias"] as? String, bias != "none" { throw fail("bias \"\(bias)\" is not supported: only \"none\"") }
        if let pattern = json["rank_pattern"] as? [String: Any], !pattern.isEmpty { throw fail("rank_pattern is not supported") }
        if let pattern = json["alpha_pattern"] as? [String: Any], !pattern.isEmpty { throw fail("alpha_pattern is not supported") }
        let modules: [String]
        if let list = json["target_modules"] as? [String] { modules = list }
        else if let single = json["target_modules"] as? String { modules = [single] }
        else { throw fail("target_modules must be a list of module names") }
        let targets = try Set(modules.map { name in
            guard let site = ProjectionSite(moduleName: name) else {
                throw fail("target module \"\(name)\" is not one of \(ProjectionSite.allCases.map(\.moduleName).joined(separator: ", "))")
            }
            return site
        })
        let config = LoRAConfig(rank: rank, alpha: alpha, dropout: dropout, targets: targets, useRSLoRA: useRSLoRA)
        if let problem = config.problems().first { throw fail(problem) }
        return config
    }

    /// Reads an adapter directory for a model, checking every tensor's presence and shape.
    public static func load(from directory: URL, modelConfig: LlamaConfig) throws -> LoRA {
        let config = try readConfig(from: directory)
        let lora = LoRA(config: config, modelConfig: modelConfig, seed: 0)
        let file = try SafeTensorsFile(contentsOf: directory.appendingPathComponent(weightsFile))
        var expected = Set<String>()
        for slot in lora.slots {
            let names = tensorNames(slot.site, layer: slot.layer)
            for (name, shape, offset) in [(names.a, [config.rank, slot.inFeatures], slot.aOffset),
                                          (names.b, [slot.outFeatures, config.rank], slot.bOffset)] {
                expected.insert(name)
                guard let info = file.tensors[name] else {
                    throw AdapterError(path: file.path, problem: "missing tensor \"\(name)\" (shape \(shape))")
                }
                guard info.shape == shape else {
                    throw AdapterError(path: file.path, problem: "tensor \"\(name)\" has shape \(info.shape), expected \(shape) for this model and rank")
                }
                try file.copyFloats(name, into: .init(start: lora.parameters.pointer + offset, count: info.elementCount))
            }
        }
        // PEFT also saves the base weight of an adapted lm_head (for resized vocabularies): it is the
        // base model's own, so it is not read here.
        if let extra = file.names.first(where: { !expected.contains($0) && !$0.hasSuffix(".base_layer.weight") }) {
            throw AdapterError(path: file.path, problem: "unexpected tensor \"\(extra)\": not an adapter of this model with these target_modules")
        }
        lora.training = false
        return lora
    }
}

/// A Float as the Double with the same shortest decimal form (0.05, not 0.05000000074505806).
private func shortest(_ value: Float) -> Double { Double("\(value)") ?? Double(value) }
