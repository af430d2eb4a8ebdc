import Sweeps
import ArgumentParser
import Model

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Continue a sequence by greedy decoding (always the most likely next token).")

    @Option(help: "A model directory (config.json + model.safetensors).")
    var model: String

    @OptionGroup var input: InputOptions

    @OptionGroup var adapterOptions: AdapterOptions

    @Option(name: .customLong("max-new"), help: "The most tokens to add.")
    var maxNew: Int = 32

    @Flag(help: "Print one JSON object: {\"ids\": prompt, \"generated\": […]} (and \"text\" with --text).")
    var json = false

    @OptionGroup var compute: ComputeOptions

    struct Output: Encodable {
        let ids: [Int32]
        let generated: [Int32]
        let text: String?
    }

    func validate() throws {
        guard maxNew >= 0 else { throw ValidationError("--max-new must be 0 or more, got \(maxNew)") }
    }

    func run() throws {
        try compute.apply()
        let llama = try adapterOptions.attach(to: ModelDirectory.load(model))
        let (prompt, encoding) = try input.tokens(model: model, vocabSize: llama.config.vocabSize)
        guard !prompt.isEmpty else { throw BadInput("the prompt needs at least one token") }
        let stop = llama.config.eosTokenID.map(Int32.init)
        let generated = llama.generateGreedy(prompt: prompt, maxNewTokens: maxNew, stop: stop)
        let text = encoding.map { input.text! + $0.decode(generated) }
        if json { return try printJSON(Output(ids: prompt, generated: generated, text: text)) }
        print(text ?? generated.map(String.init).joined(separator: ","))
    }
}
