import Testing
import TextData

@Suite("Instruction records and Lit-GPT's Alpaca prompt")
struct InstructionRecordTests {
    @Test("With an input, the prompt is Lit-GPT's prompts.Alpaca text exactly")
    func promptWithInput() {
        let record = InstructionRecord(
            instruction: "Rewrite the sentence in the past tense.", input: "The girl breaks the vase.",
            output: "The girl broke the vase.")
        let litGPT = "Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\nRewrite the sentence in the past tense.\n\n### Input:\nThe girl breaks the vase.\n\n### Response:\n"
        #expect(record.prompt == litGPT)
        #expect(record.response == "The girl broke the vase.")
    }

    @Test("Without an input, the prompt is Lit-GPT's shorter template exactly")
    func promptWithoutInput() {
        let record = InstructionRecord(instruction: "What is 59 minus 38?", output: "21")
        let litGPT = "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\nWhat is 59 minus 38?\n\n### Response:\n"
        #expect(record.input == "")
        #expect(record.prompt == litGPT)
        #expect(record.response == "21")
        #expect(InstructionRecord.alpacaPrompt(instruction: "What is 59 minus 38?") == litGPT)
    }

    @Test("Like Python's kwargs.get(\"input\"), only an empty input drops the input section")
    func inputTruthiness() {
        #expect(!InstructionRecord(instruction: "a", input: "", output: "b").prompt.contains("### Input:"))
        #expect(InstructionRecord(instruction: "a", input: " ", output: "b").prompt.contains("### Input:\n \n\n"))
    }

    @Test("The response is the output verbatim: no space, no newline, no eos added")
    func responseVerbatim() {
        let record = InstructionRecord(instruction: "Say it.", output: "  two lines\nhere ")
        #expect(record.response == "  two lines\nhere ")
        #expect((record.prompt + record.response).hasSuffix("### Response:\n  two lines\nhere "))
    }
}
