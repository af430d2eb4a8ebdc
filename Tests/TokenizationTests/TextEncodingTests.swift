import Foundation
import Testing
import Tokenization

/// How a model reads text: a Hugging Face tokenizer as AutoTokenizer encodes, the project's own with <s>.
@Suite("Text encoding")
struct TextEncodingTests {
    @Test("A Hugging Face tokenizer encodes a text as AutoTokenizer does, a continuation without special tokens",
          arguments: TokenizerFixtures.families)
    func huggingFaceTokenizers(_ family: String) throws {
        let encoding = TextEncoding(try TokenizerFixtures.tokenizer(family))
        guard case .tokenizer = encoding else {
            Issue.record("\(family) was taken for the project's own tokenizer")
            return
        }
        for golden in try TokenizerFixtures.goldens(family).cases {
            #expect(encoding.encode(golden.text) == golden.ids, "\(family): \(golden.text.debugDescription)")
            #expect(encoding.encodeContinuation(golden.text) == golden.idsWithoutSpecials, "\(family): \(golden.text.debugDescription)")
            #expect(sameBytes(encoding.decode(golden.ids), golden.decoded), "\(family): \(golden.ids)")
        }
    }

    @Test("An empty context is the BOS token (Llama 2, Llama 3), else the EOS token (GPT-2's <|endoftext|>)")
    func prefixToken() throws {
        for family in ["llama2", "llama3", "gpt2"] {
            let tokenizer = try TokenizerFixtures.tokenizer(family)
            let expected = tokenizer.bosTokenID ?? tokenizer.eosTokenID
            #expect(expected != nil, "\(family) names neither a BOS nor an EOS token")
            #expect(TextEncoding(tokenizer).prefixID == expected, "\(family)")
        }
    }

    @Test("The project's own tokenizer, read from its saved directory, keeps <s> in front of a text and none before a continuation")
    func projectTokenizer() throws {
        let trained = BPETokenizer.train(texts: ["the river flows to the sea", "the sea is wide"], vocabularySize: 300)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("TokenizationTests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try trained.savePretrained(to: directory, modelMaxLength: 64)

        let encoding = TextEncoding(try Tokenizer(directory: directory))

        guard case .project = encoding else {
            Issue.record("the project's own tokenizer was not recognised")
            return
        }
        let text = "the river <s> flows"
        #expect(encoding.encode(text) == trained.encode(text, addBOS: true))
        #expect(encoding.encode(text).first == SpecialToken.bos.id)
        #expect(encoding.encodeContinuation(text) == trained.encode(text))
        #expect(encoding.prefixID == SpecialToken.bos.id)
        #expect(encoding.vocabularySize == trained.vocabularySize)
    }
}
