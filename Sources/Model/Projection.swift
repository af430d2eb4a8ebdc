// Shapes: N rows, C model width, KV key/value width, H MLP width, V vocabulary.

@_exported import Vocabulary

extension LlamaConfig {
    /// (out, in) of a projection's weight, stored (out, in) as PyTorch stores it.
    public func shape(of site: ProjectionSite) -> (out: Int, in: Int) {
        switch site {
        case .q, .o: return (dim, dim)
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
/// base projection's backward, so an adapter keeps whatever it saved between the two.
public protocol ProjectionAdapter: AnyObject {
    /// Whether the adapter has a term at this projection.
    func adapts(_ site: ProjectionSite) -> Bool
    /// out (N, OUT) += adapter(inp (N, IN)) for the projection at (site, layer).
    func forward(_ site: ProjectionSite, layer: Int, out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, N: Int)
    /// dinp (N, IN) += the adapter's share of the input gradient; accumulates the adapter's own
    /// parameter gradients. dout is (N, OUT), inp the forward input (N, IN).
    func backward(_ site: ProjectionSite, layer: Int, dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                  inp: UnsafePointer<Float>, N: Int)
}

/// Frozen projection weights kept in another form than fp32 (NF4): each call produces the
/// (OUT, IN) fp32 weight for one matmul, valid until the next call.
public protocol ProjectionWeightSource: AnyObject {
    func weight(_ site: ProjectionSite, layer: Int) -> UnsafePointer<Float>
}
