/// An example in token ids with the loss mask: `learned[i]` says whether token i is a target of
/// training (the assistant's reply and the end of its turn) or context only.
public struct MaskedTokens: Equatable, Sendable {
    public var tokens: [Int32]
    public var learned: [Bool]
    /// Whether the model's end-of-sequence token follows, learned (the Alpaca template's examples).
    public var endsWithEOS: Bool

    public init(tokens: [Int32], learned: [Bool], endsWithEOS: Bool) {
        precondition(tokens.count == learned.count, "one learned flag per token")
        self.tokens = tokens
        self.learned = learned
        self.endsWithEOS = endsWithEOS
    }

    /// The index of the first learned token (tokens.count when none is).
    public var firstLearned: Int { learned.firstIndex(of: true) ?? tokens.count }

    /// The runs of learned tokens, in order: one per assistant reply.
    public var learnedSpans: [Range<Int>] {
        var spans: [Range<Int>] = []
        var start: Int?
        for index in 0...learned.count {
            let isLearned = index < learned.count && learned[index]
            if isLearned, start == nil { start = index }
            if !isLearned, let begun = start {
                spans.append(begun..<index)
                start = nil
            }
        }
        return spans
    }
}
