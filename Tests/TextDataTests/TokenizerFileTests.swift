import Foundation
import Testing
import TextData
import Tokenization

@Suite("tokenizer.json files")
struct TokenizerFileTests {
    @Test("Saving and loading gives the same vocabulary, merges and encodings")
    func saveLoadRoundTrip() throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenizer = BPETokenizer.train(texts: TokenizerFixtures.smallCorpus, vocabularySize: 400)
        try tokenizer.savePretrained(to: directory, modelMaxLength: 256)

        let loaded = try BPETokenizer(contentsOf: directory)
        #expect(loaded == tokenizer)
        #expect(loaded.tokens == tokenizer.tokens)
        #expect(loaded.merges == tokenizer.merges)
        var generator = SplitMix64(seed: 3)
        for text in TokenizerFixtures.smallCorpus + (0..<100).map({ _ in TokenizerFixtures.randomText(using: &generator) }) {
            #expect(loaded.encode(text) == tokenizer.encode(text))
        }
    }

    @Test("savePretrained writes the tokenizer_config.json AutoTokenizer needs")
    func transformersConfig() throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try BPETokenizer.train(texts: TokenizerFixtures.smallCorpus, vocabularySize: 300).savePretrained(to: directory, modelMaxLength: 512)
        let data = try Data(contentsOf: directory.appendingPathComponent("tokenizer_config.json"))
        let config = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(config["tokenizer_class"] as? String == "PreTrainedTokenizerFast")
        #expect(config["bos_token"] as? String == "<s>")
        #expect(config["eos_token"] as? String == "</s>")
        #expect(config["pad_token"] as? String == "<pad>")
        #expect(config["model_max_length"] as? Int == 512)
        #expect(config["split_special_tokens"] as? Bool == true)
        #expect(config["clean_up_tokenization_spaces"] as? Bool == false)
    }

    @Test("Merges written as \"a b\" strings load like merges written as pairs")
    func mergesAsStrings() throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenizer = BPETokenizer.train(texts: TokenizerFixtures.smallCorpus, vocabularySize: 320)
        let file = directory.appendingPathComponent("tokenizer.json")
        try tokenizer.save(to: file)
        try rewrite(file) { document in
            var model = document["model"] as! [String: Any]
            model["merges"] = (model["merges"] as! [[String]]).map { $0.joined(separator: " ") }
            document["model"] = model
        }
        #expect(try BPETokenizer(contentsOf: file) == tokenizer)
    }

    @Test("A malformed file throws an error naming the file and the problem", arguments: TokenizerFileTests.malformations)
    func malformedFiles(_ malformation: Malformation) throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("tokenizer.json")
        try BPETokenizer.train(texts: TokenizerFixtures.smallCorpus, vocabularySize: 300).save(to: file)
        switch malformation.change {
        case .text(let text): try Data(text.utf8).write(to: file)
        case .json(let change): try rewrite(file, change)
        case .remove: try FileManager.default.removeItem(at: file)
        }

        let error = #expect(throws: TokenizerFileError.self) { try BPETokenizer(contentsOf: file) }
        #expect(error?.file == file.path)
        #expect(error?.description.contains(malformation.expected) == true,
                "\(malformation.name): \(error?.description ?? "no error")")
    }

    @Test("With TEXTDATA_PARITY_DIR set, writes a tokenizer, cases.jsonl and golden/ for hf_tokenizer_check.py",
          .enabled(if: ProcessInfo.processInfo.environment["TEXTDATA_PARITY_DIR"] != nil))
    func writeParityCases() throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["TEXTDATA_PARITY_DIR"]!)
        let tokenizer = BPETokenizer.train(texts: TokenizerFixtures.smallCorpus, vocabularySize: 400)
        try tokenizer.savePretrained(to: directory, modelMaxLength: 256)
        var generator = SplitMix64(seed: 99)
        let texts = TokenizerFixtures.smallCorpus + [TokenizerFixtures.smallCorpus.joined(separator: "\n")] + (0..<1000).map { _ in
            TokenizerFixtures.randomText(using: &generator, maxParts: 24)
        }
        var lines = ""
        for text in texts {
            let ids = tokenizer.encode(text).map(Int.init)
            let data = try JSONSerialization.data(withJSONObject: ["text": text, "ids": ids] as [String: Any])
            lines += String(decoding: data, as: UTF8.self) + "\n"
        }
        try Data(lines.utf8).write(to: directory.appendingPathComponent("cases.jsonl"))

        // The tokenizer behind BPETokenizerTests' golden ids, for regenerating them with --emit.
        let golden = directory.appendingPathComponent("golden")
        try FileManager.default.createDirectory(at: golden, withIntermediateDirectories: true)
        try BPETokenizer(contentsOf: GoldenTokenizer.file(in: golden)).savePretrained(to: golden, modelMaxLength: 256)
    }
}

extension TokenizerFileTests {
    /// One way to break a tokenizer.json, and words the error must contain.
    struct Malformation: Sendable, CustomTestStringConvertible {
        enum Change: Sendable {
            case text(String)
            case json(@Sendable (inout [String: Any]) -> Void)
            case remove
        }
        var name: String
        var change: Change
        var expected: String
        var testDescription: String { name }
    }

