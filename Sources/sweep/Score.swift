import Adapters
import ArgumentParser
import Foundation
import Model

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the log-probability of every token of a sequence given the ones before it.",
        discussion: "For ids x₀…xₙ₋₁ prints n−1 numbers: logprobs[i] = log p(xᵢ₊₁ | x₀…xᵢ).")

    @Option(help: "A model directory (config.json + model.safetensors).")
    var model: String

    @Option(help: "Token ids, comma- or space-separated, e.g. 1,2,3,4.")
    var ids: String

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
        let llama = try adapterOptions.attach(to: loadModel(model), capacityRows: loadConfig(model).maxSeqLen)
        let tokens = try parseIDs(ids, vocabSize: llama.config.vocabSize)
        guard tokens.count >= 2 else { throw ValidationError("--ids needs at least two tokens to score") }
        guard tokens.count <= llama.config.maxSeqLen else {
            throw ValidationError("--ids has \(tokens.count) tokens, more than the model's max_position_embeddings (\(llama.config.maxSeqLen))")
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
