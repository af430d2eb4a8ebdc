import Foundation
import Kernels
import Model
import TestSupport
import Testing
import Training

// Shapes: two sequences of T 8 tokens, as one micro-batch of B 2 or two of B 1.

/// Accumulating micro-batches with backwardScale 1/k gives the gradient of the mean of the
/// micro-batches' mean losses: the big batch's gradient when every sequence counts as many targets.
@Suite("Gradient accumulation")
struct GradientAccumulationTests {
    let T = 8

    @Test("Two micro-batches of one sequence at scale 1/2 give the gradient of one micro-batch of both")
    func twoHalvesEqualTheWhole() {
        let model = makeModel(tinyConfig, perturbation: 0)
        let batch = Batch.random(V: tinyConfig.vocabSize, B: 2, T: T, seed: 41)

        let whole = FloatBuffer(count: model.parameterCount)
        let wholeLoss = model.accumulateGradients(batch, activations: LlamaActivations(model: model, B: 2, T: T, training: true),
                                                  into: whole, scale: 1)
        let halves = FloatBuffer(count: model.parameterCount)
        let small = LlamaActivations(model: model, B: 1, T: T, training: true)
        let first = model.accumulateGradients(batch.sequence(0), activations: small, into: halves, scale: 0.5)
        let second = model.accumulateGradients(batch.sequence(1), activations: small, into: halves, scale: 0.5)

        #expect(abs((first + second) / 2 - wholeLoss) <= 1e-6 * wholeLoss)
        let difference = relativeDifference(halves.array, whole.array)
        #expect(difference <= 1e-5, "max |accumulated − whole| / max |whole| = \(difference)")
        // Without the 1/2 the sum would be twice too large: the check above is not vacuous.
        #expect(whole.array.contains { abs($0) > 1e-3 })
    }

    @Test("With unequal counted targets, accumulation weights each micro-batch's mean equally, unlike one batch")
    func unequalCountsDiffer() {
        let model = makeModel(tinyConfig, perturbation: 0)
        var batch = Batch.random(V: tinyConfig.vocabSize, B: 2, T: T, seed: 42)
        for t in 0..<6 { batch.targets[t] = ignoreIndex }  // sequence 0 counts 2 targets, sequence 1 counts 8

        let whole = FloatBuffer(count: model.parameterCount)
        model.accumulateGradients(batch, activations: LlamaActivations(model: model, B: 2, T: T, training: true),
                                  into: whole, scale: 1)
        let halves = FloatBuffer(count: model.parameterCount)
        let small = LlamaActivations(model: model, B: 1, T: T, training: true)
        model.accumulateGradients(batch.sequence(0), activations: small, into: halves, scale: 0.5)
        model.accumulateGradients(batch.sequence(1), activations: small, into: halves, scale: 0.5)

        #expect(relativeDifference(halves.array, whole.array) > 1e-2)
    }

    @Test("Trainer.step over two micro-batches of one sequence updates as one micro-batch of two")
    func trainerAccumulates() {
        let batch = Batch.random(V: tinyConfig.vocabSize, B: 2, T: T, seed: 43)
        let schedule = LearningRateSchedule(shape: .constant, peak: 0.1, totalSteps: 1)
        // SGD's first step is p −= lr·g, so the parameters show the gradient the trainer used.
        let big = makeModel(tinyConfig, perturbation: 0), small = duplicate(big)
        let bigTrainer = Trainer(model: big, B: 2, T: T, optimizer: .sgd, schedule: schedule, maxGradientNorm: nil)
        let smallTrainer = Trainer(model: small, B: 1, T: T, accumulation: 2, optimizer: .sgd, schedule: schedule,
                                   maxGradientNorm: nil)
        let initial = big.parameters.array

        let bigResult = bigTrainer.step(on: batch)
        var next = 0
        let smallResult = smallTrainer.step { inputs, targets in
            let sequence = batch.sequence(next)
            next += 1
            inputs.update(from: sequence.tokens, count: T)
            targets.update(from: sequence.targets, count: T)
        }

        #expect(next == 2)
        #expect(abs(smallResult.loss - bigResult.loss) <= 1e-6 * bigResult.loss)
        #expect(abs(smallResult.gradientNorm - bigResult.gradientNorm) <= 1e-5 * bigResult.gradientNorm)
        let bigStep = zip(big.parameters.array, initial).map { $0 - $1 }
        let smallStep = zip(small.parameters.array, initial).map { $0 - $1 }
        let difference = relativeDifference(smallStep, bigStep)
        #expect(difference <= 1e-4, "max |step(2×1) − step(1×2)| / max |step(1×2)| = \(difference)")
    }
}
