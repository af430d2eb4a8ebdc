import Adapters
import ArgumentParser
import Experiments
import Foundation
import Kernels
import Model
import Sweeps
import Training

extension MemoryPrediction.Mode: ExpressibleByArgument {}
extension MemoryPrediction.Attention: ExpressibleByArgument {}

/// `sweep memory`: will it fit? A training run's peak memory predicted from the model's shape and
/// the run's settings, by component, with the assumptions it rests on.
struct Memory: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict a training run's peak memory by component, from the model's shape: will it fit?",
        discussion: """
            The model is a model directory, a config.json, or a published shape by name: \
            \(PublishedShape.all.map { "\($0.name) (\($0.repository))" }.joined(separator: ", ")). \
            No weights are read.

            The prediction is the memory ledger's peak: every tensor the run allocates, counted \
            from the shapes by the same code that training records its prediction with, and equal \
            to the ledger a run measures, to the byte (a unit test at a tiny shape, and \
            `make memory-check` at SmolLM2-135M's: Benchmarks/BENCHMARKS.md). Components: weights \
            (fp32), quantized weights (NF4, QLoRA), the adapter, gradients (one buffer per shard of a \
            step), optimizer state, and each worker thread's pass context — activations, attention \
            probabilities, logits, the adapter's activations, activation gradients, the adapter's \
            scratch and the dequantization scratch. Every tensor is allocated before the first step \
            and kept to the last, so the peak is their sum.

            Assumptions, all printed: this trainer holds and computes everything in fp32 (a \
            checkpoint's bf16 or fp16 is converted when loaded) except QLoRA's NF4 projections; no \
            activation checkpointing; passes of --micro-batch rows of --seq-len positions (a \
            fine-tune sizes them for its longest example); each step of --batch rows is cut into \
            min(--batch, 4) shards, and min(--threads, shards) worker threads each hold a pass \
            context. Loading a base reads it in fp32 first: QLoRA's loading peak is the fp32 model \
            and its NF4 copy together. The process's peak adds an estimated runtime beyond the \
            tensors (binary, libraries, heap, OpenBLAS's buffers per worker thread: a fixed \
            \(MemoryPrediction.fixedRuntimeBytes >> 20) MiB and \(MemoryPrediction.perWorkerRuntimeBytes >> 20) MiB per \
            worker, measured on this machine with token-id data; the built-in instruction sets add \
            their world and tokenizer).

            Another trainer's run: --precision bf16 counts every weight, adapter, gradient, \
            optimizer buffer and activation in 2 bytes (Lightning's bf16-true), --attention fused \
            keeps no (T, T) probabilities (a fused attention kernel keeps one fp32 log-sum-exp per \
            row and head), --quantize-head quantizes the LM head too (Lightning's \
            BitsandbytesPrecision replaces every linear layer). These describe a PyTorch run on a \
            GPU, not this trainer's; `make article-memory` predicts the article's runs with them \
            (Benchmarks/article-memory.toml).

            Examples:
              sweep memory results/base --mode qlora --quantization nf4-dq --threads 2
              sweep memory smollm2-135m --mode qlora --batch 2 --micro-batch 1 \\
                --seq-len 128 --threads 2
              sweep memory llama-2-7b --mode qlora --targets all --rank 16 \\
                --seq-len 512 --batch 4 --micro-batch 1 --threads 1
              sweep memory results/base/config.json --mode full --seq-len 128 --json
              sweep memory llama-2-7b --mode qlora --quantization nf4-dq --precision bf16 \\
                --attention fused --quantize-head --batch 1 --micro-batch 1 --seq-len 512
            """)

    @Argument(help: ArgumentHelp("A model directory, a config.json, or a published shape.",
                                 valueName: "model"))
    var model: String

    @Option(help: "What trains: lora (an adapter over an fp32 base), qlora (over an NF4 base) or full (every parameter, AdamW or SGD as --optimizer says). Default: qlora if --quantization names NF4, else lora.")
    var mode: MemoryPrediction.Mode?
    @Option(name: [.customLong("quantization"), .customLong("quant")],
            help: "QLoRA's base: nf4, or nf4-dq (double-quantized block statistics). (default: nf4 with --mode qlora)")
    var quantization: Quantization?
    @Option(help: ArgumentHelp(Knob.rank.help)) var rank = RunConfiguration.defaults.rank
    @Option(help: ArgumentHelp(Knob.dropout.help)) var dropout = RunConfiguration.defaults.dropout
    @Option(help: ArgumentHelp(Knob.targets.help + " Comma-separated."))
    var targets = RunConfiguration.defaults.targets.map(\.rawValue).joined(separator: ",")
    @Option(help: ArgumentHelp(Knob.optimizer.help)) var optimizer = RunConfiguration.defaults.optimizer
    @Option(help: ArgumentHelp(Knob.batch.help)) var batch = RunConfiguration.defaults.batch
    @Option(name: .customLong("micro-batch"), help: ArgumentHelp(Knob.microBatch.help)) var microBatch = RunConfiguration.defaults.microBatch
    @Option(name: .customLong("seq-len"), help: "Positions per row (T): a fine-tune's longest example, capped by --max-length. (default: 512, or the model's max_position_embeddings if shorter)")
    var seqLen: Int?
    @Flag(help: "Print one JSON object: the settings, every component, the totals by ledger category, the loading and process estimates.")
    var json = false
    @Option(help: "Element sizes: fp32 (this trainer's) or bf16 (every weight, adapter, gradient, optimizer buffer and activation in 2 bytes, as Lightning's bf16-true).")
    var precision = "fp32"
    @Option(help: "materialized (this trainer's: every layer's (T, T) probabilities kept) or fused (a fused kernel's fp32 log-sum-exp per row and head only).")
    var attention = MemoryPrediction.Attention.materialized
    @Flag(name: .customLong("quantize-head"), help: "QLoRA: quantize the LM head too, as Lightning's BitsandbytesPrecision does (this trainer keeps it unquantized).")
    var quantizeHead = false

    @OptionGroup var threads: TrainingThreadOptions

    func validate() throws {
        _ = try prediction(threads: threads.threads ?? 1, shape: nil)
    }

    /// The run's mode, from --mode and --quantization.
    func resolvedMode() throws -> MemoryPrediction.Mode {
        switch (mode, quantization) {
        case (nil, let q?): return q.isQuantized ? .qlora : .lora
        case (nil, nil): return .lora
        case (.qlora?, .none?): throw ValidationError("--mode qlora quantizes the base: --quantization takes nf4 or nf4-dq")
        case (let m?, let q?) where m != .qlora && q.isQuantized:
            throw ValidationError("--quantization \(q.rawValue) is QLoRA's: use --mode qlora (or leave --mode out)")
        case (let m?, _): return m
        }
    }

    /// The prediction for `shape` (or a stand-in shape while validating the flags alone).
    func prediction(threads: Int, shape: ModelShape?) throws -> MemoryPrediction {
        let mode = try resolvedMode()
        let sites: [ProjectionSite]
        do { sites = try ProjectionSite.targets(targets.split(separator: ",").map(String.init)) } catch {
            throw ValidationError("--targets: \(error.description)")
        }
        let config = shape?.config ?? LlamaConfig(dim: 8, hiddenDim: 8, nLayers: 1, nHeads: 1, vocabSize: 8,
                                                  maxSeqLen: min(max(seqLen ?? 1, 1), LlamaConfig.Limits.dimension))
        let T = seqLen ?? min(512, config.maxSeqLen)
        guard let chosenPrecision = MemoryPrediction.Precision.named(precision) else {
            throw ValidationError("--precision takes \(MemoryPrediction.Precision.all.map(\.name).joined(separator: " or ")), got \"\(precision)\"")
        }
        if quantizeHead, mode != .qlora { throw ValidationError("--quantize-head is QLoRA's: use --mode qlora") }
        var run = MemoryPrediction.Run(
            model: config, mode: mode, lora: LoRAConfig(rank: rank, dropout: Float(dropout), targets: Set(sites)),
            doubleQuantization: quantization == .nf4DoubleQuantized, optimizer: optimizer, batchSize: batch,
            microBatchSize: microBatch, T: T, threads: threads)
        run.precision = chosenPrecision
        run.attention = attention
        if quantizeHead { run.quantizedSites.insert(.head) }
        if let problem = run.problems().first {
            throw shape == nil ? ValidationError(problem) as any Error : BadInput("\(shape!.source): \(problem)")
        }
        return MemoryPrediction(run)
    }

    func run() throws {
        let shape = try ModelShape.resolve(model)
        let prediction = try prediction(threads: threads.workers(), shape: shape)
        if json { return try printJSON(MemoryReport(prediction, shape: shape)) }
        print(MemoryReport.text(prediction, shape: shape))
    }
}
