import Kernels
import Model

/// Trains every parameter of a model: the full fine-tuning (and pretraining) loop's single step,
/// with gradient accumulation over micro-batches, global-norm clipping and an optimizer.
///
/// Everything a step touches is allocated here, once: a step allocates nothing.
public final class Trainer {
    public let model: Llama
    public let activations: LlamaActivations
    public let gradients: FloatBuffer
    public let gradientViews: LlamaWeights
    public let optimizer: any Optimizer
    public let schedule: LearningRateSchedule
    public let maxGradientNorm: Float?
    public private(set) var step = 0

    /// A trainer for micro-batches of B sequences of T tokens.
    public init(
        model: Llama, B: Int, T: Int, optimizer: OptimizerKind, weightDecay: Float? = nil,
        schedule: LearningRateSchedule, maxGradientNorm: Float? = 1
    ) {
        self.model = model
        activations = LlamaActivations(config: model.config, B: B, T: T, training: true)
        gradients = FloatBuffer(count: model.parameterCount, category: .gradients)
        gradientViews = LlamaWeights(layout: model.layout, base: gradients.pointer)
        self.optimizer = optimizer.make(count: model.parameterCount, weightDecay: weightDecay)
        self.schedule = schedule
        self.maxGradientNorm = maxGradientNorm
    }

    /// What one optimizer step did.
    public struct StepResult: Sendable {
        public let step: Int
        /// The mean of the micro-batches' mean losses.
        public let loss: Float
        public let gradientNorm: Float
        public let learningRate: Float
    }

    /// One optimizer step over `microBatches` micro-batches, each filled by `nextBatch` into
    /// (inputs, targets) buffers of (B, T).
    public func step(
        microBatches: Int, inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>,
        nextBatch: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Void
    ) -> StepResult {
        let B = activations.capacityB, T = activations.capacityT
        var lossSum: Float = 0
        for _ in 0..<microBatches {
            nextBatch(inputs, targets)
            let loss = model.forward(tokens: inputs, targets: targets, B: B, T: T, activations: activations,
                                     backwardScale: 1 / Float(microBatches))!
            model.backward(tokens: inputs, B: B, T: T, activations: activations, gradients: gradientViews)
            lossSum += loss
        }
        let norm = clipGradientNorm(gradients.pointer, count: gradients.count, maxNorm: maxGradientNorm ?? .infinity)
        let learningRate = schedule.learningRate(at: step)
        optimizer.step(parameters: model.parameters.pointer, gradients: gradients.pointer, learningRate: learningRate)
        gradients.zero()
        defer { step += 1 }
        return StepResult(step: step, loss: lossSum / Float(microBatches), gradientNorm: norm, learningRate: learningRate)
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
