import Testing
import Tokenization

@Suite("Long inputs")
struct LongInputTests {
    /// One word of 200,000 letters (a single piece for Llama 2's pipeline, which has no pre-tokenizer),
    /// 100,000 spaces between two words (backtracking in Llama 3's `\s+(?!\S)`), and a long mixed text.
    static let texts = [
        String(repeating: "abcdefghij", count: 20_000),
        "x" + String(repeating: " ", count: 100_000) + "x",
        String(repeating: "The river flows 12345 times to the sea, café 🙂!\n", count: 2_000),
    ]

    @Test("Long inputs encode in bounded time and decode back to themselves",
          .timeLimit(.minutes(2)), arguments: ["llama2", "mistral", "llama3", "gpt2"])
    func longInputsRoundTrip(_ family: String) throws {
        let tokenizer = try TokenizerFixtures.tokenizer(family)
        for text in Self.texts {
            let ids = tokenizer.encode(text, addSpecialTokens: false)
            #expect(sameBytes(tokenizer.decode(ids, skipSpecialTokens: true), text), "\(family): \(text.prefix(20))…")
        }
    }
}
