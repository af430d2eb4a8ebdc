import Adapters
import ArgumentParser
import Foundation
import Sweeps
import Model

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fold a LoRA adapter into its base model and write a plain checkpoint.",
        discussion: """
            W ← W + scale · B·A for every adapted projection. An adapter trained over an NF4 base \
            is merged into the dequantized NF4 weights it was trained with, so the merged model \
            computes what the adapted model computed. An adapted head of a model with tied \
            embeddings gets a weight of its own: the merged model is untied. The base's tokenizer files \
            are copied beside it.
            """)

    @Option(help: "The base model directory.") var model: String
    @OptionGroup var adapterOptions: AdapterOptions
    @Option(help: "Directory to write the merged model to.") var out: String

    func validate() throws {
        guard adapterOptions.adapter != nil else { throw ValidationError("--adapter is required") }
    }

    func run() throws {
        let adapted = try adapterOptions.attach(to: ModelDirectory.load(model))
        guard let lora = adapted.adapter as? LoRA else { throw CommandError("no adapter was loaded") }
        try lora.merged(into: adapted).save(to: URL(fileURLWithPath: out))
        try ModelDirectory.copyTokenizerFiles(from: model, to: URL(fileURLWithPath: out))
        printProgress("wrote \(out): \(adapted.config.dim)×\(adapted.config.nLayers) model with the adapter merged")
    }
}
