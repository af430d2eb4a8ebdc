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
        /// Tokens per second of this session's steps (a resumed run's earlier sessions not counted).
        public let tokensPerSecond: Double
        public let losses: [Float]
        /// The step this session began at: 0, or the checkpoint's.
        public let resumedFrom: Int
    }

    /// Where and how often a run saves what it needs to resume, and what it trains (a checkpoint of
    /// another identity is refused).
    public struct Checkpointing: Sendable {
        public var url: URL
        public var identity: String
        /// Seconds of training between two checkpoints; one is written whenever the run stops early.
        public var intervalSeconds: Double = 300

        public init(url: URL, identity: String, intervalSeconds: Double = 300) {
            self.url = url
            self.identity = identity
            self.intervalSeconds = intervalSeconds
        }
    }

    /// Trains `model` in place. The same model, tokens and parameters give the same loss sequence,
    /// bit for bit, for any thread count, and whether or not the run was stopped and resumed.
    ///
    /// With `checkpointing`, a run continues from the checkpoint at its url when there is one, saves
    /// one every `intervalSeconds` and when `progress` stops it, and leaves the last one in place (the
    /// caller removes it once the model is saved). `resumedFrom` in the summary tells where it began.
    public static func run(
        model: Llama, tokens: [Int32], parameters p: Parameters, checkpointing: Checkpointing? = nil,
        progress: (Progress) -> Bool = { _ in true }
    ) throws -> Summary {
        let schedule = LearningRateSchedule(
            shape: p.schedule, peak: p.learningRate, warmupSteps: p.warmupSteps, totalSteps: p.steps,
            minimumFactor: p.minimumLearningRateFactor)
        let trainer = Trainer(model: model, B: p.batchSize, T: p.sequenceLength, accumulation: p.accumulation,
                              threads: p.threads, optimizer: p.optimizer, weightDecay: p.weightDecay, schedule: schedule,
                              maxGradientNorm: p.maxGradientNorm)
        var batches = TokenBatches(tokens: tokens, B: p.batchSize, T: p.sequenceLength, seed: p.seed)

        var losses: [Float] = []
        var earlierSeconds = 0.0
        if let checkpointing, FileManager.default.fileExists(atPath: checkpointing.url.path) {
            let checkpoint = try PretrainingCheckpoint.restore(from: checkpointing.url, identity: checkpointing.identity, into: trainer)
            losses = checkpoint.losses
            earlierSeconds = checkpoint.trainingSeconds
            batches.skip(batches: checkpoint.step * p.accumulation)
        }
        let resumedFrom = losses.count
        losses.reserveCapacity(p.steps)
        let start = Date()
        var lastCheckpoint = start
        func saveCheckpoint() throws {
            guard let checkpointing, losses.last?.isFinite ?? true else { return }
            let seconds = earlierSeconds + Date().timeIntervalSince(start)
            try PretrainingCheckpoint(identity: checkpointing.identity, step: losses.count, losses: losses, trainingSeconds: seconds)
                .write(trainer: trainer, to: checkpointing.url)
            lastCheckpoint = Date()
        }
        while losses.count < p.steps {
            let result = trainer.step { batches.next(inputs: $0, targets: $1) }
            losses.append(result.loss)
            let elapsed = Date().timeIntervalSince(start)
            let report = Progress(result: result, totalSteps: p.steps, elapsedSeconds: elapsed,
                                  tokensPerSecond: Double((losses.count - resumedFrom) * p.tokensPerStep) / elapsed,
                                  stepsThisSession: losses.count - resumedFrom)
            if !progress(report) {
                if losses.count < p.steps { try saveCheckpoint() }
                break
            }
            if let checkpointing, Date().timeIntervalSince(lastCheckpoint) >= checkpointing.intervalSeconds, losses.count < p.steps {
                try saveCheckpoint()
            }
        }
        let wall = Date().timeIntervalSince(start)
        let trainedThisSession = (losses.count - resumedFrom) * p.tokensPerStep
        return Summary(steps: losses.count, tokens: losses.count * p.tokensPerStep, finalLoss: losses.last ?? .nan,
                       wallSeconds: earlierSeconds + wall, tokensPerSecond: Double(trainedThisSession) / wall, losses: losses,
                       resumedFrom: resumedFrom)
    }
}

/// What a training loop reports after every optimizer step; its callback returns false to stop.
public struct TrainingProgress: Sendable, CustomStringConvertible {
    public let result: Trainer.StepResult
    public let totalSteps: Int
    public let elapsedSeconds: Double
    /// Tokens that carry a loss, per second so far.
    public let tokensPerSecond: Double
    /// Steps done since this session began (all of them unless the run was resumed).
    public let stepsThisSession: Int

    public init(result: Trainer.StepResult, totalSteps: Int, elapsedSeconds: Double, tokensPerSecond: Double,
                stepsThisSession: Int? = nil) {
        self.result = result
        self.totalSteps = totalSteps
        self.elapsedSeconds = elapsedSeconds
        self.tokensPerSecond = tokensPerSecond
        self.stepsThisSession = stepsThisSession ?? result.step + 1
    }

    public var etaSeconds: Double {
        elapsedSeconds / Double(max(stepsThisSession, 1)) * Double(totalSteps - result.step - 1)
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
