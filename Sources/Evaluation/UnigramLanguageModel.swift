import Foundation
import TextData
import Tokenization

/// The floor of a task: a model that knows only how often each token occurs in a corpus and ignores
/// the context, p(v) = (count(v) + 1) / (total + V) (add-one smoothing over the encoding's V ids).
///
/// What it scores above chance is the unigram bias of the items (common words and values beat rare
/// ones); a trained model has to beat it to show it uses the context. Requests are encoded exactly as
/// for a Llama (``RequestEncoder``), so the continuation tokens are the same.
public final class UnigramLanguageModel: LanguageModel {
    public let encoding: TextEncoding
    /// Occurrences of each id in the corpus (specials are never counted).
    public let counts: [Int]
    /// log p(v) for every id.
    public let logProbabilities: [Double]
    /// The id with the highest count (the lowest such id on a tie): every greedy prediction.
    public let mostLikely: Int32

    public init(encoding: TextEncoding, counts: [Int]) {
        precondition(counts.count == encoding.vocabularySize,
                     "\(counts.count) counts for a vocabulary of \(encoding.vocabularySize)")
        precondition(counts.allSatisfy { $0 >= 0 }, "counts cannot be negative")
        self.encoding = encoding
        self.counts = counts
        let denominator = Double(counts.reduce(0, +) + counts.count)
        logProbabilities = counts.map { Foundation.log(Double($0 + 1) / denominator) }
        var best = 0
        for v in counts.indices where counts[v] > counts[best] { best = v }
        mostLikely = Int32(best)
    }

    /// Counts the tokens of each text, encoded without special tokens.
    public convenience init(encoding: TextEncoding, corpus: some Sequence<String>) {
        var counts = [Int](repeating: 0, count: encoding.vocabularySize)
        for text in corpus {
            for id in encoding.encodeContinuation(text) { counts[Int(id)] += 1 }
        }
        self.init(encoding: encoding, counts: counts)
    }

    public func logProbability(of id: Int32) -> Double { logProbabilities[Int(id)] }

    public func logLikelihoods(tokenized requests: [TokenizedRequest]) -> [LogLikelihood] {
        requests.map { request in
            var total = 0.0
            var greedy = true
            for token in request.continuation {
                total += logProbabilities[Int(token)]
                if token != mostLikely { greedy = false }
            }
            return LogLikelihood(logProbability: total, isGreedy: greedy, tokenCount: request.continuation.count)
        }
    }
}
