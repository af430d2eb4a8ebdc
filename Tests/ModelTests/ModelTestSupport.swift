import Foundation
import Kernels
import Model
import TestSupport
import Testing

// Shapes: B batch, T time, N = B·T positions, C model width, V vocabulary.
// Conveniences shared by the model tests: tiny configurations, models whose parameters are far
// from their initial values (so gradients are not tiny and norms are not all 1), token batches,
// and one-call wrappers around forward/backward.

/// The tiny configurations every model test runs on: multi-head untied and tied, and grouped-query.
enum Variant: String, CaseIterable, CustomStringConvertible, Sendable {
    /// C 8, H 12, 2 layers, 2 heads of 4, V 11, separate LM head.
    case untied
    /// The same with the LM head reading the embedding matrix.
    case tied
    /// C 16, 4 query heads sharing 2 key/value heads (kvMul 2), untied.
    case grouped

    var config: LlamaConfig {
        switch self {
        case .untied:
            LlamaConfig(dim: 8, hiddenDim: 12, nLayers: 2, nHeads: 2, vocabSize: 11, maxSeqLen: 16)
        case .tied:
            LlamaConfig(dim: 8, hiddenDim: 12, nLayers: 2, nHeads: 2, vocabSize: 11, maxSeqLen: 16,
                        tiedEmbeddings: true)
        case .grouped:
            LlamaConfig(dim: 16, hiddenDim: 12, nLayers: 2, nHeads: 4, nKVHeads: 2, vocabSize: 11, maxSeqLen: 16)
        }
    }

    var description: String { rawValue }
}

/// A model initialised as transformers does, then every parameter (norm weights included) moved by
/// N(0, perturbation²): weights of O(0.3) give logits of O(1) and gradients well above float noise.
func makeModel(_ config: LlamaConfig, seed: UInt64 = 1, perturbation: Float = 0.3) -> Llama {
    let model = Llama(config: config)
    model.initialize(seed: seed)
    var generator = SeededGenerator(seed: seed, stream: "test-perturbation")
    for i in 0..<model.parameterCount {
        model.parameters[i] += perturbation * Float(generator.nextNormal())
    }
    return model
}

/// B sequences of T tokens with their targets, both (B, T) row-major.
struct Batch {
    var tokens: [Int32]
    var targets: [Int32]
    let B: Int
    let T: Int

    /// Uniform random tokens and targets in 0..<V; the positions listed in `ignored` get `ignoreIndex`.
    static func random(V: Int, B: Int, T: Int, seed: UInt64, ignored: [Int] = []) -> Batch {
        var generator = SeededGenerator(seed: seed, stream: "test-batch")
        let tokens = (0..<B * T).map { _ in Int32(generator.next() % UInt64(V)) }
        var targets = (0..<B * T).map { _ in Int32(generator.next() % UInt64(V)) }
        for n in ignored { targets[n] = ignoreIndex }
        return Batch(tokens: tokens, targets: targets, B: B, T: T)
    }

    /// Positions with a target.
    var counted: Int { targets.filter { $0 != ignoreIndex }.count }
}

extension Llama {
    /// The mean loss forward returns for `batch`, without preparing a backward pass.
    func meanLoss(_ batch: Batch, activations: LlamaActivations) -> Float {
        batch.tokens.withUnsafeBufferPointer { tokens in
            batch.targets.withUnsafeBufferPointer { targets in
                forward(tokens: tokens.baseAddress!, targets: targets.baseAddress!, B: batch.B, T: batch.T,
                        activations: activations)!
            }
        }
    }

    /// forward(…, backwardScale: scale) then backward, accumulating into `gradients` (laid out like
    /// the parameters) or, with nil, into nothing but the activation gradients. Returns the mean loss.
    @discardableResult
    func accumulateGradients(
        _ batch: Batch, activations: LlamaActivations, into gradients: FloatBuffer?, scale: Float = 1
    ) -> Float {
        precondition(gradients.map { $0.count == parameterCount } ?? true, "gradients must match the parameters")
        let views = gradients.map { LlamaWeights(layout: layout, base: $0.pointer) }
        return batch.tokens.withUnsafeBufferPointer { tokens in
            batch.targets.withUnsafeBufferPointer { targets in
                let loss = forward(tokens: tokens.baseAddress!, targets: targets.baseAddress!, B: batch.B,
                                   T: batch.T, activations: activations, backwardScale: scale)!
                backward(tokens: tokens.baseAddress!, B: batch.B, T: batch.T, activations: activations,
                         gradients: views)
                return loss
            }
        }
    }

    /// The (B·T, V) logits for B sequences of T tokens, from activations sized exactly.
    func logits(of tokens: [Int32], B: Int, T: Int) -> [Float] {
        let activations = LlamaActivations(config: config, B: B, T: T, training: false)
        return logits(of: tokens, B: B, T: T, activations: activations)
    }

    /// The (B·T, V) logits of a pass over the first B×T corner of `activations`.
    func logits(of tokens: [Int32], B: Int, T: Int, activations: LlamaActivations) -> [Float] {
        precondition(tokens.count == B * T, "need \(B * T) tokens, have \(tokens.count)")
        tokens.withUnsafeBufferPointer {
            _ = forward(tokens: $0.baseAddress!, targets: nil, B: B, T: T, activations: activations)
        }
        return Array(UnsafeBufferPointer(start: activations.logits.pointer, count: B * T * config.vocabSize))
    }
}

/// log softmax of one row of logits, in Double: the reference the model's outputs are held to.
func referenceLogSoftmax(_ row: ArraySlice<Float>) -> [Double] {
    let maximum = Double(row.max()!)
    let logSum = Foundation.log(row.reduce(0.0) { $0 + Foundation.exp(Double($1) - maximum) }) + maximum
    return row.map { Double($0) - logSum }
}

/// The largest |a − b| relative to the largest |b|: how far apart two gradients are as a whole.
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

/// The largest |a − b| over two arrays of equal length.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "comparing \(a.count) values with \(b.count)")
    return a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in TestSupport.maxAbsDifference(a.baseAddress!, b.baseAddress!, count: a.count).value }
    }
}

/// Whether two arrays hold the same bit patterns.
func bitIdentical(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

/// A fresh empty directory under the system temporary directory; the caller removes it.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ModelTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
