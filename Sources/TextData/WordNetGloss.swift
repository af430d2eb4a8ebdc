extension WordNet {
    /// Splits a gloss into its definition and its example sentences.
    ///
    /// Parts are separated by "; ". A part starting with `"` is an example, which ends at the next `"` that
    /// is not followed by a letter or digit, so "; " inside the quotes stays in it; text after the closing
    /// quote up to the next "; " is an attribution ("- Shakespeare") and is dropped. The other parts,
    /// joined by "; ", are the definition. Of WordNet 3.0's few malformed glosses: an example missing its
    /// closing quote runs to the next "; "; a later part ending in its only `"` is an example missing its
    /// opening quote (the first part is the definition with a stray quote, which is dropped); an example
    /// still holding a `"` (quotes mismatched inside it) is dropped.
    static func parseGloss(_ gloss: UnsafeBufferPointer<UInt8>) -> (definition: String, examples: [String]) {
        var reader = GlossReader(gloss: gloss)
        var i = 0
        while i < gloss.count {
            while i < gloss.count && gloss[i] == GlossReader.space { i += 1 }
            guard i < gloss.count else { break }
            i = gloss[i] == GlossReader.quote ? reader.readExample(at: i) : reader.readPart(at: i)
        }
        return (reader.definition.joined(separator: "; "), reader.examples)
    }
}

/// Reads a gloss one part at a time, collecting the definition's parts and the examples.
private struct GlossReader {
    static let quote = UInt8(ascii: "\""), semicolon = UInt8(ascii: ";"), space = UInt8(ascii: " ")

    let gloss: UnsafeBufferPointer<UInt8>
    var definition: [String] = []
    var examples: [String] = []

    /// Reads the example whose opening quote is at `start`; returns where the next part starts.
    mutating func readExample(at start: Int) -> Int {
        let close = closingQuote(after: start)
        if close < gloss.count {
            addExample((start + 1)..<close)
            return separator(from: close + 1) + 2
        }
        let end = separator(from: start + 1)
        addExample((start + 1)..<end)
        return end + 2
    }

    /// Reads the unquoted part at `start`: a part of the definition, or an example missing its opening
    /// quote; returns where the next part starts.
    mutating func readPart(at start: Int) -> Int {
        let end = separator(from: start)
        let part = trimmed(start..<end)
        let quotes = gloss[part].lazy.filter { $0 == Self.quote }.count
        if quotes == 1 && gloss[part.upperBound - 1] == Self.quote {
            // After the definition, an example missing its opening quote; else a stray quote.
            if definition.isEmpty {
                definition.append(text(trimmed(part.lowerBound..<(part.upperBound - 1))))
            } else {
                addExample(part.lowerBound..<(part.upperBound - 1))
            }
        } else if !part.isEmpty {
            definition.append(text(part))
        }
        return end + 2
    }

    /// The first `"` after `open` not followed by a letter or digit, or the gloss's end.
    private func closingQuote(after open: Int) -> Int {
        let n = gloss.count
        var close = open + 1
        while close < n && !(gloss[close] == Self.quote && (close + 1 == n || !Self.isAlphanumeric(gloss[close + 1]))) {
            close += 1
        }
        return close
    }

    /// Where the next "; " starts, or the gloss's end.
    private func separator(from start: Int) -> Int {
        var i = start
        while i + 1 < gloss.count {
            if gloss[i] == Self.semicolon && gloss[i + 1] == Self.space { return i }
            i += 1
        }
        return gloss.count
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private func trimmed(_ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper && gloss[lower] == Self.space { lower += 1 }
        while upper > lower && (gloss[upper - 1] == Self.space || gloss[upper - 1] == Self.semicolon) { upper -= 1 }
        return lower..<upper
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: gloss[range]), as: UTF8.self)
    }

    /// Keeps a trimmed, non-empty example without a stray `"` (quotes mismatched inside it).
    private mutating func addExample(_ range: Range<Int>) {
        let range = trimmed(range)
        if !range.isEmpty && !gloss[range].contains(Self.quote) { examples.append(text(range)) }
    }
}
