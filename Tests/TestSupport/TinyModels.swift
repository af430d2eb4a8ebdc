import Kernels
import Model

// Shapes: B batch, T time, N = B·T positions, C model width, V vocabulary.
// Conveniences shared by the model, adapter and training tests: tiny configurations, models whose
// parameters are far from their initial values (so gradients are not tiny and norms are not all 1),
// token batches, and one-call wrappers around forward/backward.

/// The tiny configurations every model test runs on: multi-head untied and tied, grouped-query, and
/// heads wider than C/NH with Llama 3 RoPE scaling.
public enum Variant: String, CaseIterable, CustomStringConvertible, Sendable {
    /// C 8, H 12, 2 layers, 2 heads of 4, V 11, separate LM head.
    case untied
    /// The same with the LM head reading the embedding matrix.
    case tied
    /// C 16, 4 query heads sharing 2 key/value heads (kvMul 2), untied.
    case grouped
    /// C 8, 2 query heads of 6 (head_dim ≠ C/NH, so q is (12, 8) and o (8, 12)) sharing one key/value
    /// head, Llama 3 RoPE scaling over 16 original positions (its 3 frequencies interpolated or divided).
    case wideHeads

    public var config: LlamaConfig {
        switch self {
        case .untied:
            LlamaConfig(dim: 8, hiddenDim: 12, nLayers: 2, nHeads: 2, vocabSize: 11, maxSeqLen: 16)
        case .tied:
            LlamaConfig(dim: 8, hiddenDim: 12, nLayers: 2, nHeads: 2, vocabSize: 11, maxSeqLen: 16,
                        tiedEmbeddings: true)
        case .grouped:
            LlamaConfig(dim: 16, hiddenDim: 12, nLayers: 2, nHeads: 4, nKVHeads: 2, vocabSize: 11, maxSeqLen: 16)
        case .wideHeads:
            LlamaConfig(dim: 8, hiddenDim: 12, nLayers: 2, nHeads: 2, nKVHeads: 1, headDim: 6, vocabSize: 11, maxSeqLen: 16,
                        ropeScaling: .llama3(factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 16))
        }
    }

    public var description: String { rawValue }
}

/// A model initialised as transformers does, then every parameter (norm weights included) moved by
/// N(0, perturbation²): weights of O(0.3) give logits of O(1) and gradients well above float noise.
///
/// With `perturbation: 0` the model is left as initialised from `seed` (std 0.02, norms 1).
public func makeModel(_ config: LlamaConfig, seed: UInt64 = 1, perturbation: Float = 0.3) -> Llama {
    let model = Llama(config: config)
    model.initialize(seed: seed)
    guard perturbation != 0 else { return model }
    var generator = SeededGenerator(seed: seed, stream: "test-perturbation")
    for i in 0..<model.parameterCount {
        model.parameters[i] += perturbation * Float(generator.nextNormal())
    }
    return model
}

/// A copy of an fp32 model: same config, same parameters, nothing attached.
public func duplicate(_ model: Llama) -> Llama {
    let copy = Llama(config: model.config, storedProjections: model.layout.storedProjections)
    copy.parameters.copy(from: model.parameters)
    return copy
}

/// B sequences of T tokens with their targets, both (B, T) row-major.
public struct Batch {
    public var tokens: [Int32]
    public var targets: [Int32]
    public let B: Int
    public let T: Int

    public init(tokens: [Int32], targets: [Int32], B: Int, T: Int) {
        self.tokens = tokens
        self.targets = targets
        self.B = B
        self.T = T
    }

    /// Uniform random tokens and targets in 0..<V; the positions listed in `ignored` get `ignoreIndex`.
    public static func random(V: Int, B: Int, T: Int, seed: UInt64, ignored: [Int] = []) -> Batch {
        var generator = SeededGenerator(seed: seed, stream: "test-batch")
        let tokens = (0..<B * T).map { _ in Int32(generator.next() % UInt64(V)) }
        var targets = (0..<B * T).map { _ in Int32(generator.next() % UInt64(V)) }
        for n in ignored { targets[n] = ignoreIndex }
        return Batch(tokens: tokens, targets: targets, B: B, T: T)
    }

    /// Positions with a target.
    public var counted: Int { targets.filter { $0 != ignoreIndex }.count }

    /// Sequence b alone, as a batch of one.
    public func sequence(_ b: Int) -> Batch {
        Batch(tokens: Array(tokens[b * T..<(b + 1) * T]), targets: Array(targets[b * T..<(b + 1) * T]), B: 1, T: T)
    }
}

extension Llama {
    /// The mean loss forward returns for `batch`, without preparing a backward pass.
    public func meanLoss(_ batch: Batch, activations: LlamaActivations) -> Float {
        batch.tokens.withUnsafeBufferPointer { tokens in
            batch.targets.withUnsafeBufferPointer { targets in
                forward(tokens: tokens.baseAddress!, targets: targets.baseAddress!, B: batch.B, T: batch.T,
                        activations: activations)!
            }
        }
    }

    /// The mean loss on `batch`, from fresh inference activations.
    public func meanLoss(_ batch: Batch) -> Float {
        meanLoss(batch, activations: LlamaActivations(model: self, B: batch.B, T: batch.T, training: false))
    }

    /// forward(…, backwardScale: scale) then backward, accumulating into `gradients` (laid out like
    /// the parameters) or, with nil, into nothing but the activation gradients, and into
    /// `adapterGradients` (laid out like an attached adapter's parameters) when given. Returns the
    /// mean loss.
    @discardableResult
    public func accumulateGradients(
        _ batch: Batch, activations: LlamaActivations, into gradients: FloatBuffer?, adapterGradients: FloatBuffer? = nil,
        scale: Float = 1
    ) -> Float {
        precondition(gradients.map { $0.count == parameterCount } ?? true, "gradients must match the parameters")
        let views = gradients.map { LlamaWeights(layout: layout, base: $0.pointer) }
        return batch.tokens.withUnsafeBufferPointer { tokens in
            batch.targets.withUnsafeBufferPointer { targets in
                let loss = forward(tokens: tokens.baseAddress!, targets: targets.baseAddress!, B: batch.B,
                                   T: batch.T, activations: activations, backwardScale: scale)!
                backward(tokens: tokens.baseAddress!, B: batch.B, T: batch.T, activations: activations,
                         gradients: views, adapterGradients: adapterGradients?.pointer)
                return loss
            }
        }
    }

    /// The (B·T, V) logits for B sequences of T tokens, from activations sized exactly.
    public func logits(of tokens: [Int32], B: Int, T: Int) -> [Float] {
        let activations = LlamaActivations(model: self, B: B, T: T, training: false)
        return logits(of: tokens, B: B, T: T, activations: activations)
    }

    /// The (B·T, V) logits of a pass over the first B×T corner of `activations`.
    public func logits(of tokens: [Int32], B: Int, T: Int, activations: LlamaActivations) -> [Float] {
        precondition(tokens.count == B * T, "need \(B * T) tokens, have \(tokens.count)")
        tokens.withUnsafeBufferPointer {
            _ = forward(tokens: $0.baseAddress!, targets: nil, B: B, T: T, activations: activations)
        }
        return Array(UnsafeBufferPointer(start: activations.logits.pointer, count: B * T * config.vocabSize))
    }
}
