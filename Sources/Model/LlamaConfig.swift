import Foundation
import Kernels

/// What the model is: the Hugging Face `LlamaConfig` fields this implementation computes with.
///
/// Encoded as transformers writes `config.json`, so a model directory written here loads with
/// `LlamaForCausalLM.from_pretrained`, and one written by transformers loads here. Decoding
/// rejects what this implementation does not compute (biases, rope types other than default, linear
/// and llama3, another activation) with a message naming the key.
public struct LlamaConfig: Codable, Equatable, Sendable {
    /// C: width of the residual stream (`hidden_size`).
    public var dim: Int
    /// H: width of the MLP (`intermediate_size`).
    public var hiddenDim: Int
    public var nLayers: Int
    public var nHeads: Int
    /// Key/value heads for grouped-query attention; equals nHeads for multi-head attention.
    public var nKVHeads: Int
    /// HD: width of one attention head (`head_dim`); hidden_size / num_attention_heads unless
    /// config.json says otherwise (Gemma-style widths, some distilled Llamas).
    public var headDim: Int
    public var vocabSize: Int
    /// The longest sequence the model is meant for (`max_position_embeddings`).
    public var maxSeqLen: Int
    public var normEps: Float
    public var ropeTheta: Double
    /// How the inverse frequencies are stretched (`rope_scaling`); nil for RoPE as pretrained.
    public var ropeScaling: RopeScaling?
    /// The LM head shares the embedding matrix.
    public var tiedEmbeddings: Bool
    public var initializerRange: Float
    public var bosTokenID: Int?
    public var eosTokenID: Int?

    public init(
        dim: Int, hiddenDim: Int, nLayers: Int, nHeads: Int, nKVHeads: Int? = nil, headDim: Int? = nil,
        vocabSize: Int, maxSeqLen: Int, normEps: Float = 1e-5, ropeTheta: Double = 10_000,
        ropeScaling: RopeScaling? = nil, tiedEmbeddings: Bool = false,
        initializerRange: Float = 0.02, bosTokenID: Int? = nil, eosTokenID: Int? = nil
    ) {
        self.dim = dim
        self.hiddenDim = hiddenDim
        self.nLayers = nLayers
        self.nHeads = nHeads
        self.nKVHeads = nKVHeads ?? nHeads
        self.headDim = headDim ?? (nHeads > 0 ? dim / nHeads : 0)
        self.vocabSize = vocabSize
        self.maxSeqLen = maxSeqLen
        self.normEps = normEps
        self.ropeTheta = ropeTheta
        self.ropeScaling = ropeScaling
        self.tiedEmbeddings = tiedEmbeddings
        self.initializerRange = initializerRange
        self.bosTokenID = bosTokenID
        self.eosTokenID = eosTokenID
    }

    /// How many query heads share one key/value head.
    public var kvMul: Int { nHeads / nKVHeads }
    /// Width of the query projection's output and of the attention output (NH·HD); equals dim unless
    /// head_dim says otherwise.
    public var qDim: Int { nHeads * headDim }
    /// Width of the key and value projections' outputs.
    public var kvDim: Int { nKVHeads * headDim }

    /// The largest sizes accepted from a config.json, generous for a CPU trainer and far below
    /// what would overflow an `Int` when multiplied out: every buffer sized from a valid config
    /// (parameters, gradients, activations of a bounded batch) is countable without overflow.
    public enum Limits {
        /// hidden_size, intermediate_size, num_attention_heads, num_key_value_heads, head_dim and
        /// max_position_embeddings: 2^20 = 1,048,576 each.
        public static let dimension = 1 << 20
        /// num_hidden_layers: 1,024.
        public static let layers = 1 << 10
        /// vocab_size: 2^22 = 4,194,304.
        public static let vocabulary = 1 << 22
        /// All parameters together: 2^34 = 17,179,869,184 floats (64 GiB in fp32).
        public static let parameters = 1 << 34
    }

    /// The keys that size buffers, with their values, in config.json order.
    var sizes: [(key: String, value: Int, limit: Int)] {
        [
            ("hidden_size", dim, Limits.dimension), ("intermediate_size", hiddenDim, Limits.dimension),
            ("num_hidden_layers", nLayers, Limits.layers), ("num_attention_heads", nHeads, Limits.dimension),
            ("num_key_value_heads", nKVHeads, Limits.dimension), ("head_dim", headDim, Limits.dimension),
            ("vocab_size", vocabSize, Limits.vocabulary),
            ("max_position_embeddings", maxSeqLen, Limits.dimension),
        ]
    }

