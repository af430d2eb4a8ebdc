import Evaluation
import Model
import TestSupport
import Testing
import TextData

@Suite("A Llama's log-likelihoods, as lm-eval's loglikelihood requests")
struct LlamaLanguageModelTests {
    let tokenizer = EvaluationFixtures.tokenizer

    static let requests = [
        LogLikelihoodRequest(context: "Q: Who founded the town?\nA:", continuation: " The town was founded by a farmer."),
        LogLikelihoodRequest(context: "", continuation: "The girl broke the vase."),
        LogLikelihoodRequest(context: "Question: What is 59 minus 38?\nAnswer:", continuation: " 21"),
        LogLikelihoodRequest(context: "The main export of the town is", continuation: " wool"),
        LogLikelihoodRequest(context: "The main export of the town is", continuation: " salt"),
    ]

    /// Σ log p over the last `count` tokens of `ids`, from `logProbabilities(of:)`.
    func expected(_ model: Llama, ids: [Int32], continuationCount count: Int) -> Double {
        model.logProbabilities(of: ids).suffix(count).reduce(0) { $0 + Double($1) }
    }

    @Test("The log-likelihood is the sum of the continuation tokens' log-probabilities, computed independently")
    func matchesLogProbabilities() {
        let model = EvaluationFixtures.model()
        let results = LlamaLanguageModel(model: model, encoding: .project(tokenizer)).logLikelihoods(Self.requests)
        for (request, result) in zip(Self.requests, results) {
            // Given: the whole text's ids, <s> first; the continuation is what follows the context's ids.
            let whole = tokenizer.encode(request.context + request.continuation, addBOS: true)
            let contextCount = request.context.isEmpty ? 1 : tokenizer.encode(request.context, addBOS: true).count
            let want = expected(model, ids: whole, continuationCount: whole.count - contextCount)
            #expect(result.tokenCount == whole.count - contextCount)
            #expect(abs(result.logProbability - want) < 1e-4 * max(1, abs(want)),
                    "\(request): expected \(want), observed \(result.logProbability)")
            #expect(result.logProbability < 0)
        }
    }

    @Test("Packing requests into passes of any size gives the same answers", arguments: [1, 7, 20, 512])
    func packingDoesNotMatter(rowsPerPass: Int) {
        let model = EvaluationFixtures.model()
        let reference = LlamaLanguageModel(model: model, encoding: .project(tokenizer), rowsPerPass: 1)
        let packed = LlamaLanguageModel(model: model, encoding: .project(tokenizer), rowsPerPass: rowsPerPass)
        // One at a time, in a different order, against all together.
        let alone = Self.requests.reversed().map { reference.logLikelihood(context: $0.context, continuation: $0.continuation) }
        let together = packed.logLikelihoods(Self.requests)
        for (a, b) in zip(alone.reversed(), together) {
            #expect(abs(a.logProbability - b.logProbability) < 1e-4 * max(1, abs(a.logProbability)))
            #expect(a.isGreedy == b.isGreedy && a.tokenCount == b.tokenCount)
        }
    }

    @Test("Each request takes one row of one pass; passes pack requests longest first")
    func onePassPerBatch() {
        let model = EvaluationFixtures.model()
        let encoded = RequestEncoder(encoding: .project(tokenizer)).encode(Self.requests)
        let inputPositions = encoded.reduce(0) { $0 + $1.context.count + $1.continuation.count - 1 }
        let one = LlamaLanguageModel(model: model, encoding: .project(tokenizer), rowsPerPass: 1)
        _ = one.logLikelihoods(Self.requests)
        #expect(one.statistics.passes == Self.requests.count)
        #expect(one.statistics.positions == inputPositions)  // one row per pass: no padding
        let all = LlamaLanguageModel(model: model, encoding: .project(tokenizer))
        _ = all.logLikelihoods(Self.requests)
        #expect(all.statistics.passes == 1)
        #expect(all.statistics.requestPositions == inputPositions)
        #expect(all.statistics.scoredTokens == encoded.reduce(0) { $0 + $1.continuation.count })
    }

    @Test("The choices of one question share the context and are scored as separate requests")
    func choicesOfOneContext() {
        let model = LlamaLanguageModel(model: EvaluationFixtures.model(), encoding: .project(tokenizer))
        let choices = model.logLikelihoods(context: "The main export of the town is", continuations: [" wool", " salt"])
        let separately = [" wool", " salt"].map { model.logLikelihood(context: "The main export of the town is", continuation: $0) }
        for (a, b) in zip(choices, separately) { #expect(abs(a.logProbability - b.logProbability) < 1e-5) }
    }

    @Test("A sequence longer than the model's length loses tokens on the left, as lm-eval truncates")
    func leftTruncation() {
        let model = EvaluationFixtures.model()
        let maxLength = 8
        let language = LlamaLanguageModel(model: model, encoding: .project(tokenizer), maxLength: maxLength)
        let request = LogLikelihoodRequest(
            context: "Q: Who founded the town?\nA: The town was founded by a farmer. The main export of the town is",
            continuation: " wool")
        let encoded = RequestEncoder(encoding: .project(tokenizer)).encode(context: request.context, continuation: request.continuation)
        let whole = encoded.context + encoded.continuation
        #expect(whole.count > maxLength + 1, "the fixture must be long enough to truncate")
        #expect(encoded.continuation.count <= maxLength)
        // lm-eval: (context_enc + continuation_enc)[-(max_length + 1):] scored by a model that sees its first max_length.
        let kept = Array(whole.suffix(maxLength + 1))
        let want = expected(model, ids: kept, continuationCount: encoded.continuation.count)
        let result = language.logLikelihood(context: request.context, continuation: request.continuation)
        #expect(abs(result.logProbability - want) < 1e-4 * max(1, abs(want)))
    }

    @Test("isGreedy holds exactly when every continuation token is the argmax")
    func greedy() {
        let model = EvaluationFixtures.model()
        let language = LlamaLanguageModel(model: model, encoding: .project(tokenizer))
        let context = tokenizer.encode("Question: What is 59 minus 38?\nAnswer:", addBOS: true)
        // Given: what greedy decoding produces after the context.
        let generated = model.generateGreedy(prompt: context, maxNewTokens: 3)
        #expect(generated.count == 3)
        let V = Int32(model.config.vocabSize)
        var lastWrong = generated
        lastWrong[2] = (generated[2] + 1) % V
        var firstWrong = generated
        firstWrong[0] = (generated[0] + 1) % V
        let results = language.logLikelihoods(tokenized: [
            TokenizedRequest(context: context, continuation: generated),
            TokenizedRequest(context: context, continuation: lastWrong),
            TokenizedRequest(context: context, continuation: firstWrong),
            TokenizedRequest(context: context, continuation: Array(generated.prefix(1))),
        ])
        #expect(results.map(\.isGreedy) == [true, false, false, true])
        // The greedy continuation is the likeliest of those that share its prefix.
        #expect(results[0].logProbability > results[1].logProbability)
        let want = expected(model, ids: context + generated, continuationCount: 3)
        #expect(abs(results[0].logProbability - want) < 1e-4 * max(1, abs(want)))
    }
}
