import Foundation
import Kernels
import Model
import TestSupport
import Testing

// Shapes: B 2 sequences of T 5 tokens; three of the ten targets are ignoreIndex.

/// The whole model's backward pass against central differences of the mean loss forward returns,
/// tensor by tensor; and what backward promises about accumulation, scaling and frozen parameters.
@Suite("Whole-model gradients")
struct WholeModelGradientTests {
    let B = 2, T = 5
    /// Position 1 of the first sequence and positions 0 and 4 of the second carry no loss.
    let ignored = [1, 5, 9]

    func batch(_ config: LlamaConfig, seed: UInt64 = 7) -> Batch {
        Batch.random(V: config.vocabSize, B: B, T: T, seed: seed, ignored: ignored)
    }

    /// Parameters moved by N(0, 0.15²) from their initial values. Larger ones put RMSNorm inputs and
    /// attention scores where the loss curves so sharply that a float32 central difference cannot
    /// be both above rounding noise and below truncation error (at 0.3, an up_proj element's
    /// difference quotient is 0.0010 at h = 1e-2 and 0.0054 at h = 3e-3 against an exact 0.0059).
    func model(_ variant: Variant) -> Llama { makeModel(variant.config, perturbation: 0.15) }

    @Test("The gradient of every parameter tensor matches central differences of the loss", arguments: Variant.allCases)
    func everyTensorMatchesFiniteDifferences(variant: Variant) {
        let model = model(variant)
        let batch = batch(variant.config)
        let activations = LlamaActivations(model: model, B: B, T: T, training: true)
        let gradients = FloatBuffer(count: model.parameterCount)
        model.accumulateGradients(batch, activations: activations, into: gradients)

        // Every element of every tensor: the models are small enough. With h = 5e-3, float rounding
        // of the loss (a few 1e-7) leaves ~1e-4 of noise in a difference quotient and the worst
        // element of any variant sits near 0.3× this tolerance; a wrong term in backward is off by
        // far more than 3% + 2e-4.
        for slot in model.layout.slots {
            let report = checkGradient(
                "\(variant) \(slot.name) \(slot.shape)", of: model.parameters.pointer + slot.offset, count: slot.count,
                analytic: gradients.pointer + slot.offset, step: 5e-3, relativeTolerance: 3e-2, absoluteTolerance: 2e-4
            ) { Double(model.meanLoss(batch, activations: activations)) }
            #expect(report.passed, "\(report)")
            // A tensor whose gradient is all zeros would pass trivially: each one must matter.
            let largest = (0..<slot.count).map { abs(gradients[slot.offset + $0]) }.max()!
            #expect(largest > 1e-3, "\(variant) \(slot.name): largest |gradient| \(largest) is suspiciously small")
        }
    }

    @Test("Backward without parameter gradients computes the same activation gradients and writes no parameter gradient")
    func frozenBackwardWritesNothing() {
        let model = model(.untied)
        let batch = batch(model.config)
        let activations = LlamaActivations(model: model, B: B, T: T, training: true)

        let full = FloatBuffer(count: model.parameterCount)
        model.accumulateGradients(batch, activations: activations, into: full)
        let inputGradientWithParameters = activations.gradients!.residual.array

        // The buffer the full pass wrote into, and its contents: a frozen pass must not touch it.
        let gradientsBefore = full.array
        let parametersBefore = model.parameters.array
        // Fresh activations, so nothing the full pass left behind can stand in for the frozen one.
        let frozen = LlamaActivations(model: model, B: B, T: T, training: true)
        let loss = model.accumulateGradients(batch, activations: frozen, into: nil)

        #expect(loss.isFinite)
        #expect(bitIdentical(model.parameters.array, parametersBefore), "backward changed the parameters")
        #expect(bitIdentical(full.array, gradientsBefore), "a gradient buffer not passed to backward changed")
        // The gradient reaching the embedding output is what a frozen model hands to adapters.
        let inputGradientFrozen = frozen.gradients!.residual.array
        #expect(inputGradientFrozen.contains { $0 != 0 }, "no gradient reached the embedding output")
        #expect(relativeDifference(inputGradientFrozen, inputGradientWithParameters) <= 1e-6)
    }

    @Test("Two backward passes accumulate twice the gradient of one", arguments: [Variant.untied, Variant.tied])
    func gradientsAccumulate(variant: Variant) {
        let model = model(variant)
        let batch = batch(variant.config)
        let activations = LlamaActivations(model: model, B: B, T: T, training: true)

        let once = FloatBuffer(count: model.parameterCount)
        model.accumulateGradients(batch, activations: activations, into: once)
        let twice = FloatBuffer(count: model.parameterCount)
        model.accumulateGradients(batch, activations: activations, into: twice)
        model.accumulateGradients(batch, activations: activations, into: twice)

        let doubled = once.array.map { 2 * $0 }
        let difference = relativeDifference(twice.array, doubled)
        #expect(difference <= 1e-5, "max |twice − 2·once| / max |2·once| = \(difference)")
    }

    @Test("The gradient is linear in backwardScale", arguments: [Float(0.5), 3, -1])
    func backwardScaleScalesLinearly(scale: Float) {
        let model = model(.grouped)
        let batch = batch(model.config)
        let activations = LlamaActivations(model: model, B: B, T: T, training: true)

        let unit = FloatBuffer(count: model.parameterCount)
        let unitLoss = model.accumulateGradients(batch, activations: activations, into: unit, scale: 1)
        let scaled = FloatBuffer(count: model.parameterCount)
        let scaledLoss = model.accumulateGradients(batch, activations: activations, into: scaled, scale: scale)

        // The scale shapes the gradient only, never the loss reported.
        #expect(scaledLoss == unitLoss)
        let expected = unit.array.map { scale * $0 }
        let difference = relativeDifference(scaled.array, expected)
        #expect(difference <= 1e-5, "max |g(\(scale)) − \(scale)·g(1)| / max |\(scale)·g(1)| = \(difference)")
    }
}
