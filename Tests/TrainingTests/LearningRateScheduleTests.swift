import Foundation
import Testing
import Training
import Vocabulary

/// The learning rate at step s = 0, 1, … (the step about to be taken): a linear warmup over W
/// steps reaching the peak at step W − 1, then a decay over the remaining S − W steps that
/// reaches the floor, peak × minimumFactor, at step S (one past the last step taken, as
/// transformers' schedulers do) and stays there.
@Suite("Learning-rate schedules")
struct LearningRateScheduleTests {
    let peak: Float = 3e-3
    let W = 10, S = 110
    let factor: Float = 0.1

    func schedule(_ shape: ScheduleShape) -> LearningRateSchedule {
        LearningRateSchedule(shape: shape, peak: peak, warmupSteps: W, totalSteps: S, minimumFactor: factor)
    }

    func close(_ a: Float, _ b: Float) -> Bool { abs(a - b) <= 1e-6 * peak }

    @Test("Warmup rises linearly, by peak / W a step, to the peak at step W − 1",
          arguments: ScheduleShape.allCases)
    func warmupIsLinear(shape: ScheduleShape) {
        let schedule = schedule(shape)
        for s in 0..<W {
            let expected = peak * Float(s + 1) / Float(W)
            #expect(close(schedule.learningRate(at: s), expected), "step \(s): \(schedule.learningRate(at: s)), expected \(expected)")
        }
        #expect(schedule.learningRate(at: W - 1) == peak)
        #expect(close(schedule.learningRate(at: W), peak), "the decay starts from the peak")
    }

    @Test("Cosine is half-way between peak and floor at the middle of the decay and reaches the floor at its end")
    func cosine() {
        let schedule = schedule(.cosine)
        let floor = peak * factor
        #expect(close(schedule.learningRate(at: W + (S - W) / 2), (peak + floor) / 2))
        // A quarter of the way: floor + (peak − floor)·(1 + cos(π/4))/2.
        let quarter = floor + (peak - floor) * Float((1 + Foundation.cos(Double.pi / 4)) / 2)
        #expect(close(schedule.learningRate(at: W + (S - W) / 4), quarter))
        // The last step taken is one decay step short of the floor; step S is the floor.
        let last = floor + (peak - floor) * Float((1 + Foundation.cos(Double.pi * Double(S - 1 - W) / Double(S - W))) / 2)
        #expect(close(schedule.learningRate(at: S - 1), last))
        #expect(schedule.learningRate(at: S - 1) > floor)
        #expect(close(schedule.learningRate(at: S), floor))
        #expect(close(schedule.learningRate(at: S + 50), floor), "stays at the floor after the end")
        // Monotone after the warmup.
        for s in W..<S { #expect(schedule.learningRate(at: s + 1) <= schedule.learningRate(at: s)) }
    }

    @Test("Linear decays by the same amount each step from the peak to the floor")
    func linear() {
        let schedule = schedule(.linear)
        let floor = peak * factor
        let decrement = (peak - floor) / Float(S - W)
        for s in W..<S {
            #expect(close(schedule.learningRate(at: s) - schedule.learningRate(at: s + 1), decrement), "step \(s)")
        }
        #expect(close(schedule.learningRate(at: W + (S - W) / 2), (peak + floor) / 2))
        #expect(close(schedule.learningRate(at: S), floor))
        #expect(close(schedule.learningRate(at: S + 50), floor))
    }

    @Test("Constant stays at the peak after warmup, and from step 0 without warmup")
    func constant() {
        let schedule = schedule(.constant)
        for s in W..<S + 20 { #expect(schedule.learningRate(at: s) == peak) }
        let noWarmup = LearningRateSchedule(shape: .constant, peak: peak, totalSteps: 5)
        #expect(noWarmup.learningRate(at: 0) == peak)
    }

    @Test("Without warmup, cosine starts at the peak on step 0")
    func noWarmup() {
        let schedule = LearningRateSchedule(shape: .cosine, peak: peak, totalSteps: 100)
        #expect(schedule.learningRate(at: 0) == peak)
        #expect(close(schedule.learningRate(at: 50), peak / 2))
        #expect(close(schedule.learningRate(at: 100), 0))
    }
}
