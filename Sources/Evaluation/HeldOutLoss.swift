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
