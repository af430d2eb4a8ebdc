import Foundation
import Testing
@testable import Tokenization
import TextData

/// The tokenizer behind the golden ids: the specials, the 256 bytes, and the first 120 merges learnt from
/// /usr/share/common-licenses (vocabulary 379), with the merges as "a b" strings (the older format).
enum GoldenTokenizer {
    static let merges: [String] = [
        "Ġ t", "Ġ Ġ", "Ġt h", "Ġ a", "e r", "o n", "o r", "i n", "Ġth e", "e n", "t i", "r e", "Ġ o", "i s", "Ġ c",
        "s e", "i c", "Ġo f", "e d", "o u", "ti on", "Ġ w", "Ġ p", "ĠĠ ĠĠ", "a t", "i t", "Ġa n", "Ġ s", "Ġ m",
        "Ġ f", "a r", "a n", "Ġt o", "Ġ in", "e s", "Ġ d", "Ġc o", "r i", "a l", "r o", "in g", "Ġ or", "Ġ L", "Ġ b",
        "en t", "ic en", "Ġ n", "icen se", "l e", "Ġan d", "u t", "y ou", "v er", "Ġ u", "Ġ you", "Ġ re", "Ġ l",
        "c e", "i f", "s i", "a tion", "t h", "e c", "Ġth at", "Ġn o", "v e", "Ġ C", "or k", "ĠL icense", "Ġ T",
        "Ġf or", "Ġ e", "Ġth is", "Ġ is", "l y", "s t", "ĠĠ Ġ", "si on", "d e", "ri b", "Ġm a", "it h", "Ġ P",
        "t rib", "Ġco p", "Ġ S", "Ġp ro", "Ġc on", "m ent", "a m", "d er", "Ġ it", "Ġan y", "er m", "Ġ A", "u b",
        "Ġ I", "g h", "ĠĠĠĠ ĠĠĠĠ", "l l", "ar y", "Ġw ork", "Ġw ith", "c h", "i b", "Ġcop y", "o d", "Ġu n", "gh t",
        "g r", "trib ut", "Ġ on", "Ġ (", "th er", "Ġb y", "c u", "o m", "ri ght", "od if", "ib r",
    ]

    /// GPT-2's bytes_to_unicode, written again here so the library's table is checked against it.
    static func byteCharacter(_ byte: Int) -> String {
        let printable = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        if printable.contains(byte) { return String(UnicodeScalar(UInt8(byte))) }
        let rank = (0..<byte).filter { !printable.contains($0) }.count
        return String(Unicode.Scalar(UInt32(256 + rank))!)
    }

    /// Writes the golden tokenizer.json into `directory`.
    static func file(in directory: URL) throws -> URL {
        var vocab: [String: Int] = ["<pad>": 0, "<s>": 1, "</s>": 2]
        for byte in 0..<256 { vocab[byteCharacter(byte)] = vocab.count }
        for merge in merges {
            let parts = merge.split(separator: " ").map(String.init)
            if vocab[parts[0] + parts[1]] == nil { vocab[parts[0] + parts[1]] = vocab.count }
        }
        let special = { (id: Int, content: String) -> [String: Any] in
            ["id": id, "content": content, "single_word": false, "lstrip": false, "rstrip": false,
             "normalized": false, "special": true]
        }
        let document: [String: Any] = [
            "version": "1.0",
            "added_tokens": [special(0, "<pad>"), special(1, "<s>"), special(2, "</s>")],
            "normalizer": NSNull(),
            "pre_tokenizer": ["type": "Sequence", "pretokenizers": [
                ["type": "Digits", "individual_digits": true],
                ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true],
            ]],
            "post_processor": NSNull(),
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            "model": ["type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "byte_fallback": false,
                      "vocab": vocab, "merges": merges],
        ]
        let file = directory.appendingPathComponent("tokenizer.json")
        try JSONSerialization.data(withJSONObject: document).write(to: file)
        return file
    }
}

