/// GPT-2's pre-tokenizer: optionally a space in front, GPT-2's pattern (``ByteLevelPattern``) when
/// `use_regex`, then each piece's UTF-8 bytes spelled as ``ByteLevel`` characters ("Ġthe" for " the").
struct ByteLevelPreTokenizer: PreTokenizer {
    var addPrefixSpace: Bool
    var useRegex: Bool

    func split(_ piece: PreToken) -> [PreToken] {
        var text = piece.text
        if addPrefixSpace && text.utf8.first != UInt8(ascii: " ") { text = " " + text }
        return text.withUTF8 { utf8 in
            guard useRegex else { return [PreToken(text: ByteLevel.string(for: utf8), startsInput: piece.startsInput)] }
            var pieces: [PreToken] = []
            ByteLevelPattern.forEachPiece(in: utf8) { range in
                pieces.append(PreToken(text: ByteLevel.string(for: utf8[range]),
                                       startsInput: piece.startsInput && range.lowerBound == 0))
            }
            return pieces
        }
    }
}
