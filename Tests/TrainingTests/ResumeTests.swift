import Foundation
import Kernels
import Model
import TestSupport
import Testing
import Training

/// A pretraining run stopped and resumed from its checkpoint is the run that was never stopped.
@Suite("Resuming pretraining")
struct ResumeTests {
    let tokens = tokenStream(count: 300)

    func parameters(_ optimizer: OptimizerKind) -> Pretraining.Parameters {
        var p = Pretraining.Parameters(batchSize: 3, sequenceLength: 8, steps: 6, learningRate: 3e-3)
        p.accumulation = 2
        p.optimizer = optimizer
        p.warmupSteps = 2
        p.seed = 4
        return p
    }

    /// The checkpoint of a run of `identity` stopped after 2 AdamW steps, in a new directory the caller removes.
    func twoStepCheckpoint(identity: String) throws -> URL {
        let url = try temporaryDirectory().appendingPathComponent("checkpoint.safetensors")
        _ = try Pretraining.run(model: makeModel(tinyConfig, perturbation: 0), tokens: tokens, parameters: parameters(.adamw),
                                checkpointing: .init(url: url, identity: identity)) { $0.result.step + 1 < 2 }
        return url
    }

    @Test("Stopped after 2 and 4 steps and resumed each time, a run ends with the uninterrupted run's losses and parameters",
          arguments: [OptimizerKind.adamw, .sgd])
    func resumedRunEqualsUninterruptedRun(optimizer: OptimizerKind) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let checkpointing = Pretraining.Checkpointing(url: directory.appendingPathComponent("checkpoint.safetensors"),
                                                      identity: "test recipe")
        let straight = makeModel(tinyConfig, perturbation: 0)
        let uninterrupted = try Pretraining.run(model: straight, tokens: tokens, parameters: parameters(optimizer))

        var summary: Pretraining.Summary?
        var model = makeModel(tinyConfig, perturbation: 0)
        for stop in [2, 4, 6] {
            model = makeModel(tinyConfig, perturbation: 0)  // a new process: only the checkpoint carries over
            summary = try Pretraining.run(model: model, tokens: tokens, parameters: parameters(optimizer),
                                          checkpointing: checkpointing) { $0.result.step + 1 < stop }
            #expect(summary?.steps == stop)
            #expect(summary?.resumedFrom == stop - 2)
        }
        #expect(bitIdentical(summary!.losses, uninterrupted.losses), "\(summary!.losses) vs \(uninterrupted.losses)")
        #expect(bitIdentical(model.parameters.array, straight.parameters.array), "the final parameters differ")
    }

    @Test("A checkpoint written while training something else is refused, naming both")
    func checkpointOfAnotherIdentityIsRefused() throws {
        let url = try twoStepCheckpoint(identity: "recipe a")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let error = #expect(throws: CheckpointError.self) {
            try Pretraining.run(model: makeModel(tinyConfig, perturbation: 0), tokens: tokens, parameters: parameters(.adamw),
                                checkpointing: .init(url: url, identity: "recipe b"))
        }
        #expect(error?.description.contains("recipe a") == true && error?.description.contains("recipe b") == true,
                "\(String(describing: error))")
    }

    @Test("A checkpoint of another optimizer or model size is refused")
    func checkpointThatDoesNotFitIsRefused() throws {
        let url = try twoStepCheckpoint(identity: "recipe")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        #expect(throws: CheckpointError.self) {
            try Pretraining.run(model: makeModel(tinyConfig, perturbation: 0), tokens: tokens, parameters: parameters(.sgd),
                                checkpointing: .init(url: url, identity: "recipe"))
        }
        var wider = tinyConfig
        wider.dim = 32
        #expect(throws: CheckpointError.self) {
            try Pretraining.run(model: makeModel(wider, perturbation: 0), tokens: tokens, parameters: parameters(.adamw),
                                checkpointing: .init(url: url, identity: "recipe"))
        }
    }
}
