import Adapters
import Kernels
import Model
import TestSupport

// Shapes: B batch, T time, N = B·T rows, C model width, V vocabulary, r rank.
// Conveniences of the adapter tests: adapters with a non-zero B, frozen-base passes, projection
// weights. The tiny configurations, perturbed models, token batches, one-call passes and array
// comparisons they share with the model and training tests live in TestSupport.

/// Every target a LoRA can have: q, k, v, o, gate, up, down and the head.
let allTargets = Set(ProjectionSite.allCases)

extension LoRA {
    /// Sets every B matrix to N(0, std²) from `seed`, as training would move it off zero, so that
    /// gradients reach A and the adapter changes the model's outputs.
    func perturbB(std: Float = 0.3, seed: UInt64 = 7) {
        var generator = SeededGenerator(seed: seed, stream: "test-lora-b")
        for slot in slots {
            fillNormal(parameters.pointer + slot.bOffset, count: slot.outFeatures * config.rank, std: std,
                       using: &generator)
        }
    }

    /// The A matrix (r, IN) of one slot.
    func a(_ slot: Slot) -> [Float] {
        Array(UnsafeBufferPointer(start: parameters.pointer + slot.aOffset, count: config.rank * slot.inFeatures))
    }

    /// The B matrix (OUT, r) of one slot.
    func b(_ slot: Slot) -> [Float] {
        Array(UnsafeBufferPointer(start: parameters.pointer + slot.bOffset, count: slot.outFeatures * config.rank))
    }
}

extension Llama {
    /// forward(…, backwardScale: 1) then backward with the base frozen (gradients nil): only the
    /// adapter's gradients accumulate, into `gradients`. Returns the mean loss.
    @discardableResult
    func adapterGradients(_ batch: Batch, activations: LlamaActivations, into gradients: FloatBuffer) -> Float {
        accumulateGradients(batch, activations: activations, into: nil, adapterGradients: gradients, scale: 1)
    }

    /// The fp32 weight (OUT, IN) of a projection, whether stored or supplied by `frozenProjections`.
    func projectionValues(_ site: ProjectionSite, layer: Int) -> [Float] {
        let shape = config.shape(of: site)
        if let stored = weights.projection(site, layer: layer) {
            return Array(UnsafeBufferPointer(start: stored, count: shape.out * shape.in))
        }
        var values = [Float](repeating: 0, count: shape.out * shape.in)
        values.withUnsafeMutableBufferPointer { frozenProjections!.dequantize(site, layer: layer, into: $0.baseAddress!) }
        return values
    }
}

/// √(Σ (a − b)²) / √(Σ b²): how far `a` is from `b` as a whole.
func relativeRMSDifference(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count, "comparing \(a.count) values with \(b.count)")
    var difference = 0.0, scale = 0.0
    for i in a.indices {
        difference += (Double(a[i]) - Double(b[i])) * (Double(a[i]) - Double(b[i]))
        scale += Double(b[i]) * Double(b[i])
    }
    return (difference / scale).squareRoot()
}
