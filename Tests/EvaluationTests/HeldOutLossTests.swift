import Model
import Testing
import TextData
@testable import Evaluation

@Suite struct HeldOutLossTests {
    @Test("The loss is total negative log-likelihood over total response tokens, with the ratio estimator's error")
    func ratioOfSums() {
        // Three examples: 2, 3 and 5 tokens costing 1, 6 and 3 nats.
        let answers: [Int: (Double, Int)] = [1: (-1, 2), 2: (-6, 3), 3: (-3, 5)]
        let model = StubLanguageModel { request in
            let (logp, count) = answers[Int(request.continuation[0])]!
            return LogLikelihood(logProbability: logp, isGreedy: false, tokenCount: count)
        }
        let examples = (1...3).map { TokenizedRequest(context: [1], continuation: [Int32($0)]) }
        let loss = HeldOutLoss.measure(model: model, examples: examples)
        #expect(loss.n == 3)
        #expect(abs(loss.score - 1.0) < 1e-12)  // 10 nats / 10 tokens
        // Residuals l − r·n: −1, 3, −2 → Σ² = 14; √(14 / (3·2)) / (10/3).
        #expect(abs(loss.stderr - (14.0 / 6).squareRoot() / (10.0 / 3)) < 1e-12)
    }

    @Test("On a Llama it equals the training loss of the same response tokens, computed by the forward pass")
    func matchesTrainingLoss() {
        let llama = EvaluationFixtures.model()
        let prompt: [Int32] = [1, 40, 41, 42, 43]
        let response: [Int32] = [50, 51, 52, 2]
        let loss = HeldOutLoss.measure(
            model: LlamaLanguageModel(model: llama, encoding: EvaluationFixtures.encoding),
            examples: [TokenizedRequest(context: prompt, continuation: response)])

        // Given: one row whose targets ignore the prompt, as fine-tuning builds it.
        let sequence = prompt + response
        let T = sequence.count - 1
        let inputs = Array(sequence.dropLast())
        let targets = (0..<T).map { $0 + 1 >= prompt.count ? sequence[$0 + 1] : -100 }
        let activations = LlamaActivations(model: llama, B: 1, T: T, training: false)
        let expected = inputs.withUnsafeBufferPointer { i in
            targets.withUnsafeBufferPointer { t in
                llama.forward(tokens: i.baseAddress!, targets: t.baseAddress!, B: 1, T: T, activations: activations)!
            }
        }
        #expect(abs(loss.score - Double(expected)) < 1e-4, "held-out \(loss.score), forward \(expected)")
    }

    @Test("Examples of one reply score as before, bit for bit; an example of several replies is one observation of their sums")
    func replies() {
        let answers: [Int: (Double, Int)] = [1: (-1, 2), 2: (-6, 3), 3: (-3, 5), 4: (-2, 1)]
        let model = StubLanguageModel { request in
            let (logp, count) = answers[Int(request.continuation[0])]!
            return LogLikelihood(logProbability: logp, isGreedy: false, tokenCount: count)
        }
        let requests = (1...3).map { TokenizedRequest(context: [1], continuation: [Int32($0)]) }
        let single = HeldOutLoss.measure(model: model, exampleReplies: requests.map { [$0] })
        let plain = HeldOutLoss.measure(model: model, examples: requests)
        #expect(single.score == plain.score && single.stderr == plain.stderr && single.n == plain.n)
        // Examples (1, 2) and (3, 4): 7 nats over 5 tokens and 5 over 6.
        let pairs = HeldOutLoss.measure(model: model, exampleReplies: [[requests[0], requests[1]],
                                                                        [requests[2], TokenizedRequest(context: [1], continuation: [4])], []])
        #expect(pairs.n == 2 && abs(pairs.score - 12.0 / 11) < 1e-12)
    }

    @Test("On a Llama, a conversation's replies score what training computes on the whole sequence, the user turn masked")
    func conversationMatchesTrainingLoss() {
        let llama = EvaluationFixtures.model()
        // <s> user | reply (learned) | user | reply (learned)
        let tokens: [Int32] = [1, 40, 41, 50, 51, 42, 43, 52, 53, 2]
        let learned = [false, false, false, true, true, false, false, true, true, true]
        let masked = MaskedTokens(tokens: tokens, learned: learned, endsWithEOS: false)
        let loss = HeldOutLoss.measure(model: LlamaLanguageModel(model: llama, encoding: EvaluationFixtures.encoding),
                                       exampleReplies: [masked.heldOutReplies(eos: nil, maxLength: 64)])

        let T = tokens.count - 1
        let inputs = Array(tokens.dropLast())
        let targets = (0..<T).map { learned[$0 + 1] ? tokens[$0 + 1] : -100 }
        let activations = LlamaActivations(model: llama, B: 1, T: T, training: false)
        let expected = inputs.withUnsafeBufferPointer { i in
            targets.withUnsafeBufferPointer { t in
                llama.forward(tokens: i.baseAddress!, targets: t.baseAddress!, B: 1, T: T, activations: activations)!
            }
        }
        #expect(loss.n == 1)
        #expect(abs(loss.score - Double(expected)) < 1e-4, "held-out \(loss.score), forward \(expected)")
    }
}
