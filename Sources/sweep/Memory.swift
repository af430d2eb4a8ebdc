import Adapters
import ArgumentParser
import Experiments
import Foundation
import Kernels
import Model
import Sweeps
import Training

extension MemoryPrediction.Mode: ExpressibleByArgument {}

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

            Examples:
              sweep memory results/base --mode qlora --quantization nf4-dq --threads 2
              sweep memory smollm2-135m --mode qlora --batch 2 --micro-batch 1 \\
                --seq-len 128 --threads 2
              sweep memory llama-2-7b --mode qlora --targets all --rank 16 \\
                --seq-len 512 --batch 4 --micro-batch 1 --threads 1
              sweep memory results/base/config.json --mode full --seq-len 128 --json
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
        let run = MemoryPrediction.Run(
            model: config, mode: mode, lora: LoRAConfig(rank: rank, dropout: Float(dropout), targets: Set(sites)),
            doubleQuantization: quantization == .nf4DoubleQuantized, optimizer: optimizer, batchSize: batch,
            microBatchSize: microBatch, T: T, threads: threads)
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

/// A prediction as `sweep memory` and `finetune --predict-memory` print it: text, or one JSON object.
struct MemoryReport: Encodable {
    struct Component: Encodable {
        var name: String
        var category: String
        var multiplicity: String
        var copies: Int
        var bytesEach: Int
        var bytes: Int
        var detail: String
    }

    var model: String
    var repository: String?
    var config: LlamaConfig
    var parameters: Int
    var mode: String
    var quantization: String
    var rank: Int?
    var dropout: Float?
    var targets: [String]?
    var optimizer: String
    var batch: Int
    var microBatch: Int
    var seqLen: Int
    var threads: Int
    var shards: Int
    var workers: Int
    var passRows: Int
    var trainedParameters: Int
    var activationCheckpointing = false
    var components: [Component]
    /// The ledger's peak, and by category: what a run's lora_sweep.json measures.
    var peakMemoryBytes: Int
    var peakMemoryByCategory: [String: Int]
    var loadingPeakBytes: Int
    var runtimeBytes: Int
    var processPeakBytes: Int

    init(_ p: MemoryPrediction, shape: ModelShape) {
        let run = p.run, adapter = run.mode != .full
        model = shape.source
        repository = shape.published?.repository
        config = run.model
        parameters = ParameterLayout(config: run.model).count
        mode = run.mode.rawValue
        quantization = run.quantization.rawValue
        rank = adapter ? run.lora.rank : nil
        dropout = adapter ? run.lora.dropout : nil
        targets = adapter ? run.lora.targets.sorted().map(\.rawValue) : nil
        optimizer = run.optimizer.rawValue
        batch = run.batchSize
        microBatch = run.microBatchSize
        seqLen = run.T
        threads = run.threads
        shards = p.shards
        workers = p.workers
        passRows = p.passRows
        trainedParameters = p.trainedParameters
        components = p.components.map {
            Component(name: $0.name, category: $0.category.rawValue, multiplicity: $0.multiplicity.rawValue, copies: $0.copies,
                      bytesEach: $0.bytesEach, bytes: $0.bytes, detail: $0.detail)
        }
        peakMemoryBytes = p.total
        peakMemoryByCategory = Dictionary(uniqueKeysWithValues: p.byCategory.map { ($0.key.rawValue, $0.value) })
        loadingPeakBytes = p.loadingBytes
        runtimeBytes = MemoryPrediction.runtimeBytes(workers: p.workers)
        processPeakBytes = p.processBytes
    }

    /// "113.3 MB", or "26.95 GB" from 10 GB up (10⁶ and 10⁹ bytes).
    static func format(_ bytes: Int) -> String {
        bytes >= 10_000_000_000 ? String(format: "%.2f GB", Double(bytes) / 1e9) : String(format: "%.1f MB", Double(bytes) / 1e6)
    }

