import Testing
import TextData

/// One id per character (its code point + 10), and the specials it is given: enough to see where
/// every token of an example comes from.
struct CharacterEncoder: TemplateEncoder {
    var specials: [String: Int32] = ["<s>": 1, "</s>": 2]

    func encodeOpening(_ text: String) -> [Int32] { [1] + encodeContinuation(text) }
    func encodeContinuation(_ text: String) -> [Int32] { text.unicodeScalars.map { Int32($0.value) + 10 } }
    func specialTokenID(_ token: String) -> Int32? { specials[token] }
}

@Suite("Rendered examples in ids: each piece encoded on its own, special tokens by id, a learned flag per token")
struct MaskedTokensTests {
    let encoder = CharacterEncoder()

    func ids(_ text: String) -> [Int32] { encoder.encodeContinuation(text) }

    @Test("Alpaca's prompt opens with the tokenizer's <s>; the reply is learned")
    func alpaca() throws {
        let rendered = try ConversationTemplate(.alpaca).render(.completion(prompt: "Q", completion: "A"))
        let masked = rendered.encoded(with: encoder)
        let prompt = [1] + ids(InstructionRecord.alpacaPrompt(instruction: "Q"))
        #expect(masked.tokens == prompt + ids("A"))
        #expect(masked.learned == prompt.map { _ in false } + [true])
        #expect(masked.endsWithEOS && masked.firstLearned == prompt.count && masked.learnedSpans == [prompt.count..<prompt.count + 1])
    }

    @Test("Special tokens the tokenizer has are one id each; those it lacks are encoded as text")
    func specials() throws {
        let record = DatasetRecord.completion(prompt: "Q", completion: "A")
        let llama2 = try ConversationTemplate(.llama2).render(record).encoded(with: encoder)
        #expect(llama2.tokens == [1] + ids("[INST] Q [/INST]") + ids(" A ") + [2])
        let chatml = try ConversationTemplate(.chatml).render(record).encoded(with: encoder)
        #expect(chatml.tokens == ids("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\nA<|im_end|>\n"))
        var withChatML = encoder
        withChatML.specials["<|im_start|>"] = 3
        withChatML.specials["<|im_end|>"] = 4
        #expect(try ConversationTemplate(.chatml).render(record).encoded(with: withChatML).tokens
            == [3] + ids("user\nQ") + [4] + ids("\n") + [3] + ids("assistant\n") + ids("A") + [4] + ids("\n"))
    }

    @Test("A conversation's learned spans are its replies, each with its end of turn")
    func spans() throws {
        let record = DatasetRecord.conversation([ChatMessage(.user, "a"), ChatMessage(.assistant, "b"), ChatMessage(.user, "c"), ChatMessage(.assistant, "d")])
        let masked = try ConversationTemplate(.llama2).render(record).encoded(with: encoder)
        // <s> [INST] a [/INST] | " b " </s> | <s> [INST] c [/INST] | " d " </s>
        let turn = 1 + ids("[INST] a [/INST]").count
        #expect(masked.learnedSpans == [turn..<turn + 4, 2 * turn + 4..<2 * turn + 8])
        #expect(!masked.endsWithEOS)
    }
}
