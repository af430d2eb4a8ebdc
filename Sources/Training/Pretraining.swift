import Foundation
import Kernels
import Model

/// Trains all of a model's parameters on a token stream: the recipe behind a base model.
public enum Pretraining {
    public struct Parameters: Sendable {
        /// Sequences per micro-batch and tokens per sequence.
        public var batchSize: Int
        public var sequenceLength: Int
        /// Micro-batches accumulated into one optimizer step.
        public var accumulation: Int = 1
        /// Worker threads: how fast a step runs, never what it computes.
        public var threads: Int = 1
        public var steps: Int
        public var optimizer: OptimizerKind = .adamw
        public var learningRate: Float
        public var schedule: ScheduleShape = .cosine
        public var warmupSteps: Int = 0
        public var minimumLearningRateFactor: Float = 0.1
        public var weightDecay: Float? = nil
        public var maxGradientNorm: Float? = 1
        public var seed: UInt64 = 1

        public init(batchSize: Int, sequenceLength: Int, steps: Int, learningRate: Float) {
            self.batchSize = batchSize
            self.sequenceLength = sequenceLength
            self.steps = steps
            self.learningRate = learningRate
        }

        public var tokensPerStep: Int { batchSize * sequenceLength * accumulation }
    }

    public typealias Progress = TrainingProgress

    public struct Summary: Sendable, Codable {
        public let steps: Int
        public let tokens: Int
        public let finalLoss: Float
        public let wallSeconds: Double
        public let tokensPerSecond: Double
        public let losses: [Float]
    }

    /// Trains `model` in place. The same model, tokens and parameters give the same loss sequence,
    /// bit for bit, for any thread count.
    public static func run(
        model: Llama, tokens: [Int32], parameters p: Parameters, progress: (Progress) -> Bool = { _ in true }
    ) -> Summary {
        let schedule = LearningRateSchedule(
            shape: p.schedule, peak: p.learningRate, warmupSteps: p.warmupSteps, totalSteps: p.steps,
            minimumFactor: p.minimumLearningRateFactor)
        let trainer = Trainer(model: model, B: p.batchSize, T: p.sequenceLength, accumulation: p.accumulation,
                              threads: p.threads, optimizer: p.optimizer, weightDecay: p.weightDecay, schedule: schedule,
                              maxGradientNorm: p.maxGradientNorm)
        var batches = TokenBatches(tokens: tokens, B: p.batchSize, T: p.sequenceLength, seed: p.seed)

        var losses: [Float] = []
        losses.reserveCapacity(p.steps)
        let start = Date()
        for _ in 0..<p.steps {
            let result = trainer.step { batches.next(inputs: $0, targets: $1) }
            losses.append(result.loss)
            let elapsed = Date().timeIntervalSince(start)
            let report = Progress(result: result, totalSteps: p.steps, elapsedSeconds: elapsed,
                                  tokensPerSecond: Double(losses.count * p.tokensPerStep) / elapsed)
            if !progress(report) { break }
        }
        let wall = Date().timeIntervalSince(start)
        let trained = losses.count * p.tokensPerStep
        return Summary(steps: losses.count, tokens: trained, finalLoss: losses.last ?? .nan, wallSeconds: wall,
                       tokensPerSecond: Double(trained) / wall, losses: losses)
    }
}

/// What a training loop reports after every optimizer step; its callback returns false to stop.
public struct TrainingProgress: Sendable, CustomStringConvertible {
    public let result: Trainer.StepResult
    public let totalSteps: Int
    public let elapsedSeconds: Double
    /// Tokens that carry a loss, per second so far.
    public let tokensPerSecond: Double

    public init(result: Trainer.StepResult, totalSteps: Int, elapsedSeconds: Double, tokensPerSecond: Double) {
        self.result = result
        self.totalSteps = totalSteps
        self.elapsedSeconds = elapsedSeconds
        self.tokensPerSecond = tokensPerSecond
    }

    public var etaSeconds: Double {
        elapsedSeconds / Double(result.step + 1) * Double(totalSteps - result.step - 1)
    }

    public var description: String {
        String(format: "step %d/%d  loss %.4f  lr %.2e  grad-norm %.3f  %.0f tok/s  eta ",
               result.step + 1, totalSteps, result.loss, result.learningRate, result.gradientNorm,
               tokensPerSecond) + formatDuration(etaSeconds)
    }
}

/// 75 → "1m15s", 3725 → "1h02m".
public func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let s = Int(seconds.rounded())
    if s < 60 { return "\(s)s" }
    if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
}
