import Foundation
import Testing
import Tokenization

/// A copy of a fixture's tokenizer.json with one field changed, in a fresh directory.
private func modifiedFixture(_ family: String, _ change: (inout [String: Any]) -> Void) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("TokenizationTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let source = TokenizerFixtures.modelDirectory(family).appendingPathComponent("tokenizer.json")
    var document = try JSONSerialization.jsonObject(with: Data(contentsOf: source)) as! [String: Any]
    change(&document)
    try JSONSerialization.data(withJSONObject: document).write(to: directory.appendingPathComponent("tokenizer.json"))
    return directory
}

@Suite("What tokenizer.json features are refused, and how the error names them")
struct TokenizerFileErrorTests {
    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var family: String
        var change: @Sendable (inout [String: Any]) -> Void
        var expected: String
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "an unknown pre-tokenizer inside a sequence", family: "llama3", change: {
            var pre = $0["pre_tokenizer"] as! [String: Any]
            pre["pretokenizers"] = (pre["pretokenizers"] as! [Any]) + [["type": "Whitespace"]]
            $0["pre_tokenizer"] = pre
        }, expected: "pre_tokenizer.pretokenizers[2].type: \"Whitespace\" is not supported (supported: Sequence, ByteLevel, Metaspace, Split, Digits)"),
        Refusal(name: "an unknown normalizer", family: "llama2", change: { $0["normalizer"] = ["type": "Precompiled", "precompiled_charsmap": "AAA"] },
                expected: "normalizer.type: \"Precompiled\" is not supported (supported: Sequence, Prepend, Replace, NFC, NFKC, NFD, NFKD, Lowercase, Strip)"),
        Refusal(name: "a Unigram model", family: "gpt2", change: { $0["model"] = ["type": "Unigram", "vocab": [] as [Any]] },
                expected: "model.type: \"Unigram\" is not supported (supported: BPE)"),
        Refusal(name: "an unknown decoder", family: "llama2", change: { $0["decoder"] = ["type": "WordPiece", "prefix": "##"] },
                expected: "decoder.type: \"WordPiece\" is not supported"),
        Refusal(name: "an unknown post-processor", family: "gpt2", change: { $0["post_processor"] = ["type": "BertProcessing"] },
                expected: "post_processor.type: \"BertProcessing\" is not supported (supported: TemplateProcessing, ByteLevel, Sequence)"),
        Refusal(name: "a Split behavior that does not exist", family: "llama3", change: {
            var pre = $0["pre_tokenizer"] as! [String: Any]
            var steps = pre["pretokenizers"] as! [[String: Any]]
            steps[0]["behavior"] = "Sideways"
            pre["pretokenizers"] = steps
            $0["pre_tokenizer"] = pre
        }, expected: "pre_tokenizer.pretokenizers[0].behavior: \"Sideways\" is not supported (supported: Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous)"),
        Refusal(name: "a regex with lookbehind", family: "llama3", change: {
            var pre = $0["pre_tokenizer"] as! [String: Any]
            var steps = pre["pretokenizers"] as! [[String: Any]]
            steps[0]["pattern"] = ["Regex": "(?<=a)b"]
            pre["pretokenizers"] = steps
            $0["pre_tokenizer"] = pre
        }, expected: "pre_tokenizer.pretokenizers[0].pattern.Regex: \"(?<=a)b\": lookbehind and named groups are not supported"),
        Refusal(name: "a Metaspace prepend scheme that does not exist", family: "mistral", change: {
            var pre = $0["pre_tokenizer"] as! [String: Any]
            pre["prepend_scheme"] = "sometimes"
            $0["pre_tokenizer"] = pre
        }, expected: "pre_tokenizer.prepend_scheme: \"sometimes\" is not supported (supported: first, always, never)"),
        Refusal(name: "an unk_token missing from the vocabulary", family: "llama2", change: {
            var model = $0["model"] as! [String: Any]
            model["unk_token"] = "<nope>"
            $0["model"] = model
        }, expected: "model.unk_token: \"<nope>\" is not in model.vocab"),
        Refusal(name: "word affixes", family: "gpt2", change: {
            var model = $0["model"] as! [String: Any]
            model["continuing_subword_prefix"] = "##"
            $0["model"] = model
        }, expected: "model.continuing_subword_prefix: \"##\" is not supported (word affixes are not implemented)"),
        Refusal(name: "truncation", family: "gpt2", change: { $0["truncation"] = ["max_length": 8, "strategy": "LongestFirst"] },
                expected: "truncation: {\"max_length\": 8, \"strategy\": \"LongestFirst\"} is not supported"),
        Refusal(name: "a template naming a special token it does not define", family: "llama2", change: {
            var post = $0["post_processor"] as! [String: Any]
            post["special_tokens"] = [String: Any]()
            $0["post_processor"] = post
        }, expected: "post_processor.single[0].SpecialToken.id: \"<s>\" is not in special_tokens"),
        Refusal(name: "an added token without content", family: "llama3", change: {
            $0["added_tokens"] = ($0["added_tokens"] as! [Any]) + [["id": 500, "special": true]]
        }, expected: "added_tokens[8].content: is missing (expected a string)"),
    ]

    @Test("An unsupported feature is an error naming the file and the field path", arguments: refusals)
    func refusedFeature(_ refusal: Refusal) throws {
        let directory = try modifiedFixture(refusal.family, refusal.change)
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: TokenizerFileError.self) { try Tokenizer(directory: directory) }
        #expect(error?.file == directory.appendingPathComponent("tokenizer.json").path)
        #expect(error?.description.contains(refusal.expected) == true, "\(refusal.name): \(error?.description ?? "no error")")
    }

    @Test("A tokenizer_config.json that is not JSON is an error naming that file")
    func brokenConfig() throws {
        let directory = try modifiedFixture("gpt2") { _ in }
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("{\"bos_token\": ".utf8).write(to: directory.appendingPathComponent("tokenizer_config.json"))
        let error = #expect(throws: TokenizerFileError.self) { try Tokenizer(directory: directory) }
        #expect(error?.file.hasSuffix("tokenizer_config.json") == true)
        #expect(error?.problem.contains("is not valid JSON") == true)
    }
}
