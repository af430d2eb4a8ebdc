import TextData
import Tokenization

/// The held-out loss of an instruction set: the mean cross-entropy (nats) per response token, the
/// fine-tuning loss measured on examples never trained on.
///
/// Each example is a loglikelihood request (prompt → response + `</s>`), so the numbers are those the
/// training loop would report on the same tokens. The standard error is the ratio estimator's
/// (delta method): examples differ in length, and the loss is a ratio of two sums over them.
public enum HeldOutLoss {
    public static func measure(model: any LanguageModel, examples: [TokenizedRequest]) -> TaskScore {
        let results = model.logLikelihoods(tokenized: examples)
        let losses = results.map { -$0.logProbability }
        let counts = results.map { Double($0.tokenCount) }
        return ratio(losses, over: counts)
    }

    /// The same over examples with one request per reply (a conversation's assistant turns, each after
    /// everything before it): an example's loss and token count are its replies' sums, so the score is
    /// the training loss's on the same tokens, and one example is one observation of the estimator.
    /// Examples of one reply give `measure(model:examples:)`'s numbers, bit for bit.
    public static func measure(model: any LanguageModel, exampleReplies: [[TokenizedRequest]]) -> TaskScore {
        let examples = exampleReplies.filter { !$0.isEmpty }
        let results = model.logLikelihoods(tokenized: examples.flatMap { $0 })
        var losses: [Double] = [], counts: [Double] = []
        var next = 0
        for replies in examples {
            let own = results[next..<next + replies.count]
            losses.append(own.map { -$0.logProbability }.reduce(0, +))
            counts.append(own.map { Double($0.tokenCount) }.reduce(0, +))
            next += replies.count
        }
        return ratio(losses, over: counts)
    }

    /// Σ losses / Σ counts with the ratio estimator's standard error.
    static func ratio(_ losses: [Double], over counts: [Double]) -> TaskScore {
        let n = losses.count
        let totalCount = counts.reduce(0, +)
        guard n > 0, totalCount > 0 else { return TaskScore(score: .nan, stderr: .nan, n: n) }
        let mean = losses.reduce(0, +) / totalCount
        guard n > 1 else { return TaskScore(score: mean, stderr: .nan, n: n) }
        let residuals = zip(losses, counts).reduce(0.0) { sum, pair in
            let residual = pair.0 - mean * pair.1
            return sum + residual * residual
        }
        let meanCount = totalCount / Double(n)
        let stderr = (residuals / Double(n * (n - 1))).squareRoot() / meanCount
        return TaskScore(score: mean, stderr: stderr, n: n)
    }
}

extension InstructionRecord {
    /// This record as fine-tuning sees it: Lit-GPT's Alpaca prompt as a sequence's start (after `<s>`),
    /// then the response as a continuation and `eos`.
    public func request(encoding: TextEncoding, eos: Int32?) -> TokenizedRequest {
        TokenizedRequest(context: encoding.encode(prompt),
                         continuation: encoding.encodeContinuation(response) + (eos.map { [$0] } ?? []))
    }
}

extension MaskedTokens {
    /// The example as held-out loss requests, one per learned span (an assistant reply): everything
    /// before the span as context, the span (with `eos` after the last one when the example ends with
    /// it) as the continuation. A causal model scores each token on what precedes it, so the requests'
    /// sum is the loss training computes on the whole sequence. A continuation longer than `maxLength`
    /// tokens is cut to them; a span with nothing before it has no context to be scored after and is left out.
    public func heldOutReplies(eos: Int32?, maxLength: Int) -> [TokenizedRequest] {
        let spans = learnedSpans
        var requests: [TokenizedRequest] = []
        for (index, span) in spans.enumerated() where span.lowerBound > 0 {
            var continuation = Array(tokens[span])
            if index == spans.count - 1, endsWithEOS, let eos { continuation.append(eos) }
            requests.append(TokenizedRequest(context: Array(tokens[..<span.lowerBound]), continuation: Array(continuation.prefix(maxLength))))
        }
        return requests
    }
}
