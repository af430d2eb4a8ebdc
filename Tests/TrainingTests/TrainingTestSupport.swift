import Foundation
import Kernels
import Model
import Testing
import Training

// Shapes: B batch, T time, V vocabulary. Conveniences shared by the training tests.

/// C 16, H 32, 2 layers, 2 heads, V 11: small enough for a debug build to train in a blink.
let tinyConfig = LlamaConfig(dim: 16, hiddenDim: 32, nLayers: 2, nHeads: 2, vocabSize: 11, maxSeqLen: 32)

/// A model initialised from `seed` as transformers does (std 0.02, norms 1).
func makeModel(_ config: LlamaConfig = tinyConfig, seed: UInt64 = 1) -> Llama {
    let model = Llama(config: config)
    model.initialize(seed: seed)
    return model
}

/// A copy of `model`: same config, same parameters.
func duplicate(_ model: Llama) -> Llama {
    let copy = Llama(config: model.config)
    copy.parameters.copy(from: model.parameters)
    return copy
}

/// `count` tokens of a stream with some structure (a noisy repeating pattern), from `seed`.
func tokenStream(count: Int, V: Int = 11, seed: UInt64 = 5) -> [Int32] {
    var generator = SeededGenerator(seed: seed, stream: "test-tokens")
    return (0..<count).map { i in
        generator.next() % 4 == 0 ? Int32(generator.next() % UInt64(V)) : Int32((i * 3) % V)
    }
}

/// B sequences of T tokens with their targets, both (B, T) row-major.
struct Batch {
    var tokens: [Int32]
    var targets: [Int32]
    let B: Int
    let T: Int

    static func random(V: Int, B: Int, T: Int, seed: UInt64) -> Batch {
        var generator = SeededGenerator(seed: seed, stream: "test-batch")
        return Batch(tokens: (0..<B * T).map { _ in Int32(generator.next() % UInt64(V)) },
                     targets: (0..<B * T).map { _ in Int32(generator.next() % UInt64(V)) }, B: B, T: T)
    }

    /// Sequence b alone, as a batch of one.
    func sequence(_ b: Int) -> Batch {
        Batch(tokens: Array(tokens[b * T..<(b + 1) * T]), targets: Array(targets[b * T..<(b + 1) * T]), B: 1, T: T)
    }
}

extension Llama {
    /// forward(…, backwardScale: scale) then backward into `gradients`; returns the mean loss.
    @discardableResult
    func accumulateGradients(_ batch: Batch, activations: LlamaActivations, into gradients: FloatBuffer, scale: Float) -> Float {
        let views = LlamaWeights(layout: layout, base: gradients.pointer)
        return batch.tokens.withUnsafeBufferPointer { tokens in
            batch.targets.withUnsafeBufferPointer { targets in
                let loss = forward(tokens: tokens.baseAddress!, targets: targets.baseAddress!, B: batch.B, T: batch.T,
                                   activations: activations, backwardScale: scale)!
                backward(tokens: tokens.baseAddress!, B: batch.B, T: batch.T, activations: activations, gradients: views)
                return loss
            }
        }
    }

    /// The mean loss on `batch`, from fresh inference activations.
    func meanLoss(_ batch: Batch) -> Float {
        let activations = LlamaActivations(config: config, B: batch.B, T: batch.T, training: false)
        return batch.tokens.withUnsafeBufferPointer { tokens in
            batch.targets.withUnsafeBufferPointer { targets in
                forward(tokens: tokens.baseAddress!, targets: targets.baseAddress!, B: batch.B, T: batch.T,
                        activations: activations)!
            }
        }
    }
}

extension Trainer {
    /// One optimizer step on the same batch every micro-batch.
    @discardableResult
    func step(on batch: Batch, microBatches: Int = 1) -> StepResult {
        let inputs = UnsafeMutablePointer<Int32>.allocate(capacity: batch.B * batch.T)
        let targets = UnsafeMutablePointer<Int32>.allocate(capacity: batch.B * batch.T)
        defer { inputs.deallocate(); targets.deallocate() }
        return step(microBatches: microBatches, inputs: inputs, targets: targets) { inputs, targets in
            inputs.update(from: batch.tokens, count: batch.B * batch.T)
            targets.update(from: batch.targets, count: batch.B * batch.T)
        }
    }
}

/// Whether two arrays hold the same bit patterns.
func bitIdentical(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

/// The largest |a − b| relative to the largest |b|.
func relativeDifference(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count, "comparing \(a.count) values with \(b.count)")
    var difference = 0.0, scale = 0.0
    for i in a.indices {
        let d = abs(Double(a[i]) - Double(b[i]))
        if d.isNaN { return .nan }
        difference = max(difference, d)
        scale = max(scale, abs(Double(b[i])))
    }
    return scale == 0 ? difference : difference / scale
}

/// A buffer holding exactly `values`.
func makeBuffer(_ values: [Float]) -> FloatBuffer {
    let buffer = FloatBuffer(count: values.count)
    for (i, value) in values.enumerated() { buffer[i] = value }
    return buffer
}
