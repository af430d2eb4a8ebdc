import Kernels

/// A decoder-only Llama in fp32: the `LlamaForCausalLM` computation, with its parameters in one
/// flat buffer laid out by `ParameterLayout`.
public final class Llama {
    public let config: LlamaConfig
    public let layout: ParameterLayout
    public let parameters: FloatBuffer
    public let weights: LlamaWeights

    /// A model with all parameters zero; `initialize(seed:)` or a checkpoint fills them.
    public init(config: LlamaConfig) {
        precondition(config.problems().isEmpty, config.problems().joined(separator: "; "))
        self.config = config
        layout = ParameterLayout(config: config)
        parameters = FloatBuffer(count: layout.count)
        weights = LlamaWeights(layout: layout, base: parameters.pointer)
    }

    public var parameterCount: Int { layout.count }

    /// Initialises as transformers does: linear and embedding weights from N(0, initializer_range²),
    /// norm weights 1. The same seed gives the same model.
    public func initialize(seed: UInt64) {
        var generator = SeededGenerator(seed: seed, stream: "model-initialisation")
        for slot in layout.slots {
            let tensor = parameters.pointer + slot.offset
            if slot.shape.count == 1 {
                tensor.update(repeating: 1, count: slot.count)
            } else {
                fillNormal(tensor, count: slot.count, std: config.initializerRange, using: &generator)
            }
        }
    }
}

extension Llama {
    /// The forward pass over B sequences of T tokens, to the logits and, given targets, the loss.
    ///
    /// tokens and targets are (B, T); targets equal to `ignoreIndex` carry no loss. Returns the mean
    /// loss over the positions with a target (nil without targets). When `backwardScale` is given,
    /// the logits are replaced by the gradient of backwardScale · (mean loss), ready for `backward`:
    /// gradient accumulation over k micro-batches passes 1/k.
    @discardableResult
    public func forward(
        tokens: UnsafePointer<Int32>, targets: UnsafePointer<Int32>?, B: Int, T: Int,
        activations a: LlamaActivations, backwardScale: Float? = nil
    ) -> Float? {
        precondition(B <= a.capacityB && T <= a.capacityT, "a pass of \(B)×\(T) exceeds activations sized \(a.capacityB)×\(a.capacityT)")
        let N = B * T, C = config.dim, KV = config.kvDim, H = config.hiddenDim, V = config.vocabSize
        let NH = config.nHeads, NKV = config.nKVHeads, HD = config.headDim, eps = config.normEps

        embeddingForward(out: a.residual[0].pointer, tokens: tokens, table: weights.embedding, N: N, C: C)
        for (l, w) in weights.layers.enumerated() {
            let x = a.residual[l].pointer, s = a.layers[l]
            // Attention block: x + o(attention(rope(q(norm x)), rope(k(norm x)), v(norm x)))
            rmsnormForward(out: s.attnNormOut.pointer, rstd: s.attnRstd.pointer, inp: x, weight: w.attnNorm, N: N, C: C, eps: eps)
            linearForward(out: s.q.pointer, inp: s.attnNormOut.pointer, weight: w.wq, N: N, C: C, OC: C)
            linearForward(out: s.k.pointer, inp: s.attnNormOut.pointer, weight: w.wk, N: N, C: C, OC: KV)
            linearForward(out: s.v.pointer, inp: s.attnNormOut.pointer, weight: w.wv, N: N, C: C, OC: KV)
            ropeForward(x: s.q.pointer, table: a.rope, B: B, T: T, NH: NH)
            ropeForward(x: s.k.pointer, table: a.rope, B: B, T: T, NH: NKV)
            attentionForward(out: s.attnOut.pointer, probs: s.probs.pointer, q: s.q.pointer, k: s.k.pointer,
                             v: s.v.pointer, B: B, T: T, NH: NH, NKV: NKV, HD: HD)
            linearForward(out: s.residualMid.pointer, inp: s.attnOut.pointer, weight: w.wo, N: N, C: C, OC: C)
            add(s.residualMid.pointer, x, count: N * C)
            // MLP block: mid + down(silu(gate(norm mid)) ⊙ up(norm mid))
            rmsnormForward(out: s.mlpNormOut.pointer, rstd: s.mlpRstd.pointer, inp: s.residualMid.pointer, weight: w.mlpNorm, N: N, C: C, eps: eps)
            linearForward(out: s.gate.pointer, inp: s.mlpNormOut.pointer, weight: w.wGate, N: N, C: C, OC: H)
            linearForward(out: s.up.pointer, inp: s.mlpNormOut.pointer, weight: w.wUp, N: N, C: C, OC: H)
            swigluForward(out: s.swiglu.pointer, gate: s.gate.pointer, up: s.up.pointer, count: N * H)
            let y = a.residual[l + 1].pointer
            linearForward(out: y, inp: s.swiglu.pointer, weight: w.wDown, N: N, C: H, OC: C)
            add(y, s.residualMid.pointer, count: N * C)
        }
        rmsnormForward(out: a.finalNormOut.pointer, rstd: a.finalRstd.pointer, inp: a.residual[config.nLayers].pointer,
                       weight: weights.finalNorm, N: N, C: C, eps: eps)
        linearForward(out: a.logits.pointer, inp: a.finalNormOut.pointer, weight: weights.lmHead, N: N, C: C, OC: V)

        guard let targets else { return nil }
        var counted = 0
        for n in 0..<N where targets[n] != ignoreIndex { counted += 1 }
        guard counted > 0 else { return 0 }
        let gradScale = (backwardScale ?? 0) / Float(counted)
        crossEntropyForward(losses: a.losses.pointer, logits: a.logits.pointer, targets: targets, N: N, V: V,
                            backward: backwardScale != nil, gradScale: gradScale)
        var total: Float = 0
        for n in 0..<N { total += a.losses[n] }
        return total / Float(counted)
    }

