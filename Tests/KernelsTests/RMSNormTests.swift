import Foundation
import Kernels
import TestSupport
import Testing

// Shapes: N rows, C features. inp is (N, C), weight is (C), rstd is (N).

@Suite("RMSNorm")
struct RMSNormTests {
    let N = 3, C = 8
    let eps: Float = 1e-5

    /// Rows at three scales: the last one is so small (mean(x²) ≈ 1e-6) that eps visibly matters.
    func input(seed: UInt64) -> FloatBuffer {
        let inp = randomBuffer(N * C, seed: seed)
        for i in 0..<C {
            inp[C + i] *= 10
            inp[2 * C + i] *= 1e-3
        }
        return inp
    }

    /// Weights near 1, as after initialisation plus a little training.
    func weight(seed: UInt64) -> FloatBuffer {
        let weight = randomBuffer(C, std: 0.2, seed: seed)
        for i in 0..<C { weight[i] += 1 }
        return weight
    }

    @Test("Forward equals x · weight / sqrt(mean(x²) + eps) computed in Double")
    func forwardMatchesFormula() {
        let inp = input(seed: 1), weight = weight(seed: 2)
        let out = nanBuffer(N * C), rstd = nanBuffer(N)

        rmsnormForward(out: out.pointer, rstd: rstd.pointer, inp: inp.pointer, weight: weight.pointer,
                       N: N, C: C, eps: eps)

        for row in 0..<N {
            var meanSquare = 0.0
            for i in 0..<C { meanSquare += Double(inp[row * C + i]) * Double(inp[row * C + i]) }
            meanSquare /= Double(C)
            let r = 1 / (meanSquare + Double(eps)).squareRoot()
            #expect(abs(Double(rstd[row]) - r) <= 1e-5 * r, "rstd[\(row)] = \(rstd[row]), expected \(r)")
            for i in 0..<C {
                let expected = Double(inp[row * C + i]) * r * Double(weight[i])
                let observed = Double(out[row * C + i])
                // Outputs are O(1) whatever the row's scale; float rounding is a few 1e-7.
                #expect(abs(observed - expected) <= 1e-5, "out[\(row), \(i)] = \(observed), expected \(expected)")
            }
        }
    }

    @Test("Backward's dinp and dweight match finite differences")
    func backwardMatchesFiniteDifferences() {
        let inp = input(seed: 3), weight = weight(seed: 4)
        let lossWeights = randomBuffer(N * C, seed: 5)
        let out = FloatBuffer(count: N * C), rstd = FloatBuffer(count: N)
        rmsnormForward(out: out.pointer, rstd: rstd.pointer, inp: inp.pointer, weight: weight.pointer,
                       N: N, C: C, eps: eps)
        let dinp = FloatBuffer(count: N * C), dweight = FloatBuffer(count: C)
        rmsnormBackward(dinp: dinp.pointer, dweight: dweight.pointer, dout: lossWeights.pointer,
                        inp: inp.pointer, weight: weight.pointer, rstd: rstd.pointer, N: N, C: C)

        func loss() -> Double {
            rmsnormForward(out: out.pointer, rstd: rstd.pointer, inp: inp.pointer, weight: weight.pointer,
                           N: N, C: C, eps: eps)
            return weightedSum(out.pointer, lossWeights.pointer, count: N * C)
        }
        // Rows at scales 1 and 10 take the usual step.
        let inputReport = checkGradient(
            "dinp (rows 0, 1)", of: inp.pointer, count: N * C, analytic: dinp.pointer,
            indices: Array(0..<(2 * C)),
            step: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 1e-3, loss: loss)
        #expect(inputReport.passed, "\(inputReport)")
        // The tiny row (|x| ≈ 1e-3, gradients ≈ 1e2 to 1e3) needs a step well below its scale.
        let tinyRowReport = checkGradient(
            "dinp (row 2, scale 1e-3)", of: inp.pointer, count: N * C, analytic: dinp.pointer,
            indices: Array((2 * C)..<(3 * C)),
            step: 1e-5, relativeTolerance: 1e-2, absoluteTolerance: 1e-2, loss: loss)
        #expect(tinyRowReport.passed, "\(tinyRowReport)")
        let weightReport = checkGradient(
            "dweight", of: weight.pointer, count: C, analytic: dweight.pointer,
            step: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 1e-3, loss: loss)
        #expect(weightReport.passed, "\(weightReport)")
    }

    @Test("Backward adds to dinp and dweight instead of overwriting them")
    func backwardAccumulates() {
        let inp = input(seed: 6), weight = weight(seed: 7), dout = randomBuffer(N * C, seed: 8)
        let out = FloatBuffer(count: N * C), rstd = FloatBuffer(count: N)
        rmsnormForward(out: out.pointer, rstd: rstd.pointer, inp: inp.pointer, weight: weight.pointer,
                       N: N, C: C, eps: eps)
        let freshDinp = FloatBuffer(count: N * C), freshDweight = FloatBuffer(count: C)
        rmsnormBackward(dinp: freshDinp.pointer, dweight: freshDweight.pointer, dout: dout.pointer,
                        inp: inp.pointer, weight: weight.pointer, rstd: rstd.pointer, N: N, C: C)

        let dinpBefore = randomBuffer(N * C, seed: 9), dweightBefore = randomBuffer(C, seed: 10)
        let dinp = duplicate(dinpBefore), dweight = duplicate(dweightBefore)
        rmsnormBackward(dinp: dinp.pointer, dweight: dweight.pointer, dout: dout.pointer,
                        inp: inp.pointer, weight: weight.pointer, rstd: rstd.pointer, N: N, C: C)

        // The third row's input gradient is ~1e3, so the tolerance is relative to the magnitude.
        let dinpDifference = locateMaxAbsDifference(increment(from: dinpBefore, to: dinp), freshDinp.array)
        #expect(dinpDifference.value <= 1e-6 * max(1, abs(freshDinp[dinpDifference.index])) + 1e-6,
                "dinp differs by \(dinpDifference.value) at \(dinpDifference.index)")
        let dweightDifference = locateMaxAbsDifference(increment(from: dweightBefore, to: dweight), freshDweight.array)
        #expect(dweightDifference.value <= 1e-5, "dweight differs by \(dweightDifference.value)")
    }

    @Test("Backward with a nil dweight gives the same dinp")
    func backwardWithoutWeightGradient() {
        let inp = input(seed: 11), weight = weight(seed: 12), dout = randomBuffer(N * C, seed: 13)
        let out = FloatBuffer(count: N * C), rstd = FloatBuffer(count: N)
        rmsnormForward(out: out.pointer, rstd: rstd.pointer, inp: inp.pointer, weight: weight.pointer,
                       N: N, C: C, eps: eps)
        let withWeight = FloatBuffer(count: N * C), dweight = FloatBuffer(count: C)
        rmsnormBackward(dinp: withWeight.pointer, dweight: dweight.pointer, dout: dout.pointer,
                        inp: inp.pointer, weight: weight.pointer, rstd: rstd.pointer, N: N, C: C)
        let withoutWeight = FloatBuffer(count: N * C)
        rmsnormBackward(dinp: withoutWeight.pointer, dweight: nil, dout: dout.pointer,
                        inp: inp.pointer, weight: weight.pointer, rstd: rstd.pointer, N: N, C: C)
        #expect(withWeight.array == withoutWeight.array)
    }
}
