import Foundation
import Kernels
import TestSupport
import Testing

// Shapes: B batch, T time, NH heads, HD head dimension. x is (B, T, NH, HD).

@Suite("Rotary position embedding")
struct RoPETests {
    /// The angle of pair i at `position`, in Double: position · θ^(−2i/HD).
    func angle(position: Int, pair i: Int, headDim: Int, theta: Double) -> Double {
        Double(position) * Foundation.pow(theta, -Double(2 * i) / Double(headDim))
    }

    @Test("The table holds cos and sin of position · θ^(−2i/HD)")
    func tableMatchesClosedForm() {
        let maxPositions = 32, headDim = 8, theta = 10_000.0
        let table = RopeTable(maxPositions: maxPositions, headDim: headDim, theta: theta)
        let half = headDim / 2
        #expect(table.cos.count == maxPositions * half && table.sin.count == maxPositions * half)
        for position in 0..<maxPositions {
            for i in 0..<half {
                let expected = angle(position: position, pair: i, headDim: headDim, theta: theta)
                // The table computes angles in Float: up to 31 rad with a relative error of a few
                // 1e-8, so cos and sin may be off by ~4e-6.
                #expect(abs(Double(table.cos[position * half + i]) - Foundation.cos(expected)) <= 1e-5,
                        "cos at position \(position), pair \(i)")
                #expect(abs(Double(table.sin[position * half + i]) - Foundation.sin(expected)) <= 1e-5,
                        "sin at position \(position), pair \(i)")
            }
        }
    }

    @Test("A worked example: HD 4, θ 100, position 1 rotates pair 0 by 1 rad and pair 1 by 0.1 rad")
    func workedExample() {
        // Given one head at positions 0 and 1; θ = 100 makes the angles 1 and 100^(−1/2) = 0.1.
        let table = RopeTable(maxPositions: 2, headDim: 4, theta: 100)
        let x = makeBuffer([1, 2, 3, 4, 1, 2, 3, 4])
        ropeForward(x: x.pointer, table: table, B: 1, T: 2, NH: 1)
        // rotate_half pairs dimension i with i + 2: (x0, x2) and (x1, x3).
        let expected: [Double] = [
            1, 2, 3, 4,  // position 0 is left alone
            1 * cos(1) - 3 * sin(1),
            2 * cos(0.1) - 4 * sin(0.1),
            3 * cos(1) + 1 * sin(1),
            4 * cos(0.1) + 2 * sin(0.1),
        ]
        #expect(maxAbsDeviation(expected, x.pointer) <= 1e-6, "\(x.array)")
    }

    @Test("Forward rotates dimension i with i + HD/2 in every head, batch element and position")
    func forwardMatchesRotateHalf() {
        let B = 2, T = 5, NH = 3, HD = 8, half = HD / 2, theta = 10_000.0
        let table = RopeTable(maxPositions: 8, headDim: HD, theta: theta)
        let original = randomBuffer(B * T * NH * HD, seed: 1)
        let x = duplicate(original)

        ropeForward(x: x.pointer, table: table, B: B, T: T, NH: NH)

        // q_embed = q · cos + rotate_half(q) · sin, with rotate_half(q) = cat(−q[half...], q[..<half]).
        var expected = [Double](repeating: 0, count: original.count)
        for b in 0..<B {
            for t in 0..<T {
                for h in 0..<NH {
                    let head = ((b * T + t) * NH + h) * HD
                    for d in 0..<HD {
                        let a = angle(position: t, pair: d % half, headDim: HD, theta: theta)
                        let rotated = d < half ? -Double(original[head + d + half]) : Double(original[head + d - half])
                        expected[head + d] = Double(original[head + d]) * cos(a) + rotated * sin(a)
                    }
                }
            }
        }
        #expect(maxAbsDeviation(expected, x.pointer) <= 1e-5)
    }

    @Test("Rotation preserves the norm of every head")
    func forwardPreservesHeadNorms() {
        let B = 2, T = 6, NH = 3, HD = 8
        let table = RopeTable(maxPositions: T, headDim: HD, theta: 10_000)
        let original = randomBuffer(B * T * NH * HD, seed: 2)
        let x = duplicate(original)
        ropeForward(x: x.pointer, table: table, B: B, T: T, NH: NH)
        for head in 0..<(B * T * NH) {
            var before = 0.0, after = 0.0
            for d in 0..<HD {
                before += Double(original[head * HD + d]) * Double(original[head * HD + d])
                after += Double(x[head * HD + d]) * Double(x[head * HD + d])
            }
            // cos² + sin² = 1 up to float rounding of the table and the products.
            #expect(abs(after.squareRoot() - before.squareRoot()) <= 1e-5 * before.squareRoot(),
                    "head \(head): norm \(before.squareRoot()) became \(after.squareRoot())")
        }
    }

    @Test("Position 0 is the identity")
    func positionZeroIsIdentity() {
        let B = 2, T = 3, NH = 2, HD = 6
        let table = RopeTable(maxPositions: T, headDim: HD, theta: 500_000)
        let original = randomBuffer(B * T * NH * HD, seed: 3)
        let x = duplicate(original)
        ropeForward(x: x.pointer, table: table, B: B, T: T, NH: NH)
        for b in 0..<B {
            let start = b * T * NH * HD  // position 0 of batch element b
            for i in start..<(start + NH * HD) {
                #expect(x[i] == original[i], "element \(i) changed from \(original[i]) to \(x[i])")
            }
        }
    }

    @Test("Backward matches finite differences")
    func backwardMatchesFiniteDifferences() {
        let B = 2, T = 4, NH = 2, HD = 8
        let count = B * T * NH * HD
        let table = RopeTable(maxPositions: T, headDim: HD, theta: 10_000)
        let x = randomBuffer(count, seed: 4)
        let lossWeights = randomBuffer(count, seed: 5)
        let rotated = FloatBuffer(count: count)

        let dx = duplicate(lossWeights)
        ropeBackward(dx: dx.pointer, table: table, B: B, T: T, NH: NH)

        let report = checkGradient(
            "dx", of: x.pointer, count: count, analytic: dx.pointer,
            step: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 1e-3
        ) {
            rotated.copy(from: x)
            ropeForward(x: rotated.pointer, table: table, B: B, T: T, NH: NH)
            return weightedSum(rotated.pointer, lossWeights.pointer, count: count)
        }
        #expect(report.passed, "\(report)")
    }

    @Test("Backward undoes forward")
    func backwardInvertsForward() {
        let B = 2, T = 7, NH = 3, HD = 8
        let table = RopeTable(maxPositions: 16, headDim: HD, theta: 10_000)
        let original = randomBuffer(B * T * NH * HD, seed: 6)
        let x = duplicate(original)
        ropeForward(x: x.pointer, table: table, B: B, T: T, NH: NH)
        ropeBackward(dx: x.pointer, table: table, B: B, T: T, NH: NH)
        let difference = maxAbsDifference(x.pointer, original.pointer, count: original.count)
        // Two rotations of N(0, 1) values: a few float ulps.
        #expect(difference.value <= 1e-5, "differs by \(difference.value) at \(difference.index)")
    }

    // MARK: Scaling

    @Test("Linear scaling divides every frequency by the factor: the angles of position p are those of p / factor")
    func linearScalingInterpolatesPositions() {
        let HD = 8, theta = 10_000.0
        let table = RopeTable(maxPositions: 16, headDim: HD, theta: theta, scaling: .linear(factor: 4))
        for position in 0..<16 {
            for i in 0..<HD / 2 {
                let expected = angle(position: position, pair: i, headDim: HD, theta: theta) / 4
                #expect(abs(Double(table.cos[position * HD / 2 + i]) - cos(expected)) <= 1e-5, "position \(position), pair \(i)")
                #expect(abs(Double(table.sin[position * HD / 2 + i]) - sin(expected)) <= 1e-5, "position \(position), pair \(i)")
            }
        }
    }

    @Test("Llama 3 scaling keeps short wavelengths, divides long ones by the factor and blends those between")
    func llama3ScalingByBand() {
        // θ 10,000 and HD 8: frequencies 1, 0.1, 0.01, 0.001, wavelengths 2π/f = 6.3, 63, 628, 6283.
        // With 64 original positions, low 1 and high 4, wavelengths under 64/4 = 16 are kept, those over
        // 64/1 = 64 divided by 8, and 63 is blended with s = (64/63 − 1)/(4 − 1):
        // f·((1 − s)/8 + s). (Llama 3.1 report, §A; transformers' _compute_llama3_parameters.)
        let scaling = RopeScaling.llama3(factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 64)
        let frequencies = [1.0, 0.1, 0.01, 0.001]
        let s = (64 / (2 * Double.pi / 0.1) - 1) / 3
        let expected = [1.0, 0.1 * ((1 - s) / 8 + s), 0.01 / 8, 0.001 / 8]

        let scaled = scaling.scale(frequencies.map(Float.init))

        for i in 0..<4 {
            #expect(abs(Double(scaled[i]) - expected[i]) <= 1e-6 * expected[i], "frequency \(i): \(scaled[i]), expected \(expected[i])")
        }
    }

    @Test("The default inverse frequencies are θ^(−2i/HD)")
    func defaultInverseFrequencies() {
        let frequencies = ropeInverseFrequencies(headDim: 6, theta: 500_000)
        #expect(frequencies.count == 3)
        for (i, frequency) in frequencies.enumerated() {
            let expected = Foundation.pow(500_000, -Double(2 * i) / 6)
            // The exponent is a Float, as transformers has it: θ^x moves by up to ln θ · 2⁻²⁴ ≈ 8e-7 relative.
            #expect(abs(Double(frequency) - expected) <= 1e-6 * expected, "frequency \(i): \(frequency), expected \(expected)")
        }
    }
}
