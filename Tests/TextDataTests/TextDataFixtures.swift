import Foundation
import TextData
import Tokenization

/// Shared data and helpers of the tokenizer tests.
enum TokenizerFixtures {
    /// A few lines of English with digits, contractions, whitespace runs and non-Latin text: enough for a few
    /// hundred merges, small enough to train in milliseconds in a debug build.
    static let smallCorpus: [String] = [
        "The quick brown fox jumps over the lazy dog.",
        "The cat sat on the mat, and the dog sat on the log.",
        "She sells sea shells by the sea shore; the shells she sells are sea shells.",
        "It's 12:45 and the train to Paris leaves at 13:05 from platform 9.",
        "What is 59 minus 38? The answer is 21.",
        "What is 1234 plus 4321? The answer is 5555.",
        "We don't know, they'll see, you're right, I'm here, he'd go, we've been.",
        "Indented    text\twith\ttabs\n\nand blank lines   \n",
        "Café, naïve, résumé, jalapeño: accents are bytes too.",
        "日本語のテキストと絵文字 🙂🚀 also appear.",
        "A melted the ice. The ice melted. B broke the vase. The vase broke.",
        "The river flows to the sea, and the sea holds the river's water.",
        "Learning rate 3e-4, rank 8, alpha 16, one pass over 52000 examples.",
        "The theory of the thing: there, then, these, those, though, through.",
    ]

    /// Fragments that exercise the pre-tokenizer's corners: whitespace of every kind, contractions and stray
    /// apostrophes, digits of several scripts, combining marks, zero-width joiners, controls, the specials' text.
    private static let fragments: [String] = [
        " ", "  ", "   ", "\t", "\n", "\r\n", "\u{A0}", "\u{2003}", "\u{3000}", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}",
        "'", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "''", "!", ".", ",", "?", "-", "3.14", "12345", "0",
        "don't", "I'm", "we'll", "café", "naïve", "日本語", "🙂", "👨\u{200D}👩\u{200D}👧", "e\u{301}", "\u{301}",
        "²", "½", "Ⅻ", "٣", "३", "\u{0}", "\u{1C}", "\u{7F}", "\u{FEFF}", "\u{200B}", "\u{200D}",
        "a", "the", "Hello", "World", "x", "<s>", "</s>", "<pad>", "<", ">",
    ]

    /// A random string of up to `maxParts` fragments and random scalars (ASCII, two-byte, anything but surrogates).
    static func randomText(using generator: inout SplitMix64, maxParts: Int = 12) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...maxParts, using: &generator) {
            if Double.random(in: 0..<1, using: &generator) < 0.6 {
                scalars.append(contentsOf: fragments.randomElement(using: &generator)!.unicodeScalars)
                continue
            }
            let kind = Double.random(in: 0..<1, using: &generator)
            let value: UInt32 =
                kind < 0.3 ? UInt32.random(in: 0x20..<0x7F, using: &generator)
                : kind < 0.5 ? UInt32.random(in: 0x80..<0x800, using: &generator)
                : UInt32.random(in: 0..<0x11_0000, using: &generator)
            if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
        }
        return String(scalars)
    }

    /// A fresh directory under the temporary directory, removed by the caller with `removeItem`.
    static func temporaryDirectory(_ name: String = #function) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("TextDataTests-\(name.filter(\.isLetter))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Byte-for-byte equality: Swift's `==` on strings is canonical equivalence ("é" == "e\u{301}").
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }
}

/// SplitMix64: a seeded generator, so randomised tests are repeatable.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
