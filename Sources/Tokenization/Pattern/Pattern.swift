/// A pattern of tokenizer.json (`{"Regex": …}` or `{"String": …}`), matched on Unicode scalars as
/// Hugging Face's `tokenizers` matches it with Oniguruma.
public struct Pattern: Sendable {
    private let program: PatternProgram
    /// The scalars of a literal pattern, found by a plain search rather than the matcher.
    private let literal: [Unicode.Scalar]?

    /// Compiles a regular expression (see ``PatternParser`` for what is supported).
    public init(regex source: String) throws(PatternError) {
        program = PatternProgram(try PatternParser.parse(source))
        literal = nil
    }

    /// A pattern matching `text` literally.
    public init(literal text: String) {
        program = PatternProgram(.sequence(text.unicodeScalars.map { .scalar($0) }))
        literal = Array(text.unicodeScalars)
    }

    /// The non-empty matches in `scalars`, leftmost first, not overlapping, as index ranges
    /// (Oniguruma's `find_iter`; empty matches split nothing, so they are left out).
    func matches(in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        if let literal { return occurrences(of: literal, in: scalars) }
        var found: [Range<Int>] = []
        var stack: [(pc: Int, position: Int)] = []
        scalars.withUnsafeBufferPointer { text in
            var start = 0
            while start < text.count {
                if let end = program.run(0, text, at: start, stack: &stack), end > start {
                    found.append(start..<end)
                    start = end
                } else {
                    start += 1
                }
            }
        }
        return found
    }

    private func occurrences(of literal: [Unicode.Scalar], in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        guard let first = literal.first else { return [] }
        var found: [Range<Int>] = []
        var start = 0
        while start + literal.count <= scalars.count {
            if scalars[start] == first && scalars[start..<(start + literal.count)].elementsEqual(literal) {
                found.append(start..<(start + literal.count))
                start += literal.count
            } else {
                start += 1
            }
        }
        return found
    }

    /// The scalars of `text` with every match replaced by `replacement`.
    func replacingMatches(in text: String, with replacement: String) -> String {
        let scalars = Array(text.unicodeScalars)
        let found = matches(in: scalars)
        if found.isEmpty { return text }
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count)
        var previous = 0
        for range in found {
            result += scalars[previous..<range.lowerBound]
            result += replacement.unicodeScalars
            previous = range.upperBound
        }
        result += scalars[previous...]
        return makeString(result)
    }
}

/// The text of some scalars, built in one pass (appending to a String's scalar view copies it).
func makeString(_ scalars: some Collection<Unicode.Scalar>) -> String {
    var utf8: [UInt8] = []
    utf8.reserveCapacity(scalars.count)
    for scalar in scalars {
        UTF8.encode(scalar) { utf8.append($0) }
    }
    return String(decoding: utf8, as: UTF8.self)
}
