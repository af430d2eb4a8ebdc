/// One instruction-tuning example with Alpaca's three fields, and the text the model sees.
///
/// `prompt` is Lit-GPT's Alpaca prompt style (`litgpt/prompts.py`, class `Alpaca`) applied to the
/// instruction and input; `response` is the output, verbatim. Lit-GPT's `SFTDataset` trains on
/// `prompt + response` (+ eos) with the loss masked over the prompt, which is what
/// `Training.InstructionData` does with a `{"prompt", "response"}` line (`AlpacaFile.trainingJSONLines`).
///
/// ```swift
/// let record = InstructionRecord(instruction: "Who founded Belmora?", output: "Edwin Marsh")
/// record.prompt    // "Below is an instruction that describes a task. …### Response:\n"
/// record.response  // "Edwin Marsh"
/// ```
public struct InstructionRecord: Sendable, Hashable, Codable {
    public var instruction: String
    /// Further context; empty when there is none (Alpaca's `""`).
    public var input: String
    public var output: String

    public init(instruction: String, input: String = "", output: String) {
        self.instruction = instruction
        self.input = input
        self.output = output
    }

    /// What the model is given: the Alpaca template around the instruction (and the input, if any).
    public var prompt: String { Self.alpacaPrompt(instruction: instruction, input: input) }

    /// What the model learns to write: the output, unchanged.
    public var response: String { output }

    /// Lit-GPT's `prompts.Alpaca().apply(instruction, input=input)`, exactly. Like Python's
    /// `kwargs.get("input")`, only an empty input selects the template without an input section
    /// (an input of spaces is still an input).
    public static func alpacaPrompt(instruction: String, input: String = "") -> String {
        if !input.isEmpty {
            return "Below is an instruction that describes a task, paired with an input that provides further context. "
                + "Write a response that appropriately completes the request.\n\n"
                + "### Instruction:\n\(instruction)\n\n### Input:\n\(input)\n\n### Response:\n"
        }
        return "Below is an instruction that describes a task. "
            + "Write a response that appropriately completes the request.\n\n"
            + "### Instruction:\n\(instruction)\n\n### Response:\n"
    }
}
