import ArgumentParser
import Foundation
import Kernels
import Model
import Sweeps
import TextData
import Tokenization
import Training

struct Pretrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a Llama from scratch on a text or token file and write a model directory.",
        discussion: """
            The model is given by --config (a Hugging Face config.json) or by the shape options. \
            Text is read as UTF-8 bytes (token ids 0…255), or with --tokenizer bpe through a byte-level \
            BPE tokenizer trained on it (digits always single tokens), saved as tokenizer.json beside the model. \
            Each optimizer step draws --accumulation micro-batches of --batch windows of --seq-len \
            tokens at random offsets; the seed fixes initialisation and data order. A step's windows \
            are cut into min(--batch × --accumulation, 4) shards that --threads worker threads share, \
            one BLAS thread each, and the shards' gradients are added in a fixed order: the same seed \
            gives the same bits for any thread count. Progress goes to standard error, the --json \
            summary to standard output.

            A 0.2M-parameter model, in seconds:
              sweep pretrain --text corpus.txt --dim 64 --layers 4 --heads 4 \\
                --batch 8 --seq-len 64 --steps 200 --lr 3e-3 --warmup 20 --out models/base
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
    @Option(help: "Vocabulary size; default: the tokenizer's (1,000 for a new BPE tokenizer), 256 for byte-level text, the largest id + 1 for --tokens.")
    var vocab: Int?
    @Option(help: "How --text becomes tokens: byte (UTF-8 bytes) or bpe (a byte-level BPE tokenizer trained on the text, saved with the model).")
    var tokenizer: TokenizerChoice = .byte
    @Option(name: .customLong("tokenizer-from"), help: "Use the tokenizer.json of this model directory instead of training one (implies --tokenizer bpe).")
    var tokenizerFrom: String?
    @Flag(help: "Tie the LM head to the embedding matrix.") var tied = false
    @Option(name: .customLong("rope-theta"), help: "RoPE base.") var ropeTheta: Double = 10_000

    @Option(name: .customLong("seq-len"), help: "Tokens per sequence (also max_position_embeddings).")
    var seqLen = 128
    @Option(help: "Sequences per micro-batch.") var batch = 8
    @Option(help: "Micro-batches accumulated per optimizer step.") var accumulation = 1
    @Option(help: "Optimizer steps.") var steps = 100
    @Option(help: "Peak learning rate.") var lr: Float = 1e-3
    @Option(help: "Learning-rate schedule after the warmup (decays to 0.1 × --lr).")
    var schedule: ScheduleShape = .cosine
    @Option(help: "Linear warmup steps.") var warmup = 0
    @Option(help: "Optimizer (sgd uses momentum 0.9).") var optimizer: OptimizerKind = .adamw
    @Option(name: .customLong("weight-decay"), help: "Weight decay (default: 0.01 for AdamW, 0 for SGD).")
    var weightDecay: Float?
    @Option(help: "Clip gradients to this global norm (0: no clipping).") var clip: Float = 1
    @Option(help: "Seed for initialisation and data order.") var seed: UInt64 = 1
    @Option(name: .customLong("log-every"), help: "Print progress every N steps.") var logEvery = 10
    @Flag(help: "Print a JSON summary (steps, tokens, final_loss, wall_seconds, tokens_per_second, losses).")
    var json = false

    @OptionGroup var threads: TrainingThreadOptions

    enum TokenizerChoice: String, CaseIterable, ExpressibleByArgument {
        case byte, bpe
    }

    func validate() throws {
        guard (text == nil) != (tokens == nil) else { throw ValidationError("give exactly one of --text FILE or --tokens FILE") }
        if tokens != nil, tokenizer == .bpe || tokenizerFrom != nil {
            throw ValidationError("--tokenizer and --tokenizer-from apply to --text; --tokens are ids already")
        }
        for (name, value) in [("--dim", dim), ("--layers", layers), ("--heads", heads), ("--seq-len", seqLen),
                              ("--batch", batch), ("--accumulation", accumulation), ("--steps", steps), ("--log-every", logEvery)]
        where value <= 0 {
            throw ValidationError("\(name) must be at least 1, got \(value)")
        }
        guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number, got \(lr)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more, got \(warmup)") }
    }

    func run() throws {
        let workers = threads.workers()
        let bpe = try textTokenizer()
        let stream = try bpe.map { try encode(textFile: text!, with: $0) }
            ?? text.map { try TokenFile.bytes(of: URL(fileURLWithPath: $0)) }
            ?? TokenFile.ids(of: URL(fileURLWithPath: tokens!))
        guard stream.count > seqLen else {
            throw CommandError("the training data has \(stream.count) tokens; it needs more than --seq-len (\(seqLen))")
        }
        var modelConfig = try makeConfig(largestID: Int(stream.max() ?? 0), tokenizer: bpe)
        if bpe != nil, config == nil {
            modelConfig.bosTokenID = Int(SpecialToken.bos.id)
            modelConfig.eosTokenID = Int(SpecialToken.eos.id)
        }
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
        parameters.threads = workers

        printProgress("pretraining \(model.parameterCount) parameters (dim \(modelConfig.dim), \(modelConfig.nLayers) layers, vocab \(modelConfig.vocabSize)) on \(stream.count) tokens, \(parameters.tokensPerStep) tokens per step, \(workerThreadsDescription(workers))")
        let summary = try Pretraining.run(model: model, tokens: stream, parameters: parameters) { progress in
            let step = progress.result.step + 1
            if step % logEvery == 0 || step == steps || step == 1 { printProgress(progress.description) }
            return progress.result.loss.isFinite
        }
        guard summary.finalLoss.isFinite else {
            throw CommandError("training diverged at step \(summary.steps) (loss \(summary.finalLoss)); try a lower --lr")
        }
        try model.save(to: URL(fileURLWithPath: out))
        if let bpe {
            try bpe.savePretrained(to: URL(fileURLWithPath: out), modelMaxLength: modelConfig.maxSeqLen)
        } else {
            try BPETokenizer.removePretrained(from: URL(fileURLWithPath: out))
        }
        printProgress(String(format: "wrote %@: final loss %.4f, %.0f tokens/s, %.1f s", out, summary.finalLoss, summary.tokensPerSecond, summary.wallSeconds))
        if json { try printJSON(summary) }
    }

    /// The BPE tokenizer for --text, read or trained; nil for byte-level text and for --tokens.
    func textTokenizer() throws -> BPETokenizer? {
        if let tokenizerFrom {
            do {
                return try BPETokenizer(contentsOf: URL(fileURLWithPath: tokenizerFrom).appendingPathComponent("tokenizer.json"))
            } catch let error as TokenizerFileError {
                throw CommandError("cannot load the tokenizer: \(error.description)")
            }
        }
        guard tokenizer == .bpe, let text else { return nil }
        let size = vocab ?? BPETokenizer.defaultVocabularySize
        guard size >= SpecialToken.allCases.count + 256 else {
            throw ValidationError("--vocab must be at least \(SpecialToken.allCases.count + 256) for a byte-level BPE tokenizer, got \(size)")
        }
        let documents = try String(contentsOfFile: text, encoding: .utf8).components(separatedBy: "\n\n")
        let trained = BPETokenizer.train(texts: documents, vocabularySize: size)
        printProgress("trained a BPE tokenizer of \(trained.vocabularySize) tokens on \(text)")
        return trained
    }

    /// A text file as one token stream: its paragraphs encoded, each closed by </s>.
    func encode(textFile path: String, with tokenizer: BPETokenizer) throws -> [Int32] {
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CommandError("\(path): cannot be read as UTF-8 text")
        }
        return contents.components(separatedBy: "\n\n").flatMap { tokenizer.encode($0, addEOS: true) }
    }

    func makeConfig(largestID: Int, tokenizer: BPETokenizer?) throws -> LlamaConfig {
        if let config {
            let url = URL(fileURLWithPath: config)
            return try Llama.readConfig(from: url.deletingLastPathComponent(), file: url.lastPathComponent)
        }
        let result = LlamaConfig(
            dim: dim, hiddenDim: hidden ?? (dim * 8 / 3 + 15) / 16 * 16, nLayers: layers, nHeads: heads,
            nKVHeads: kvHeads, vocabSize: tokenizer?.vocabularySize ?? vocab ?? (text != nil ? 256 : largestID + 1), maxSeqLen: seqLen,
            ropeTheta: ropeTheta, tiedEmbeddings: tied)
        if let problem = result.problems().first { throw ValidationError("invalid model shape: \(problem)") }
        return result
    }
}
