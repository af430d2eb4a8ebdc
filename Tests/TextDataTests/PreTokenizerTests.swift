import Testing
import TextData
import Tokenization

/// Pieces from Hugging Face `tokenizers` 0.23:
/// `pre_tokenizers.Sequence([Digits(individual_digits=True), ByteLevel(add_prefix_space=False,
/// use_regex=True)]).pre_tokenize_str(text)`, mapped back from byte characters to text.
private let goldenPieces: [(String, [String])] = [
    ("3.14", ["3", ".", "1", "4"]),
    ("pi is 3.14159, e is 2.718", ["pi", " is", " ", "3", ".", "1", "4", "1", "5", "9", ",", " e", " is", " ", "2", ".", "7", "1", "8"]),
    ("don't you're we've I'm they'll he'd it's", ["don", "'t", " you", "'re", " we", "'ve", " I", "'m", " they", "'ll", " he", "'d", " it", "'s"]),
    ("multiple   spaces  here", ["multiple", "  ", " spaces", " ", " here"]),
    ("line one\nline two\n\n\nend\n", ["line", " one", "\n", "line", " two", "\n\n", "\n", "end", "\n"]),
    ("tabs\tand\t\tmore\t", ["tabs", "\t", "and", "\t", "\t", "more", "\t"]),
    ("café naïve 日本語 🙂", ["café", " naïve", " 日本語", " 🙂"]),
    ("Version 2.0, January 2004 (http://www.apache.org/licenses/)", ["Version", " ", "2", ".", "0", ",", " January", " ", "2", "0", "0", "4", " (", "http", "://", "www", ".", "apache", ".", "org", "/", "licenses", "/)"]),
    ("  leading and trailing  ", [" ", " leading", " and", " trailing", "  "]),
    ("<s>literal specials</s><pad>", ["<", "s", ">", "literal", " specials", "</", "s", "><", "pad", ">"]),
    ("x²+½ = ٣ and Ⅻ", ["x", "²", "+", "½", " =", " ", "٣", " and", " ", "Ⅻ"]),
    ("e\u{301} vs é; 👨\u{200D}👩\u{200D}👧 family", ["e", "\u{301}", " vs", " é", ";", " 👨\u{200D}👩\u{200D}👧", " family"]),
    ("", []),
    ("'S'RE''s ' s", ["'", "S", "'", "RE", "''", "s", " '", " s"]),
    ("\u{A0}nbsp\u{3000}ideographic\r\nCRLF", ["\u{A0}", "nbsp", "\u{3000}", "ideographic", "\r", "\n", "CRLF"]),
    ("a  1  b\t2\n3 \u{2003}x", ["a", "  ", "1", " ", " b", "\t", "2", "\n", "3", " ", "\u{2003}", "x"]),
    // Letters new in Unicode 17.0 are unassigned to tokenizers 0.23's regex (Unicode 16.0), so "other";
    // numbers new in 17.0 are still isolated by Digits (Rust's tables).
    ("\u{33376}'ve", ["\u{33376}'", "ve"]),
    ("a\u{88F}b", ["a", "\u{88F}", "b"]),
    (" \u{88F}", [" \u{88F}"]),
    ("\u{11DE0}x", ["\u{11DE0}", "x"]),
    ("x \u{11DE0}", ["x", " ", "\u{11DE0}"]),
    // Hand-checked against the same pipeline.
    ("abc 123 x", ["abc", " ", "1", "2", "3", " x"]),
    ("   a", ["  ", " a"]),
    ("\t\ta", ["\t", "\t", "a"]),
    ("  \tx", ["  ", "\t", "x"]),
    (" 's", [" '", "s"]),
    ("x!'s", ["x", "!'", "s"]),
    ("'sam", ["'s", "am"]),
    (" \u{A0}x", [" ", "\u{A0}", "x"]),
    ("\u{1C}\u{1D}x", ["\u{1C}\u{1D}", "x"]),
]

@Suite("Pre-tokenization")
struct PreTokenizerTests {
    @Test("Pieces match Hugging Face's Digits + ByteLevel pre-tokenizer on tricky text")
    func goldenPiecesFromHuggingFace() {
        for (text, expected) in goldenPieces {
            let pieces = BPETokenizer.preTokenize(text)
            #expect(pieces.map { Array($0.utf8) } == expected.map { Array($0.utf8) }, "\(text.debugDescription)")
        }
    }

    @Test("Every number character is a piece of its own")
    func digitsAreSingle() {
        let pieces = BPETokenizer.preTokenize("0123456789 x42 ٣٤ ²³ 1,000.5")
        let numberCategories: [Unicode.GeneralCategory] = [.decimalNumber, .letterNumber, .otherNumber]
        for piece in pieces where piece.unicodeScalars.contains(where: { numberCategories.contains($0.properties.generalCategory) }) {
            #expect(piece.unicodeScalars.count == 1, "\(piece.debugDescription)")
        }
    }

    @Test("Pieces tile the text: joined, they give it back byte for byte")
    func piecesTileTheText() {
        var generator = SplitMix64(seed: 11)
        for _ in 0..<300 {
            let text = TokenizerFixtures.randomText(using: &generator, maxParts: 20)
            let pieces = BPETokenizer.preTokenize(text)
            #expect(TokenizerFixtures.sameBytes(pieces.joined(), text))
            #expect(!pieces.contains(""))
        }
    }
}