    /// Every reason this configuration cannot be computed, as messages naming the key and its value.
    public func problems() -> [String] {
        var problems: [String] = []
        for (key, value, limit) in sizes {
            if value <= 0 {
                problems.append("\(key) must be a positive integer, got \(value)")
            } else if value > limit {
                problems.append("\(key) \(value) exceeds the limit of \(limit)")
            }
        }
        if nKVHeads > 0, nHeads % nKVHeads != 0 {
            problems.append("num_attention_heads (\(nHeads)) must be divisible by num_key_value_heads (\(nKVHeads))")
        }
        if headDim > 0, headDim % 2 != 0 {
            problems.append("head_dim \(headDim) (hidden_size / num_attention_heads unless given) must be even for RoPE")
        }
        if !(normEps > 0) || !normEps.isFinite { problems.append("rms_norm_eps must be positive and finite, got \(normEps)") }
        if !(ropeTheta > 0) || !ropeTheta.isFinite { problems.append("rope_theta must be positive and finite, got \(ropeTheta)") }
        problems += ropeScaling?.problems ?? []
        for (key, id) in [("bos_token_id", bosTokenID), ("eos_token_id", eosTokenID)] {
            // Token ids are Int32 in batches; an id beyond vocab_size is tolerated (it is never produced).
            if let id, !(0...Int(Int32.max)).contains(id) {
                problems.append("\(key) \(id) is not a token id: expected 0 to \(Int32.max)")
            }
        }
        if problems.isEmpty {
            let keys = "hidden_size \(dim), intermediate_size \(hiddenDim), num_hidden_layers \(nLayers), "
                + "num_attention_heads \(nHeads), num_key_value_heads \(nKVHeads), head_dim \(headDim), "
                + "vocab_size \(vocabSize), tie_word_embeddings \(tiedEmbeddings)"
            if let count = checkedParameterCount {
                if count > Limits.parameters {
                    problems.append("\(keys) imply \(count) parameters, above the limit of \(Limits.parameters)")
                }
            } else {
                problems.append("\(keys) imply more parameters than an Int can count")
            }
        }
        return problems
    }

    /// The number of parameters of the full model, counted with overflow checks: nil if it
    /// overflows an `Int` (or a size is negative). Equals `ParameterLayout(config:).count`.
    ///
    /// V·C + L·(2C + 2·Q·C + 2·KV·C + 3·C·H) + C (+ V·C for an untied head), Q = NH·HD, KV = NKV·HD.
    public var checkedParameterCount: Int? {
        guard dim > 0, nHeads > 0, nKVHeads > 0, headDim > 0, hiddenDim > 0, nLayers > 0, vocabSize > 0 else { return nil }
        let C = dim, H = hiddenDim, L = nLayers, V = vocabSize
        guard let Q = checkedProduct([nHeads, headDim]), let KV = checkedProduct([nKVHeads, headDim]),
              let embedding = checkedProduct([V, C]),
              let attention = checkedSum([checkedProduct([2, Q, C]), checkedProduct([2, KV, C])]),
              let mlp = checkedProduct([3, C, H]),
              let layer = checkedSum([2 * C, attention, mlp]),
              let layers = checkedProduct([L, layer])
        else { return nil }
        return checkedSum([embedding, layers, C, tiedEmbeddings ? 0 : embedding])
    }

    enum CodingKeys: String, CodingKey {
        case dim = "hidden_size"
        case hiddenDim = "intermediate_size"
        case nLayers = "num_hidden_layers"
        case nHeads = "num_attention_heads"
        case nKVHeads = "num_key_value_heads"
        case vocabSize = "vocab_size"
        case maxSeqLen = "max_position_embeddings"
        case normEps = "rms_norm_eps"
        case ropeTheta = "rope_theta"
        case tiedEmbeddings = "tie_word_embeddings"
        case initializerRange = "initializer_range"
        case bosTokenID = "bos_token_id"
        case eosTokenID = "eos_token_id"
        // Written for transformers, checked when read.
        case architectures, modelType = "model_type", hiddenAct = "hidden_act"
        case attentionBias = "attention_bias", mlpBias = "mlp_bias", headDimKey = "head_dim"
        case ropeScaling = "rope_scaling", ropeParameters = "rope_parameters"
        case torchDtype = "torch_dtype", useCache = "use_cache"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dim = try c.decode(Int.self, forKey: .dim)
        hiddenDim = try c.decode(Int.self, forKey: .hiddenDim)
        nLayers = try c.decode(Int.self, forKey: .nLayers)
        nHeads = try c.decode(Int.self, forKey: .nHeads)
        nKVHeads = try c.decodeIfPresent(Int.self, forKey: .nKVHeads) ?? nHeads
        let givenHeadDim = try c.decodeIfPresent(Int.self, forKey: .headDimKey)
        headDim = givenHeadDim ?? (nHeads > 0 ? dim / nHeads : 0)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        maxSeqLen = try c.decodeIfPresent(Int.self, forKey: .maxSeqLen) ?? 2048
        normEps = try c.decodeIfPresent(Float.self, forKey: .normEps) ?? 1e-6
        // transformers reads rope_scaling when set, rope_parameters otherwise; their rope_theta wins.
        let ropeKey: CodingKeys = try c.decodeIfPresent(RopeParameters.self, forKey: .ropeScaling) != nil ? .ropeScaling : .ropeParameters
        let rope = try c.decodeIfPresent(RopeParameters.self, forKey: ropeKey)
        ropeTheta = try rope?.ropeTheta ?? c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? 10_000
        tiedEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tiedEmbeddings) ?? false
        initializerRange = try c.decodeIfPresent(Float.self, forKey: .initializerRange) ?? 0.02
        // transformers writes a token id or a list of them (the first one is used here).
        func tokenID(_ key: CodingKeys) throws -> Int? {
            if let list = try? c.decodeIfPresent([Int].self, forKey: key) { return list.first }
            return try c.decodeIfPresent(Int.self, forKey: key)
        }
        bosTokenID = try tokenID(.bosTokenID)
        eosTokenID = try tokenID(.eosTokenID)

