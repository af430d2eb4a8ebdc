import Foundation
import Kernels
import Model
import TestSupport
import Testing

/// Greedy decoding: the argmax chain, cut by maxNewTokens, the stop token or the model's length.
@Suite("Greedy generation")
struct GenerationTests {
    let prompt: [Int32] = [2, 7, 1]

    /// The argmax chain computed step by step in the test: a full forward pass over the sequence so
    /// far, the largest logit of the last position (the lowest id among equals), appended.
    func referenceChain(_ model: Llama, prompt: [Int32], count: Int) -> [Int32] {
        let V = model.config.vocabSize
        var sequence = prompt
        var chain: [Int32] = []
        for _ in 0..<count {
            let logits = model.logits(of: sequence, B: 1, T: sequence.count)
            let last = logits[(sequence.count - 1) * V..<sequence.count * V]
            let best = last.indices.min { last[$0] > last[$1] || (last[$0] == last[$1] && $0 < $1) }!
            let token = Int32(best - last.startIndex)
            chain.append(token)
            sequence.append(token)
        }
        return chain
    }

    @Test("generateGreedy returns the argmax chain and exactly maxNewTokens tokens", arguments: Variant.allCases)
    func followsTheArgmaxChain(variant: Variant) {
        let model = makeModel(variant.config)
        let generated = model.generateGreedy(prompt: prompt, maxNewTokens: 8)
        #expect(generated.count == 8)
        #expect(generated == referenceChain(model, prompt: prompt, count: 8))
        // Each token is the most likely one by logProbabilities too.
        let V = Int32(model.config.vocabSize)
        var sequence = prompt
        for token in generated {
            let chosen = model.logProbabilities(of: sequence + [token]).last!
            for other in 0..<V where other != token {
                #expect(model.logProbabilities(of: sequence + [other]).last! <= chosen)
            }
            sequence.append(token)
        }
    }

    @Test("generateGreedy with maxNewTokens 0 or 1 returns that many tokens")
    func stopsAtMaxNewTokens() {
        let model = makeModel(Variant.untied.config)
        #expect(model.generateGreedy(prompt: prompt, maxNewTokens: 0).isEmpty)
        #expect(model.generateGreedy(prompt: prompt, maxNewTokens: 1) == referenceChain(model, prompt: prompt, count: 1))
    }

    @Test("generateGreedy stops after producing the stop token, which it includes")
    func stopsAtTheStopToken() throws {
        // A model whose chain varies ([5, 6, 3, 1, 6, 5, 2, 9]); many random models repeat one token.
        let model = makeModel(Variant.grouped.config, seed: 4)
        let chain = referenceChain(model, prompt: prompt, count: 8)
        // The first token from the third on that is new to the chain: generation must end there,
        // neither before (on an earlier token) nor after.
        let k = try #require((2..<chain.count).first { !chain[..<$0].contains(chain[$0]) },
                             "the chain \(chain) repeats one token; pick another seed")
        let stop = chain[k]

        let generated = model.generateGreedy(prompt: prompt, maxNewTokens: 8, stop: stop)

        #expect(generated == Array(chain[...k]), "stop \(stop): generated \(generated), chain \(chain)")
        // A stop token never produced changes nothing.
        let absent = try #require((0..<Int32(model.config.vocabSize)).first { !chain.contains($0) })
        #expect(model.generateGreedy(prompt: prompt, maxNewTokens: 8, stop: absent) == chain)
    }

    @Test("generateGreedy stops when the sequence reaches max_position_embeddings")
    func stopsAtTheModelsLength() {
        var config = Variant.untied.config
        config.maxSeqLen = 6
        let model = Llama(config: config)
        let source = makeModel(Variant.untied.config)
        model.parameters.copy(from: source.parameters)

        let generated = model.generateGreedy(prompt: prompt, maxNewTokens: 10)

        #expect(generated.count == 3, "a prompt of 3 in a 6-token model leaves room for 3, got \(generated.count)")
        #expect(generated == referenceChain(source, prompt: prompt, count: 3))
    }
}
