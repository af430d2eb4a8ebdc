import Foundation
import Kernels
import TestSupport
import Testing

// Shapes: N positions, V vocabulary. logits is (N, V), losses and targets are (N).

@Suite("Softmax cross-entropy")
struct CrossEntropyTests {
    let N = 4, V = 7

    /// −log softmax(row)[target], in Double.
    func referenceLoss(_ row: ArraySlice<Float>, target: Int) -> Double {
        let values = row.map(Double.init)
        let maximum = values.max()!
        let logSum = Foundation.log(values.map { Foundation.exp($0 - maximum) }.reduce(0, +)) + maximum
        return logSum - values[target]
    }

    @Test("The loss is −log softmax(logits)[target], computed in Double")
    func lossMatchesReference() {
        let logits = randomBuffer(N * V, std: 2, seed: 1)
        let original = logits.array
        let targets: [Int32] = [0, 6, 3, 3]
        let losses = nanBuffer(N)

        let counted = crossEntropyForward(losses: losses.pointer, logits: logits.pointer, targets: targets,
                                          N: N, V: V, backward: false, gradScale: 1)

        #expect(counted == N)
        #expect(logits.array == original, "the forward-only pass must leave the logits alone")
        for n in 0..<N {
            let expected = referenceLoss(original[(n * V)..<((n + 1) * V)], target: Int(targets[n]))
            // Losses of a few units; float log-sum-exp is good to ~1e-6.
            #expect(abs(Double(losses[n]) - expected) <= 1e-5, "loss[\(n)] = \(losses[n]), expected \(expected)")
        }
    }

    @Test("Ignored targets give loss 0, a zero gradient row, and are not counted")
    func ignoredTargetsCarryNothing() {
        let logits = randomBuffer(N * V, std: 2, seed: 2)
        let original = logits.array
        let targets: [Int32] = [2, ignoreIndex, 5, ignoreIndex]
        #expect(ignoreIndex == -100)
        let losses = nanBuffer(N)

        let counted = crossEntropyForward(losses: losses.pointer, logits: logits.pointer, targets: targets,
                                          N: N, V: V, backward: true, gradScale: 0.5)

        #expect(counted == 2)
        for n in [1, 3] {
            #expect(losses[n] == 0, "ignored position \(n) has loss \(losses[n])")
            #expect(logits.array[(n * V)..<((n + 1) * V)].allSatisfy { $0 == 0 },
                    "ignored position \(n) has gradient \(logits.array[(n * V)..<((n + 1) * V)])")
        }
        for n in [0, 2] {
            let expected = referenceLoss(original[(n * V)..<((n + 1) * V)], target: Int(targets[n]))
            #expect(abs(Double(losses[n]) - expected) <= 1e-5, "loss[\(n)] = \(losses[n]), expected \(expected)")
        }
    }

    @Test("The in-place gradient matches finite differences of gradScale · Σ losses")
    func gradientMatchesFiniteDifferences() {
        let logits = randomBuffer(N * V, std: 2, seed: 3)
        let targets: [Int32] = [1, ignoreIndex, 4, 0]
        let gradScale: Float = 0.5
        let losses = FloatBuffer(count: N)
        let gradient = duplicate(logits)
        crossEntropyForward(losses: losses.pointer, logits: gradient.pointer, targets: targets,
                            N: N, V: V, backward: true, gradScale: gradScale)

        let scratch = FloatBuffer(count: N * V)
        // Gradients here are (p − 1[target]) · 0.5, many of them ~0.01 to 0.1, so the absolute
        // tolerance is tighter than elsewhere; the float losses (a few units) change by ~1e-3 over
        // a step, so finite-difference noise is ~1e-5.
        let report = checkGradient(
            "dlogits", of: logits.pointer, count: N * V, analytic: gradient.pointer,
            step: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 2e-4
        ) {
            scratch.copy(from: logits)
            crossEntropyForward(losses: losses.pointer, logits: scratch.pointer, targets: targets,
                                N: N, V: V, backward: false, gradScale: gradScale)
            return (0..<N).reduce(0.0) { $0 + Double(losses[$1]) } * Double(gradScale)
        }
        #expect(report.passed, "\(report)")
        // Each counted row of the gradient sums to zero: softmax sums to 1, the one-hot to 1.
        for n in [0, 2, 3] {
            let rowSum = (0..<V).reduce(0.0) { $0 + Double(gradient[n * V + $1]) }
            #expect(abs(rowSum) <= 1e-6, "gradient row \(n) sums to \(rowSum)")
        }
    }

    @Test("Logits of ±1000 give finite losses and gradients")
    func largeLogitsStayFinite() {
        let V = 5
        let logits = makeBuffer([
            1000, -1000, 999, 0, -1000,  // target −1000: loss ≈ 2000 + log(1 + e⁻¹)
            1000, 1000, 1000, 1000, 1000,  // all equal: loss = log 5
            -1000, -1000, -1000, -1000, 1000,  // target 1000: loss ≈ 0
        ])
        let original = logits.array
        let targets: [Int32] = [1, 2, 4]
        let losses = FloatBuffer(count: 3)
        crossEntropyForward(losses: losses.pointer, logits: logits.pointer, targets: targets,
                            N: 3, V: V, backward: true, gradScale: 1)
        for n in 0..<3 {
            let expected = referenceLoss(original[(n * V)..<((n + 1) * V)], target: Int(targets[n]))
            // At 2000 a float ulp is 1.2e-4.
            #expect(losses[n].isFinite && abs(Double(losses[n]) - expected) <= 1e-3,
                    "loss[\(n)] = \(losses[n]), expected \(expected)")
        }
        let allFinite = logits.array.allSatisfy(\.isFinite)
        #expect(allFinite, "gradient \(logits.array)")
        // Row 0: the softmax is (1/(1+e⁻¹), 0, e⁻¹/(1+e⁻¹), 0, 0) and the target is 1.
        let p0 = 1 / (1 + Foundation.exp(-1.0))
        let expectedRow0 = [p0, -1, 1 - p0, 0, 0]
        // log-sum-exp ≈ 1000.31 is rounded to a float ulp of 6e-5, and so are the probabilities.
        #expect(maxAbsDeviation(expectedRow0, logits.pointer) <= 2e-4, "\(logits.array[0..<V])")
    }

    @Test("logSoftmax rows exponentiate and sum to 1, and match the reference")
    func logSoftmaxNormalises() {
        let V = 9
        let rows: [[Float]] = [
            randomBuffer(V, std: 3, seed: 4).array,
            [1000, -1000, 999, 0, 0, 0, 0, 0, -1000],
            [Float](repeating: -1000, count: V),
        ]
        for values in rows {
            let row = makeBuffer(values)
            logSoftmax(row.pointer, V: V)
            // The kernel forms log-sum-exp as log(Σ exp(x − max)) + max in Float, so it is rounded
            // at the scale of the largest logit (half an ulp of 1000 is 3e-5) before being
            // subtracted: allow one ulp of the largest |logit| on top of ordinary rounding.
            let scaleUlp = Double(values.map(abs).max()!.ulp)
            let sum = (0..<V).reduce(0.0) { $0 + Foundation.exp(Double(row[$1])) }
            #expect(abs(sum - 1) <= 1e-5 + scaleUlp, "\(values) exp-sums to \(sum)")
            for j in 0..<V {
                let expected = -referenceLoss(values[...], target: j)
                #expect(abs(Double(row[j]) - expected) <= 1e-6 * max(1, abs(expected)) + scaleUlp,
                        "log softmax \(row[j]), expected \(expected), in row \(values)")
            }
        }
    }
}
