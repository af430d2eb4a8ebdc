import Adapters
import Foundation
import Kernels
import Model
import TextData
import Tokenization

// Shapes: B sequences per pass, T tokens per sequence (the pass's longest), V vocabulary.

/// A Llama (with whatever adapter is attached to it) answering loglikelihood requests as
/// lm-evaluation-harness's `_loglikelihood_tokens` does:
///
///     inp = (context_enc + continuation_enc)[-(max_length + 1):][:-1]   # truncated from the left
///     logits = log_softmax(model(inp))[-len(continuation_enc):]          # predictions of the continuation
///     logprob = logits.gather(continuation_enc).sum()
///     is_greedy = (logits.argmax(-1) == continuation_enc).all()
///
/// Requests are sorted longest first (as lm-eval sorts them) and packed into passes of at most
/// `rowsPerPass` positions (B sequences padded on the right to the longest of them; causal attention
/// keeps padding out of every scored position). Each request costs one row of one forward pass; the
/// choices of a question go through together. Activations are allocated once per length class (powers
/// of two up to `maxLength`) and reused; the scoring loops read the logits in place.
public final class LlamaLanguageModel: LanguageModel {
    public let model: Llama
    public let encoding: TextEncoding
    /// Sequences longer than this (plus one) lose tokens on the left: the model's max_position_embeddings.
    public let maxLength: Int
    /// The most positions (B·T) one forward pass computes; a longer single sequence gets a pass of its own.
    public let rowsPerPass: Int

    public static let defaultRowsPerPass = 512

    /// What the passes computed since the model was made: a measure of the work a suite costs.
    public struct Statistics: Sendable, Equatable {
        public var passes = 0
        /// Positions run through the model (B·T per pass, padding included).
        public var positions = 0
        /// Positions that held a request's token.
        public var requestPositions = 0
        /// Continuation tokens scored.
        public var scoredTokens = 0
    }

    public private(set) var statistics = Statistics()

    private var activations: [Int: LlamaActivations] = [:]  // by length class
    private let inputs: UnsafeMutablePointer<Int32>         // (B, T) of one pass
    private let inputCapacity: Int

    /// `model` may carry an adapter, attached before the first request. The encoding's ids must fit
    /// the model's vocabulary.
    public init(model: Llama, encoding: TextEncoding, rowsPerPass: Int = defaultRowsPerPass, maxLength: Int? = nil) {
        let maxLength = maxLength ?? model.config.maxSeqLen
        precondition(maxLength >= 1 && rowsPerPass >= 1, "maxLength and rowsPerPass must be positive")
        precondition(encoding.vocabularySize <= model.config.vocabSize,
                     "the encoding has \(encoding.vocabularySize) ids, the model's vocabulary only \(model.config.vocabSize)")
        self.model = model
        self.encoding = encoding
        self.maxLength = maxLength
        self.rowsPerPass = rowsPerPass
        inputCapacity = max(rowsPerPass, maxLength)
        inputs = .allocate(capacity: inputCapacity)
        inputs.initialize(repeating: SpecialToken.pad.id, count: inputCapacity)
    }

    deinit {
        inputs.deallocate()
    }

    /// The shortest length class (16, 32, 64 … capped at maxLength) holding T positions.
    func lengthClass(_ T: Int) -> Int {
        var length = 16
        while length < T { length *= 2 }
        return min(length, maxLength)
    }

    private func activations(forLengthClass T: Int) -> LlamaActivations {
        if let existing = activations[T] { return existing }
        let created = LlamaActivations(model: model, B: max(1, rowsPerPass / T), T: T, training: false)
        activations[T] = created
        return created
    }

    /// Scores with the adapter attached now, if any; a LoRA adapter is scored without dropout and left
    /// in the mode it was in (a fine-tuning loop may evaluate between steps).
    public func logLikelihoods(tokenized requests: [TokenizedRequest]) -> [LogLikelihood] {
        let lora = model.adapter as? LoRA
        let wasTraining = lora?.training ?? false
        lora?.training = false
        defer { lora?.training = wasTraining }

        // What each request feeds the model: the last maxLength + 1 tokens of context + continuation,
        // without the last one.
        let inputLengths = requests.map { request -> Int in
            precondition(!request.context.isEmpty, "a request's context holds at least its prefix token")
            precondition(!request.continuation.isEmpty, "a request needs a continuation to score")
            precondition(request.continuation.count <= maxLength,
                         "a continuation of \(request.continuation.count) tokens does not fit the model's \(maxLength) positions")
            return min(request.context.count + request.continuation.count - 1, maxLength)
        }
        // Longest first, then in request order: deterministic, and passes hold similar lengths.
        let order = requests.indices.sorted { inputLengths[$0] != inputLengths[$1] ? inputLengths[$0] > inputLengths[$1] : $0 < $1 }
        var results = [LogLikelihood](repeating: LogLikelihood(logProbability: 0, isGreedy: false, tokenCount: 0), count: requests.count)
        var next = 0
        while next < order.count {
            let T = inputLengths[order[next]]
            let lengthClass = lengthClass(T)
            let a = activations(forLengthClass: lengthClass)
            let B = min(a.capacityB, order.count - next)
            let batch = order[next..<next + B]
            for (b, index) in batch.enumerated() {
                write(requests[index], length: inputLengths[index], into: inputs + b * T, T: T)
            }
            model.forward(tokens: inputs, targets: nil, B: B, T: T, activations: a)
            statistics.passes += 1
            statistics.positions += B * T
            for (b, index) in batch.enumerated() {
                results[index] = score(requests[index].continuation, inputLength: inputLengths[index],
                                       logits: a.logits.pointer + b * T * model.config.vocabSize)
                statistics.requestPositions += inputLengths[index]
                statistics.scoredTokens += requests[index].continuation.count
            }
            next += B
        }
        return results
    }

    /// Row (T) of the pass: the request's last `length` input tokens, then padding.
    private func write(_ request: TokenizedRequest, length: Int, into row: UnsafeMutablePointer<Int32>, T: Int) {
        // The whole sequence s = context + continuation; the input is s[start ..< start + length] with
        // start + length = s.count − 1.
        let total = request.context.count + request.continuation.count
        let start = total - 1 - length
        for t in 0..<length {
            let i = start + t
            row[t] = i < request.context.count ? request.context[i] : request.continuation[i - request.context.count]
        }
        for t in length..<T { row[t] = SpecialToken.pad.id }
    }

    /// Σ log softmax(logits[t])[token] over the continuation's positions, and whether each token is
    /// the argmax. logits is this row's (T, V); the continuation is predicted by its last positions.
    private func score(_ continuation: [Int32], inputLength: Int, logits: UnsafePointer<Float>) -> LogLikelihood {
        let V = model.config.vocabSize
        let first = inputLength - continuation.count
        var total = 0.0
        var greedy = true
        for (j, token) in continuation.enumerated() {
            let row = logits + (first + j) * V
            var best = 0
            var maximum = row[0]
            for v in 1..<V where row[v] > maximum {
                maximum = row[v]
                best = v
            }
            var sum: Float = 0
            for v in 0..<V { sum += Foundation.exp(row[v] - maximum) }
            total += Double(row[Int(token)] - maximum - Foundation.log(sum))
            if best != Int(token) { greedy = false }
        }
        return LogLikelihood(logProbability: total, isGreedy: greedy, tokenCount: continuation.count)
    }
}
