import Kernels

extension Llama {
    /// log p(ids[i+1] | ids[0…i]) for i in 0..<n−1: the n−1 log-probabilities of a sequence,
    /// as `log_softmax(logits, -1)[:-1].gather(ids[1:])` computes them in transformers.
    public func logProbabilities(of ids: [Int32]) -> [Float] {
        guard ids.count > 1 else { return [] }
        let T = ids.count, V = config.vocabSize
        let activations = LlamaActivations(model: self, B: 1, T: T, training: false)
        ids.withUnsafeBufferPointer { _ = forward(tokens: $0.baseAddress!, targets: nil, B: 1, T: T, activations: activations) }
        return (0..<T - 1).map { t in
            let row = activations.logits.pointer + t * V
            logSoftmax(row, V: V)
            return row[Int(ids[t + 1])]
        }
    }

    /// Greedy decoding: appends the most likely next token until `maxNewTokens` are added, `stop`
    /// is produced, or the sequence reaches the model's maximum length. Returns the new tokens.
    public func generateGreedy(prompt: [Int32], maxNewTokens: Int, stop: Int32? = nil) -> [Int32] {
        precondition(!prompt.isEmpty, "generation needs at least one prompt token")
        let capacity = min(prompt.count + maxNewTokens, max(config.maxSeqLen, prompt.count))
        let activations = LlamaActivations(model: self, B: 1, T: capacity, training: false)
        var sequence = prompt
        var generated: [Int32] = []
        let V = config.vocabSize
        while generated.count < maxNewTokens, sequence.count < capacity {
            let T = sequence.count
            sequence.withUnsafeBufferPointer {
                _ = forward(tokens: $0.baseAddress!, targets: nil, B: 1, T: T, activations: activations)
            }
            let row = activations.logits.pointer + (T - 1) * V
            var best = 0
            for j in 1..<V where row[j] > row[best] { best = j }
            let token = Int32(best)
            sequence.append(token)
            generated.append(token)
            if token == stop { break }
        }
        return generated
    }
}
