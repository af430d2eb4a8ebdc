/// SentencePiece's word boundaries: spaces become `replacement` ("▁"), one is put in front as
/// `prepend_scheme` says (`always`, `first`: only where the input starts, `never`), and with `split` each
/// "▁" starts a new piece. Also the matching decoder, which turns "▁" back into spaces.
struct Metaspace: PreTokenizer, TokenDecoder {
    enum PrependScheme: String, CaseIterable { case first, always, never }

    var replacement: Unicode.Scalar
    var prependScheme: PrependScheme
    var split: Bool

    init(_ field: Field) throws(FieldError) {
        replacement = try field["replacement"].character()
        split = try field["split"].bool(default: true)
        if field["prepend_scheme"].isAbsent {
            // Files older than tokenizers 0.19 say add_prefix_space instead.
            prependScheme = try field["add_prefix_space"].bool(default: true) ? .always : .never
        } else {
            prependScheme = try field["prepend_scheme"].oneOf(PrependScheme.self)
            if try field["add_prefix_space"].bool(default: true) == false && prependScheme != .never {
                throw field["add_prefix_space"].error("false contradicts prepend_scheme \"\(prependScheme.rawValue)\"")
            }
        }
    }

    func split(_ piece: PreToken) -> [PreToken] {
        var scalars = piece.text.unicodeScalars.map { $0 == " " ? replacement : $0 }
        let prepend = switch prependScheme {
        case .always: scalars.first != replacement
        case .first: scalars.first != replacement && piece.startsInput
        case .never: false
        }
        if prepend { scalars.insert(replacement, at: 0) }
        guard split else { return piece.pieces(scalars, at: [0..<scalars.count]) }
        let matches = scalars.indices.filter { scalars[$0] == replacement }.map { $0..<($0 + 1) }
        return piece.pieces(scalars, at: SplitBehavior.mergedWithNext.pieces(count: scalars.count, matches: matches))
    }

    func decodeChain(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { index, token in
            var text = String.UnicodeScalarView()
            for scalar in token.unicodeScalars {
                if scalar != replacement {
                    text.append(scalar)
                } else if index > 0 || prependScheme == .never {
                    text.append(" ")
                }
            }
            return String(text)
        }
    }
}
