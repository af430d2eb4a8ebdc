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

    /// Elements to check in one tensor: all of a small one, 30 chosen at random from a larger one.
    func indices(count: Int, seed: UInt64) -> [Int]? {
        guard count > 64 else { return nil }
        var generator = SeededGenerator(seed: seed, stream: "gradient-check-indices")
        return Array(Array(0..<count).shuffled(using: &generator).prefix(30)).sorted()
    }

    @Test("The gradient of every parameter tensor matches central differences of the loss", arguments: Variant.allCases)
    func everyTensorMatchesFiniteDifferences(variant: Variant) {
        let model = makeModel(variant.config)
        let batch = batch(variant.config)
        let activations = LlamaActivations(config: model.config, B: B, T: T, training: true)
        let gradients = FloatBuffer(count: model.parameterCount)
        model.accumulateGradients(batch, activations: activations, into: gradients)

        for (s, slot) in model.layout.slots.enumerated() {
            // Float rounding of the loss (~2e-7 · 2.4) over 2h = 0.02 leaves ~5e-5 of noise in a
            // finite difference; a wrong term in backward is off by far more than 2% + 3e-4.
            let report = checkGradient(
                "\(variant) \(slot.name) \(slot.shape)", of: model.parameters.pointer + slot.offset, count: slot.count,
                analytic: gradients.pointer + slot.offset, indices: indices(count: slot.count, seed: UInt64(s)),
                step: 1e-2, relativeTolerance: 2e-2, absoluteTolerance: 3e-4
            ) { Double(model.meanLoss(batch, activations: activations)) }
            #expect(report.passed, "\(report)")
            // A tensor whose gradient is all zeros would pass trivially: each one must matter.
            let largest = (0..<slot.count).map { abs(gradients[slot.offset + $0]) }.max()!
            #expect(largest > 1e-3, "\(variant) \(slot.name): largest |gradient| \(largest) is suspiciously small")
        }
    }

    @Test("Backward without parameter gradients computes the same activation gradients and writes no parameter gradient")
    func frozenBackwardWritesNothing() {
        let model = makeModel(Variant.untied.config)
        let batch = batch(model.config)
        let activations = LlamaActivations(config: model.config, B: B, T: T, training: true)

        let full = FloatBuffer(count: model.parameterCount)
        model.accumulateGradients(batch, activations: activations, into: full)
        let inputGradientWithParameters = activations.gradients!.residual.array

        let sentinel = FloatBuffer(count: model.parameterCount)
        sentinel.pointer.update(repeating: 7.25, count: sentinel.count)
        let parametersBefore = model.parameters.array
        let loss = model.accumulateGradients(batch, activations: activations, into: nil)

        #expect(loss.isFinite)
        #expect(bitIdentical(model.parameters.array, parametersBefore), "backward changed the parameters")
        #expect(sentinel.array.allSatisfy { $0 == 7.25 }, "a gradient buffer not passed to backward changed")
        // The gradient reaching the embedding output is what a frozen model hands to adapters.
        let inputGradientFrozen = activations.gradients!.residual.array
        #expect(inputGradientFrozen.contains { $0 != 0 }, "no gradient reached the embedding output")
        #expect(relativeDifference(inputGradientFrozen, inputGradientWithParameters) <= 1e-6)
    }

    @Test("Two backward passes accumulate twice the gradient of one", arguments: [Variant.untied, Variant.tied])
    func gradientsAccumulate(variant: Variant) {
        let model = makeModel(variant.config)
        let batch = batch(variant.config)
        let activations = LlamaActivations(config: model.config, B: B, T: T, training: true)

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
        let model = makeModel(Variant.grouped.config)
        let batch = batch(model.config)
        let activations = LlamaActivations(config: model.config, B: B, T: T, training: true)

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
