import Foundation
import Kernels
import Model
import TestSupport
import Testing
import Training

/// Full fine-tuning with SGD, and what a diverging run looks like from the outside.
@Suite("Full fine-tuning")
struct FullFineTuningTests {
    @Test("SGD with momentum lowers the loss on a fixed batch")
    func sgdLowersTheLoss() {
        let model = makeModel(tinyConfig, perturbation: 0)
        let batch = Batch.random(V: tinyConfig.vocabSize, B: 2, T: 8, seed: 31)
        let trainer = Trainer(model: model, B: 2, T: 8, optimizer: .sgd,
                              schedule: LearningRateSchedule(shape: .constant, peak: 0.5, totalSteps: 30))
        let before = model.meanLoss(batch)
        var losses: [Float] = []
        for _ in 0..<30 { losses.append(trainer.step(on: batch).loss) }
        let after = model.meanLoss(batch)
        // The step adds its shards' shares of the mean, so it may round differently from one pass.
        #expect(abs(losses[0] - before) <= 1e-6 * before, "the first step reports the loss before any update")
        // Observed: 2.36 → 0.001 (momentum 0.9 makes the way there bumpy); half is a safe bound.
        #expect(after < before / 2, "loss \(before) → \(after)")
    }

    @Test("An absurd learning rate shows up as a non-finite or exploding loss in the summary, without a crash")
    func divergenceIsReported() throws {
        let model = makeModel(tinyConfig, perturbation: 0)
        var parameters = Pretraining.Parameters(batchSize: 2, sequenceLength: 8, steps: 30, learningRate: 1e6)
        parameters.optimizer = .sgd
        parameters.maxGradientNorm = nil
        parameters.schedule = .constant
        var reports: [Pretraining.Progress] = []
        let summary = try Pretraining.run(model: model, tokens: tokenStream(count: 200), parameters: parameters) { progress in
            reports.append(progress)
            return progress.result.loss.isFinite && progress.result.loss < 100
        }
        // The callback stopped the run at the first bad loss, which the summary keeps.
        let diverged = summary.losses.last!
        #expect(!diverged.isFinite || diverged >= 100, "losses \(summary.losses)")
        #expect(summary.steps == summary.losses.count)
        #expect(summary.steps < 30, "the callback should have stopped the run")
        #expect(summary.finalLoss.bitPattern == diverged.bitPattern)
        #expect(reports.count == summary.steps)
        #expect(summary.tokens == summary.steps * 2 * 8)
        // The losses before it were sane: training did start from ln V.
        #expect(abs(summary.losses[0] - Foundation.log(11)) < 0.1)
    }

    @Test("A diverging run left to continue keeps going to its last step and records what it computed")
    func divergenceWithoutStopping() throws {
        let model = makeModel(tinyConfig, perturbation: 0)
        var parameters = Pretraining.Parameters(batchSize: 2, sequenceLength: 8, steps: 8, learningRate: 1e6)
        parameters.optimizer = .sgd
        parameters.maxGradientNorm = nil
        parameters.schedule = .constant
        let summary = try Pretraining.run(model: model, tokens: tokenStream(count: 200), parameters: parameters)
        #expect(summary.steps == 8)
        #expect(summary.losses.count == 8)
        #expect(summary.losses.dropFirst().contains { !$0.isFinite || $0 >= 100 }, "losses \(summary.losses)")
    }
}
