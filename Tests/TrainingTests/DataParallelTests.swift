import Adapters
import Foundation
import Kernels
import Model
import TestSupport
import Testing
import Training

// Shapes: R rows of a step, b rows per micro-batch, k = ⌈R/b⌉ micro-batches, T positions.
//
// A step's rows are cut into min(R, 4) shards whatever the thread count; each shard has its own
// gradient buffer and dropout stream, and the shards are added in order. So 1, 2 and 3 worker
// threads must train the same bits, and the cut must not change the mathematics: the sharded
// gradient equals the gradient of the mean of the micro-batches' means, computed pass by pass.

/// Twelve examples of 2 to 7 tokens, some prompts longer than others: passes of unequal lengths.
let unevenExamples: [InstructionExample] = (0..<12).map { (i: Int) -> InstructionExample in
    InstructionExample(prompt: (0..<(1 + i % 4)).map { Int32(1 + ($0 + i) % 9) },
                       response: (0..<(1 + i % 3)).map { Int32(2 + ($0 * 3 + i) % 8) })
}

@Suite("Data-parallel steps")
struct DataParallelTests {
    /// LoRA with dropout on every projection, steps of 8 examples in micro-batches of 2: 4 shards.
    func parameters(threads: Int) -> FineTuning.Parameters {
        var p = FineTuning.Parameters()
        p.lora = LoRAConfig(rank: 4, alpha: 8, dropout: 0.1, targets: Set(ProjectionSite.allCases))
        p.learningRate = 1e-2
        p.batchSize = 8
        p.microBatchSize = 2
        p.passes = 2
        p.seed = 4
        p.threads = threads
        return p
    }

    /// A fresh base (NF4 when `quantized`) fine-tuned on `threads` worker threads: the losses and the adapter.
    func fineTune(threads: Int, quantized: Bool) -> (losses: [Float], adapter: [Float]) {
        let dense = makeModel(tinyConfig, perturbation: 0.1)
        let model = quantized ? QuantizedProjections.quantize(dense, doubleQuantization: false) : dense
        let p = parameters(threads: threads)
        let lora = LoRA(config: p.lora, modelConfig: model.config, seed: p.seed)
        let summary = FineTuning.run(model: model, adapter: lora, examples: unevenExamples, parameters: p)
        #expect(summary.steps == 3 && summary.divergedAtStep == nil)
        return (summary.losses, lora.parameters.array)
    }

    @Test("LoRA and QLoRA on 1, 2 and 3 threads give the same losses and adapter bits", arguments: [false, true])
    func fineTuningIgnoresThreads(quantized: Bool) {
        let one = fineTune(threads: 1, quantized: quantized)
        for threads in [2, 3] {
            let other = fineTune(threads: threads, quantized: quantized)
            #expect(bitIdentical(other.losses, one.losses), "\(threads) threads: \(other.losses) vs \(one.losses)")
            #expect(bitIdentical(other.adapter, one.adapter), "\(threads) threads: the adapters differ")
        }
        #expect(one.losses.last! < one.losses.first!)
    }

    @Test("Full training on 1, 2 and 3 threads gives the same losses and parameters")
    func pretrainingIgnoresThreads() throws {
        var p = Pretraining.Parameters(batchSize: 3, sequenceLength: 8, steps: 4, learningRate: 3e-3)
        p.accumulation = 2  // 6 rows per step: 4 shards of 1 or 2 rows, passes cut at micro-batch boundaries
        let tokens = tokenStream(count: 300)
        var runs: [(losses: [Float], parameters: [Float])] = []
        for threads in [1, 2, 3] {
            p.threads = threads
            let model = makeModel(tinyConfig, perturbation: 0)
            let summary = try Pretraining.run(model: model, tokens: tokens, parameters: p)
            runs.append((summary.losses, model.parameters.array))
        }
        for (threads, run) in zip([2, 3], runs.dropFirst()) {
            #expect(bitIdentical(run.losses, runs[0].losses), "\(threads) threads: \(run.losses) vs \(runs[0].losses)")
            #expect(bitIdentical(run.parameters, runs[0].parameters), "\(threads) threads: the parameters differ")
        }
    }

