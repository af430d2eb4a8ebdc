import Foundation
import Kernels
import Model
import TestSupport
import Testing

// Shapes: B 2 sequences of T 6 tokens, N = 12 positions, V 11.

/// The loss forward returns: the mean cross-entropy over the positions that have a target.
@Suite("Loss over counted positions")
struct LossTests {
    let B = 2, T = 6

    /// −log softmax(logits[n])[targets[n]] averaged over positions whose target is not ignoreIndex,
    /// from the logits of a pass without targets, in Double.
    func referenceLoss(_ model: Llama, _ batch: Batch) -> Double {
        let V = model.config.vocabSize
        let logits = model.logits(of: batch.tokens, B: batch.B, T: batch.T)
        var total = 0.0, counted = 0
        for n in 0..<batch.B * batch.T where batch.targets[n] != ignoreIndex {
            total -= referenceLogSoftmax(logits[n * V..<(n + 1) * V])[Int(batch.targets[n])]
            counted += 1
        }
        return total / Double(counted)
    }

    @Test("The loss is the mean over counted positions only, ignored ones neither adding nor counting",
          arguments: [[], [0], [2, 3, 7], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]])
    func meanOverCountedPositions(ignored: [Int]) {
        let model = makeModel(Variant.untied.config)
        let batch = Batch.random(V: model.config.vocabSize, B: B, T: T, seed: 3, ignored: ignored)
        let activations = LlamaActivations(model: model, B: B, T: T, training: false)

        let loss = Double(model.meanLoss(batch, activations: activations))
        let expected = referenceLoss(model, batch)

        #expect(abs(loss - expected) <= 1e-5 * expected, "loss \(loss), expected \(expected) over \(batch.counted) positions")
        // Per position, ignored rows hold 0 and counted rows their own cross-entropy.
        let logits = model.logits(of: batch.tokens, B: B, T: T)
        let V = model.config.vocabSize
        for n in 0..<B * T {
            let perPosition = batch.targets[n] == ignoreIndex
                ? 0 : -referenceLogSoftmax(logits[n * V..<(n + 1) * V])[Int(batch.targets[n])]
            #expect(abs(Double(activations.losses[n]) - perPosition) <= 1e-5 * max(perPosition, 1),
                    "losses[\(n)] = \(activations.losses[n]), expected \(perPosition)")
        }
    }

    @Test("Ignoring one more position takes it out of both the sum and the count")
    func ignoringRemovesFromSumAndCount() {
        let model = makeModel(Variant.untied.config)
        let activations = LlamaActivations(model: model, B: B, T: T, training: false)
        var batch = Batch.random(V: model.config.vocabSize, B: B, T: T, seed: 4)
        let full = model.meanLoss(batch, activations: activations)
        batch.targets[4] = ignoreIndex
        let fewer = model.meanLoss(batch, activations: activations)
        // Dropping one target changes the mean: the ignored position is out of numerator and denominator.
        #expect(fewer != full)
        #expect(abs(Double(fewer) - referenceLoss(model, batch)) <= 1e-5 * Double(fewer))
    }

    @Test("A batch whose targets are all ignored has loss 0")
    func allIgnoredLossIsZero() {
        let model = makeModel(Variant.untied.config)
        let activations = LlamaActivations(model: model, B: B, T: T, training: false)
        let batch = Batch.random(V: model.config.vocabSize, B: B, T: T, seed: 5, ignored: Array(0..<B * T))
        #expect(model.meanLoss(batch, activations: activations) == 0)
    }

    @Test("A batch whose targets are all ignored contributes no gradient")
    func allIgnoredGradientIsZero() {
        let model = makeModel(Variant.untied.config)
        let activations = LlamaActivations(model: model, B: B, T: T, training: true)
        let batch = Batch.random(V: model.config.vocabSize, B: B, T: T, seed: 5, ignored: Array(0..<B * T))
        let gradients = FloatBuffer(count: model.parameterCount)
        let loss = model.accumulateGradients(batch, activations: activations, into: gradients)

        #expect(loss == 0)
        let largest = gradients.array.map(abs).max()!
        #expect(largest == 0, "largest |gradient| \(largest) from a batch with nothing to learn")
    }
}
