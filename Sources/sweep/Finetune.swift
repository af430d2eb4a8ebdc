import Adapters
import ArgumentParser
import Foundation
import Kernels
import Model
import TextData
import Training

/// How the frozen base is stored while fine-tuning.
enum Quantization: String, CaseIterable, ExpressibleByArgument, Codable {
    case none, nf4, nf4DoubleQuant = "nf4-dq"

    /// The base model ready for training: as loaded, or with its projections in NF4.
    func prepare(_ dense: Llama) -> Llama {
        switch self {
        case .none: return dense
        case .nf4: return QuantizedProjections.quantize(dense, doubleQuantization: false)
        case .nf4DoubleQuant: return QuantizedProjections.quantize(dense, doubleQuantization: true)
        }
    }
}

/// What `sweep finetune` records beside the PEFT files, so `score` and `merge` see the same base.
struct FineTuneRecord: Codable {
    var baseModel: String
    var quantization: Quantization
    var summary: FineTuning.Summary
    static let file = "lora_sweep.json"
}

struct Finetune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fine-tune a LoRA or QLoRA adapter on instruction data and write it in PEFT's format.",
        discussion: """
            Trains only the adapter: y = x Wᵀ + (alpha/r) · dropout(x) Aᵀ Bᵀ on the --targets \\
            projections, with the base frozen (fp32, or NF4 with --quant). Loss is on response \\
            tokens only. Each optimizer step accumulates --batch / --micro-batch micro-batches; \\
            --passes shuffled passes go over the data.

            --data is alpaca or lima (the built-in instruction sets), Alpaca JSON or JSON Lines \\
            ({"instruction", "input", "output"}, through Lit-GPT's Alpaca prompt), or JSON Lines of \\
            {"prompt": "…", "response": "…"} (text, encoded with the model's tokenizer.json) or \\
            {"prompt_ids": […], "response_ids": […]}.

            The adapter directory holds adapter_config.json and adapter_model.safetensors as PEFT \\
            writes them, plus lora_sweep.json with the run's metrics.

            The article's default, scaled down:
              sweep finetune --model results/base --data alpaca --out adapters/qv \\\\
                --rank 8 --alpha 16 --targets q,v --lr 3e-4 --batch 128 --micro-batch 1 --warmup 100
            """)

    @Option(help: "The base model directory.") var model: String
    @Option(help: "Instruction examples: alpaca or lima (the built-in sets' training splits, from the base model's world), or a file of Alpaca JSON/JSONL or prompt/response JSON Lines.")
    var data: String
    @Option(help: "Directory to write the adapter to.") var out: String

    @Option(help: "LoRA rank r.") var rank = 8
    @Option(help: "LoRA alpha; the update is scaled by alpha/r.") var alpha: Float = 16
    @Option(help: "Dropout on the adapter branch's input.") var dropout: Float = 0.05
    @Option(help: "Projections to adapt: q,k,v,o,gate,up,down,head, or attention, mlp, all.")
    var targets = "q,v"
    @Flag(help: "Scale by alpha/√r (rsLoRA) instead of alpha/r.") var rslora = false
    @Option(help: "Frozen base storage: none (fp32), nf4, nf4-dq (double-quantized statistics).")
    var quant: Quantization = .none

    @Option(help: "Optimizer (sgd uses momentum 0.9).") var optimizer: Trainer.OptimizerChoice = .adamw
    @Option(help: "Peak learning rate.") var lr: Float = 3e-4
    @Option(help: "Learning-rate schedule after the warmup.") var schedule: LearningRateSchedule.Shape = .cosine
    @Option(help: "Linear warmup, in optimizer steps.") var warmup = 0
    @Option(help: "Passes over the data.") var passes = 1
    @Option(help: "Examples per optimizer step.") var batch = 8
    @Option(name: .customLong("micro-batch"), help: "Examples per forward/backward pass.") var microBatch = 1
    @Option(name: .customLong("weight-decay"), help: "Weight decay (default: 0.01 for AdamW, 0 for SGD).")
    var weightDecay: Float?
    @Option(help: "Clip gradients to this global norm (0: no clipping).") var clip: Float = 1
    @Option(name: .customLong("max-length"), help: "Truncate examples to this many tokens (default: the model's maximum).")
    var maxLength: Int?
    @Option(help: "Seed for adapter initialisation, data order and dropout (separate streams).") var seed: UInt64 = 1
    @Option(name: .customLong("log-every"), help: "Print progress every N optimizer steps.") var logEvery = 10
    @Flag(help: "Print one JSON object with the run's metrics.") var json = false
    @Flag(name: .customLong("predict-memory"),
          help: "Print the run's tensor memory by category, predicted from the configuration, and stop.")
    var predictMemory = false

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if let problem = try parameters().problems().first { throw ValidationError(problem) }
        guard logEvery > 0 else { throw ValidationError("--log-every must be at least 1") }
        if let maxLength, maxLength < 2 { throw ValidationError("--max-length must be at least 2, got \(maxLength)") }
    }

    func parameters() throws -> FineTuning.Parameters {
        var p = FineTuning.Parameters()
        do {
            p.lora = LoRAConfig(rank: rank, alpha: alpha, dropout: dropout, targets: try LoRAConfig.parseTargets(targets),
                                useRSLoRA: rslora)
        } catch let error as LoRAConfigError {
            throw ValidationError("--targets: \(error.description)")
        }
        p.optimizer = optimizer
        p.learningRate = lr
        p.schedule = schedule
        p.warmupSteps = warmup
        p.passes = passes
        p.batchSize = batch
        p.microBatchSize = microBatch
        p.weightDecay = weightDecay
        p.maxGradientNorm = clip > 0 ? clip : nil
        p.maxLength = maxLength
        p.seed = seed
        return p
    }

    func run() throws {
        try compute.apply()
        BaseModel.warnIfStale(model)
        var p = try parameters()
        if predictMemory { return try printPrediction(p) }
        let base = try quant.prepare(loadModel(model))
        p.eos = base.config.eosTokenID.map(Int32.init)
        let examples = try loadExamples(vocabSize: base.config.vocabSize)
        let T = FineTuning.sequenceLength(examples: examples, parameters: p, model: base.config)
        let truncated = examples.filter { $0.prompt.count > T }.count
        if truncated == examples.count {
            throw CommandError("every prompt is longer than the \(T) tokens the model takes: no response token is left to learn (a longer max_position_embeddings, shorter prompts, or a BPE tokenizer help)")
        } else if truncated > 0 {
            printProgress("warning: \(truncated) of \(examples.count) examples have prompts longer than \(T) tokens and teach nothing")
        }
        let adapter = LoRA(config: p.lora, modelConfig: base.config, capacityRows: microBatch * T, seed: seed)
        let steps = (examples.count * passes + batch - 1) / batch
        printProgress("fine-tuning \(adapter.trainableParameters) adapter parameters (r \(rank), alpha \(alpha), \(p.lora.targets.sorted().map(\.rawValue).joined(separator: ","))) over a \(quant == .none ? "fp32" : quant.rawValue) base of \(base.config.dim)×\(base.config.nLayers): \(examples.count) examples × \(passes) pass(es) = \(steps) steps of \(batch), \(BLAS.threadsDescription)")
        let summary = FineTuning.run(model: base, adapter: adapter, examples: examples, parameters: p) { progress in
            let step = progress.result.step + 1
            if step % logEvery == 0 || step == progress.totalSteps || step == 1 { printProgress(progress.description) }
            return true
        }
        if let step = summary.divergedAtStep {
            throw CommandError("training diverged at step \(step + 1) (loss \(summary.losses.last ?? .nan)); try a lower --lr")
        }
        let directory = URL(fileURLWithPath: out)
        try adapter.save(to: directory, baseModel: model)
        let record = FineTuneRecord(baseModel: model, quantization: quant, summary: summary)
        try jsonEncoder().encode(record).write(to: directory.appendingPathComponent(FineTuneRecord.file), options: .atomic)
        printProgress(String(format: "wrote %@: final loss %.4f, %.0f tokens/s, %.1f s, peak tensor memory %.1f MB, peak RSS %.1f MB",
                             out, summary.finalLoss, summary.tokensPerSecond, summary.wallSeconds,
                             Double(summary.peakMemoryBytes) / 1e6, Double(summary.peakRSSBytes) / 1e6))
        if json { try printJSON(summary) }
    }

    /// The ledger `FineTuning.run` would measure, from config.json and the data's longest example.
    func printPrediction(_ p: FineTuning.Parameters) throws {
        var p = p
        let config = try loadConfig(model)
        p.eos = config.eosTokenID.map(Int32.init)
        let examples = try loadExamples(vocabSize: config.vocabSize)
        let T = FineTuning.sequenceLength(examples: examples, parameters: p, model: config)
        let prediction = MemoryPrediction.fineTuning(
            model: config, lora: p.lora, quantized: quant != .none, doubleQuantization: quant == .nf4DoubleQuant,
            optimizer: optimizer, B: microBatch, T: T)
        let total = prediction.values.reduce(0, +)
        if json {
            let byCategory = Dictionary(uniqueKeysWithValues: prediction.map { ($0.key.rawValue, $0.value) })
            return try printJSON(["peak_memory_bytes": total] .merging(byCategory) { a, _ in a })
        }
        print("predicted peak tensor memory for micro-batches of \(microBatch) × \(T) tokens:")
        for category in MemoryCategory.allCases {
            guard let bytes = prediction[category] else { continue }
            print("  \(category.rawValue.padding(toLength: 24, withPad: " ", startingAt: 0)) \(String(format: "%12d", bytes)) B")
        }
        print("  \("total".padding(toLength: 24, withPad: " ", startingAt: 0)) \(String(format: "%12d", total)) B")
    }

    /// The examples of --data, encoded with the model's tokenizer (or as bytes): Alpaca records
    /// (instruction, input, output) through Lit-GPT's Alpaca prompt, or prompt/response pairs as they are.
    func loadExamples(vocabSize: Int) throws -> [InstructionExample] {
        let url = URL(fileURLWithPath: data)
        let encoding = try TextEncoding.of(modelDirectory: model, vocabSize: vocabSize)
        let examples: [InstructionExample]
        if let builtin = InstructionSet.Builtin(rawValue: data), !FileManager.default.fileExists(atPath: data) {
            let records = try RunData.load(dataset: builtin.rawValue, baseDirectory: model).set.trainRecords
            examples = records.map {
                InstructionExample(prompt: encoding.encode($0.prompt), response: encoding.encodeContinuation($0.response))
            }
        } else if try isAlpaca(url) {
            let records: [InstructionRecord]
            do {
                records = try AlpacaFile.read(url)
            } catch {
                throw CommandError(error.description)
            }
            examples = records.map {
                InstructionExample(prompt: encoding.encode($0.prompt), response: encoding.encodeContinuation($0.response))
            }
        } else {
            examples = try InstructionData.load(from: url, encode: encoding.encode, encodeResponse: encoding.encodeContinuation)
        }
        for (index, example) in examples.enumerated() {
            if let bad = (example.prompt + example.response).first(where: { Int($0) >= vocabSize || $0 < 0 }) {
                throw CommandError("\(data): example \(index + 1) has token id \(bad), outside the model's vocabulary (0..<\(vocabSize))")
            }
        }
        return examples
    }

    /// Whether a data file holds Alpaca records: a JSON array, or JSON Lines whose first object has
    /// an "instruction" key.
    func isAlpaca(_ url: URL) throws -> Bool {
        guard let bytes = FileManager.default.contents(atPath: url.path) else {
            throw CommandError("\(url.path): cannot be read")
        }
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) else { return false }
        if first == UInt8(ascii: "[") { return true }
        let firstLine = bytes.prefix { $0 != UInt8(ascii: "\n") }
        let object = (try? JSONSerialization.jsonObject(with: Data(firstLine))) as? [String: Any]
        return object?["instruction"] != nil
    }
}
