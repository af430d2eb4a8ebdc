import Foundation
import SafeTensors

/// A model directory checked against its own config.json before anything is allocated.
///
/// Reads and validates config.json (sizes bounded by `LlamaConfig.Limits`), lays out the tensors
/// it implies without allocating a parameter buffer, opens the safetensors headers (one file or
/// the shards of `model.safetensors.index.json`) and compares every tensor: present, expected,
/// in a float dtype, of the implied shape. A mismatch names the config.json keys, the tensor and
/// both shapes. Only headers are read; the weights stay on disk (mapped) until `Llama.load`.
public struct CheckpointCheck {
    public let directory: URL
    public let config: LlamaConfig
    /// Names, shapes and offsets of the tensors config.json implies.
    public let layout: ParameterLayout
    /// The file holding each tensor of `layout`, by name.
    let fileOf: [String: SafeTensorsFile]

    /// Checks `directory`; throws a `CheckpointError` (or the safetensors reader's
    /// `SafeTensorsError` for a malformed file) naming the file and the problem.
    public init(directory: URL) throws {
        let config = try Llama.readConfig(from: directory)
        let layout = ParameterLayout(config: config)
        let files = try Self.weightFiles(in: directory)
        let fileOf = try Self.tensorsByName(in: files, expected: layout, config: config)
        try Self.requireEveryTensor(of: layout, in: fileOf, files: files, config: config, directory: directory)
        self.directory = directory
        self.config = config
        self.layout = layout
        self.fileOf = fileOf
    }

    // MARK: Steps

    /// Opens `model.safetensors`, or each shard named in `model.safetensors.index.json`,
    /// validating its header; checks that every tensor the index lists is in its shard.
    static func weightFiles(in directory: URL) throws -> [SafeTensorsFile] {
        let single = directory.appendingPathComponent(Llama.weightsFile)
        if FileManager.default.fileExists(atPath: single.path) { return [try SafeTensorsFile(contentsOf: single)] }
        let index = directory.appendingPathComponent(Llama.shardIndexFile)
        guard let data = FileManager.default.contents(atPath: index.path) else {
            throw CheckpointError(path: directory.path, problem: "holds neither \(Llama.weightsFile) nor \(Llama.shardIndexFile)")
        }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let weightMap = json["weight_map"] as? [String: String], !weightMap.isEmpty else {
            throw CheckpointError(path: index.path, problem: "is not a shard index: expected an object with a non-empty \"weight_map\" of tensor name to file")
        }
        let shards = try Set(weightMap.values).sorted().map { name in
            guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                throw CheckpointError(path: index.path, problem: "shard \"\(name)\" must be a file name inside the model directory")
            }
            return (name, try SafeTensorsFile(contentsOf: directory.appendingPathComponent(name)))
        }
        let shardNamed = Dictionary(uniqueKeysWithValues: shards)
        for (tensor, shard) in weightMap.sorted(by: { $0.key < $1.key }) where shardNamed[shard]?.tensors[tensor] == nil {
            throw CheckpointError(path: index.path, problem: "weight_map puts tensor \"\(tensor)\" in \(shard), which does not hold it")
        }
        return shards.map(\.1)
    }

    /// Every tensor of the files by name, refusing tensors the config does not imply, tensors
    /// in two files and tensors that do not convert to fp32.
    static func tensorsByName(
        in files: [SafeTensorsFile], expected layout: ParameterLayout, config: LlamaConfig
    ) throws -> [String: SafeTensorsFile] {
        let expected = Set(layout.slots.map(\.name))
        var fileOf: [String: SafeTensorsFile] = [:]
        for file in files {
            for name in file.names {
                if name.hasSuffix("rotary_emb.inv_freq") { continue }  // older checkpoints store RoPE's table
                if name == "lm_head.weight", config.tiedEmbeddings { continue }  // the head reads embed_tokens
                guard expected.contains(name) else {
                    throw CheckpointError(path: file.path, problem: "unexpected tensor \"\(name)\": not part of a Llama with this config.json")
                }
                if let other = fileOf[name] {
                    throw CheckpointError(path: file.path, problem: "tensor \"\(name)\" is also in \(other.path)")
                }
                let dtype = file.tensors[name]!.dtype
                guard dtype.convertsToFloat else {
                    throw CheckpointError(path: file.path, problem: "tensor \"\(name)\" has dtype \(dtype.rawValue); only F32, F16, BF16 and F64 are read")
                }
                fileOf[name] = file
            }
        }
        return fileOf
    }

    /// Every tensor of the layout is in some file, with the shape config.json implies.
    static func requireEveryTensor(
        of layout: ParameterLayout, in fileOf: [String: SafeTensorsFile], files: [SafeTensorsFile],
        config: LlamaConfig, directory: URL
    ) throws {
        for slot in layout.slots {
            guard let file = fileOf[slot.name], let info = file.tensors[slot.name] else {
                throw CheckpointError(path: files[0].path, problem: "missing tensor \"\(slot.name)\" (shape \(slot.shape), as config.json implies)")
            }
            guard info.shape == slot.shape else {
                let keys = config.keys(sizing: slot.name, expected: slot.shape, found: info.shape)
                let fileName = URL(fileURLWithPath: file.path).lastPathComponent
                throw CheckpointError(
                    path: directory.appendingPathComponent(Llama.configFile).path,
                    problem: "\(keys) \"\(slot.name)\" \(slot.shape), \(fileName) has \(info.shape)")
            }
        }
    }
}

extension Llama {
    /// Checks a model directory without loading its weights (see `CheckpointCheck`): the sweep
    /// validates a base model this way. Returns the validated config.
    public static func inspect(directory: URL) throws -> LlamaConfig {
        try CheckpointCheck(directory: directory).config
    }
}

extension LlamaConfig {
    /// "vocab_size 512 implies" or "hidden_size 8, intermediate_size 12 imply": the config.json
    /// keys behind the dimensions of tensor `name` that differ between `expected` and `found`
    /// (all of them when the ranks differ), with their values.
    func keys(sizing name: String, expected: [Int], found: [Int]) -> String {
        let perDimension: [[String]]
        let q = ["num_attention_heads", "head_dim"], kv = ["num_key_value_heads", "head_dim"]
        switch name {
        case "model.embed_tokens.weight", "lm_head.weight": perDimension = [["vocab_size"], ["hidden_size"]]
        case _ where name.hasSuffix("norm.weight"): perDimension = [["hidden_size"]]
        case _ where name.hasSuffix("q_proj.weight"): perDimension = [q, ["hidden_size"]]
        case _ where name.hasSuffix("k_proj.weight") || name.hasSuffix("v_proj.weight"): perDimension = [kv, ["hidden_size"]]
        case _ where name.hasSuffix("o_proj.weight"): perDimension = [["hidden_size"], q]
        case _ where name.hasSuffix("gate_proj.weight") || name.hasSuffix("up_proj.weight"):
            perDimension = [["intermediate_size"], ["hidden_size"]]
        default: perDimension = [["hidden_size"], ["intermediate_size"]]  // down_proj
        }
        let differing = expected.count == found.count && expected.count == perDimension.count
            ? perDimension.indices.filter { expected[$0] != found[$0] }.flatMap { perDimension[$0] }
            : perDimension.flatMap { $0 }
        var named: [String] = []
        for key in differing where !named.contains(key) { named.append(key) }
        let value = Dictionary(uniqueKeysWithValues: sizes.map { ($0.key, $0.value) })
        let text = named.map { "\($0) \(value[$0]!)" }.joined(separator: ", ")
        return text + (named.count == 1 ? " implies" : " imply")
    }
}
