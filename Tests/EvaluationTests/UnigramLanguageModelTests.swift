import Evaluation
import Foundation
import Testing
import TextData
import Tokenization

@Suite("The unigram baseline: token frequencies with add-one smoothing")
struct UnigramLanguageModelTests {
    let tokenizer = EvaluationFixtures.tokenizer

    @Test("Probabilities over the vocabulary sum to 1 and follow (count + 1) / (total + V)")
    func probabilities() {
        let corpus = ["The vase broke. The vase broke.", "The man arrived."]
        let model = UnigramLanguageModel(encoding: .project(tokenizer), corpus: corpus)
        let total = corpus.map { tokenizer.encode($0).count }.reduce(0, +)
        #expect(model.counts.reduce(0, +) == total)
        let sum = model.logProbabilities.reduce(0) { $0 + exp($1) }
        #expect(abs(sum - 1) < 1e-9)
        let V = tokenizer.vocabularySize
        let the = tokenizer.encode("The")
        #expect(the.count == 1, "the fixture tokenizer spells \"The\" as one token")
        #expect(model.counts[Int(the[0])] == 2)  // " The" inside a text is another token
        #expect(abs(model.logProbability(of: the[0]) - log(3 / Double(total + V))) < 1e-12)
        #expect(abs(model.logProbability(of: SpecialToken.pad.id) - log(1 / Double(total + V))) < 1e-12)
    }

    @Test("A request's log-likelihood is the sum over its continuation tokens; the context is ignored")
    func requests() {
        let model = UnigramLanguageModel(encoding: .project(tokenizer), corpus: ["The vase broke. The vase broke.", "The man arrived."])
        let tokens = tokenizer.encode(" vase broke")
        let want = tokens.reduce(0) { $0 + model.logProbability(of: $1) }
        let a = model.logLikelihood(context: "The", continuation: " vase broke")
        let b = model.logLikelihood(context: "Something else entirely", continuation: " vase broke")
        #expect(abs(a.logProbability - want) < 1e-12)
        #expect(a == b)
        #expect(a.tokenCount == tokens.count)
    }

    @Test("Greedy means every continuation token is the most frequent one")
    func greedy() {
        let model = UnigramLanguageModel(encoding: .project(tokenizer), counts: (0..<tokenizer.vocabularySize).map { $0 == 50 ? 9 : 1 })
        #expect(model.mostLikely == 50)
        let results = model.logLikelihoods(tokenized: [
            TokenizedRequest(context: [SpecialToken.bos.id], continuation: [50, 50]),
            TokenizedRequest(context: [SpecialToken.bos.id], continuation: [50, 51]),
        ])
        #expect(results.map(\.isGreedy) == [true, false])
    }
}
