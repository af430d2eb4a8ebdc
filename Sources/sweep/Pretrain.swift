import ArgumentParser
import Foundation
import Kernels
import Model
import Training

struct Pretrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a Llama from scratch on a text or token file and write a model directory.",
        discussion: """
            The model is given by --config (a Hugging Face config.json) or by the shape options. \
            Text is read as UTF-8 bytes (token ids 0…255) until a trained tokenizer exists. \
            Each optimizer step draws --accumulation micro-batches of --batch windows of --seq-len \
            tokens at random offsets; the seed fixes initialisation and data order, so a run repeats \
            bit for bit. Progress goes to standard error, the --json summary to standard output.

            A ~3M-parameter model:
              sweep pretrain --text corpus.txt --dim 256 --layers 4 --heads 4 \\
                --batch 8 --seq-len 128 --steps 500 --lr 1e-3 --warmup 50 --out models/base
            """)

    @Option(help: "UTF-8 text to train on, as byte ids.")
    var text: String?

    @Option(help: "A text file of integer token ids (comma- or space-separated) to train on.")
    var tokens: String?

    @Option(help: "Directory to write config.json and model.safetensors to.")
    var out: String

    @Option(help: "Start from this config.json instead of the shape options.")
    var config: String?

    @Option(help: "Model width (hidden_size).") var dim = 128
    @Option(help: "Transformer layers.") var layers = 4
    @Option(help: "Attention heads.") var heads = 4
    @Option(name: .customLong("kv-heads"), help: "Key/value heads (grouped-query attention); default: --heads.")
    var kvHeads: Int?
    @Option(help: "MLP width (intermediate_size); default: 8/3 × dim rounded up to a multiple of 16.")
    var hidden: Int?
    @Option(help: "Vocabulary size; default: 256 for --text, the largest id + 1 for --tokens.")
    var vocab: Int?
    @Flag(help: "Tie the LM head to the embedding matrix.") var tied = false
    @Option(name: .customLong("rope-theta"), help: "RoPE base.") var ropeTheta: Double = 10_000

    @Option(name: .customLong("seq-len"), help: "Tokens per sequence (also max_position_embeddings).")
    var seqLen = 128
    @Option(help: "Sequences per micro-batch.") var batch = 8
    @Option(help: "Micro-batches accumulated per optimizer step.") var accumulation = 1
    @Option(help: "Optimizer steps.") var steps = 100
    @Option(help: "Peak learning rate.") var lr: Float = 1e-3
    @Option(help: "Learning-rate schedule after the warmup (decays to 0.1 × --lr).")
    var schedule: LearningRateSchedule.Shape = .cosine
    @Option(help: "Linear warmup steps.") var warmup = 0
    @Option(help: "Optimizer (sgd uses momentum 0.9).") var optimizer: Trainer.OptimizerChoice = .adamw
    @Option(name: .customLong("weight-decay"), help: "Weight decay (default: 0.01 for AdamW, 0 for SGD).")
    var weightDecay: Float?
    @Option(help: "Clip gradients to this global norm (0: no clipping).") var clip: Float = 1
    @Option(help: "Seed for initialisation and data order.") var seed: UInt64 = 1
    @Option(name: .customLong("log-every"), help: "Print progress every N steps.") var logEvery = 10
    @Flag(help: "Print a JSON summary (steps, tokens, final_loss, wall_seconds, tokens_per_second, losses).")
    var json = false

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard (text == nil) != (tokens == nil) else { throw ValidationError("give exactly one of --text FILE or --tokens FILE") }
        for (name, value) in [("--dim", dim), ("--layers", layers), ("--heads", heads), ("--seq-len", seqLen),
                              ("--batch", batch), ("--accumulation", accumulation), ("--steps", steps), ("--log-every", logEvery)]
        where value <= 0 {
            throw ValidationError("\(name) must be at least 1, got \(value)")
        }
        guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number, got \(lr)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more, got \(warmup)") }
    }

    func run() throws {
        try compute.apply()
        let stream = try text.map { try TokenFile.bytes(of: URL(fileURLWithPath: $0)) }
            ?? TokenFile.ids(of: URL(fileURLWithPath: tokens!))
        guard stream.count > seqLen else {
            throw CommandError("the training data has \(stream.count) tokens; it needs more than --seq-len (\(seqLen))")
        }
        let modelConfig = try makeConfig(largestID: Int(stream.max() ?? 0))
        if let bad = stream.first(where: { Int($0) >= modelConfig.vocabSize }) {
            throw CommandError("token id \(bad) in the data is outside the vocabulary (0..<\(modelConfig.vocabSize))")
        }
        let model = Llama(config: modelConfig)
        model.initialize(seed: seed)

        var parameters = Pretraining.Parameters(batchSize: batch, sequenceLength: seqLen, steps: steps, learningRate: lr)
        parameters.accumulation = accumulation
        parameters.optimizer = optimizer
        parameters.schedule = schedule
        parameters.warmupSteps = warmup
        parameters.weightDecay = weightDecay
        parameters.maxGradientNorm = clip > 0 ? clip : nil
        parameters.seed = seed

        printProgress("pretraining \(model.parameterCount) parameters (dim \(modelConfig.dim), \(modelConfig.nLayers) layers, vocab \(modelConfig.vocabSize)) on \(stream.count) tokens, \(parameters.tokensPerStep) tokens per step, \(BLAS.threadsDescription)")
        let summary = Pretraining.run(model: model, tokens: stream, parameters: parameters) { progress in
            let step = progress.result.step + 1
            if step % logEvery == 0 || step == steps || step == 1 { printProgress(progress.description) }
            return progress.result.loss.isFinite
        }
        guard summary.finalLoss.isFinite else {
            throw CommandError("training diverged at step \(summary.steps) (loss \(summary.finalLoss)); try a lower --lr")
        }
        try model.save(to: URL(fileURLWithPath: out))
        printProgress(String(format: "wrote %@: final loss %.4f, %.0f tokens/s, %.1f s", out, summary.finalLoss, summary.tokensPerSecond, summary.wallSeconds))
        if json { try printJSON(summary) }
    }

    func makeConfig(largestID: Int) throws -> LlamaConfig {
        if let config {
            let url = URL(fileURLWithPath: config)
            return try Llama.readConfig(from: url.deletingLastPathComponent(), file: url.lastPathComponent)
        }
        let result = LlamaConfig(
            dim: dim, hiddenDim: hidden ?? (dim * 8 / 3 + 15) / 16 * 16, nLayers: layers, nHeads: heads,
            nKVHeads: kvHeads, vocabSize: vocab ?? (text != nil ? 256 : largestID + 1), maxSeqLen: seqLen,
            ropeTheta: ropeTheta, tiedEmbeddings: tied)
        if let problem = result.problems().first { throw ValidationError("invalid model shape: \(problem)") }
        return result
    }
}
