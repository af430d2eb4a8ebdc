import Foundation

/// What the model is: the Hugging Face `LlamaConfig` fields this implementation computes with.
///
/// Encoded as transformers writes `config.json`, so a model directory written here loads with
/// `LlamaForCausalLM.from_pretrained`, and one written by transformers loads here. Decoding
/// rejects what this implementation does not compute (biases, rope scaling, another activation)
/// with a message naming the key.
public struct LlamaConfig: Codable, Equatable, Sendable {
    /// C: width of the residual stream (`hidden_size`).
    public var dim: Int
    /// H: width of the MLP (`intermediate_size`).
    public var hiddenDim: Int
    public var nLayers: Int
    public var nHeads: Int
    /// Key/value heads for grouped-query attention; equals nHeads for multi-head attention.
    public var nKVHeads: Int
    public var vocabSize: Int
    /// The longest sequence the model is meant for (`max_position_embeddings`).
    public var maxSeqLen: Int
    public var normEps: Float
    public var ropeTheta: Double
    /// The LM head shares the embedding matrix.
    public var tiedEmbeddings: Bool
    public var initializerRange: Float
    public var bosTokenID: Int?
    public var eosTokenID: Int?

    public init(
        dim: Int, hiddenDim: Int, nLayers: Int, nHeads: Int, nKVHeads: Int? = nil, vocabSize: Int,
        maxSeqLen: Int, normEps: Float = 1e-5, ropeTheta: Double = 10_000, tiedEmbeddings: Bool = false,
        initializerRange: Float = 0.02, bosTokenID: Int? = nil, eosTokenID: Int? = nil
    ) {
        self.dim = dim
        self.hiddenDim = hiddenDim
        self.nLayers = nLayers
        self.nHeads = nHeads
        self.nKVHeads = nKVHeads ?? nHeads
        self.vocabSize = vocabSize
        self.maxSeqLen = maxSeqLen
        self.normEps = normEps
        self.ropeTheta = ropeTheta
        self.tiedEmbeddings = tiedEmbeddings
        self.initializerRange = initializerRange
        self.bosTokenID = bosTokenID
        self.eosTokenID = eosTokenID
    }

    /// HD: width of one attention head.
    public var headDim: Int { dim / nHeads }
    /// How many query heads share one key/value head.
    public var kvMul: Int { nHeads / nKVHeads }
    /// Width of the key and value projections' outputs.
    public var kvDim: Int { nKVHeads * headDim }

    /// Every reason this configuration cannot be computed, as messages naming the key.
    public func problems() -> [String] {
        var problems: [String] = []
        for (key, value) in [
            ("hidden_size", dim), ("intermediate_size", hiddenDim), ("num_hidden_layers", nLayers),
            ("num_attention_heads", nHeads), ("num_key_value_heads", nKVHeads), ("vocab_size", vocabSize),
            ("max_position_embeddings", maxSeqLen),
        ] where value <= 0 {
            problems.append("\(key) must be a positive integer, got \(value)")
        }
        if nHeads > 0, dim % nHeads != 0 {
            problems.append("hidden_size (\(dim)) must be divisible by num_attention_heads (\(nHeads))")
        }
        if nKVHeads > 0, nHeads % nKVHeads != 0 {
            problems.append("num_attention_heads (\(nHeads)) must be divisible by num_key_value_heads (\(nKVHeads))")
        }
        if nHeads > 0, dim % nHeads == 0, headDim % 2 != 0 {
            problems.append("the head dimension hidden_size / num_attention_heads = \(headDim) must be even for RoPE")
        }
        if !(normEps > 0) { problems.append("rms_norm_eps must be positive, got \(normEps)") }
        if !(ropeTheta > 0) { problems.append("rope_theta must be positive, got \(ropeTheta)") }
        return problems
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

    struct RopeParameters: Codable {
        var ropeType: String?
        var ropeTheta: Double?
        enum CodingKeys: String, CodingKey { case ropeType = "rope_type", ropeTheta = "rope_theta" }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dim = try c.decode(Int.self, forKey: .dim)
        hiddenDim = try c.decode(Int.self, forKey: .hiddenDim)
        nLayers = try c.decode(Int.self, forKey: .nLayers)
        nHeads = try c.decode(Int.self, forKey: .nHeads)
        nKVHeads = try c.decodeIfPresent(Int.self, forKey: .nKVHeads) ?? nHeads
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        maxSeqLen = try c.decodeIfPresent(Int.self, forKey: .maxSeqLen) ?? 2048
        normEps = try c.decodeIfPresent(Float.self, forKey: .normEps) ?? 1e-6
        let ropeParameters = try c.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters)
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? ropeParameters?.ropeTheta ?? 10_000
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
        if let headDim = try c.decodeIfPresent(Int.self, forKey: .headDimKey), nHeads > 0, headDim != dim / nHeads {
            throw unsupported(.headDimKey, "head_dim \(headDim) differs from hidden_size / num_attention_heads = \(dim / nHeads), which is not supported")
        }
        if let type = ropeParameters?.ropeType, type != "default" {
            throw unsupported(.ropeParameters, "rope_type \"\(type)\" is not supported: only \"default\" is")
        }
        if c.contains(.ropeScaling), try !c.decodeNil(forKey: .ropeScaling),
           (try? c.decode(RopeParameters.self, forKey: .ropeScaling))?.ropeType != "default" {
            throw unsupported(.ropeScaling, "rope_scaling is not supported: it must be null or absent")
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
        try c.encodeNil(forKey: .ropeScaling)
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