    static let malformations: [Malformation] = [
        .init(name: "missing file", change: .remove, expected: "cannot be read"),
        .init(name: "not JSON", change: .text("{\"version\": \"1.0\", "), expected: "is not valid JSON"),
        .init(name: "an array", change: .text("[]"), expected: "the top level must be a JSON object"),
        .init(name: "no model", change: .json { $0["model"] = nil }, expected: "model: is missing"),
        .init(name: "an unsupported pre-tokenizer", change: .json { $0["pre_tokenizer"] = ["type": "Whitespace"] },
              expected: "pre_tokenizer.type: \"Whitespace\" is not supported (supported: Sequence, ByteLevel, Metaspace, Split, Digits)"),
        .init(name: "an unsupported step of the pre-tokenizer", change: .json {
            $0["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [
                ["type": "Digits", "individual_digits": true],
                ["type": "WhitespaceSplit"],
            ]]
        }, expected: "pre_tokenizer.pretokenizers[1].type: \"WhitespaceSplit\" is not supported"),
        .init(name: "an unsupported normalizer", change: .json { $0["normalizer"] = ["type": "BertNormalizer"] },
              expected: "normalizer.type: \"BertNormalizer\" is not supported"),
        .init(name: "a template post-processor without a template", change: .json { $0["post_processor"] = ["type": "TemplateProcessing"] },
              expected: "post_processor.single: is missing"),
        .init(name: "dropout", change: .json { modifyModel(&$0) { $0["dropout"] = 0.1 } },
              expected: "model.dropout: 0.1 is not supported (dropout makes encoding random)"),
        .init(name: "a WordPiece model", change: .json { modifyModel(&$0) { $0["type"] = "WordPiece" } },
              expected: "model.type: \"WordPiece\" is not supported (supported: BPE)"),
        .init(name: "an id that is a string", change: .json { modifyVocab(&$0) { $0["Ġthe"] = "7" } },
              expected: "must be a non-negative integer"),
        .init(name: "a gap in the ids", change: .json { modifyVocab(&$0) { $0["Ġthe"] = 5000 } },
              expected: "without gaps"),
        .init(name: "two tokens with one id", change: .json { modifyVocab(&$0) { $0["Ġthe"] = 3 } },
              expected: "id 3 is given to both"),
        .init(name: "a character that is no byte", change: .json { modifyVocab(&$0) { $0["ń"] = $0.count } },
              expected: "U+0144, which is not one of ByteLevel's 256 byte characters"),
        .init(name: "a byte missing", change: .json { modifyVocab(&$0) { $0["ĠĠĠĠĠĠĠĠĠĠĠĠĠĠĠĠĠĠĠĠ"] = $0.removeValue(forKey: "ÿ") } },
              expected: "lacks 1 of the 256 byte tokens, e.g. \"ÿ\""),
        .init(name: "too few tokens", change: .json {
            modifyModel(&$0) { $0["vocab"] = ["<pad>": 0, "<s>": 1, "</s>": 2]; $0["merges"] = [] as [Any] }
        }, expected: "a byte-level vocabulary has at least 259"),
        .init(name: "a merge of unknown tokens", change: .json { modifyMerges(&$0) { $0.append(["q", "qqqqq"]) } },
              expected: "\"qqqqq\" is not in model.vocab"),
        .init(name: "a merge whose result is unknown", change: .json { modifyMerges(&$0) { $0.append(["q", "j"]) } },
              expected: "\"qj\" is not in model.vocab"),
        .init(name: "a merge of three tokens", change: .json { modifyMerges(&$0) { $0.append("a b c") } },
              expected: "must name exactly two tokens"),
        .init(name: "a merge that is a number", change: .json { modifyMerges(&$0) { $0.append(7) } },
              expected: "must be \"a b\" or [\"a\", \"b\"]"),
        .init(name: "no specials", change: .json { $0["added_tokens"] = [] as [Any] },
              expected: "lacks the special token <pad> with id 0"),
        .init(name: "an unknown added token", change: .json {
            $0["added_tokens"] = ($0["added_tokens"] as! [Any]) + [["id": 3, "content": "!", "special": true]]
        }, expected: "only the specials <pad> = 0, <s> = 1, </s> = 2"),
    ]
}

private func modifyModel(_ document: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
    var model = document["model"] as! [String: Any]
    change(&model)
    document["model"] = model
}

private func modifyVocab(_ document: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
    modifyModel(&document) { model in
        var vocab = model["vocab"] as! [String: Any]
        change(&vocab)
        model["vocab"] = vocab
    }
}

private func modifyMerges(_ document: inout [String: Any], _ change: (inout [Any]) -> Void) {
    modifyModel(&document) { model in
        var merges = model["merges"] as! [Any]
        change(&merges)
        model["merges"] = merges
    }
}

/// Reads a JSON file, changes it, writes it back.
private func rewrite(_ file: URL, _ change: (inout [String: Any]) -> Void) throws {
    var document = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
    change(&document)
    try JSONSerialization.data(withJSONObject: document).write(to: file)
}