    static func text(_ p: MemoryPrediction, shape: ModelShape) -> String {
        let run = p.run, c = run.model
        let parameters = ParameterLayout(config: c).count
        var lines: [String] = []
        let origin = shape.published.map { " (\($0.repository), published in \($0.dtype))" } ?? ""
        lines.append("\(shape.source)\(origin): \(parameters.formatted()) parameters, dim \(c.dim), \(c.nLayers) layers, "
            + "\(c.nHeads) heads (\(c.nKVHeads) key/value), MLP \(c.hiddenDim), vocab \(c.vocabSize)" + (c.tiedEmbeddings ? ", tied head" : ""))
        let optimizer = run.optimizer == .adamw ? "AdamW" : "SGD"
        switch run.mode {
        case .full: lines.append("full training of every parameter, \(optimizer)")
        case .lora, .qlora:
            let base = run.mode == .lora ? "an fp32 base" : "an NF4 base (\(run.quantization.rawValue))"
            lines.append("\(run.mode == .lora ? "LoRA" : "QLoRA") over \(base): r \(run.lora.rank) on "
                + "\(run.lora.targets.sorted().map(\.rawValue).joined(separator: ",")), dropout \(run.lora.dropout), \(optimizer) on "
                + "\(p.trainedParameters.formatted()) adapter parameters")
        }
        lines.append("")
        let counts = p.components.map { component -> String in
            switch component.multiplicity {
            case .run: "1"
            case .shard: "\(component.copies) shard\(component.copies == 1 ? "" : "s")"
            case .worker: "\(component.copies) worker\(component.copies == 1 ? "" : "s")"
            }
        }
        let nameWidth = max(24, p.components.map(\.name.count).max() ?? 0)
        let countWidth = counts.map(\.count).max() ?? 1
        func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - text.count))
            return left ? fill + text : text + fill
        }
        lines.append(pad("component", nameWidth) + "  " + pad("copies × each", countWidth + 13, left: true) + "  "
            + pad("total", 11, left: true) + "  " + pad("ledger category", 22) + "  what")
        for (component, count) in zip(p.components, counts) {
            lines.append(pad(component.name, nameWidth) + "  " + pad(count, countWidth, left: true) + " × "
                + pad(format(component.bytesEach), 10, left: true) + "  " + pad(format(component.bytes), 11, left: true) + "  "
                + pad(component.category.rawValue, 22) + "  " + component.detail)
        }
        let labelWidth = nameWidth + 2 + countWidth + 13 + 2
        func total(_ label: String, _ bytes: Int) -> String { pad(label, labelWidth) + pad(format(bytes), 11, left: true) }
        lines.append(total("tensors at the peak (the ledger's)", p.total))
        lines.append(total(run.mode == .qlora ? "loading (fp32 model and its NF4 copy)" : "loading (the fp32 model)", p.loadingBytes))
        lines.append(total("runtime, estimated", MemoryPrediction.runtimeBytes(workers: p.workers))
            + "  binary, libraries, heap; OpenBLAS buffers of \(p.workers) worker\(p.workers == 1 ? "" : "s") (measured here)")
        lines.append(total("process peak, estimated", p.processBytes)
            + "  the larger of tensors and loading, plus the runtime")
        lines.append("")
        lines.append("assumptions:")
        let dtype = shape.published.map { " (the published \($0.dtype) is converted when loaded)" } ?? " (a bf16 or fp16 checkpoint is converted when loaded)"
        lines.append("  dtype: fp32 weights, adapter, gradients, optimizer state and activations\(dtype)"
            + (run.mode == .qlora ? "; projections q, k, v, o, gate, up, down in NF4" : ""))
        lines.append("  passes of \(p.passRows) row\(p.passRows == 1 ? "" : "s") (micro-batch \(run.microBatchSize)) × \(run.T) positions; "
            + "steps of \(run.batchSize) rows in \(p.shards) shard\(p.shards == 1 ? "" : "s") on \(p.workers) of \(run.threads) worker thread\(run.threads == 1 ? "" : "s")")
        lines.append("  no activation checkpointing: every layer's activations are kept for the backward pass")
        lines.append("  loading reads the checkpoint through a memory map: its pages show in RSS while it is read, as page cache the kernel can reclaim, and are not counted")
        return lines.joined(separator: "\n")
    }
}
