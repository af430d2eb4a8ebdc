import Foundation
import Vocabulary

/// The learning rate at each optimizer step: a linear warmup from 0, then constant, cosine decay
/// or linear decay to `minimumFactor` × the peak over the remaining steps.
public struct LearningRateSchedule: Sendable, Equatable, Codable {
    public var shape: ScheduleShape
    public var peak: Float
    public var warmupSteps: Int
    public var totalSteps: Int
    public var minimumFactor: Float

    public init(shape: ScheduleShape, peak: Float, warmupSteps: Int = 0, totalSteps: Int, minimumFactor: Float = 0) {
        self.shape = shape
        self.peak = peak
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.minimumFactor = minimumFactor
    }

    /// The rate for step 0, 1, … (the step about to be taken).
    public func learningRate(at step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
        let decaySteps = max(totalSteps - warmupSteps, 1)
        let progress = min(Float(step - warmupSteps) / Float(decaySteps), 1)
        let floor = peak * minimumFactor
        switch shape {
        case .constant: return peak
        case .cosine: return floor + (peak - floor) * 0.5 * (1 + Foundation.cos(Float.pi * progress))
        case .linear: return floor + (peak - floor) * (1 - progress)
        }
    }
}
