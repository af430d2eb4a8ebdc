import Kernels

// Shapes: B batch, T time, N = B·T rows, C model width, Q query width (NH·HD), KV key/value width
// (NKV·HD), H MLP width, NH heads, HD head width, V vocabulary.

/// What one layer computes in the forward pass and keeps for the backward pass.
public struct LayerActivations {
    public let attnNormOut: FloatBuffer  // (N, C)
    public let attnRstd: FloatBuffer     // (N)
    public let q: FloatBuffer            // (N, Q) after RoPE
    public let k: FloatBuffer            // (N, KV) after RoPE
    public let v: FloatBuffer            // (N, KV)
    public let probs: FloatBuffer        // (B, NH, T, T)
    public let attnOut: FloatBuffer      // (N, Q) before the output projection
    public let residualMid: FloatBuffer  // (N, C) the residual stream after attention
    public let mlpNormOut: FloatBuffer   // (N, C)
    public let mlpRstd: FloatBuffer      // (N)
    public let gate: FloatBuffer         // (N, H) before the activation
    public let up: FloatBuffer           // (N, H)
    public let swiglu: FloatBuffer       // (N, H)

    init(B: Int, T: Int, config: LlamaConfig) {
        let N = B * T, C = config.dim, Q = config.qDim, KV = config.kvDim, H = config.hiddenDim
        attnNormOut = FloatBuffer(count: N * C, category: .activations)
        attnRstd = FloatBuffer(count: N, category: .activations)
        q = FloatBuffer(count: N * Q, category: .activations)
        k = FloatBuffer(count: N * KV, category: .activations)
        v = FloatBuffer(count: N * KV, category: .activations)
        probs = FloatBuffer(count: B * config.nHeads * T * T, category: .activations)
        attnOut = FloatBuffer(count: N * Q, category: .activations)
        residualMid = FloatBuffer(count: N * C, category: .activations)
        mlpNormOut = FloatBuffer(count: N * C, category: .activations)
        mlpRstd = FloatBuffer(count: N, category: .activations)
        gate = FloatBuffer(count: N * H, category: .activations)
        up = FloatBuffer(count: N * H, category: .activations)
        swiglu = FloatBuffer(count: N * H, category: .activations)
    }
}

/// Gradients of activations, reused layer after layer during the backward pass.
public struct ActivationGradients {
    public let residual: FloatBuffer  // (N, C) flows down the residual stream
    public let normOut: FloatBuffer   // (N, C)
    public let attnOut: FloatBuffer   // (N, Q)
    public let q: FloatBuffer         // (N, Q)
    public let k: FloatBuffer         // (N, KV)
    public let v: FloatBuffer         // (N, KV)
    public let swiglu: FloatBuffer    // (N, H)
    public let gate: FloatBuffer      // (N, H)
    public let up: FloatBuffer        // (N, H)
    public let scores: FloatBuffer    // (T, T) one head at a time

    init(B: Int, T: Int, config: LlamaConfig) {
        let N = B * T, C = config.dim, Q = config.qDim, KV = config.kvDim, H = config.hiddenDim
        residual = FloatBuffer(count: N * C, category: .activationGradients)
        normOut = FloatBuffer(count: N * C, category: .activationGradients)
        attnOut = FloatBuffer(count: N * Q, category: .activationGradients)
        q = FloatBuffer(count: N * Q, category: .activationGradients)
        k = FloatBuffer(count: N * KV, category: .activationGradients)
        v = FloatBuffer(count: N * KV, category: .activationGradients)
        swiglu = FloatBuffer(count: N * H, category: .activationGradients)
        gate = FloatBuffer(count: N * H, category: .activationGradients)
        up = FloatBuffer(count: N * H, category: .activationGradients)
        scores = FloatBuffer(count: T * T, category: .activationGradients)
    }
}

