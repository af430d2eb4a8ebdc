import ArgumentParser
import Foundation
import Sweeps

@main
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Train, score and sweep small Llama models with LoRA and QLoRA, on one CPU.",
        discussion: """
            A Llama-architecture transformer with hand-written forward and backward passes on \
            OpenBLAS. Model directories use the Hugging Face layout (config.json + \
            model.safetensors): transformers loads what this writes, and the other way round.

            Examples:
              sweep pretrain --text corpus.txt --dim 64 --layers 2 --out models/tiny
              sweep score --model models/tiny --ids 72,101,108,108,111 --json
              sweep generate --model models/tiny --ids 72,101 --max-new 20
            """,
        subcommands: [RunCommand.self, Plan.self, Report.self, Check.self, Knobs.self, Base.self, Pretrain.self, DataCommand.self, Finetune.self, Memory.self, InitModel.self, Score.self, Generate.self, Tokenize.self, Detokenize.self, Merge.self, Export.self, Best.self, Eval.self, Bench.self, Collect.self, Worker.self, Shard.self],
        defaultSubcommand: RunCommand.self
    )

    static func main() {
        BLASKernel.restartWithSupportedKernelIfGeneric()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as BadInput {
            // Input the user must fix (an experiment file, a model directory, a dataset): status 2, one message.
            FileHandle.standardError.write(Data("Error: \(error.description)\n".utf8))
            Foundation.exit(2)
        } catch {
            exit(withError: error)
        }
    }
}
