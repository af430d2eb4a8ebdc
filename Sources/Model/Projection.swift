// Shapes: N rows, C model width, Q query width (NH·HD), KV key/value width (NKV·HD), H MLP width, V vocabulary.

@_exported import Vocabulary

extension LlamaConfig {
    /// (out, in) of a projection's weight, stored (out, in) as PyTorch stores it.
    public func shape(of site: ProjectionSite) -> (out: Int, in: Int) {
        switch site {
        case .q: return (qDim, dim)
        case .o: return (dim, qDim)
        case .k, .v: return (kvDim, dim)
        case .gate, .up: return (hiddenDim, dim)
        case .down: return (dim, hiddenDim)
        case .head: return (vocabSize, dim)
        }
    }

    /// Every (site, layer) pair of a model, in forward order; the head appears once, as layer 0.
    public func projections(at sites: Set<ProjectionSite>) -> [(site: ProjectionSite, layer: Int)] {
        let perLayer = ProjectionSite.allCases.filter { $0.isPerLayer && sites.contains($0) }
        var result = (0..<nLayers).flatMap { layer in perLayer.map { (site: $0, layer: layer) } }
        if sites.contains(.head) { result.append((site: .head, layer: 0)) }
        return result
    }
}

/// A trainable term added to projections' outputs (LoRA): y = x Wᵀ + adapter(x).
///
/// The model calls `forward` right after each base projection and `backward` right after the
/// base projection's backward. The adapter's parameters are only read; what a pass writes — what
/// forward saves for backward, backward's scratch, the random stream — lives in the pass's
/// `AdapterActivations`, made by `makeActivations` and held by the pass's `LlamaActivations`.
public protocol ProjectionAdapter: AnyObject {
    /// Whether the adapter has a term at this projection.
    func adapts(_ site: ProjectionSite) -> Bool
    /// The buffers of passes over at most `rows` rows (N = B·T).
    func makeActivations(rows: Int) -> any AdapterActivations
    /// out (N, OUT) += adapter(inp (N, IN)) for the projection at (site, layer).
    func forward(_ site: ProjectionSite, layer: Int, out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, N: Int,
                 activations: any AdapterActivations)
    /// dinp (N, IN) += the adapter's share of the input gradient; gradients (laid out like the
    /// adapter's parameters) += its parameter gradients, unless nil. dout is (N, OUT), inp the
    /// forward input (N, IN).
    func backward(_ site: ProjectionSite, layer: Int, dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                  inp: UnsafePointer<Float>, N: Int, activations: any AdapterActivations,
                  gradients: UnsafeMutablePointer<Float>?)
}

/// What an adapter's passes write, sized for at most `capacityRows` rows: one per pass context.
public protocol AdapterActivations: AnyObject {
    var capacityRows: Int { get }
    /// Starts the random stream (dropout masks) of shard `shard` of optimizer step `step` afresh: what a
    /// shard draws depends on its numbers, not on the thread that runs it or on what ran before.
    func restartRandomness(step: Int, shard: Int)
}

/// Frozen projection weights kept in another form than fp32 (NF4): each call writes the (OUT, IN)
/// fp32 weight for one matmul into scratch the pass owns.
public protocol ProjectionWeightSource: AnyObject {
    /// Floats of the largest weight: what a pass's scratch must hold.
    var scratchCount: Int { get }
    func dequantize(_ site: ProjectionSite, layer: Int, into scratch: UnsafeMutablePointer<Float>)
}
