import Adapters
import ArgumentParser
import Experiments
import Foundation
import Kernels
import Model
import Sweeps
import Training

/// What `sweep finetune` records beside the PEFT files, so `score` and `merge` see the same base.
struct FineTuneRecord: Codable {
    var baseModel: String
    var quantization: Quantization
    var summary: FineTuning.Summary
    static let file = "lora_sweep.json"
}

/// `sweep finetune`: one run's fine-tune, its knobs given as flags. Each flag is a knob of experiment
/// files (`sweep knobs`) with the same default, and the adapter is trained by the same code as a
/// sweep's run: the same configuration through either door trains the same bits.
struct Finetune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fine-tune a LoRA or QLoRA adapter on instruction data and write it in PEFT's format.",
        discussion: """
            Trains only the adapter: y = x Wᵀ + (alpha/r) · dropout(x) Aᵀ Bᵀ on the --targets \
            projections, with the base frozen (fp32, or NF4 with --quantization). Loss is on response \
            tokens only. Each optimizer step accumulates --batch / --micro-batch micro-batches; \
            --passes shuffled passes go over the data. Every knob's flag, default and meaning are those \
            of experiment files (`sweep knobs`).

            Each optimizer step's examples are cut into min(--batch, 4) shards that --threads worker \
            threads share, one BLAS thread each; the shards' gradients are added in a fixed order, so \
            the same seed gives the same bits for any thread count.

            --data is alpaca or lima (the built-in instruction sets), or a dataset file of JSON Lines \
            (or one JSON array) in one of three layouts: Alpaca ({"instruction", "input", "output"}), \
            chat ({"messages": [{"role": "system" | "user" | "assistant", "content": "…"}, …]}) or \
            prompt/completion ({"prompt", "completion"}). --template lays the examples out: alpaca \
            (Lit-GPT's Alpaca prompt, the default), chatml, llama-2, or model (the model's own chat \
            template, when it is one of those); the loss is on the assistant's replies only. JSON Lines \
            of {"prompt": "…", "response": "…"} (text, encoded with the model's tokenizer.json) or \
            {"prompt_ids": […], "response_ids": […]} are trained on as written.

            The adapter directory holds adapter_config.json and adapter_model.safetensors as PEFT \
            writes them, plus lora_sweep.json with the run's metrics.

            The article's default, scaled down:
              sweep finetune --model results/base --data alpaca --out adapters/qv \\
                --rank 8 --alpha 16 --targets q,v --train-examples 64

            Conversations through ChatML:
              sweep finetune --model results/base --data chat.jsonl --template chatml \\
                --out adapters/chat --train-examples 16
            """)

    @Option(help: "The base model directory.") var model: String
    @Option(help: "Instruction examples: alpaca or lima (the built-in sets' training splits, from the base model's world), a dataset file (Alpaca, chat or prompt/completion JSON Lines), or prompt/response JSON Lines.")
    var data: String
    @Option(help: ArgumentHelp(PromptTemplate.help)) var template: PromptTemplate?
    @Option(help: "Directory to write the adapter to.") var out: String

    @Option(help: ArgumentHelp(Knob.rank.help)) var rank = RunConfiguration.defaults.rank
    @Option(help: ArgumentHelp(Knob.alpha.help)) var alpha = RunConfiguration.defaults.alpha
    @Option(help: ArgumentHelp(Knob.dropout.help)) var dropout = RunConfiguration.defaults.dropout
    @Option(help: ArgumentHelp(Knob.targets.help + " Comma-separated."))
    var targets = RunConfiguration.defaults.targets.map(\.rawValue).joined(separator: ",")
    @Flag(help: ArgumentHelp(Knob.rslora.help)) var rslora = RunConfiguration.defaults.rslora
    @Option(name: [.customLong("quantization"), .customLong("quant")], help: ArgumentHelp(Knob.quantization.help))
    var quantization = RunConfiguration.defaults.quantization
    @Option(help: ArgumentHelp(Knob.optimizer.help)) var optimizer = RunConfiguration.defaults.optimizer
    @Option(help: ArgumentHelp(Knob.lr.help)) var lr = RunConfiguration.defaults.lr
    @Option(help: ArgumentHelp(Knob.schedule.help)) var schedule = RunConfiguration.defaults.schedule
    @Option(help: ArgumentHelp(Knob.warmup.help)) var warmup = RunConfiguration.defaults.warmup
    @Option(help: ArgumentHelp(Knob.passes.help)) var passes = RunConfiguration.defaults.passes
    @Option(help: ArgumentHelp(Knob.batch.help)) var batch = RunConfiguration.defaults.batch
    @Option(name: .customLong("micro-batch"), help: ArgumentHelp(Knob.microBatch.help)) var microBatch = RunConfiguration.defaults.microBatch
    @Option(name: .customLong("weight-decay"), help: ArgumentHelp(Knob.weightDecay.help)) var weightDecay: Double?
    @Option(help: ArgumentHelp(Knob.clip.help)) var clip = RunConfiguration.defaults.clip
    @Option(name: .customLong("max-length"), help: ArgumentHelp(Knob.maxLength.help)) var maxLength: Int?
    @Option(name: .customLong("train-examples"), help: ArgumentHelp(Knob.trainExamples.help)) var trainExamples: Int?
    @Option(help: ArgumentHelp(Knob.seed.help)) var seed = RunConfiguration.defaults.seed
    @Option(name: .customLong("log-every"), help: "Print progress every N optimizer steps.") var logEvery = 10
    @Flag(help: "Print one JSON object with the run's metrics.") var json = false
    @Flag(name: .customLong("predict-memory"),
          help: "Print the run's peak memory by component, predicted from the configuration as `sweep memory` does (T: the data's longest example), and stop.")
    var predictMemory = false

    @OptionGroup var threads: TrainingThreadOptions

    func validate() throws {
        _ = try runConfiguration()
        guard logEvery > 0 else { throw ValidationError("--log-every must be at least 1") }
        if let maxLength, maxLength < 2 { throw ValidationError("--max-length must be at least 2, got \(maxLength)") }
        if let trainExamples, trainExamples < 1 { throw ValidationError("--train-examples must be at least 1, got \(trainExamples)") }
    }

    /// The flags as the run configuration a one-run experiment file would resolve to.
    func runConfiguration() throws -> RunConfiguration {
        let sites: [ProjectionSite]
        do { sites = try ProjectionSite.targets(targets.split(separator: ",").map(String.init)) } catch {
            throw ValidationError("--targets: \(error.description)")
        }
        let c = RunConfiguration(
            rank: rank, alpha: alpha, dropout: dropout, rslora: rslora, targets: sites, quantization: quantization,
            optimizer: optimizer, lr: lr, schedule: schedule, warmup: warmup, passes: passes, batch: batch,
            microBatch: microBatch, weightDecay: weightDecay, clip: clip, maxLength: maxLength,
            trainExamples: trainExamples, seed: seed, dataset: data, template: template)
        do { _ = try AdapterTraining.parameters(c, eos: nil) } catch { throw ValidationError("\(error)") }
        return c
    }

    func run() throws {
        let workers = threads.workers()
        BaseModel.warnIfStale(model)
        let configuration = try runConfiguration()
        if predictMemory { return try printPrediction(configuration, threads: workers) }
        let base = configuration.quantization.prepare(try ModelDirectory.load(model))
        let examples = Array(try FineTuneData.load(data, template: template, modelDirectory: model, vocabSize: base.config.vocabSize)
            .prefix(trainExamples ?? .max))
        let steps = (examples.count * passes + batch - 1) / batch
        printProgress("fine-tuning r \(rank), alpha \(alpha), \(configuration.targets.map(\.rawValue).joined(separator: ",")) over a \(quantization == .none ? "fp32" : quantization.rawValue) base of \(base.config.dim)×\(base.config.nLayers): \(examples.count) examples × \(passes) pass(es) = \(steps) steps of \(batch), \(workerThreadsDescription(workers))")
        let trained = try AdapterTraining.train(base: base, configuration: configuration, examples: examples,
                                                threads: workers) { progress in
            let step = progress.result.step + 1
            if step % logEvery == 0 || step == progress.totalSteps || step == 1 { printProgress(progress.description) }
        }
        let summary = trained.summary
        if let step = summary.divergedAtStep {
            throw CommandError("training diverged at step \(step + 1) (loss \(summary.losses.last ?? .nan)); try a lower --lr")
        }
        let directory = URL(fileURLWithPath: out)
        try trained.adapter.save(to: directory, baseModel: model)
        let record = FineTuneRecord(baseModel: model, quantization: quantization, summary: summary)
        try jsonEncoder().encode(record).write(to: directory.appendingPathComponent(FineTuneRecord.file), options: .atomic)
        printProgress(String(format: "wrote %@: %d adapter parameters, final loss %.4f, %.0f tokens/s, %.1f s, peak tensor memory %.1f MB, peak RSS %.1f MB",
                             out, trained.adapter.trainableParameters, summary.finalLoss, summary.tokensPerSecond, summary.wallSeconds,
                             Double(summary.peakMemoryBytes) / 1e6, Double(summary.peakRSSBytes) / 1e6))
        if json { try printJSON(summary) }
    }

    /// The ledger `FineTuning.run` would measure, from config.json and the data's longest example:
    /// the prediction `sweep memory` prints, and the run records.
    func printPrediction(_ configuration: RunConfiguration, threads: Int) throws {
        let config = try ModelDirectory.config(model)
        let p = try AdapterTraining.parameters(configuration, eos: config.eosTokenID.map(Int32.init))
        let examples = try FineTuneData.load(data, template: template, modelDirectory: model, vocabSize: config.vocabSize)
        let T = FineTuning.sequenceLength(examples: Array(examples.prefix(trainExamples ?? .max)), parameters: p, model: config)
        let run = MemoryPrediction.Run(
            model: config, mode: quantization.isQuantized ? .qlora : .lora, lora: p.lora,
            doubleQuantization: quantization.isDoubleQuantized, optimizer: optimizer, batchSize: batch,
            microBatchSize: microBatch, T: T, threads: threads)
        if let problem = run.problems().first { throw BadInput("\(model): \(problem)") }
        let shape = ModelShape(config: config, source: model)
        if json { return try printJSON(MemoryReport(MemoryPrediction(run), shape: shape)) }
        print(MemoryReport.text(MemoryPrediction(run), shape: shape))
    }
}
