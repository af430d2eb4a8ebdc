import Foundation

/// lm-evaluation-harness's per-item metrics, on the log-likelihoods of an item's choices.
public enum Scoring {
    /// `acc`: 1 when the gold choice has the highest log-likelihood, as lm-eval's
    /// `1.0 if np.argmax(lls) == gold else 0.0`.
    ///
    /// One difference, on exact ties only: lm-eval's argmax gives a tie to the first choice, which in
    /// BLiMP and TruthfulQA is always the right one, so a model without any preference would score 1.
    /// Here a tie of k choices including the gold one scores 1/k (its expected score under a random
    /// order). A trained Llama practically never ties; the unigram floor does (values and verbs occur
    /// equally often by design), and its floor would otherwise be inflated.
    public static func accuracy(_ logLikelihoods: [Double], gold: Int) -> Double {
        precondition(logLikelihoods.indices.contains(gold), "gold choice \(gold) of \(logLikelihoods.count)")
        let best = logLikelihoods.max()!
        guard logLikelihoods[gold] == best else { return 0 }
        return 1 / Double(logLikelihoods.count { $0 == best })
    }

    /// `acc_norm`: `acc` on log-likelihoods divided by each choice's length, as lm-eval's
    /// `np.argmax(lls / completion_len)` with `completion_len = len(choice)` (Python characters, which
    /// are bytes for ASCII text). `choices` are the choice texts without the space that precedes them.
    public static func normalizedAccuracy(_ logLikelihoods: [Double], choices: [String], gold: Int) -> Double {
        precondition(logLikelihoods.count == choices.count, "\(logLikelihoods.count) log-likelihoods for \(choices.count) choices")
        let normalized = zip(logLikelihoods, choices).map { $0 / Double(length($1)) }
        return accuracy(normalized, gold: gold)
    }

    /// A choice's length as Python's `len(str)` counts it: Unicode code points.
    public static func length(_ choice: String) -> Int { choice.unicodeScalars.count }

    /// TruthfulQA MC1: `acc` with the single true answer as gold.
    public static func mc1(_ logLikelihoods: [Double], trueIndex: Int) -> Double {
        accuracy(logLikelihoods, gold: trueIndex)
    }

    /// TruthfulQA MC2: the probability mass on the true answers, normalised over all answers, as
    /// lm-eval's `process_results_mc2`:
    ///
    ///     p_true, p_false = np.exp(ll_true), np.exp(ll_false)
    ///     return sum(p_true / (sum(p_true) + sum(p_false)))
    ///
    /// computed with every log-likelihood shifted by the largest (the same ratio, without the 0/0 that
    /// exp underflow gives lm-eval on long answers).
    public static func mc2(_ logLikelihoods: [Double], isTrue: [Bool]) -> Double {
        precondition(logLikelihoods.count == isTrue.count, "\(logLikelihoods.count) log-likelihoods for \(isTrue.count) labels")
        precondition(isTrue.contains(true), "MC2 needs at least one true answer")
        let shift = logLikelihoods.max()!
        var pTrue = 0.0
        var pAll = 0.0
        for (ll, truth) in zip(logLikelihoods, isTrue) {
            let p = exp(ll - shift)
            pAll += p
            if truth { pTrue += p }
        }
        return pTrue / pAll
    }

    /// BLiMP: 1 when the grammatical sentence's total log-probability is the higher; `acc` over the two
    /// sentences with the grammatical one as gold (so an exact tie scores 1/2).
    public static func minimalPair(good: Double, bad: Double) -> Double {
        accuracy([good, bad], gold: 0)
    }
}
