import Kernels
import Testing
import TextData
import Tokenization
import Training
@testable import Sweeps

/// The trainer's end-of-sequence id for the tiny tokenizer: `</s>`.
private let eos: Int32 = 1

/// An example as training sees it: its text token by token, the tokens that are targets of the loss
/// between ⟦ and ⟧, and the positions whose targets they are. Checks on the way that each learned
/// target is the next token of the sequence.
private func lossPicture(_ example: InstructionExample, _ tokenizer: Tokenizer) -> (picture: String, learnedPositions: [Int]) {
    let sequence = example.prompt + example.response + (example.endsWithEOS ? [eos] : [])
    let capacity = 512
    var inputs = [Int32](repeating: 0, count: capacity), targets = [Int32](repeating: 0, count: capacity)
    let length = inputs.withUnsafeMutableBufferPointer { i in
        targets.withUnsafeMutableBufferPointer { t in example.write(inputs: i.baseAddress!, targets: t.baseAddress!, maxLength: capacity, eos: eos) }
    }
    #expect(length == sequence.count - 1 && Array(inputs[..<length]) == Array(sequence.dropLast()))
    var picture = tokenizer.token(for: sequence[0])!
    var inside = false
    var learned: [Int] = []
    for position in 0..<length {
        let isLearned = targets[position] != ignoreIndex
        if isLearned {
            learned.append(position)
            #expect(targets[position] == sequence[position + 1], "position \(position)'s target is not the next token")
        }
        if isLearned != inside { picture += isLearned ? "⟦" : "⟧" }
        inside = isLearned
        picture += tokenizer.token(for: sequence[position + 1])!
    }
    return (picture + (inside ? "⟧" : ""), learned)
}

@Suite("Loss masks: exactly the assistant's tokens carry loss, for every layout and template")
struct LossMaskTests {
    let tokenizer: Tokenizer
    init() throws { tokenizer = try TinyTokenizer.make() }

    static let alpacaRecord = DatasetRecord.instruction(InstructionRecord(instruction: "Hi", output: "Yo"))
    static let completion = DatasetRecord.completion(prompt: "Hi", completion: "Yo")
    static let exchange = DatasetRecord.conversation([ChatMessage(.user, "Hi"), ChatMessage(.assistant, "Yo")])
    static let conversation = DatasetRecord.conversation([
        ChatMessage(.system, "Be brief."), ChatMessage(.user, "Hi"), ChatMessage(.assistant, "Yo"),
        ChatMessage(.user, "Why?"), ChatMessage(.assistant, "Because"),
    ])

    func picture(_ record: DatasetRecord, _ style: ConversationTemplate.Style) throws -> String {
        let masked = try ConversationTemplate(style).render(record).encoded(with: tokenizer)
        return lossPicture(InstructionExample(masked), tokenizer).picture
    }

    @Test("alpaca: the output and the trainer's </s>, whichever layout gave the exchange",
          arguments: [alpacaRecord, completion, exchange])
    func alpaca(record: DatasetRecord) throws {
        #expect(try picture(record, .alpaca) == "<s>Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\nHi\n\n### Response:\n⟦Yo</s>⟧")
    }

    @Test("chatml: the reply and its <|im_end|>; not the newline after it, not the trainer's </s>",
          arguments: [alpacaRecord, completion, exchange])
    func chatmlExchange(record: DatasetRecord) throws {
        #expect(try picture(record, .chatml) == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n⟦Yo<|im_end|>⟧\n")
    }

    @Test("llama-2: the reply with the spaces around it and its </s>", arguments: [alpacaRecord, completion, exchange])
    func llama2Exchange(record: DatasetRecord) throws {
        #expect(try picture(record, .llama2) == "<s>[INST] Hi [/INST]⟦ Yo </s>⟧")
    }

    @Test("A conversation learns each assistant reply; the system message and later user turns carry no loss")
    func conversations() throws {
        #expect(try picture(Self.conversation, .chatml) == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n⟦Yo<|im_end|>⟧\n<|im_start|>user\nWhy?<|im_end|>\n<|im_start|>assistant\n⟦Because<|im_end|>⟧\n")
        #expect(try picture(Self.conversation, .llama2) == "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST]⟦ Yo </s>⟧<s>[INST] Why? [/INST]⟦ Because </s>⟧")
    }

    @Test("The positions: llama-2's <s> + 17 characters of prompt, then the 5 targets ' ', 'Y', 'o', ' ', '</s>'")
    func positions() throws {
        let masked = try ConversationTemplate(.llama2).render(Self.exchange).encoded(with: tokenizer)
        #expect(masked.tokens.count == 23)
        #expect(lossPicture(InstructionExample(masked), tokenizer).learnedPositions == Array(17...21))
        #expect(InstructionExample(masked).prompt.count == 18 && InstructionExample(masked).responseLoss == nil)
    }

    @Test("An Alpaca example is the one every run before templates trained on: the prompt after <s>, the output, the eos")
    func alpacaUnchanged() throws {
        let record = InstructionRecord(instruction: "Hi", output: "Yo")
        let masked = try ConversationTemplate(.alpaca).render(.instruction(record)).encoded(with: tokenizer)
        #expect(InstructionExample(masked) == InstructionExample(prompt: tokenizer.encode(record.prompt), response: tokenizer.encode(record.response, addSpecialTokens: false)))
    }

    @Test("Held-out loss scores the same tokens: one request per reply, after everything before it")
    func heldOutReplies() throws {
        let masked = try ConversationTemplate(.llama2).render(Self.conversation).encoded(with: tokenizer)
        let replies = masked.heldOutReplies(eos: eos, maxLength: 128)
        #expect(replies.map { $0.continuation.map { tokenizer.token(for: $0)! }.joined() } == [" Yo </s>", " Because </s>"])
        for (reply, span) in zip(replies, masked.learnedSpans) {
            #expect(reply.context == Array(masked.tokens[..<span.lowerBound]))
        }
        #expect(masked.heldOutReplies(eos: eos, maxLength: 3).map(\.continuation.count) == [3, 3])
        let alpaca = try ConversationTemplate(.alpaca).render(Self.alpacaRecord).encoded(with: tokenizer).heldOutReplies(eos: eos, maxLength: 128)
        #expect(alpaca.count == 1 && alpaca[0].continuation == tokenizer.encode("Yo", addSpecialTokens: false) + [eos])
    }
}