    /// The step of `examples` in micro-batches of b, as rows of T positions.
    func stepBatch(_ examples: [InstructionExample], b: Int, T: Int) -> StepBatch {
        let batch = StepBatch(capacityRows: examples.count, T: T, microBatchSize: b)
        for example in examples {
            batch.appendRow { example.write(inputs: $0, targets: $1, maxLength: T, eos: nil) }
        }
        return batch
    }

    /// Micro-batch m of `examples` as one (b, T) batch, padded as the step batch pads.
    func microBatch(_ examples: [InstructionExample], m: Int, b: Int, T: Int) -> Batch {
        let rows = examples[m * b..<min((m + 1) * b, examples.count)]
        var tokens = [Int32](repeating: 0, count: rows.count * T), targets = [Int32](repeating: ignoreIndex, count: rows.count * T)
        for (i, example) in rows.enumerated() {
            tokens.withUnsafeMutableBufferPointer { t in
                targets.withUnsafeMutableBufferPointer { g in
                    _ = example.write(inputs: t.baseAddress! + i * T, targets: g.baseAddress! + i * T, maxLength: T, eos: nil)
                }
            }
        }
        return Batch(tokens: tokens, targets: targets, B: rows.count, T: T)
    }

    @Test("The sharded gradient and loss equal those of whole micro-batches accumulated at 1/k",
          arguments: [(12, 3), (10, 10), (7, 2)])
    func shardedEqualsWhole(rows: Int, microBatchSize b: Int) {
        let model = makeModel(tinyConfig, perturbation: 0.2)
        let examples = Array(unevenExamples.prefix(rows)), T = 8
        let passes = DataParallelStep(model: model, trained: .model, rows: rows, microBatchSize: b, T: T, threads: 2)
        let loss = passes.run(stepBatch(examples, b: b, T: T), step: 0)

        let whole = FloatBuffer(count: model.parameterCount)
        let k = (rows + b - 1) / b
        var wholeLoss: Float = 0
        for m in 0..<k {
            let batch = microBatch(examples, m: m, b: b, T: T)
            let activations = LlamaActivations(model: model, B: batch.B, T: T, training: true)
            wholeLoss += model.accumulateGradients(batch, activations: activations, into: whole, scale: 1 / Float(k)) / Float(k)
        }
        #expect(abs(loss - wholeLoss) <= 1e-5 * wholeLoss, "sharded \(loss), whole \(wholeLoss)")
        let difference = relativeDifference(passes.gradient.array, whole.array)
        #expect(difference <= 1e-5, "max |sharded − whole| / max |whole| = \(difference)")
        #expect(whole.array.contains { abs($0) > 1e-3 })
    }

    @Test("The sharded adapter gradient equals the whole batch's, and a step does not carry the last one's")
    func shardedAdapterEqualsWhole() {
        let model = makeModel(tinyConfig, perturbation: 0.2)
        let lora = LoRA(config: LoRAConfig(rank: 2, alpha: 4, dropout: 0, targets: [.q, .v, .down]), modelConfig: tinyConfig, seed: 3)
        for i in 0..<lora.parameters.count { lora.parameters[i] += 0.1 * Float(i % 7) - 0.3 }  // B off zero
        model.adapter = lora
        let examples = Array(unevenExamples.prefix(8)), T = 8
        let passes = DataParallelStep(model: model, trained: .adapter(parameterCount: lora.parameters.count),
                                      rows: 8, microBatchSize: 8, T: T, threads: 3)
        let batch = stepBatch(examples, b: 8, T: T)
        let loss = passes.run(batch, step: 0)
        let first = passes.gradient.array

        let whole = FloatBuffer(count: lora.parameters.count)
        let activations = LlamaActivations(model: model, B: 8, T: T, training: true)
        let wholeLoss = model.accumulateGradients(microBatch(examples, m: 0, b: 8, T: T), activations: activations, into: nil,
                                                  adapterGradients: whole)
        #expect(abs(loss - wholeLoss) <= 1e-5 * wholeLoss, "sharded \(loss), whole \(wholeLoss)")
        let difference = relativeDifference(first, whole.array)
        #expect(difference <= 1e-5, "max |sharded − whole| / max |whole| = \(difference)")

        #expect(passes.run(batch, step: 1) == loss)
        #expect(bitIdentical(passes.gradient.array, first), "the second step's gradient differs from the first's")
    }
}
