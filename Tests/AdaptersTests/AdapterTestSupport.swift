import Adapters
import Foundation
import Kernels
import Model
import TestSupport
import Testing

// Shapes: B batch, T time, N = B·T rows, C model width, V vocabulary, r rank.
// Conveniences shared by the adapter tests: the model tests' tiny configurations, models moved
// away from their initial values, adapters with a non-zero B, token batches, one-call passes.

/// The tiny configurations the adapter tests run on (those of the model tests).
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

/// A copy of an fp32 model: same config, same parameters, nothing attached.
func duplicate(_ model: Llama) -> Llama {
    let copy = Llama(config: model.config, storedProjections: model.layout.storedProjections)
    copy.parameters.copy(from: model.parameters)
    return copy
}

/// Every target a LoRA can have: q, k, v, o, gate, up, down and the head.
let allTargets = Set(ProjectionSite.allCases)

extension LoRA {
    /// Sets every B matrix to N(0, std²) from `seed`, as training would move it off zero, so that
    /// gradients reach A and the adapter changes the model's outputs.
    func perturbB(std: Float = 0.3, seed: UInt64 = 7) {
        var generator = SeededGenerator(seed: seed, stream: "test-lora-b")
        for slot in slots {
            fillNormal(parameters.pointer + slot.bOffset, count: slot.outFeatures * config.rank, std: std,
                       using: &generator)
        }
    }

    /// The A matrix (r, IN) of one slot.
    func a(_ slot: Slot) -> [Float] {
        Array(UnsafeBufferPointer(start: parameters.pointer + slot.aOffset, count: config.rank * slot.inFeatures))
    }

    /// The B matrix (OUT, r) of one slot.
    func b(_ slot: Slot) -> [Float] {
        Array(UnsafeBufferPointer(start: parameters.pointer + slot.bOffset, count: slot.outFeatures * config.rank))
    }
}

/// B sequences of T tokens with their targets, both (B, T) row-major.
struct Batch {
    var tokens: [Int32]
    var targets: [Int32]
    let B: Int
    let T: Int

    /// Uniform random tokens and targets in 0..<V.
    static func random(V: Int, B: Int, T: Int, seed: UInt64) -> Batch {
        var generator = SeededGenerator(seed: seed, stream: "test-batch")
        let tokens = (0..<B * T).map { _ in Int32(generator.next() % UInt64(V)) }
        let targets = (0..<B * T).map { _ in Int32(generator.next() % UInt64(V)) }
        return Batch(tokens: tokens, targets: targets, B: B, T: T)
    }
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

    /// forward(…, backwardScale: 1) then backward with the base frozen (gradients nil): only the
    /// adapter's gradients accumulate. Returns the mean loss.
    @discardableResult
    func adapterGradients(_ batch: Batch, activations: LlamaActivations) -> Float {
        batch.tokens.withUnsafeBufferPointer { tokens in
            batch.targets.withUnsafeBufferPointer { targets in
                let loss = forward(tokens: tokens.baseAddress!, targets: targets.baseAddress!, B: batch.B,
                                   T: batch.T, activations: activations, backwardScale: 1)!
                backward(tokens: tokens.baseAddress!, B: batch.B, T: batch.T, activations: activations, gradients: nil)
                return loss
            }
        }
    }

    /// The (B·T, V) logits for B sequences of T tokens.
    func logits(of tokens: [Int32], B: Int, T: Int) -> [Float] {
        let activations = LlamaActivations(config: config, B: B, T: T, training: false)
        tokens.withUnsafeBufferPointer {
            _ = forward(tokens: $0.baseAddress!, targets: nil, B: B, T: T, activations: activations)
        }
        return Array(UnsafeBufferPointer(start: activations.logits.pointer, count: B * T * config.vocabSize))
    }

    /// The fp32 weight (OUT, IN) of a projection, whether stored or supplied by `frozenProjections`.
    func projectionValues(_ site: ProjectionSite, layer: Int) -> [Float] {
        let shape = config.shape(of: site)
        let pointer = weights.projection(site, layer: layer).map { UnsafePointer($0) }
            ?? frozenProjections!.weight(site, layer: layer)
        return Array(UnsafeBufferPointer(start: pointer, count: shape.out * shape.in))
    }
}

/// Whether two arrays hold the same bit patterns.
func bitIdentical(_ a: [Float], _ b: [Float]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

/// The largest |a − b| over two arrays of equal length (NaN if either holds one).
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "comparing \(a.count) values with \(b.count)")
    return a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in TestSupport.maxAbsDifference(a.baseAddress!, b.baseAddress!, count: a.count).value }
    }
}

/// √(Σ (a − b)²) / √(Σ b²): how far `a` is from `b` as a whole.
func relativeRMSDifference(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count, "comparing \(a.count) values with \(b.count)")
    var difference = 0.0, scale = 0.0
    for i in a.indices {
        difference += (Double(a[i]) - Double(b[i])) * (Double(a[i]) - Double(b[i]))
        scale += Double(b[i]) * Double(b[i])
    }
    return (difference / scale).squareRoot()
}

/// A fresh empty directory under the system temporary directory; the caller removes it.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("AdaptersTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