    /// The backward pass after `forward(…, backwardScale:)` on the same tokens: accumulates (+=)
    /// the gradient of the scaled loss into `gradients`, laid out like the parameters.
    /// With `gradients` nil the parameters are frozen: only activation gradients are computed.
    public func backward(
        tokens: UnsafePointer<Int32>, B: Int, T: Int, activations a: LlamaActivations, gradients: LlamaWeights?
    ) {
        guard let d = a.gradients else { preconditionFailure("activations were built for inference only") }
        let N = B * T, C = config.dim, KV = config.kvDim, H = config.hiddenDim, V = config.vocabSize
        let NH = config.nHeads, NKV = config.nKVHeads, HD = config.headDim

        // The head and the final norm; a.logits holds the gradient of the loss by now.
        d.normOut.zero()
        linearBackward(dinp: d.normOut.pointer, dweight: gradients?.lmHead, dout: a.logits.pointer,
                       inp: a.finalNormOut.pointer, weight: weights.lmHead, N: N, C: C, OC: V)
        d.residual.zero()
        rmsnormBackward(dinp: d.residual.pointer, dweight: gradients?.finalNorm, dout: d.normOut.pointer,
                        inp: a.residual[config.nLayers].pointer, weight: weights.finalNorm, rstd: a.finalRstd.pointer, N: N, C: C)

        for l in stride(from: config.nLayers - 1, through: 0, by: -1) {
            let w = weights.layers[l], g = gradients?.layers[l], s = a.layers[l]
            // MLP block; d.residual is the gradient of both the layer output and residualMid.
            d.swiglu.zero()
            linearBackward(dinp: d.swiglu.pointer, dweight: g?.wDown, dout: d.residual.pointer,
                           inp: s.swiglu.pointer, weight: w.wDown, N: N, C: H, OC: C)
            d.gate.zero()
            d.up.zero()
            swigluBackward(dgate: d.gate.pointer, dup: d.up.pointer, dout: d.swiglu.pointer,
                           gate: s.gate.pointer, up: s.up.pointer, count: N * H)
            d.normOut.zero()
            linearBackward(dinp: d.normOut.pointer, dweight: g?.wGate, dout: d.gate.pointer,
                           inp: s.mlpNormOut.pointer, weight: w.wGate, N: N, C: C, OC: H)
            linearBackward(dinp: d.normOut.pointer, dweight: g?.wUp, dout: d.up.pointer,
                           inp: s.mlpNormOut.pointer, weight: w.wUp, N: N, C: C, OC: H)
            rmsnormBackward(dinp: d.residual.pointer, dweight: g?.mlpNorm, dout: d.normOut.pointer,
                            inp: s.residualMid.pointer, weight: w.mlpNorm, rstd: s.mlpRstd.pointer, N: N, C: C)
            // Attention block; d.residual is now the gradient of residualMid and of the layer input.
            d.attnOut.zero()
            linearBackward(dinp: d.attnOut.pointer, dweight: g?.wo, dout: d.residual.pointer,
                           inp: s.attnOut.pointer, weight: w.wo, N: N, C: C, OC: C)
            d.q.zero()
            d.k.zero()
            d.v.zero()
            attentionBackward(dq: d.q.pointer, dk: d.k.pointer, dv: d.v.pointer, scratch: d.scores.pointer,
                              dout: d.attnOut.pointer, q: s.q.pointer, k: s.k.pointer, v: s.v.pointer,
                              probs: s.probs.pointer, B: B, T: T, NH: NH, NKV: NKV, HD: HD)
            ropeBackward(dx: d.q.pointer, table: a.rope, B: B, T: T, NH: NH)
            ropeBackward(dx: d.k.pointer, table: a.rope, B: B, T: T, NH: NKV)
            d.normOut.zero()
            linearBackward(dinp: d.normOut.pointer, dweight: g?.wq, dout: d.q.pointer,
                           inp: s.attnNormOut.pointer, weight: w.wq, N: N, C: C, OC: C)
            linearBackward(dinp: d.normOut.pointer, dweight: g?.wk, dout: d.k.pointer,
                           inp: s.attnNormOut.pointer, weight: w.wk, N: N, C: C, OC: KV)
            linearBackward(dinp: d.normOut.pointer, dweight: g?.wv, dout: d.v.pointer,
                           inp: s.attnNormOut.pointer, weight: w.wv, N: N, C: C, OC: KV)
            rmsnormBackward(dinp: d.residual.pointer, dweight: g?.attnNorm, dout: d.normOut.pointer,
                            inp: a.residual[l].pointer, weight: w.attnNorm, rstd: s.attnRstd.pointer, N: N, C: C)
        }
        if let gradients {
            embeddingBackward(dtable: gradients.embedding, dout: d.residual.pointer, tokens: tokens, N: N, C: C)
        }
    }
}

/// x += y elementwise; x and y are (count).
@inline(__always)
func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { x[i] += y[i] }
}
