import Kernels

/// A decoder-only Llama in fp32: the `LlamaForCausalLM` computation, with its parameters in one
/// flat buffer laid out by `ParameterLayout`.
///
/// Two attachments turn it into a LoRA or QLoRA model without changing the passes: an `adapter`
/// adds its term to projections' outputs, and `frozenProjections` supplies the weights of
/// projections that the flat buffer does not store (NF4).
///
/// The passes only read the model (and its attachments): everything they write lives in the
/// `LlamaActivations` they are given, so passes with activations of their own may run on several
/// threads at once.
public final class Llama {
    public let config: LlamaConfig
    public let layout: ParameterLayout
    public let parameters: FloatBuffer
    public let weights: LlamaWeights
    public var adapter: (any ProjectionAdapter)?
    public var frozenProjections: (any ProjectionWeightSource)?

    /// A model with all parameters zero; `initialize(seed:)` or a checkpoint fills them.
    /// Projections outside `storedProjections` must come from `frozenProjections`.
    public init(config: LlamaConfig, storedProjections: Set<ProjectionSite> = Set(ProjectionSite.allCases)) {
        precondition(config.problems().isEmpty, config.problems().joined(separator: "; "))
        self.config = config
        layout = ParameterLayout(config: config, storedProjections: storedProjections)
        parameters = FloatBuffer(count: layout.count, category: .baseWeights)
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
    ///
    /// A pass over some rows of a larger micro-batch gives `meanOver`, the micro-batch's count of
    /// targets: the "mean" is then this pass's share of the micro-batch's mean (its sum over that
    /// count), so the shares of all the rows add up to the micro-batch's mean and gradient.
    @discardableResult
    public func forward(
        tokens: UnsafePointer<Int32>, targets: UnsafePointer<Int32>?, B: Int, T: Int,
        activations a: LlamaActivations, backwardScale: Float? = nil, meanOver targetCount: Int? = nil
    ) -> Float? {
        precondition(B <= a.capacityB && T <= a.capacityT, "a pass of \(B)×\(T) exceeds activations sized \(a.capacityB)×\(a.capacityT)")
        precondition(adapter == nil || a.adapter != nil, "the activations were made before the adapter was attached")
        let N = B * T, C = config.dim, H = config.hiddenDim, V = config.vocabSize
        let NH = config.nHeads, NKV = config.nKVHeads, HD = config.headDim, eps = config.normEps
        let started = now()

        embeddingForward(out: a.residual[0].pointer, tokens: tokens, table: weights.embedding, N: N, C: C)
        for (l, w) in weights.layers.enumerated() {
            let x = a.residual[l].pointer, s = a.layers[l]
            // Attention block: x + o(attention(rope(q(norm x)), rope(k(norm x)), v(norm x)))
            rmsnormForward(out: s.attnNormOut.pointer, rstd: s.attnRstd.pointer, inp: x, weight: w.attnNorm, N: N, C: C, eps: eps)
            project(.q, layer: l, out: s.q.pointer, inp: s.attnNormOut.pointer, N: N, activations: a)
            project(.k, layer: l, out: s.k.pointer, inp: s.attnNormOut.pointer, N: N, activations: a)
            project(.v, layer: l, out: s.v.pointer, inp: s.attnNormOut.pointer, N: N, activations: a)
            ropeForward(x: s.q.pointer, table: a.rope, B: B, T: T, NH: NH)
            ropeForward(x: s.k.pointer, table: a.rope, B: B, T: T, NH: NKV)
            let attentionStarted = now()
            attentionForward(out: s.attnOut.pointer, probs: s.probs.pointer, q: s.q.pointer, k: s.k.pointer,
                             v: s.v.pointer, B: B, T: T, NH: NH, NKV: NKV, HD: HD)
            a.timings.attention += now() - attentionStarted
            project(.o, layer: l, out: s.residualMid.pointer, inp: s.attnOut.pointer, N: N, activations: a)
            add(s.residualMid.pointer, x, count: N * C)
            // MLP block: mid + down(silu(gate(norm mid)) ⊙ up(norm mid))
            rmsnormForward(out: s.mlpNormOut.pointer, rstd: s.mlpRstd.pointer, inp: s.residualMid.pointer, weight: w.mlpNorm, N: N, C: C, eps: eps)
            project(.gate, layer: l, out: s.gate.pointer, inp: s.mlpNormOut.pointer, N: N, activations: a)
            project(.up, layer: l, out: s.up.pointer, inp: s.mlpNormOut.pointer, N: N, activations: a)
            swigluForward(out: s.swiglu.pointer, gate: s.gate.pointer, up: s.up.pointer, count: N * H)
            let y = a.residual[l + 1].pointer
            project(.down, layer: l, out: y, inp: s.swiglu.pointer, N: N, activations: a)
            add(y, s.residualMid.pointer, count: N * C)
        }
        rmsnormForward(out: a.finalNormOut.pointer, rstd: a.finalRstd.pointer, inp: a.residual[config.nLayers].pointer,
                       weight: weights.finalNorm, N: N, C: C, eps: eps)
        project(.head, layer: 0, out: a.logits.pointer, inp: a.finalNormOut.pointer, N: N, activations: a)
        defer { a.timings.forward += now() - started }

        guard let targets else { return nil }
        var counted = 0
        for n in 0..<N where targets[n] != ignoreIndex { counted += 1 }
        guard counted > 0 else {  // nothing to learn: a zero loss and, for backward, a zero gradient
            a.losses.pointer.update(repeating: 0, count: N)
            if backwardScale != nil { a.logits.pointer.update(repeating: 0, count: N * V) }
            return 0
        }
        let denominator = Float(targetCount ?? counted)
        precondition(targetCount.map { $0 >= counted } ?? true, "a mean over \(targetCount!) targets of a pass that has \(counted)")
        crossEntropyForward(losses: a.losses.pointer, logits: a.logits.pointer, targets: targets, N: N, V: V,
                            backward: backwardScale != nil, gradScale: (backwardScale ?? 0) / denominator)
        var total: Float = 0
        for n in 0..<N { total += a.losses[n] }
        return total / denominator
    }

    /// The backward pass after `forward(…, backwardScale:)` on the same tokens: accumulates (+=)
    /// the gradient of the scaled loss into `gradients`, laid out like the parameters, and into
    /// `adapterGradients`, laid out like the adapter's parameters. With `gradients` nil the model's
    /// own parameters are frozen: only the gradients that flow to the adapter are computed.
    public func backward(
        tokens: UnsafePointer<Int32>, B: Int, T: Int, activations a: LlamaActivations, gradients: LlamaWeights?,
        adapterGradients: UnsafeMutablePointer<Float>? = nil
    ) {
        guard let d = a.gradients else { preconditionFailure("activations were built for inference only") }
        let N = B * T, C = config.dim, H = config.hiddenDim
        let NH = config.nHeads, NKV = config.nKVHeads, HD = config.headDim
        let started = now()
        defer { a.timings.backward += now() - started }

        // The head and the final norm; a.logits holds the gradient of the loss by now.
        d.normOut.zero()
        projectBackward(.head, layer: 0, dinp: d.normOut.pointer, dweight: gradients?.lmHead, dout: a.logits.pointer,
                        inp: a.finalNormOut.pointer, N: N, activations: a, adapterGradients: adapterGradients)
        d.residual.zero()
        rmsnormBackward(dinp: d.residual.pointer, dweight: gradients?.finalNorm, dout: d.normOut.pointer,
                        inp: a.residual[config.nLayers].pointer, weight: weights.finalNorm, rstd: a.finalRstd.pointer, N: N, C: C)

        for l in stride(from: config.nLayers - 1, through: 0, by: -1) {
            let w = weights.layers[l], g = gradients?.layers[l], s = a.layers[l]
            // MLP block; d.residual is the gradient of both the layer output and residualMid.
            d.swiglu.zero()
            projectBackward(.down, layer: l, dinp: d.swiglu.pointer, dweight: g?.wDown, dout: d.residual.pointer,
                            inp: s.swiglu.pointer, N: N, activations: a, adapterGradients: adapterGradients)
            d.gate.zero()
            d.up.zero()
            swigluBackward(dgate: d.gate.pointer, dup: d.up.pointer, dout: d.swiglu.pointer,
                           gate: s.gate.pointer, up: s.up.pointer, count: N * H)
            d.normOut.zero()
            projectBackward(.gate, layer: l, dinp: d.normOut.pointer, dweight: g?.wGate, dout: d.gate.pointer,
                            inp: s.mlpNormOut.pointer, N: N, activations: a, adapterGradients: adapterGradients)
            projectBackward(.up, layer: l, dinp: d.normOut.pointer, dweight: g?.wUp, dout: d.up.pointer,
                            inp: s.mlpNormOut.pointer, N: N, activations: a, adapterGradients: adapterGradients)
            rmsnormBackward(dinp: d.residual.pointer, dweight: g?.mlpNorm, dout: d.normOut.pointer,
                            inp: s.residualMid.pointer, weight: w.mlpNorm, rstd: s.mlpRstd.pointer, N: N, C: C)
            // Attention block; d.residual is now the gradient of residualMid and of the layer input.
            d.attnOut.zero()
            projectBackward(.o, layer: l, dinp: d.attnOut.pointer, dweight: g?.wo, dout: d.residual.pointer,
                            inp: s.attnOut.pointer, N: N, activations: a, adapterGradients: adapterGradients)
            d.q.zero()
            d.k.zero()
            d.v.zero()
            let attentionStarted = now()
            attentionBackward(dq: d.q.pointer, dk: d.k.pointer, dv: d.v.pointer, scratch: d.scores.pointer,
                              dout: d.attnOut.pointer, q: s.q.pointer, k: s.k.pointer, v: s.v.pointer,
                              probs: s.probs.pointer, B: B, T: T, NH: NH, NKV: NKV, HD: HD)
            a.timings.attention += now() - attentionStarted
            ropeBackward(dx: d.q.pointer, table: a.rope, B: B, T: T, NH: NH)
            ropeBackward(dx: d.k.pointer, table: a.rope, B: B, T: T, NH: NKV)
            d.normOut.zero()
            projectBackward(.q, layer: l, dinp: d.normOut.pointer, dweight: g?.wq, dout: d.q.pointer,
                            inp: s.attnNormOut.pointer, N: N, activations: a, adapterGradients: adapterGradients)
            projectBackward(.k, layer: l, dinp: d.normOut.pointer, dweight: g?.wk, dout: d.k.pointer,
                            inp: s.attnNormOut.pointer, N: N, activations: a, adapterGradients: adapterGradients)
            projectBackward(.v, layer: l, dinp: d.normOut.pointer, dweight: g?.wv, dout: d.v.pointer,
                            inp: s.attnNormOut.pointer, N: N, activations: a, adapterGradients: adapterGradients)
            rmsnormBackward(dinp: d.residual.pointer, dweight: g?.attnNorm, dout: d.normOut.pointer,
                            inp: a.residual[l].pointer, weight: w.attnNorm, rstd: s.attnRstd.pointer, N: N, C: C)
        }
        if let gradients {
            embeddingBackward(dtable: gradients.embedding, dout: d.residual.pointer, tokens: tokens, N: N, C: C)
        }
    }

    /// out (N, OUT) = inp (N, IN) Wᵀ (+ the adapter's term) for one projection.
    @inline(__always)
    private func project(
        _ site: ProjectionSite, layer: Int, out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, N: Int,
        activations a: LlamaActivations
    ) {
        let shape = config.shape(of: site)
        let weight = projectionWeight(site, layer: layer, activations: a)
        let started = now()
        linearForward(out: out, inp: inp, weight: weight, N: N, C: shape.in, OC: shape.out)
        if let adapter, adapter.adapts(site), let state = a.adapter {
            adapter.forward(site, layer: layer, out: out, inp: inp, N: N, activations: state)
        }
        a.timings.projections += now() - started
    }

    /// Accumulates one projection's gradients: dinp (N, IN) += dout (N, OUT) W (plus the adapter's
    /// share), dweight (OUT, IN) += doutᵀ inp unless the weight is frozen (nil), and the adapter's
    /// parameter gradients into adapterGradients unless nil.
    @inline(__always)
    private func projectBackward(
        _ site: ProjectionSite, layer: Int, dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>?,
        dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, N: Int,
        activations a: LlamaActivations, adapterGradients: UnsafeMutablePointer<Float>?
    ) {
        let shape = config.shape(of: site)
        let weight = projectionWeight(site, layer: layer, activations: a)
        let started = now()
        linearBackward(dinp: dinp, dweight: dweight, dout: dout, inp: inp, weight: weight, N: N, C: shape.in, OC: shape.out)
        if let adapter, adapter.adapts(site), let state = a.adapter {
            adapter.backward(site, layer: layer, dinp: dinp, dout: dout, inp: inp, N: N, activations: state,
                             gradients: adapterGradients)
        }
        a.timings.projections += now() - started
    }

    /// The fp32 weight of a projection: a view of the flat buffer, or dequantized into the
    /// activations' own scratch.
    @inline(__always)
    private func projectionWeight(_ site: ProjectionSite, layer: Int, activations a: LlamaActivations) -> UnsafePointer<Float> {
        if let stored = weights.projection(site, layer: layer) { return UnsafePointer(stored) }
        guard let frozenProjections, let scratch = a.dequantized else {
            preconditionFailure("\(site.modulePath(layer: layer)) is not stored, and no frozenProjections source was attached when the activations were made")
        }
        let started = now()
        defer { a.timings.dequantization += now() - started }
        frozenProjections.dequantize(site, layer: layer, into: scratch.pointer)
        return UnsafePointer(scratch.pointer)
    }
}

/// x += y elementwise; x and y are (count).
@inline(__always)
func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { x[i] += y[i] }
}
