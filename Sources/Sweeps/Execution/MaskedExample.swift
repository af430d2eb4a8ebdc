import TextData
import Training

extension InstructionExample {
    /// A template's example for training: the tokens before the first learned one are the prompt, the
    /// rest the response, with its loss flags when some of it is not learned (a later user turn, the
    /// template's markup between replies).
    public init(_ masked: MaskedTokens) {
        let first = masked.firstLearned
        let loss = Array(masked.learned[first...])
        self.init(prompt: Array(masked.tokens[..<first]), response: Array(masked.tokens[first...]),
                  responseLoss: loss.allSatisfy { $0 } ? nil : loss, endsWithEOS: masked.endsWithEOS)
    }
}
