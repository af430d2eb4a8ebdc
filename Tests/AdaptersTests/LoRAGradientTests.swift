import Adapters
import Kernels
import Model
import TestSupport
import Testing

// Shapes: B batch, T time, A (r, IN), B (OUT, r). Loss: the model's mean cross-entropy.
//
// The adapter's gradients come from forward(…, backwardScale: 1) then backward(…, gradients: nil, adapterGradients: …):
// the base model is frozen, so every gradient on A and B that is not in the head or layer 1's last
// projection has travelled back through frozen norms, attention, SwiGLU and RoPE. Each element is
// compared with a central difference of the forward loss. The loss is a Float of ≈ 2.5 whose
// rounding noise is a few ulp (≈ 6e-7); with a step of 3e-3 that is ≈ 1e-4 in the quotient, and the
// O(h²) truncation error stays well under 2% (a step of 1e-2 exceeds it where attention is most
// curved; 1e-3 drowns in noise). Tolerances: 2e-2 relative plus 3e-4 absolute, on gradients of
// O(0.01–1).
let gradientStep: Float = 3e-3
let relativeTolerance = 2e-2
let absoluteTolerance = 3e-4

@Suite("LoRA gradients against finite differences")
struct LoRAGradientTests {
    /// Checks every element of the adapter's gradients on `variant` with `knobs` (dropout 0).
    func check(_ variant: Variant, _ knobs: LoRAConfig, seed: UInt64 = 1) -> GradientCheckReport {
        let config = variant.config
        let model = makeModel(config, seed: seed)
        let batch = Batch.random(V: config.vocabSize, B: 2, T: 5, seed: seed + 10)
        let lora = LoRA(config: knobs, modelConfig: config, seed: seed + 20)
        lora.perturbB(seed: seed + 30)
        model.adapter = lora
        let activations = LlamaActivations(model: model, B: batch.B, T: batch.T, training: true)
        let baseBefore = model.parameters.array

        let gradients = FloatBuffer(count: lora.parameters.count)
        model.adapterGradients(batch, activations: activations, into: gradients)
        let analytic = gradients.array
        #expect(analytic.contains { $0 != 0 }, "no gradient reached the adapter")
        #expect(bitIdentical(model.parameters.array, baseBefore), "the backward pass changed the frozen base")

        return analytic.withUnsafeBufferPointer { analytic in
            checkGradient("LoRA \(knobs.targets.sorted().map(\.rawValue)) on \(variant)", of: lora.parameters.pointer,
                          count: lora.parameters.count, analytic: analytic.baseAddress!,
                          step: gradientStep, relativeTolerance: relativeTolerance,
                          absoluteTolerance: absoluteTolerance) {
                Double(model.meanLoss(batch, activations: activations))
            }
        }
    }

    @Test("Every A and B gradient on all targets matches finite differences", arguments: Variant.allCases)
    func allTargetsMatch(variant: Variant) {
        let report = check(variant, LoRAConfig(rank: 2, alpha: 4, dropout: 0, targets: allTargets))
        #expect(report.passed, "\(report)")
    }

    @Test("rsLoRA's scale alpha/√r enters the gradients as it enters the forward pass")
    func rsLoRAMatches() {
        let report = check(.untied, LoRAConfig(rank: 4, alpha: 3, dropout: 0, targets: [.q, .o, .up, .head],
                                               useRSLoRA: true), seed: 4)
        #expect(report.passed, "\(report)")
    }

    @Test("With k alone adapted, layer 0's A and B gradients, which cross the whole frozen model, are right",
          arguments: [Variant.untied, .grouped])
    func gradientThroughFrozenLayers(variant: Variant) {
        let knobs = LoRAConfig(rank: 2, alpha: 4, dropout: 0, targets: [.k])
        let report = check(variant, knobs, seed: 2)
        #expect(report.passed, "\(report)")

        // The check above covered both layers; make sure layer 0 is among them and got a gradient.
        let lora = LoRA(config: knobs, modelConfig: variant.config, seed: 22)
        #expect(lora.slots.map(\.layer) == [0, 1])
        #expect(lora.slots.allSatisfy { $0.site == .k })
    }

    @Test("Gradients accumulate across backward passes (+=) rather than overwrite")
    func gradientsAccumulate() {
        let config = Variant.untied.config
        let model = makeModel(config)
        let batch = Batch.random(V: config.vocabSize, B: 1, T: 4, seed: 8)
        let lora = LoRA(config: LoRAConfig(rank: 2, alpha: 4, dropout: 0, targets: allTargets),
                        modelConfig: config, seed: 1)
        lora.perturbB()
        model.adapter = lora
        let activations = LlamaActivations(model: model, B: 1, T: 4, training: true)
        let gradients = FloatBuffer(count: lora.parameters.count)
        model.adapterGradients(batch, activations: activations, into: gradients)
        let once = gradients.array
        model.adapterGradients(batch, activations: activations, into: gradients)
        let twice = gradients.array
        let worst = zip(once, twice).map { abs(2 * $0 - $1) / max(abs($1), 1e-6) }.max()!
        #expect(worst < 1e-5, "second pass gave \(worst) relative difference from twice the first")
    }
}
