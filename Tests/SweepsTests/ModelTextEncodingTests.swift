import Foundation
import Sweeps
import Testing
import Tokenization

/// A model directory's text encoding: the committed base model reads text exactly as before, a Hugging
/// Face tokenizer as `sweep tokenize` does, and a tokenizer larger than the model is refused.
@Suite("Model text encoding")
struct ModelTextEncodingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let base = root.appendingPathComponent("results/base").path
    static let texts = ["", "The river flows to the sea.", "Question: What is 59 minus 38?\nAnswer: 21",
                        " two  spaces, <s> and </s> as text, café 🙂\n"]

    @Test("results/base encodes text as it always has: <s>, then its BPETokenizer's ids; a continuation without <s>")
    func committedBaseUnchanged() throws {
        let old = try BPETokenizer(contentsOf: URL(fileURLWithPath: Self.base).appendingPathComponent("tokenizer.json"))

        let encoding = try TextEncoding.of(modelDirectory: Self.base, vocabSize: old.vocabularySize)
        let baseEncoding = try BaseModel.encoding(Self.base)

        for text in Self.texts {
            #expect(encoding.encode(text) == old.encode(text, addBOS: true), "\(text.debugDescription)")
            #expect(encoding.encodeContinuation(text) == old.encode(text), "\(text.debugDescription)")
            #expect(baseEncoding.encode(text) == old.encode(text, addBOS: true), "\(text.debugDescription)")
        }
    }

    @Test("A Hugging Face model directory's text is encoded as its tokenizer encodes it, special tokens included")
    func huggingFaceDirectory() throws {
        let fixture = Self.root.appendingPathComponent("Tests/TokenizationTests/fixtures/llama2")
        let tokenizer = try Tokenizer(directory: fixture)

        let encoding = try TextEncoding.of(modelDirectory: fixture.path, vocabSize: tokenizer.vocabularySize)

        for text in Self.texts {
            #expect(encoding.encode(text) == tokenizer.encode(text), "\(text.debugDescription)")
        }
        #expect(encoding.encode("Hello").first == tokenizer.bosTokenID)
    }

    @Test("A tokenizer with more ids than the model's vocabulary is bad input naming both sizes")
    func tokenizerLargerThanModel() throws {
        let fixture = Self.root.appendingPathComponent("Tests/TokenizationTests/fixtures/gpt2")
        #expect {
            try TextEncoding.of(modelDirectory: fixture.path, vocabSize: 100)
        } throws: { error in
            "\(error)".contains("400 tokens") && "\(error)".contains("vocabulary is 100")
        }
    }
}