/// Every buffer a forward (and, when training, backward) pass writes, sized once for at most
/// B sequences of at most T tokens, so that no step allocates: the model's activations, an
/// adapter's, the dequantized weight of a quantized projection, and the time spent.
///
/// The model's parameters are only read by a pass, so passes with activations of their own can run
/// on several threads at once: data-parallel training gives each worker thread one of these.
///
/// A pass may use fewer rows or a shorter length than the capacity: buffers are read with the
/// pass's own B and T, so their prefixes stay consistently laid out.
public final class LlamaActivations {
    public let capacityB: Int
    public let capacityT: Int
    /// residual[0] is the embedding output, residual[l + 1] the output of layer l. Each (N, C).
    public let residual: [FloatBuffer]
    public let layers: [LayerActivations]
    public let finalNormOut: FloatBuffer  // (N, C)
    public let finalRstd: FloatBuffer     // (N)
    /// (N, V); after a forward pass that prepares the backward pass, the gradient of the loss.
    public let logits: FloatBuffer
    public let losses: FloatBuffer        // (N)
    /// nil when built for inference only.
    public let gradients: ActivationGradients?
    public let rope: RopeTable
    /// The attached adapter's saved tensors, scratch and random stream; nil for a model without one.
    public let adapter: (any AdapterActivations)?
    /// (OUT, IN) of the largest projection the model does not store, dequantized for one matmul at a
    /// time; nil for a model that stores every projection.
    public let dequantized: FloatBuffer?
    /// Where this context's passes spent their time since it was made.
    public var timings = PassTimings()

    /// Activations for passes of `model` with the adapter and frozen projections attached to it now.
    public init(model: Llama, B: Int, T: Int, training: Bool) {
        let config = model.config
        precondition(B > 0 && T > 0, "activations need at least one sequence of one token")
        precondition(
            Self.floatCount(config: config, B: B, T: T, training: training) != nil,
            "activations for \(B)×\(T) tokens of this model have more floats than an Int can count")
        let N = B * T
        capacityB = B
        capacityT = T
        residual = (0...config.nLayers).map { _ in FloatBuffer(count: N * config.dim, category: .activations) }
        layers = (0..<config.nLayers).map { _ in LayerActivations(B: B, T: T, config: config) }
        finalNormOut = FloatBuffer(count: N * config.dim, category: .activations)
        finalRstd = FloatBuffer(count: N, category: .activations)
        logits = FloatBuffer(count: N * config.vocabSize, category: .activations)
        losses = FloatBuffer(count: N, category: .activations)
        gradients = training ? ActivationGradients(B: B, T: T, config: config) : nil
        rope = RopeTable(maxPositions: T, headDim: config.headDim, theta: config.ropeTheta, scaling: config.ropeScaling)
        adapter = model.adapter?.makeActivations(rows: N)
        dequantized = model.frozenProjections.map { FloatBuffer(count: $0.scratchCount, category: .dequantizationScratch) }
    }

    /// How many floats activations of B sequences of T tokens hold, counted with overflow checks
    /// before anything is allocated: nil if the count overflows an `Int` (or a size is not positive).
    public static func floatCount(config: LlamaConfig, B: Int, T: Int, training: Bool) -> Int? {
        guard B > 0, T > 0, config.nLayers >= 0, config.nHeads > 0 else { return nil }
        let C = config.dim, H = config.hiddenDim, V = config.vocabSize, L = config.nLayers
        guard let N = checkedProduct([B, T]),
              let Q = checkedProduct([config.nHeads, config.headDim]), let KV = checkedProduct([config.nKVHeads, config.headDim]),
              let NC = checkedProduct([N, C]), let NQ = checkedProduct([N, Q]), let NKV = checkedProduct([N, KV]),
              let NH = checkedProduct([N, H])
        else { return nil }
        // Per layer: 3 (N, C), 2 (N, Q), 2 (N), 2 (N, KV), probs (B, NH, T, T), 3 (N, H).
        let layer = checkedSum([
            checkedProduct([3, NC]), checkedProduct([2, NQ]), checkedProduct([2, N]), checkedProduct([2, NKV]),
            checkedProduct([B, config.nHeads, T, T]), checkedProduct([3, NH]),
        ])
        // residual (L + 1)·(N, C), final norm (N, C) and (N), logits (N, V), losses (N).
        let saved = checkedSum([
            checkedProduct([L + 1, NC]), checkedProduct([L, layer ?? -1]), NC, N, checkedProduct([N, V]), N,
        ])
        // Gradients: 2 (N, C), 2 (N, Q), 2 (N, KV), 3 (N, H), scores (T, T).
        let gradients = training
            ? checkedSum([checkedProduct([2, NC]), checkedProduct([2, NQ]), checkedProduct([2, NKV]), checkedProduct([3, NH]),
                          checkedProduct([T, T])])
            : 0
        return checkedSum([saved, gradients])
    }
}
