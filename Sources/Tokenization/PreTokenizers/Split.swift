/// Splits on a pattern's matches (Llama 3's and GPT-4's regexes), grouping tiles by ``SplitBehavior``.
struct Split: PreTokenizer {
    var pattern: Pattern
    var behavior: SplitBehavior
    var invert: Bool

    init(_ field: Field) throws(FieldError) {
        pattern = try readReplacePattern(field["pattern"])
        behavior = try field["behavior"].oneOf(SplitBehavior.self)
        invert = try field["invert"].bool(default: false)
    }

    func split(_ piece: PreToken) -> [PreToken] {
        let scalars = Array(piece.text.unicodeScalars)
        let ranges = behavior.pieces(count: scalars.count, matches: pattern.matches(in: scalars), invert: invert)
        return piece.pieces(scalars, at: ranges)
    }
}
