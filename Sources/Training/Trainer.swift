import Kernels
import Model

/// Trains every parameter of a model: the full fine-tuning (and pretraining) loop's single step,
/// with gradient accumulation over micro-batches, global-norm clipping and an optimizer.
///
/// The step's passes run data-parallel (`DataParallelStep`): the same bits for any thread count.
/// Everything a step touches is allocated here, once: a step allocates nothing.
public final class Trainer {
    public let model: Llama
    public let B: Int
    public let T: Int
    /// Micro-batches of B sequences per optimizer step.
    public let accumulation: Int
    public let passes: DataParallelStep
    public let batch: StepBatch
    public let optimizer: any Optimizer
    public let schedule: LearningRateSchedule
    public let maxGradientNorm: Float?
    public private(set) var step = 0

    /// A trainer for steps of `accumulation` micro-batches of B sequences of T tokens, on `threads`
    /// worker threads.
    public init(
        model: Llama, B: Int, T: Int, accumulation: Int = 1, threads: Int = 1, optimizer: OptimizerKind,
        weightDecay: Float? = nil, schedule: LearningRateSchedule, maxGradientNorm: Float? = 1
    ) {
        self.model = model
        self.B = B
        self.T = T
        self.accumulation = accumulation
        passes = DataParallelStep(model: model, trained: .model, rows: B * accumulation, microBatchSize: B, T: T, threads: threads)
        batch = StepBatch(capacityRows: B * accumulation, T: T, microBatchSize: B)
        self.optimizer = optimizer.make(count: model.parameterCount, weightDecay: weightDecay)
        self.schedule = schedule
        self.maxGradientNorm = maxGradientNorm
    }

    /// Continues as step `steps` of the schedule, the parameters and optimizer state having been
    /// restored (`PretrainingCheckpoint`).
    public func resume(afterSteps steps: Int) {
        precondition(steps >= 0, "resuming after \(steps) steps")
        step = steps
    }

    /// The gradient of the last step (after clipping).
    public var gradients: FloatBuffer { passes.gradient }

    /// What one optimizer step did.
    public struct StepResult: Sendable {
        public let step: Int
        /// The mean of the micro-batches' mean losses.
        public let loss: Float
        public let gradientNorm: Float
        public let learningRate: Float
    }

    /// One optimizer step over `accumulation` micro-batches, each filled by `nextBatch` into
    /// (inputs, targets) of (B, T).
    public func step(nextBatch: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Void) -> StepResult {
        batch.clear()
        for _ in 0..<accumulation { batch.appendRows(B, nextBatch) }
        let loss = passes.run(batch, step: step)
        let norm = clipGradientNorm(gradients.pointer, count: gradients.count, maxNorm: maxGradientNorm ?? .infinity)
        let learningRate = schedule.learningRate(at: step)
        optimizer.step(parameters: model.parameters.pointer, gradients: gradients.pointer, learningRate: learningRate)
        defer { step += 1 }
        return StepResult(step: step, loss: loss, gradientNorm: norm, learningRate: learningRate)
    }
}

extension OptimizerKind {
    /// AdamW (weight decay 0.01 unless given) or SGD with momentum 0.9 (weight decay 0 unless
    /// given), the article's two, for `count` parameters.
    public func make(count: Int, weightDecay: Float?) -> any Optimizer {
        switch self {
        case .adamw: AdamW(count: count, weightDecay: weightDecay ?? 0.01)
        case .sgd: SGD(count: count, momentum: 0.9, weightDecay: weightDecay ?? 0)
        }
    }
}