        func unsupported(_ key: CodingKeys, _ message: String) -> DecodingError {
            .dataCorruptedError(forKey: key, in: c, debugDescription: message)
        }
        if let act = try c.decodeIfPresent(String.self, forKey: .hiddenAct), act != "silu" {
            throw unsupported(.hiddenAct, "hidden_act \"\(act)\" is not supported: only \"silu\" (SwiGLU) is")
        }
        if try c.decodeIfPresent(Bool.self, forKey: .attentionBias) == true {
            throw unsupported(.attentionBias, "attention_bias = true is not supported: projections have no bias")
        }
        if try c.decodeIfPresent(Bool.self, forKey: .mlpBias) == true {
            throw unsupported(.mlpBias, "mlp_bias = true is not supported: projections have no bias")
        }
        if givenHeadDim == nil, nHeads > 0, dim % nHeads != 0 {
            throw unsupported(.nHeads, "hidden_size (\(dim)) must be divisible by num_attention_heads (\(nHeads)) when head_dim is not given")
        }
        do {
            ropeScaling = try rope?.scaling(field: ropeKey.stringValue, maxPositionEmbeddings: maxSeqLen)
        } catch {
            throw unsupported(ropeKey, error.message)
        }
        if let problem = problems().first {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: problem))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(["LlamaForCausalLM"], forKey: .architectures)
        try c.encode("llama", forKey: .modelType)
        try c.encode(dim, forKey: .dim)
        try c.encode(hiddenDim, forKey: .hiddenDim)
        try c.encode(nLayers, forKey: .nLayers)
        try c.encode(nHeads, forKey: .nHeads)
        try c.encode(nKVHeads, forKey: .nKVHeads)
        try c.encode(headDim, forKey: .headDimKey)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(maxSeqLen, forKey: .maxSeqLen)
        try c.encode(normEps, forKey: .normEps)
        try c.encode(ropeTheta, forKey: .ropeTheta)
        if let ropeScaling {
            try c.encode(RopeParameters(ropeScaling), forKey: .ropeScaling)
        } else {
            try c.encodeNil(forKey: .ropeScaling)
        }
        try c.encode(tiedEmbeddings, forKey: .tiedEmbeddings)
        try c.encode(initializerRange, forKey: .initializerRange)
        try c.encode("silu", forKey: .hiddenAct)
        try c.encode(false, forKey: .attentionBias)
        try c.encode(false, forKey: .mlpBias)
        try c.encode("float32", forKey: .torchDtype)
        try c.encode(true, forKey: .useCache)
        try c.encodeIfPresent(bosTokenID, forKey: .bosTokenID)
        try c.encodeIfPresent(eosTokenID, forKey: .eosTokenID)
    }
}

/// The product of `factors`, or nil if it overflows an `Int` or a factor is negative.
public func checkedProduct(_ factors: [Int]) -> Int? {
    var product = 1
    for factor in factors {
        guard factor >= 0 else { return nil }
        let (result, overflow) = product.multipliedReportingOverflow(by: factor)
        guard !overflow else { return nil }
        product = result
    }
    return product
}

/// The sum of `terms`, or nil if any term is nil or the sum overflows an `Int`.
public func checkedSum(_ terms: [Int?]) -> Int? {
    var sum = 0
    for term in terms {
        guard let term else { return nil }
        let (result, overflow) = sum.addingReportingOverflow(term)
        guard !overflow else { return nil }
        sum = result
    }
    return sum
}
