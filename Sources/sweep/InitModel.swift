import ArgumentParser
import Foundation
import Kernels
import Model
import Sweeps

/// `sweep init-model`: a randomly initialised model directory of any shape, to measure what a shape
/// costs (memory, speed) without its weights.
struct InitModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init-model",
        abstract: "Write a randomly initialised model directory of a config.json's or a published model's shape.",
        discussion: """
            The shape is a model directory, a config.json, or a published shape by name \
            (\(PublishedShape.names.joined(separator: ", "))). The weights are initialised as \
            transformers initialises them (linear and embedding weights from N(0, \
            initializer_range²), norms 1) from --seed, and written in fp32 with config.json: \
            4 bytes per parameter, 538 MB for smollm2-135m. No tokenizer is written; fine-tune \
            such a model on {"prompt_ids", "response_ids"} JSON Lines.

            Benchmarks/memory-check.py builds SmolLM2-135M's shape this way to check `sweep \
            memory` against the ledger and RSS of real runs. A small one:
              sweep init-model results/base --out models/random --seed 2
              sweep memory models/random --mode qlora --threads 1
            """)

    @Argument(help: ArgumentHelp("A model directory, a config.json, or a published shape.", valueName: "model"))
    var model: String
    @Option(help: "Directory to write config.json and model.safetensors to.") var out: String
    @Option(help: "Seed of the initialisation.") var seed = 1

    func run() throws {
        let shape = try ModelShape.resolve(model)
        let llama = Llama(config: shape.config)
        llama.initialize(seed: UInt64(seed))
        try llama.save(to: URL(fileURLWithPath: out))
        printProgress("wrote \(out): \(llama.parameterCount.formatted()) parameters of \(shape.source)'s shape, initialised from seed \(seed)")
    }
}
