/// GPT-2's pre-tokenization pattern, which Hugging Face's ByteLevel pre-tokenizer applies when `use_regex`
/// is true, as a hand-written scanner over UTF-8 (the general ``Pattern`` matcher gives the same pieces,
/// several times slower):
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// `\s` is Unicode White_Space, `\p{L}` and `\p{N}` the letter and number categories as ``UnicodeClasses``
/// reads them. Because every character is whitespace, a letter, a number or "other", the matches tile the
/// text, and:
/// - `'` followed by `s t m d re ve ll` (lower case) is a contraction; otherwise `'` is an "other";
/// - a letter, number or "other" run may take one preceding U+0020 space (never a tab or newline);
/// - a whitespace run followed by a non-space gives all but its last character (`\s+(?!\S)`); that last
///   character is then either the space of the run after it, or a token of its own (`\s+`);
/// - a whitespace run at the end of the text is one token.
///
/// Checked against `tokenizers` 0.23 on every code point and on 50,000 random strings.
enum ByteLevelPattern {
    enum CharacterClass: UInt8 { case whitespace, letter, number, other }

    /// Calls `body` with the byte range of each piece, in order; the ranges tile `utf8`, which must be
    /// valid UTF-8 (a Swift String's storage is).
    static func forEachPiece(in utf8: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        let end = utf8.count
        var i = 0
        while i < end {
            let (kind, length) = classify(utf8, at: i)
            switch kind {
            case .letter, .number:
                let j = endOfRun(of: kind, in: utf8, from: i + length)
                body(i..<j)
                i = j
            case .other:
                if utf8[i] == UInt8(ascii: "'"), let contraction = contractionLength(in: utf8, at: i) {
                    body(i..<(i + contraction))
                    i += contraction
                } else {
                    let j = endOfRun(of: .other, in: utf8, from: i + length)
                    body(i..<j)
                    i = j
                }
            case .whitespace:
                // The maximal run of whitespace, and where its last character starts.
                var j = i + length
                var lastStart = i
                var count = 1
                var following: CharacterClass? = nil
                while j < end {
                    let (nextKind, nextLength) = classify(utf8, at: j)
                    if nextKind != .whitespace {
                        following = nextKind
                        break
                    }
                    lastStart = j
                    j += nextLength
                    count += 1
                }
                if following == nil {
                    // End of text: `\s+(?!\S)` takes the whole run.
                    body(i..<j)
                    i = j
                } else if count >= 2 {
                    // `\s+(?!\S)` backs off one character so that the lookahead sees whitespace.
                    body(i..<lastStart)
                    i = lastStart
                } else if utf8[i] == UInt8(ascii: " ") {
                    // ` ?\p{L}+`, ` ?\p{N}+` or ` ?[^\s\p{L}\p{N}]+` (no contraction after the space).
                    let k = endOfRun(of: following!, in: utf8, from: j)
                    body(i..<k)
                    i = k
                } else {
                    // A lone tab, newline, NBSP … before a non-space: `\s+`.
                    body(i..<j)
                    i = j
                }
            }
        }
    }

    // MARK: - Characters

    /// The class of the character starting at byte `i`, and its length in bytes.
    @inline(__always)
    static func classify(_ utf8: UnsafeBufferPointer<UInt8>, at i: Int) -> (CharacterClass, Int) {
        let b0 = utf8[i]
        if b0 < 0x80 { return (asciiClasses[Int(b0)], 1) }
        let (scalar, length) = decodeScalar(utf8, at: i)
        return (classify(scalar), length)
    }

    static func classify(_ scalar: Unicode.Scalar) -> CharacterClass {
        if scalar.isASCII { return asciiClasses[Int(scalar.value)] }
        if UnicodeClasses.isWhitespace(scalar) { return .whitespace }
        let category = UnicodeClasses.regexCategory(of: scalar)
        if UnicodeClasses.letters.contains(category) { return .letter }
        if UnicodeClasses.numbers.contains(category) { return .number }
        return .other
    }

    private static let asciiClasses: [CharacterClass] = (0..<128).map { code -> CharacterClass in
        switch UInt8(code) {
        case 0x09...0x0D, 0x20: return .whitespace
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): return .letter
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: return .other
        }
    }

    /// The end of the run of `kind` characters starting at `i`.
    @inline(__always)
    private static func endOfRun(of kind: CharacterClass, in utf8: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
        var j = i
        while j < utf8.count {
            let (nextKind, length) = classify(utf8, at: j)
            if nextKind != kind { break }
            j += length
        }
        return j
    }

    /// 2 or 3 when the apostrophe at `i` starts `'s 't 'm 'd 're 've 'll`, else nil.
    private static func contractionLength(in utf8: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        guard i + 1 < utf8.count else { return nil }
        switch utf8[i + 1] {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
            return 2
        case UInt8(ascii: "r"), UInt8(ascii: "v"):
            return i + 2 < utf8.count && utf8[i + 2] == UInt8(ascii: "e") ? 3 : nil
        case UInt8(ascii: "l"):
            return i + 2 < utf8.count && utf8[i + 2] == UInt8(ascii: "l") ? 3 : nil
        default:
            return nil
        }
    }
}

/// The scalar starting at byte `i` of valid UTF-8, and its length in bytes.
@inline(__always)
func decodeScalar(_ utf8: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar, Int) {
    let b0 = utf8[i]
    let value: UInt32
    let length: Int
    if b0 < 0x80 {
        return (Unicode.Scalar(b0), 1)
    } else if b0 < 0xE0 {
        value = UInt32(b0 & 0x1F) << 6 | UInt32(utf8[i + 1] & 0x3F)
        length = 2
    } else if b0 < 0xF0 {
        value = UInt32(b0 & 0x0F) << 12 | UInt32(utf8[i + 1] & 0x3F) << 6 | UInt32(utf8[i + 2] & 0x3F)
        length = 3
    } else {
        value = UInt32(b0 & 0x07) << 18 | UInt32(utf8[i + 1] & 0x3F) << 12
            | UInt32(utf8[i + 2] & 0x3F) << 6 | UInt32(utf8[i + 3] & 0x3F)
        length = 4
    }
    return (Unicode.Scalar(value)!, length)
}
