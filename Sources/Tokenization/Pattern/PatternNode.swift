/// A parsed regular expression, before compilation (see ``PatternParser`` for the syntax).
indirect enum PatternNode {
    case empty
    case scalar(Unicode.Scalar)
    case set(ScalarSet)
    /// `.`: any scalar but a newline, as in Oniguruma without the multiline option.
    case anyButNewline
    case sequence([PatternNode])
    case alternation([PatternNode])
    case repetition(PatternNode, min: Int, max: Int?, kind: RepetitionKind)
    /// `(?>…)`, and what a possessive quantifier wraps: the first way the body matches, never revisited.
    case atomic(PatternNode)
    case lookahead(PatternNode, negative: Bool)
    case anchor(Anchor)

    enum RepetitionKind { case greedy, lazy, possessive }

    enum Anchor { case textStart, textEnd, lineStart, lineEnd }

    /// Whether the node can match without consuming a scalar (a loop over such a body would never end).
    var canMatchEmpty: Bool {
        switch self {
        case .empty, .anchor, .lookahead: true
        case .scalar, .set, .anyButNewline: false
        case .sequence(let nodes): nodes.allSatisfy(\.canMatchEmpty)
        case .alternation(let nodes): nodes.contains(where: \.canMatchEmpty)
        case .repetition(let body, let min, _, _): min == 0 || body.canMatchEmpty
        case .atomic(let body): body.canMatchEmpty
        }
    }
}