/// Ids from Hugging Face: `tokenizers` 0.23 `Tokenizer.from_file(…).encode(text).ids` (encode_special_tokens)
/// and `transformers` 5.24 `AutoTokenizer.from_pretrained(dir)(text, add_special_tokens=False)`, which agree.
/// Regenerate: `TEXTDATA_PARITY_DIR=/tmp/tok swift test --filter writeParityCases`, then
/// `python3 Tests/TextDataTests/hf_tokenizer_check.py /tmp/tok/golden --emit --text "…"`.
private let goldenIDs: [(String, [Int32])] = [
    ("The Licensee may copy, modify and distribute the work.", [87, 107, 104, 327, 104, 339, 124, 364, 47, 287, 377, 124, 308, 294, 272, 369, 104, 267, 360, 49]),
    ("12345", [52, 53, 54, 55, 56]),
    ("3.14", [54, 49, 52, 55]),
    ("pi is 3.14159, e is 2.718", [115, 108, 332, 35, 54, 49, 52, 55, 52, 56, 60, 47, 330, 332, 35, 53, 49, 58, 52, 59]),
    ("don't you're we've I'm they'll he'd it's", [103, 264, 42, 119, 313, 42, 270, 280, 104, 42, 324, 355, 42, 112, 267, 124, 42, 358, 35, 107, 104, 42, 103, 350, 42, 118]),
    ("multiple   spaces  here", [112, 120, 111, 269, 115, 307, 260, 286, 115, 100, 102, 293, 35, 35, 107, 263, 104]),
    ("line one\nline two\n\n\nend\n", [111, 266, 104, 370, 104, 13, 111, 266, 104, 259, 122, 114, 13, 13, 13, 268, 103, 13]),
    ("tabs\tand\t\tmore\t", [119, 100, 101, 118, 12, 290, 103, 12, 12, 112, 265, 104, 12]),
    ("café naïve 日本語 🙂", [102, 100, 105, 198, 172, 305, 100, 198, 178, 324, 35, 233, 154, 168, 233, 159, 175, 235, 173, 161, 35, 243, 162, 156, 133]),
    ("Version 2.0, January 2004 (http://www.apache.org/licenses/)", [89, 263, 336, 35, 53, 49, 51, 47, 35, 77, 290, 120, 359, 35, 53, 51, 51, 55, 371, 107, 119, 119, 115, 61, 50, 50, 122, 122, 122, 49, 100, 115, 100, 362, 104, 49, 265, 106, 50, 111, 306, 118, 50, 44]),
    ("  leading and trailing  ", [35, 35, 307, 100, 103, 299, 308, 259, 117, 100, 108, 111, 299, 260]),
    ("<s>literal specials</s><pad>", [63, 118, 65, 111, 284, 263, 297, 286, 115, 321, 108, 297, 118, 63, 50, 118, 65, 63, 115, 100, 103, 65]),
    ("x²+½ = ٣ and Ⅻ", [123, 197, 181, 46, 197, 192, 35, 64, 35, 220, 166, 308, 35, 229, 136, 174]),
    ("e\u{301} vs é; 👨\u{200D}👩\u{200D}👧 family", [104, 207, 132, 35, 121, 118, 35, 198, 172, 62, 35, 243, 162, 148, 171, 229, 131, 144, 243, 162, 148, 172, 229, 131, 144, 243, 162, 148, 170, 288, 348, 108, 333]),
    ("", []),
    ("'S'RE''s ' s", [42, 86, 42, 85, 72, 42, 42, 118, 35, 42, 286]),
    ("\u{A0}nbsp\u{3000}ideographic\r\nCRLF", [197, 163, 113, 101, 118, 115, 230, 131, 131, 108, 337, 114, 368, 100, 115, 107, 275, 16, 13, 70, 85, 79, 73]),
    ("a  1  b\t2\n3 \u{2003}x", [100, 260, 52, 35, 302, 12, 53, 13, 54, 35, 229, 131, 134, 123]),
]

/// Hugging Face's decode of ids that cut characters apart: (ids, skip_special_tokens=False, =True).
private let goldenDecodes: [([Int32], String, String)] = [
    ([233, 154], "\u{FFFD}", "\u{FFFD}"),
    ([243, 162, 156], "\u{FFFD}", "\u{FFFD}"),
    ([100, 258, 101], "a\u{FFFD}b", "a\u{FFFD}b"),
    ([198], "\u{FFFD}", "\u{FFFD}"),
    ([233, 154, 168, 233], "日\u{FFFD}", "日\u{FFFD}"),
    ([1, 100, 2, 0], "<s>a</s><pad>", "a"),
    ([240, 163, 131], "\u{FFFD}\u{FFFD}\u{FFFD}", "\u{FFFD}\u{FFFD}\u{FFFD}"),
    ([195, 131, 68], "\u{FFFD}\u{FFFD}A", "\u{FFFD}\u{FFFD}A"),
]

