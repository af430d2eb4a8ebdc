/// The Alpaca template: Lit-GPT's prompt around the instruction (and input), the output as the reply,
/// then the model's end-of-sequence token. The prompt is encoded with the tokenizer's special tokens
/// (its `<s>`), the reply as a continuation: what every run before templates trained on.
enum AlpacaRendering {
    static func render(_ record: DatasetRecord) throws(TemplateError) -> RenderedExample {
        let instruction: InstructionRecord
        switch record {
        case .instruction(let alpaca):
            instruction = alpaca
        case .completion(let prompt, let completion):
            instruction = InstructionRecord(instruction: prompt, output: completion)
        case .conversation(let messages):
            guard messages.count == 2, messages[0].role == .user else {
                let turns = messages.filter { $0.role != .system }.count
                let what = messages.first?.role == .system ? "a system message and \(turns) messages" : "\(turns) messages"
                throw TemplateError("the alpaca template holds one user message and the assistant's reply (Alpaca's instruction and output), this conversation has \(what): give template = \"chatml\", \"llama-2\" or \"model\"")
            }
            instruction = InstructionRecord(instruction: messages[0].content, output: messages[1].content)
        }
        return RenderedExample(
            pieces: [.text(instruction.prompt, learned: false), .text(instruction.response, learned: true)],
            opensWithTokenizerSpecials: true, endsWithEOS: true)
    }
}
