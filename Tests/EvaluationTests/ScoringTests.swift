import Evaluation
import Foundation
import Testing
import TextData

@Suite("lm-eval's metrics on hand-made log-likelihoods")
struct ScoringTests {
    @Test("acc: the gold choice has the highest log-likelihood; an exact tie is shared")
    func accuracy() {
        #expect(Scoring.accuracy([-1, -2, -3], gold: 0) == 1)
        #expect(Scoring.accuracy([-1, -2, -3], gold: 1) == 0)
        #expect(Scoring.accuracy([-4, -2, -3, -9], gold: 1) == 1)
        #expect(Scoring.accuracy([-1, -1, -3], gold: 0) == 0.5)
        #expect(Scoring.accuracy([-1, -1, -1, -1], gold: 3) == 0.25)
        #expect(Scoring.accuracy([-1, -1, -3], gold: 2) == 0)
    }

    @Test("acc_norm divides by each choice's length in characters, as lm-eval's completion_len")
    func normalizedAccuracy() {
        // -10 over 2 characters is -5 per character; -12 over 4 is -3: the longer choice wins once normalised.
        #expect(Scoring.accuracy([-10, -12], gold: 1) == 0)
        #expect(Scoring.normalizedAccuracy([-10, -12], choices: ["ab", "abcd"], gold: 1) == 1)
        #expect(Scoring.normalizedAccuracy([-10, -12], choices: ["ab", "abcd"], gold: 0) == 0)
        #expect(Scoring.length("Edwin Marsh") == 11)
        #expect(Scoring.length("café") == 4)  // Python's len counts code points, not UTF-8 bytes
    }

    @Test("MC1 is acc with the true answer as gold")
    func mc1() {
        #expect(Scoring.mc1([-3, -1, -2, -5], trueIndex: 1) == 1)
        #expect(Scoring.mc1([-3, -1, -2, -5], trueIndex: 2) == 0)
    }

    @Test("MC2 is the probability mass on the true answers over all answers")
    func mc2() {
        let lls = [0.2, 0.1, 0.3].map { log($0) }
        #expect(abs(Scoring.mc2(lls, isTrue: [true, false, true]) - 0.5 / 0.6) < 1e-12)
        #expect(abs(Scoring.mc2(lls, isTrue: [false, true, false]) - 0.1 / 0.6) < 1e-12)
        #expect(abs(Scoring.mc2(lls, isTrue: [true, true, true]) - 1) < 1e-12)
        // Log-likelihoods whose exp underflows (lm-eval would divide 0 by 0) keep their ratio.
        let tiny = Scoring.mc2([-1000, -1001], isTrue: [true, false])
        #expect(abs(tiny - 1 / (1 + exp(-1.0))) < 1e-12)
    }

    @Test("A minimal pair compares the two sentences' total log-probabilities")
    func minimalPair() {
        #expect(Scoring.minimalPair(good: -5, bad: -6) == 1)
        #expect(Scoring.minimalPair(good: -6, bad: -5) == 0)
        #expect(Scoring.minimalPair(good: -5, bad: -5) == 0.5)
    }

    @Test("Causative scores totals, not per-token means, and reports each verb group")
    func causativeComparesTotals() {
        let items = [
            ChoiceItem(context: "", choices: ["The girl broke the glass yesterday at noon.", "The girl arrived the glass."],
                       delimiter: "", gold: 0, group: "rare"),
            ChoiceItem(context: "", choices: ["The boy melted the ice.", "The boy sneezed the ice."],
                       delimiter: "", gold: 0, group: "held_out"),
        ]
        // The long grammatical sentence: −10 in total (−1 a token); the short bad one −9 (−3 a token).
        let lls: [String: LogLikelihood] = [
            items[0].choices[0]: LogLikelihood(logProbability: -10, isGreedy: false, tokenCount: 10),
            items[0].choices[1]: LogLikelihood(logProbability: -9, isGreedy: false, tokenCount: 3),
            items[1].choices[0]: LogLikelihood(logProbability: -7, isGreedy: false, tokenCount: 5),
            items[1].choices[1]: LogLikelihood(logProbability: -8, isGreedy: false, tokenCount: 5),
        ]
        let result = Benchmarks.score(.causative, items: .choices(items)) { lls[$0.continuation]! }
        #expect(result.score.score == 0.5)
        #expect(result.score.n == 2)
        #expect(result.breakdown["rare"]?.score == 0)
        #expect(result.breakdown["held_out"]?.score == 1)
    }

    @Test("Truthful and facts items combine acc, acc_norm, MC2 and the popular falsehood as lm-eval does")
    func choiceTasks() {
        let item = ChoiceItem(context: "Q: Who founded Velmora?\nA:",
                              choices: ["Velmora was founded by Clara Holt and her brother.", "Velmora was founded by Al.", "x", "y"],
                              gold: 0, isTrue: [true, false, false, false], rival: 1, group: "k=5")
        // The true answer (50 characters) is less likely in total than the rival (26), more likely per character.
        let lls = [-8.0, -5.0, -9.0, -20.0]
        func ll(_ request: LogLikelihoodRequest) -> LogLikelihood {
            LogLikelihood(logProbability: lls[item.requests.firstIndex(of: request)!], isGreedy: false, tokenCount: 1)
        }
        let mc1 = Benchmarks.score(.truthfulMC1, items: .choices([item]), logLikelihood: ll)
        #expect(mc1.score.score == 0)
        #expect(mc1.metrics["true_beats_myth"]?.score == 0)
        let mc2 = Benchmarks.score(.truthfulMC2, items: .choices([item]), logLikelihood: ll)
        let mass = exp(-8.0) / lls.map { exp($0) }.reduce(0, +)
        #expect(abs(mc2.score.score - mass) < 1e-12)
        let facts = Benchmarks.score(.facts, items: .choices([item]), logLikelihood: ll)
        #expect(facts.score.score == 0)
        #expect(facts.metrics["acc_norm"]?.score == 1)  // −8/50 = −0.16 beats −5/26 = −0.19
        #expect(facts.breakdown["k=5"]?.n == 1)
    }

    @Test("Arithmetic scores 1 exactly when the answer is the greedy continuation")
    func greedyTask() {
        let items = [GreedyItem(context: "Question: What is 59 minus 38?\nAnswer:", target: " 21"),
                     GreedyItem(context: "Question: What is 60 minus 38?\nAnswer:", target: " 22")]
        let result = Benchmarks.score(.arith2ds, items: .greedy(items)) { request in
            LogLikelihood(logProbability: -1, isGreedy: request.continuation == " 21", tokenCount: 3)
        }
        #expect(result.score.score == 0.5)
        #expect(result.score.n == 2)
        #expect(abs(result.score.stderr - 0.5) < 1e-12)  // sample std 0.707, over √2
    }
}
