import Foundation
import Kernels
import TestSupport

// TEMPORARY: shadows TestSupport.checkGradient to feed it deliberately wrong gradients.
func checkGradient(
    _ name: String, of x: UnsafeMutablePointer<Float>, count: Int, analytic: UnsafePointer<Float>,
    indices: [Int]? = nil, step: Float = 1e-2,
    relativeTolerance: Double = 1e-2, absoluteTolerance: Double = 1e-4,
    loss: () -> Double
) -> GradientCheckReport {
    var wrong = Array(UnsafeBufferPointer(start: analytic, count: count))
    let mode = ProcessInfo.processInfo.environment["KT_MUTATE"] ?? "scale"
    let chosen = indices ?? Array(0..<count)
    if mode == "none" {
    } else if mode == "scale" {
        for i in chosen { wrong[i] *= 1.1 }
    } else {
        let i = chosen[chosen.count / 2]
        wrong[i] += 0.01 + 0.03 * abs(wrong[i])
    }
    let report = wrong.withUnsafeBufferPointer {
        TestSupport.checkGradient(name, of: x, count: count, analytic: $0.baseAddress!, indices: indices, step: step,
                                  relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance, loss: loss)
    }
    print("MUTATION \(mode) \(report.passed ? "UNDETECTED" : "detected"): \(report)")
    return report
}
