import Adapters
import ArgumentParser
import Foundation
import Sweeps
import Model

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the log-probability of every token of a sequence given the ones before it.",
        discussion: """
            For tokens x₀…xₙ₋₁ (given as --ids, or as --text) prints n−1 numbers: logprobs[i] = log p(xᵢ₊₁ | x₀…xᵢ). \
            Text is encoded as `sweep tokenize` encodes it, so a Hugging Face model directory's tokenizer.json \
            (Llama 2's, Llama 3's, GPT-2's, SmolLM's…) gives transformers' ids, special tokens included; \
            this project's own tokenizers put <s> in front.

            Examples:
              sweep score --model models/base --text "The river flows to the sea."
              sweep score --model models/base --ids 1,40,41,42 --json
            """)

    @Option(help: "A model directory (config.json + model.safetensors).")
    var model: String

    @OptionGroup var input: InputOptions

    @OptionGroup var adapterOptions: AdapterOptions

    @Flag(help: "Print one JSON object: {\"ids\": […], \"logprobs\": […]}.")
    var json = false

    @OptionGroup var compute: ComputeOptions

    struct Output: Encodable {
        let ids: [Int32]
        let logprobs: [Float]
    }

    func run() throws {
        try compute.apply()
        let llama = try adapterOptions.attach(to: ModelDirectory.load(model))
        let (tokens, _) = try input.tokens(model: model, vocabSize: llama.config.vocabSize)
        guard tokens.count >= 2 else { throw BadInput("the input has \(tokens.count) token(s); scoring needs at least two") }
        guard tokens.count <= llama.config.maxSeqLen else {
            throw BadInput("the input has \(tokens.count) tokens, more than the model's max_position_embeddings (\(llama.config.maxSeqLen))")
        }
        let logprobs = llama.logProbabilities(of: tokens)
        if json { return try printJSON(Output(ids: tokens, logprobs: logprobs)) }
        print("position  token  log p(token | before)")
        for (i, value) in logprobs.enumerated() {
            print(String(format: "%8d  %5d  %.6f", i + 1, tokens[i + 1], value))
        }
        print(String(format: "total %.6f over %d tokens", logprobs.reduce(0, +), logprobs.count))
    }
}
