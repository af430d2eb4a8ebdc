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
/// Projections kept elsewhere (QLoRA's NF4 weights) have no slot either.
public struct ParameterLayout: Sendable {
    public let config: LlamaConfig
    public let slots: [TensorSlot]
    public let count: Int
    /// The projections whose fp32 weights are in the buffer.
    public let storedProjections: Set<ProjectionSite>

    ///
    /// Computes names, shapes and offsets only, allocating no parameter buffer, so a checkpoint can
    /// be checked against it first. The config must have no `problems()`: they bound the sizes, so
    /// every offset (summed here with overflow checks) fits an `Int`.
    public init(config: LlamaConfig, storedProjections: Set<ProjectionSite> = Set(ProjectionSite.allCases)) {
        precondition(config.problems().isEmpty, config.problems().joined(separator: "; "))
        let C = config.dim
        var slots: [TensorSlot] = []
        var offset = 0
        func add(_ name: String, _ shape: [Int]) {
            slots.append(TensorSlot(name: name, shape: shape, offset: offset))
            guard let end = checkedSum([offset, checkedProduct(shape)]) else {
                preconditionFailure("the offset of \(name) \(shape) overflows an Int")
            }
            offset = end
        }
        func addProjection(_ site: ProjectionSite, layer: Int) {
            guard storedProjections.contains(site) else { return }
            let shape = config.shape(of: site)
            add(site.modulePath(layer: layer) + ".weight", [shape.out, shape.in])
        }
        add("model.embed_tokens.weight", [config.vocabSize, C])
        for l in 0..<config.nLayers {
            add("model.layers.\(l).input_layernorm.weight", [C])
            for site: ProjectionSite in [.q, .k, .v, .o] { addProjection(site, layer: l) }
            add("model.layers.\(l).post_attention_layernorm.weight", [C])
            for site: ProjectionSite in [.gate, .up, .down] { addProjection(site, layer: l) }
        }
        add("model.norm.weight", [C])
        if !config.tiedEmbeddings { addProjection(.head, layer: 0) }
        self.config = config
        self.slots = slots
        self.count = offset
        self.storedProjections = storedProjections
    }

    public func slot(named name: String) -> TensorSlot? { slots.first { $0.name == name } }
}

/// Typed views of one layer's tensors inside a flat buffer (parameters or their gradients).
/// A projection kept outside the buffer (NF4) has no view.
public struct LayerWeights {
    public let attnNorm: UnsafeMutablePointer<Float>   // (C)
    public let wq: UnsafeMutablePointer<Float>?        // (Q, C)
    public let wk: UnsafeMutablePointer<Float>?        // (KV, C)
    public let wv: UnsafeMutablePointer<Float>?        // (KV, C)
    public let wo: UnsafeMutablePointer<Float>?        // (C, Q)
    public let mlpNorm: UnsafeMutablePointer<Float>    // (C)
    public let wGate: UnsafeMutablePointer<Float>?     // (H, C)
    public let wUp: UnsafeMutablePointer<Float>?       // (H, C)
    public let wDown: UnsafeMutablePointer<Float>?     // (C, H)

    public func projection(_ site: ProjectionSite) -> UnsafeMutablePointer<Float>? {
        switch site {
        case .q: return wq
        case .k: return wk
        case .v: return wv
        case .o: return wo
        case .gate: return wGate
        case .up: return wUp
        case .down: return wDown
        case .head: return nil
        }
    }
}

/// Typed views of all of a Llama's tensors inside a flat buffer laid out by `ParameterLayout`.
public struct LlamaWeights {
    public let embedding: UnsafeMutablePointer<Float>  // (V, C)
    public let layers: [LayerWeights]
    public let finalNorm: UnsafeMutablePointer<Float>  // (C)
    /// (V, C); the embedding matrix itself when embeddings are tied.
    public let lmHead: UnsafeMutablePointer<Float>?

    public init(layout: ParameterLayout, base: UnsafeMutablePointer<Float>) {
        var offsets: [String: Int] = [:]
        for slot in layout.slots { offsets[slot.name] = slot.offset }
        func view(_ name: String) -> UnsafeMutablePointer<Float>? { offsets[name].map { base + $0 } }
        func projection(_ site: ProjectionSite, _ layer: Int) -> UnsafeMutablePointer<Float>? {
            view(site.modulePath(layer: layer) + ".weight")
        }
        embedding = view("model.embed_tokens.weight")!
        layers = (0..<layout.config.nLayers).map { l in
            LayerWeights(
                attnNorm: view("model.layers.\(l).input_layernorm.weight")!,
                wq: projection(.q, l), wk: projection(.k, l), wv: projection(.v, l), wo: projection(.o, l),
                mlpNorm: view("model.layers.\(l).post_attention_layernorm.weight")!,
                wGate: projection(.gate, l), wUp: projection(.up, l), wDown: projection(.down, l))
        }
        finalNorm = view("model.norm.weight")!
        lmHead = layout.config.tiedEmbeddings ? embedding : projection(.head, 0)
    }

    /// The fp32 weight of a projection in this buffer, or nil when it is kept elsewhere.
    public func projection(_ site: ProjectionSite, layer: Int) -> UnsafeMutablePointer<Float>? {
        site == .head ? lmHead : layers[layer].projection(site)
    }
}
