/// A token of tokenizer.json's `added_tokens`: matched in the text before the model runs, so its text
/// always encodes to its id. Special ones (`<s>`, `<|begin_of_text|>`) are skipped when decoding with
/// `skipSpecialTokens`, and are left as text when special tokens are split (`split_special_tokens`).
public struct AddedToken: Equatable, Sendable {
    public var id: Int32
    public var content: String
    /// Only where no word character is next to it.
    public var singleWord: Bool
    /// Takes the whitespace before it (`lstrip`) or after it (`rstrip`).
    public var lstrip: Bool
    public var rstrip: Bool
    /// Matched in the normalized text rather than the raw text.
    public var normalized: Bool
    public var special: Bool

    init(_ field: Field) throws(FieldError) {
        id = try field["id"].id()
        content = try field["content"].string()
        guard !content.isEmpty else { throw field["content"].error("must not be empty") }
        special = try field["special"].bool(default: false)
        singleWord = try field["single_word"].bool(default: false)
        lstrip = try field["lstrip"].bool(default: false)
        rstrip = try field["rstrip"].bool(default: false)
        normalized = try field["normalized"].bool(default: !special)
    }
}

/// A stretch of text between added tokens, or an added token.
enum Section: Equatable {
    case text(String, startsInput: Bool)
    case token(Int32)
}

/// Finds added tokens in text, leftmost first and longest at one place (Aho–Corasick leftmost-longest,
/// as `tokenizers`' AddedVocabulary), with `single_word`, `lstrip` and `rstrip` as its `find_matches`.
struct AddedTokenMatcher: Sendable {
    /// Candidates by their first UTF-8 byte, longest first.
    private let candidates: [[(bytes: [UInt8], token: AddedToken)]]
    let isEmpty: Bool

    /// `contents` gives the text each token is matched by (its normalized form, for normalized tokens).
    init(_ tokens: [AddedToken], contents: (AddedToken) -> String = \.content) {
        var candidates = [[(bytes: [UInt8], token: AddedToken)]](repeating: [], count: 256)
        for token in tokens {
            let bytes = Array(contents(token).utf8)
            guard let first = bytes.first else { continue }
            candidates[Int(first)].append((bytes, token))
        }
        self.candidates = candidates.map { $0.sorted { $0.bytes.count > $1.bytes.count } }
        isEmpty = tokens.isEmpty
    }

    /// `text` cut at the added tokens in it; text sections keep whether they start the input.
    /// Tokens for which `skip` is true are found but left as text (special tokens, when split).
    func sections(of text: String, startsInput: Bool, skip: (AddedToken) -> Bool = { _ in false }) -> [Section] {
        if isEmpty { return text.isEmpty ? [] : [.text(text, startsInput: startsInput)] }
        let utf8 = Array(text.utf8)
        var sections: [Section] = []
        var sectionStart = 0
        var position = 0
        func closeText(at end: Int) {
            if sectionStart < end {
                sections.append(.text(String(decoding: utf8[sectionStart..<end], as: UTF8.self),
                                      startsInput: startsInput && sectionStart == 0))
            }
        }
        while position < utf8.count {
            guard let (length, token) = longestMatch(in: utf8, at: position) else {
                position += 1
                continue
            }
            var start = position
            var end = position + length
            position = end
            if skip(token) { continue }
            if token.singleWord && (Self.endsWithWordCharacter(utf8[..<start]) || Self.startsWithWordCharacter(utf8[end...])) {
                continue
            }
            if token.lstrip { start = max(sectionStart, Self.startOfTrailingWhitespace(utf8[..<start])) }
            if token.rstrip { end = Self.endOfLeadingWhitespace(utf8, from: end) }
            closeText(at: start)
            sections.append(.token(token.id))
            sectionStart = end
            position = end
        }
        closeText(at: utf8.count)
        return sections
    }

    private func longestMatch(in utf8: [UInt8], at position: Int) -> (Int, AddedToken)? {
        for candidate in candidates[Int(utf8[position])] {
            let length = candidate.bytes.count
            if position + length <= utf8.count && utf8[position..<(position + length)].elementsEqual(candidate.bytes) {
                return (length, candidate.token)
            }
        }
        return nil
    }

    // MARK: - Neighbours

    private static func scalars(_ bytes: ArraySlice<UInt8>) -> String.UnicodeScalarView {
        String(decoding: bytes, as: UTF8.self).unicodeScalars
    }

    private static func endsWithWordCharacter(_ bytes: ArraySlice<UInt8>) -> Bool {
        scalars(bytes).last.map(isWordCharacter) ?? false
    }

    private static func startsWithWordCharacter(_ bytes: ArraySlice<UInt8>) -> Bool {
        scalars(bytes).first.map(isWordCharacter) ?? false
    }

    /// `\w` of Rust's regex crate, which `tokenizers` uses here: Alphabetic, marks, decimal digits,
    /// connector punctuation and joiners.
    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isAlphabetic || properties.isJoinControl { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// Where the whitespace at the end of `bytes` starts.
    private static func startOfTrailingWhitespace(_ bytes: ArraySlice<UInt8>) -> Int {
        var start = bytes.endIndex
        for scalar in scalars(bytes).reversed() {
            guard UnicodeClasses.isWhitespace(scalar) else { break }
            start -= String(scalar).utf8.count
        }
        return start
    }

    /// Where the whitespace starting at `start` ends.
    private static func endOfLeadingWhitespace(_ utf8: [UInt8], from start: Int) -> Int {
        var end = start
        for scalar in scalars(utf8[start...]) {
            guard UnicodeClasses.isWhitespace(scalar) else { break }
            end += String(scalar).utf8.count
        }
        return end
    }
}
