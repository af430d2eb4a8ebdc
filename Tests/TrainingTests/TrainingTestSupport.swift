import Kernels
import Model
import TestSupport
import Training

// Shapes: B batch, T time, V vocabulary. Conveniences of the training tests; models, token batches,
// one-call passes, buffers and array comparisons shared with other targets live in TestSupport.

/// C 16, H 32, 2 layers, 2 heads, V 11: small enough for a debug build to train in a blink.
let tinyConfig = LlamaConfig(dim: 16, hiddenDim: 32, nLayers: 2, nHeads: 2, vocabSize: 11, maxSeqLen: 32)

/// `count` tokens of a stream with some structure (a noisy repeating pattern), from `seed`.
func tokenStream(count: Int, V: Int = 11, seed: UInt64 = 5) -> [Int32] {
    var generator = SeededGenerator(seed: seed, stream: "test-tokens")
    return (0..<count).map { i in
        generator.next() % 4 == 0 ? Int32(generator.next() % UInt64(V)) : Int32((i * 3) % V)
    }
}

extension Trainer {
    /// One optimizer step on the same (B, T) batch every micro-batch.
    @discardableResult
    func step(on batch: Batch) -> StepResult {
        precondition(batch.B == B && batch.T == T, "a batch of \(batch.B)×\(batch.T) for a trainer of \(B)×\(T)")
        return step { inputs, targets in
            inputs.update(from: batch.tokens, count: batch.B * batch.T)
            targets.update(from: batch.targets, count: batch.B * batch.T)
        }
    }
}
