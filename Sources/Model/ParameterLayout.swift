import Kernels

/// One named tensor inside a flat parameter buffer.
public struct TensorSlot: Equatable, Sendable {
    /// The Hugging Face name, e.g. `model.layers.0.self_attn.q_proj.weight`.
    public let name: String
    public let shape: [Int]
    /// Offset in floats from the start of the buffer.
    public let offset: Int
    public var count: Int { shape.reduce(1, *) }
}

/// Where every parameter of a Llama lives in one flat buffer, in the order transformers names
/// them. Gradients and optimizer moments reuse the same layout, so an optimizer is one flat loop.
/// With tied embeddings there is no `lm_head.weight` slot: the head reads the embedding matrix.
public struct ParameterLayout: Sendable {
    public let config: LlamaConfig
    public let slots: [TensorSlot]
    public let count: Int

    public init(config: LlamaConfig) {
        let C = config.dim, H = config.hiddenDim, V = config.vocabSize, KV = config.kvDim
        var slots: [TensorSlot] = []
        var offset = 0
        func add(_ name: String, _ shape: [Int]) {
            slots.append(TensorSlot(name: name, shape: shape, offset: offset))
            offset += shape.reduce(1, *)
        }
        add("model.embed_tokens.weight", [V, C])
        for l in 0..<config.nLayers {
            let prefix = "model.layers.\(l)."
            add(prefix + "input_layernorm.weight", [C])
            add(prefix + "self_attn.q_proj.weight", [C, C])
            add(prefix + "self_attn.k_proj.weight", [KV, C])
            add(prefix + "self_attn.v_proj.weight", [KV, C])
            add(prefix + "self_attn.o_proj.weight", [C, C])
            add(prefix + "post_attention_layernorm.weight", [C])
            add(prefix + "mlp.gate_proj.weight", [H, C])
            add(prefix + "mlp.up_proj.weight", [H, C])
            add(prefix + "mlp.down_proj.weight", [C, H])
        }
        add("model.norm.weight", [C])
        if !config.tiedEmbeddings { add("lm_head.weight", [V, C]) }
        self.config = config
        self.slots = slots
        self.count = offset
    }

    public func slot(named name: String) -> TensorSlot? { slots.first { $0.name == name } }
}

/// Typed views of one layer's tensors inside a flat buffer (parameters or their gradients).
public struct LayerWeights {
    public let attnNorm: UnsafeMutablePointer<Float>  // (C)
    public let wq: UnsafeMutablePointer<Float>        // (C, C)
    public let wk: UnsafeMutablePointer<Float>        // (KV, C)
    public let wv: UnsafeMutablePointer<Float>        // (KV, C)
    public let wo: UnsafeMutablePointer<Float>        // (C, C)
    public let mlpNorm: UnsafeMutablePointer<Float>   // (C)
    public let wGate: UnsafeMutablePointer<Float>     // (H, C)
    public let wUp: UnsafeMutablePointer<Float>       // (H, C)
    public let wDown: UnsafeMutablePointer<Float>     // (C, H)
}

/// Typed views of all of a Llama's tensors inside a flat buffer laid out by `ParameterLayout`.
public struct LlamaWeights {
    public let embedding: UnsafeMutablePointer<Float>  // (V, C)
    public let layers: [LayerWeights]
    public let finalNorm: UnsafeMutablePointer<Float>  // (C)
    /// (V, C); the embedding matrix itself when embeddings are tied.
    public let lmHead: UnsafeMutablePointer<Float>

    public init(layout: ParameterLayout, base: UnsafeMutablePointer<Float>) {
        var cursor = layout.slots.makeIterator()
        func next() -> UnsafeMutablePointer<Float> { base + cursor.next()!.offset }
        embedding = next()
        layers = (0..<layout.config.nLayers).map { _ in
            LayerWeights(
                attnNorm: next(), wq: next(), wk: next(), wv: next(), wo: next(),
                mlpNorm: next(), wGate: next(), wUp: next(), wDown: next())
        }
        finalNorm = next()
        lmHead = layout.config.tiedEmbeddings ? embedding : next()
    }
}
