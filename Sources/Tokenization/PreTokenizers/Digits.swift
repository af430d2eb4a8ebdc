/// Splits numbers off (general categories Nd, Nl, No, Rust's `char::is_numeric`): every digit alone with
/// `individual_digits`, else each run of digits.
struct Digits: PreTokenizer {
    var individualDigits: Bool

    func split(_ piece: PreToken) -> [PreToken] {
        let scalars = Array(piece.text.unicodeScalars)
        var matches: [Range<Int>] = []
        for (index, scalar) in scalars.enumerated() where Self.isNumeric(scalar) { matches.append(index..<(index + 1)) }
        if matches.isEmpty { return [piece] }
        let behavior: SplitBehavior = individualDigits ? .isolated : .contiguous
        return piece.pieces(scalars, at: behavior.pieces(count: scalars.count, matches: matches))
    }

    static func isNumeric(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return (0x30...0x39).contains(scalar.value) }
        return UnicodeClasses.numbers.contains(scalar.properties.generalCategory)
    }
}
