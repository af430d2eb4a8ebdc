import Foundation
import Kernels
import Model
import TestSupport
import Testing
import Training

/// A run depends on its seed and inputs alone: bit for bit, at any thread count.
///
/// Serialized because `BLAS.threads` is process-wide: no two of these tests may change it at once.
@Suite("Determinism", .serialized)
struct DeterminismTests {
    func parameters(seed: UInt64, steps: Int = 12) -> Pretraining.Parameters {
        var p = Pretraining.Parameters(batchSize: 2, sequenceLength: 8, steps: steps, learningRate: 3e-3)
        p.accumulation = 2
        p.warmupSteps = 2
        p.seed = seed
        return p
    }

    @Test("Two runs with the same seed give bit-identical losses and parameters; another seed other losses")
    func sameSeedSameRun() throws {
        let tokens = tokenStream(count: 300)
        let a = makeModel(tinyConfig, perturbation: 0), b = duplicate(a), c = duplicate(a)

        let first = try Pretraining.run(model: a, tokens: tokens, parameters: parameters(seed: 1))
        let second = try Pretraining.run(model: b, tokens: tokens, parameters: parameters(seed: 1))
        let other = try Pretraining.run(model: c, tokens: tokens, parameters: parameters(seed: 2))

        #expect(first.losses.count == 12)
        #expect(bitIdentical(first.losses, second.losses), "\(first.losses) vs \(second.losses)")
        #expect(bitIdentical(a.parameters.array, b.parameters.array), "the final parameters differ")
        #expect(!bitIdentical(first.losses, other.losses), "seed 2 drew the same batches as seed 1")
        #expect(!bitIdentical(a.parameters.array, c.parameters.array))
        // Training happened: the loss moved from ln V.
        #expect(first.losses.last! < first.losses.first!)
    }

    /// What the design guarantees: a step's rows are cut into shards by the batch alone, each shard
    /// runs on one BLAS thread into its own gradient buffer, and the buffers are added in shard
    /// order. So neither the worker-thread count nor a BLAS thread count set beforehand (training
    /// sets one BLAS thread itself: OpenBLAS may round a product it splits over threads differently)
    /// can change a bit.
    @Test("1, 2 and 3 worker threads, after any BLAS thread count, give bit-identical runs")
    func anyThreadCountRepeats() throws {
        // Wide enough that OpenBLAS would split products across threads (it keeps m·n·k < 262,144
        // on one): 32 rows × 64 × 128 in the MLP of a one-sequence pass, 128 rows in the batch.
        let config = LlamaConfig(dim: 64, hiddenDim: 128, nLayers: 1, nHeads: 4, vocabSize: 64, maxSeqLen: 64)
        let tokens = tokenStream(count: 600, V: 64)
        var p = Pretraining.Parameters(batchSize: 4, sequenceLength: 32, steps: 3, learningRate: 3e-3)
        p.seed = 3
        let initial = makeModel(config, perturbation: 0)

        let saved = BLAS.threads
        defer { BLAS.threads = saved }
        var runs: [(losses: [Float], parameters: [Float])] = []
        for (threads, blasThreads) in [(1, 1), (2, 2), (3, 2), (2, 1)] {
            BLAS.threads = blasThreads
            p.threads = threads
            let model = duplicate(initial)
            runs.append((try Pretraining.run(model: model, tokens: tokens, parameters: p).losses, model.parameters.array))
        }
        for run in runs.dropFirst() {
            #expect(bitIdentical(run.losses, runs[0].losses), "\(run.losses) vs \(runs[0].losses)")
            #expect(bitIdentical(run.parameters, runs[0].parameters), "the final parameters differ")
        }
    }
}
