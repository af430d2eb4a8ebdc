import Foundation
import JSON
import Testing
@testable import Tokenization

/// Split cases from patterns.json: each pattern's pieces of every text, as `tokenizers` 0.23 splits them.
private struct SplitGoldens {
    struct Split {
        var pattern: String
        var behavior: String
        var invert: Bool
        var pieces: [[String]]
    }

    var texts: [String]
    var splits: [Split]

    static let loaded: SplitGoldens = {
        let data = try! Data(contentsOf: TokenizerFixtures.directory.appendingPathComponent("patterns.json"))
        let root = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        let splits = (root["splits"] as! [[String: Any]]).map {
            Split(pattern: $0["pattern"] as! String, behavior: $0["behavior"] as! String, invert: $0["invert"] as! Bool,
                  pieces: $0["pieces"] as! [[String]])
        }
        return SplitGoldens(texts: root["texts"] as! [String], splits: splits)
    }()
}

/// The Split pre-tokenizer a tokenizer.json would describe (behavior "merged_with_next" is written
/// "MergedWithNext" there), read as the file would be.
private func split(pattern: String, behavior: String, invert: Bool) throws -> Split {
    let camelCase = behavior.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    let value = JSONValue.object([
        "type": .string("Split"), "pattern": .object(["Regex": .string(pattern)]),
        "behavior": .string(camelCase), "invert": .bool(invert),
    ])
    return try Split(Field(value, path: "pre_tokenizer"))
}

@Suite("Patterns")
struct PatternTests {
    @Test("Split gives tokenizers' pieces for GPT-2's, Llama 3's and GPT-4o's patterns and other constructs",
          arguments: SplitGoldens.loaded.splits.indices)
    func splitMatchesTokenizers(_ index: Int) throws {
        let golden = SplitGoldens.loaded.splits[index]
        let preTokenizer = try split(pattern: golden.pattern, behavior: golden.behavior, invert: golden.invert)
        for (text, expected) in zip(SplitGoldens.loaded.texts, golden.pieces) {
            let pieces = preTokenizer.split(PreToken(text: text, startsInput: true)).map(\.text)
            #expect(pieces.map { Array($0.utf8) } == expected.map { Array($0.utf8) },
                    "\(golden.pattern) \(golden.behavior): \(text.debugDescription)")
        }
    }

    @Test("GPT-2's pattern through the general matcher cuts text where the hand-written ByteLevel scanner does")
    func matcherAgreesWithScanner() throws {
        let pattern = try Pattern(regex: #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#)
        for text in SplitGoldens.loaded.texts {
            let scalars = Array(text.unicodeScalars)
            let byMatcher = pattern.matches(in: scalars).map { makeString(scalars[$0]) }
            var byScanner: [String] = []
            var copy = text
            copy.withUTF8 { utf8 in
                ByteLevelPattern.forEachPiece(in: utf8) { range in
                    byScanner.append(String(decoding: UnsafeBufferPointer(rebasing: utf8[range]), as: UTF8.self))
                }
            }
            #expect(byMatcher.map { Array($0.utf8) } == byScanner.map { Array($0.utf8) }, "\(text.debugDescription)")
        }
    }

    @Test("A literal pattern finds each occurrence, not overlapping")
    func literal() {
        #expect(Pattern(literal: "aa").matches(in: Array("xaaaab aa".unicodeScalars)) == [1..<3, 3..<5, 7..<9])
    }

    @Test("Quantifiers are greedy, lazy or possessive as written")
    func quantifiers() throws {
        let text = Array("aaab".unicodeScalars)
        #expect(try Pattern(regex: "a+").matches(in: text) == [0..<3])
        #expect(try Pattern(regex: "a+?").matches(in: text) == [0..<1, 1..<2, 2..<3])
        #expect(try Pattern(regex: "a{1,2}").matches(in: text) == [0..<2, 2..<3])
        #expect(try Pattern(regex: "a*+a").matches(in: text) == [])
        #expect(try Pattern(regex: "a*ab").matches(in: text) == [0..<4])
    }

    @Test("Constructs tokenizers' engine has and this one does not are errors that say what they are",
          arguments: [
              ("(?<=a)b", "lookbehind"), ("(a)\\1", "escape \"\\1\""), ("\\p{Han}", "\\p{Han} is not supported"),
              ("[[:alpha:]]", "POSIX classes"), ("(?m)a", "flag \"m\""), ("(a", "missing \")\""), ("a)", "unbalanced"),
              ("*a", "nothing to repeat"), ("(a*)*", "can match nothing"), ("[b-a]", "empty range"),
          ])
    func unsupportedConstructs(_ pattern: String, _ expected: String) {
        let error = #expect(throws: PatternError.self) { try Pattern(regex: pattern) }
        #expect(error?.description.contains(expected) == true, "\(pattern): \(error?.description ?? "no error")")
    }
}
