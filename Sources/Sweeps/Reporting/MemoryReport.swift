import Foundation
import Kernels
import Model
import Training

/// A prediction as `sweep memory` and `finetune --predict-memory` print it: text, or one JSON object.
public struct MemoryReport: Encodable {
    public struct Component: Encodable {
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
    /// Element sizes ("fp32", this trainer's, or "bf16") and how attention keeps its backward's inputs.
    var precision: String
    var attention: String
    /// QLoRA's NF4 projections.
    var quantizedSites: [String]?
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

    public init(_ p: MemoryPrediction, shape: ModelShape) {
        let run = p.run, adapter = run.mode != .full
        model = shape.source
        repository = shape.published?.repository
        config = run.model
        parameters = ParameterLayout(config: run.model).count
        mode = run.mode.rawValue
        quantization = run.quantization.rawValue
        precision = run.precision.name
        attention = run.attention.rawValue
        quantizedSites = run.mode == .qlora ? ProjectionSite.allCases.filter(run.quantizedSites.contains).map(\.rawValue) : nil
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

    public static func text(_ p: MemoryPrediction, shape: ModelShape) -> String {
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
            let base = run.mode == .lora ? "an \(run.precision.name) base" : "an NF4 base (\(run.quantization.rawValue))"
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
        guard run.isThisTrainers else {
            // Another trainer's run: no ledger measures it, and this process's runtime is not its.
            lines.append(total("tensors at the peak", p.total) + "  every component at once")
            lines.append(total("loading (read in its own dtype)", p.loadingBytes))
            lines.append("")
            lines.append("assumptions (another trainer's run: not what this trainer allocates, nor what its ledger measures):")
            let quantized = ProjectionSite.allCases.filter(run.quantizedSites.contains).map(\.rawValue).joined(separator: ", ")
            lines.append("  dtype: \(run.precision.name) weights, adapter, gradients, optimizer state and activations"
                + (run.mode == .qlora ? "; projections \(quantized) in NF4" : ""))
            lines.append("  attention: " + (run.attention == .fused
                ? "a fused kernel, no (T, T) probabilities kept" : "every layer's (T, T) probabilities kept"))
            lines.append("  saved activations: this trainer's layout at those sizes; no activation checkpointing")
            lines.append("  passes of \(p.passRows) row\(p.passRows == 1 ? "" : "s") (micro-batch \(run.microBatchSize)) × \(run.T) positions; "
                + "\(p.shards) gradient buffer\(p.shards == 1 ? "" : "s") and \(p.workers) pass context\(p.workers == 1 ? "" : "s")")
            return lines.joined(separator: "\n")
        }
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
