import Evaluation
import Model
import TestSupport
import TextData
import Tokenization

/// A tiny world, a BPE tokenizer trained on a few sentences and part of that world's corpus, and a
/// tiny random Llama over the tokenizer's vocabulary: everything small enough for a debug build.
enum EvaluationFixtures {
    static let world = World(seed: 7, configuration: .tiny)

    static let sentences = [
        "Q: Who founded the town?\nA: The town was founded by a farmer.",
        "Question: What is 59 minus 38?\nAnswer: 21",
        "The girl broke the vase. The vase broke. The man arrived.",
        "The main export of the town is wool, and the river flows through it.",
    ]

    static let tokenizer = BPETokenizer.train(
        texts: sentences + world.corpus().texts.prefix(150), vocabularySize: 400)

    /// The tokenizer as the project's models read text: `<s>` in front.
    static let encoding = TextEncoding.project(tokenizer)

    /// C 16, H 32, 2 layers of 2 heads, 64 positions; weights moved far from their initialisation so
    /// that the logits differ by O(1).
    static let config = LlamaConfig(dim: 16, hiddenDim: 32, nLayers: 2, nHeads: 2,
                                    vocabSize: tokenizer.vocabularySize, maxSeqLen: 64)

    static func model(seed: UInt64 = 3) -> Llama { makeModel(config, seed: seed) }
}

/// A language model whose answers are given by a function of the request, for testing the metrics.
final class StubLanguageModel: LanguageModel {
    let encoding: TextEncoding
    let answer: (TokenizedRequest) -> LogLikelihood

    init(encoding: TextEncoding = EvaluationFixtures.encoding, answer: @escaping (TokenizedRequest) -> LogLikelihood) {
        self.encoding = encoding
        self.answer = answer
    }

    func logLikelihoods(tokenized requests: [TokenizedRequest]) -> [LogLikelihood] { requests.map(answer) }
}
