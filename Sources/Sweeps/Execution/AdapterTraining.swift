import Adapters
import Experiments
import Foundation
import Model
import ResultsStore
import Training

/// Fine-tunes one adapter as a run configuration describes it: what a sweep's run and
/// `sweep finetune` both do, so the same configuration through either front door trains the same bits.
public enum AdapterTraining {
    public struct Trained {
        public let adapter: LoRA
        public let summary: FineTuning.Summary
        public let curve: [CurvePoint]
    }

    /// Trains a new adapter on `base` (already quantized as the configuration says) on `threads`
    /// worker threads, which change how fast it trains, never what.
    public static func train(
        base: Llama, configuration: RunConfiguration, examples: [InstructionExample], threads: Int = 1,
        progress: (TrainingProgress) -> Void = { _ in }
    ) throws -> Trained {
        var p = try parameters(configuration, eos: base.config.eosTokenID.map(Int32.init))
        p.threads = threads
        let T = FineTuning.sequenceLength(examples: examples, parameters: p, model: base.config)
        try warnAboutUnlearnable(examples, T: T, eos: p.eos)
        let adapter = LoRA(config: p.lora, modelConfig: base.config, seed: p.seed)
        var curve: [CurvePoint] = []
        curve.reserveCapacity((examples.count * p.passes + p.batchSize - 1) / p.batchSize)
        let summary = FineTuning.run(model: base, adapter: adapter, examples: examples, parameters: p) { report in
            curve.append(CurvePoint(step: report.result.step, loss: Double(report.result.loss), lr: Double(report.result.learningRate)))
            progress(report)
            return true
        }
        return Trained(adapter: adapter, summary: summary, curve: curve)
    }

    /// The training core's parameters for a configuration.
    public static func parameters(_ c: RunConfiguration, eos: Int32?) throws -> FineTuning.Parameters {
        var p = FineTuning.Parameters()
        p.lora = LoRAConfig(rank: c.rank, alpha: Float(c.alpha), dropout: Float(c.dropout), targets: Set(c.targets),
                            useRSLoRA: c.rslora)
        p.optimizer = c.optimizer
        p.learningRate = Float(c.lr)
        p.schedule = c.schedule
        p.warmupSteps = c.warmup
        p.passes = c.passes
        p.batchSize = c.batch
        p.microBatchSize = c.microBatch
        p.weightDecay = c.weightDecay.map(Float.init)
        p.maxGradientNorm = c.clip > 0 ? Float(c.clip) : nil
        p.maxLength = c.maxLength
        p.seed = UInt64(c.seed)
        p.eos = eos
        if let problem = p.problems().first { throw BadInput("invalid run configuration: \(problem)") }
        return p
    }

    /// Examples whose prompt fills the T positions teach nothing: an error when that is all of them.
    static func warnAboutUnlearnable(_ examples: [InstructionExample], T: Int, eos: Int32?) throws {
        guard !examples.isEmpty else { throw BadInput("the dataset has no training examples") }
        let unlearnable = examples.filter { !$0.teachesSomething(withinPositions: T, eos: eos) }.count
        if unlearnable == examples.count {
            throw BadInput("every example's prompt is longer than the \(T) tokens the model takes: no response token is left to learn (a model with a longer max_position_embeddings, or shorter prompts, help)")
        } else if unlearnable > 0 {
            printProgress("warning: \(unlearnable) of \(examples.count) examples have prompts longer than \(T) tokens and teach nothing")
        }
    }
}
