import Foundation
import Kernels
import TestSupport
import Testing

// Shapes: N rows, H hidden features; every buffer is (N, H), passed as one count.

@Suite("SwiGLU")
struct SwiGLUTests {
    let count = 4 * 6

    @Test("Forward equals silu(gate) · up = gate · σ(gate) · up")
    func forwardMatchesFormula() {
        // std 3 reaches well into both tails of the sigmoid.
        let gate = randomBuffer(count, std: 3, seed: 1), up = randomBuffer(count, seed: 2)
        let out = nanBuffer(count)
        swigluForward(out: out.pointer, gate: gate.pointer, up: up.pointer, count: count)
        for i in 0..<count {
            let g = Double(gate[i])
            let expected = g / (1 + Foundation.exp(-g)) * Double(up[i])
            #expect(abs(Double(out[i]) - expected) <= 1e-6 * max(1, abs(expected)),
                    "out[\(i)] = \(out[i]), expected \(expected) (gate \(g), up \(up[i]))")
        }
    }

    @Test("Backward's dgate and dup match finite differences")
    func backwardMatchesFiniteDifferences() {
        let gate = randomBuffer(count, std: 2, seed: 3), up = randomBuffer(count, seed: 4)
        let lossWeights = randomBuffer(count, seed: 5)
        let out = FloatBuffer(count: count)
        let dgate = FloatBuffer(count: count), dup = FloatBuffer(count: count)
        swigluBackward(dgate: dgate.pointer, dup: dup.pointer, dout: lossWeights.pointer,
                       gate: gate.pointer, up: up.pointer, count: count)

        func loss() -> Double {
            swigluForward(out: out.pointer, gate: gate.pointer, up: up.pointer, count: count)
            return weightedSum(out.pointer, lossWeights.pointer, count: count)
        }
        let gateReport = checkGradient(
            "dgate", of: gate.pointer, count: count, analytic: dgate.pointer,
            step: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 1e-3, loss: loss)
        #expect(gateReport.passed, "\(gateReport)")
        let upReport = checkGradient(
            "dup", of: up.pointer, count: count, analytic: dup.pointer,
            step: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 1e-3, loss: loss)
        #expect(upReport.passed, "\(upReport)")
    }

    @Test("Backward adds to dgate and dup instead of overwriting them")
    func backwardAccumulates() {
        let gate = randomBuffer(count, std: 2, seed: 6), up = randomBuffer(count, seed: 7)
        let dout = randomBuffer(count, seed: 8)
        let freshGate = FloatBuffer(count: count), freshUp = FloatBuffer(count: count)
        swigluBackward(dgate: freshGate.pointer, dup: freshUp.pointer, dout: dout.pointer,
                       gate: gate.pointer, up: up.pointer, count: count)
        let gateBefore = randomBuffer(count, seed: 9), upBefore = randomBuffer(count, seed: 10)
        let dgate = duplicate(gateBefore), dup = duplicate(upBefore)
        swigluBackward(dgate: dgate.pointer, dup: dup.pointer, dout: dout.pointer,
                       gate: gate.pointer, up: up.pointer, count: count)

        let gateDifference = locateMaxAbsDifference(increment(from: gateBefore, to: dgate), freshGate.array)
        #expect(gateDifference.value <= 1e-5, "dgate differs by \(gateDifference.value) at \(gateDifference.index)")
        let upDifference = locateMaxAbsDifference(increment(from: upBefore, to: dup), freshUp.array)
        #expect(upDifference.value <= 1e-5, "dup differs by \(upDifference.value) at \(upDifference.index)")
    }

    @Test("Very large positive and negative gates give finite outputs and gradients")
    func extremeGatesStayFinite() {
        // exp(−gate) overflows Float for gate ≲ −89: silu must still tend to 0, not NaN.
        let gate = makeBuffer([-1000, -100, -89, 89, 100, 1000])
        let up = makeBuffer([1, 2, -3, 0.5, -1, 2])
        let count = gate.count
        let out = FloatBuffer(count: count), dout = makeBuffer([Float](repeating: 1, count: count))
        let dgate = FloatBuffer(count: count), dup = FloatBuffer(count: count)
        swigluForward(out: out.pointer, gate: gate.pointer, up: up.pointer, count: count)
        swigluBackward(dgate: dgate.pointer, dup: dup.pointer, dout: dout.pointer,
                       gate: gate.pointer, up: up.pointer, count: count)
        for i in 0..<count {
            #expect(out[i].isFinite && dgate[i].isFinite && dup[i].isFinite,
                    "gate \(gate[i]): out \(out[i]), dgate \(dgate[i]), dup \(dup[i])")
            // silu(g) → 0 for g → −∞ and → g for g → +∞; silu'(g) → 0 and → 1.
            let expectedSilu: Float = gate[i] < 0 ? 0 : gate[i]
            let expectedSlope: Float = gate[i] < 0 ? 0 : 1
            #expect(abs(dup[i] - expectedSilu) <= 1e-3 * max(1, abs(expectedSilu)), "silu(\(gate[i])) = \(dup[i])")
            #expect(abs(dgate[i] - up[i] * expectedSlope) <= 1e-3, "dgate at gate \(gate[i]) = \(dgate[i])")
        }
    }
}