@Suite("BPE encoding and decoding")
struct BPETokenizerTests {
    @Test("Encoding gives the ids Hugging Face's tokenizers and AutoTokenizer give, on a varied sample")
    func goldenIDsFromHuggingFace() throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenizer = try BPETokenizer(contentsOf: GoldenTokenizer.file(in: directory))
        #expect(tokenizer.vocabularySize == 379)
        for (text, expected) in goldenIDs {
            let ids = tokenizer.encode(text)
            #expect(ids == expected, "\(text.debugDescription)")
            #expect(TokenizerFixtures.sameBytes(tokenizer.decode(ids), text))
        }
    }

    @Test("The byte alphabet is GPT-2's bytes_to_unicode")
    func byteAlphabet() {
        for byte in 0..<256 {
            #expect(ByteLevel.string(for: [UInt8(byte)]) == GoldenTokenizer.byteCharacter(byte))
            #expect(ByteLevel.bytes(for: GoldenTokenizer.byteCharacter(byte)) == [UInt8(byte)])
        }
        #expect(ByteLevel.string(for: [0x20, 0x0A, 0xA0, 0xAD]) == "ĠĊłŃ")  // space, newline, NBSP, soft hyphen
        #expect(ByteLevel.bytes(for: "ń") == nil)  // U+0144: past the 68 remapped bytes
    }

    @Test("Any text survives encode then decode byte for byte: 600 random strings, emoji to combining marks")
    func randomRoundTrip() throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenizers = [
            BPETokenizer.train(texts: TokenizerFixtures.smallCorpus, vocabularySize: 400),
            try BPETokenizer(contentsOf: GoldenTokenizer.file(in: directory)),
        ]
        var generator = SplitMix64(seed: 2024)
        for _ in 0..<600 {
            let text = TokenizerFixtures.randomText(using: &generator, maxParts: 16)
            for tokenizer in tokenizers {
                let ids = tokenizer.encode(text)
                let back = tokenizer.decode(ids)
                #expect(TokenizerFixtures.sameBytes(back, text), "\(text.debugDescription) came back as \(back.debugDescription)")
                #expect(ids.allSatisfy { $0 >= 3 && Int($0) < tokenizer.vocabularySize })
            }
        }
    }

    @Test("Ids that cut a character apart decode to U+FFFD as Hugging Face's decoder does, never a crash")
    func decodingBrokenUTF8() throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenizer = try BPETokenizer(contentsOf: GoldenTokenizer.file(in: directory))
        for (ids, withSpecials, withoutSpecials) in goldenDecodes {
            #expect(TokenizerFixtures.sameBytes(tokenizer.decode(ids), withSpecials), "\(ids)")
            #expect(TokenizerFixtures.sameBytes(tokenizer.decode(ids, skipSpecialTokens: true), withoutSpecials), "\(ids)")
        }
        // Every prefix of an emoji's encoding, and ids outside the vocabulary (skipped, as tokenizers does).
        let ids = tokenizer.encode("🙂👨\u{200D}👩")
        for end in 0...ids.count { _ = tokenizer.decode(ids[..<end]) }
        #expect(tokenizer.decode([-1, 100, 379, 1_000_000]) == "a")
    }

    @Test("The heap merge (long pieces) and the scan merge (short pieces) apply the same merges")
    func heapAgreesWithScan() throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenizer = try BPETokenizer(contentsOf: GoldenTokenizer.file(in: directory))
        var generator = SplitMix64(seed: 5)
        let alphabet = Array("Ġ thernoiscaflgy".utf8)
        for length in [1, 2, 3, 10, 49, 200] {
            for _ in 0..<20 {
                let symbols = (0..<length).map { _ in Int32(alphabet.randomElement(using: &generator)!) + 3 }
                #expect(tokenizer.pipeline.model.mergeWithHeap(symbols) == tokenizer.pipeline.model.mergeByScan(symbols))
            }
        }
        let long = String(repeating: "the licensee ", count: 20) + String(repeating: " ", count: 300) + "x"
        #expect(TokenizerFixtures.sameBytes(tokenizer.decode(tokenizer.encode(long)), long))
    }

    @Test("Encoding with a warm piece cache gives the ids a fresh tokenizer gives")
    func cacheIsTransparent() {
        let text = TokenizerFixtures.smallCorpus.joined(separator: "\n")
        let warm = BPETokenizer.train(texts: TokenizerFixtures.smallCorpus, vocabularySize: 350)
        let first = warm.encode(text)
        let copy = warm  // copies share the cache
        #expect(copy.encode(text) == first)
        #expect(BPETokenizer.train(texts: TokenizerFixtures.smallCorpus, vocabularySize: 350).encode(text) == first)
    }
}
