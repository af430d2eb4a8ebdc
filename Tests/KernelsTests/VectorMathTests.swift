import Foundation
import Kernels
import TestSupport
import Testing

// Shapes: Lanes is 8 floats. Buffers here have counts that are not multiples of 8 (13, 21, 27), so
// that every kernel runs full lane groups and a padded last one.

/// e^x of each value through the 8-lane exp, in groups of 8 (the last group padded with zeros).
func laneExp(_ xs: [Float]) -> [Float] {
    var result: [Float] = []
    for start in stride(from: 0, to: xs.count, by: 8) {
        var lanes = Lanes()
        for i in start..<min(start + 8, xs.count) { lanes[i - start] = xs[i] }
        let e = exp(lanes)
        for i in start..<min(start + 8, xs.count) { result.append(e[i - start]) }
    }
    return result
}

/// Whether y is one of the two floats on either side of the exact value (faithful rounding: an
/// error below 1 ulp). Beyond Float's range the only faithful result is the infinity.
func isFaithful(_ y: Float, to exact: Double) -> Bool {
    if exact > Double(Float.greatestFiniteMagnitude) { return y == .infinity }
    let nearest = Float(exact)
    let below = Double(nearest) <= exact ? nearest : nearest.nextDown
    return y == below || y == below.nextUp
}

@Suite("Vectorised exp and elementwise kernels")
struct VectorMathTests {
    @Test("exp is faithfully rounded (error < 1 ulp of e^x in Double) over [−104, 89]")
    func expIsFaithful() {
        // 20,000 evenly spaced arguments over the whole range (results from 0 through subnormals to
        // +∞) and 20,000 N(0, 3²) ones, where softmax and sigmoid arguments lie. Every float of the
        // range was checked the same way once (about 2.2e9 values, 0.99 ulp at worst); this keeps a
        // sample of it.
        var xs = (0..<20_000).map { Float(-104 + 193 * Double($0) / 19_999) }
        xs += randomBuffer(20_000, std: 3, seed: 1).array
        let ys = laneExp(xs)
        var failures = 0
        for (x, y) in zip(xs, ys) where !isFaithful(y, to: Foundation.exp(Double(x))) {
            failures += 1
            if failures <= 5 { Issue.record("exp(\(x)) = \(y), exact \(Foundation.exp(Double(x)))") }
        }
        #expect(failures == 0, "\(failures) of \(xs.count) results are not faithfully rounded")
    }

    @Test("exp of the edges: 0 and −∞ below −104, +∞ above 88.7228, NaN stays NaN, e^0 = 1")
    func expEdges() {
        let xs: [Float] = [-.infinity, -1000, -104, -103.9, -87.5, 0, -0.0, 88.72, 88.7229, 89, 1000, .infinity, .nan]
        let ys = laneExp(xs)
        #expect(ys[0] == 0 && ys[1] == 0 && ys[2] == 0, "e^−∞, e^−1000, e^−104: \(ys[0...2])")
        #expect(ys[3] > 0 && ys[3] < Float.leastNormalMagnitude, "e^−103.9 is subnormal: \(ys[3])")
        #expect(isFaithful(ys[4], to: Foundation.exp(-87.5)), "e^−87.5 = \(ys[4])")
        #expect(ys[5] == 1 && ys[6] == 1, "e^0 = \(ys[5]), e^−0 = \(ys[6])")
        #expect(ys[7].isFinite && isFaithful(ys[7], to: Foundation.exp(Double(Float(88.72)))), "e^88.72 = \(ys[7])")
        #expect(ys[8...11].allSatisfy { $0 == .infinity }, "e^x above 88.7228: \(ys[8...11])")
        #expect(ys[12].isNaN, "e^NaN = \(ys[12])")
    }

    @Test("An element's result does not depend on its place in a lane group")
    func resultsIndependentOfPosition() {
        // swigluForward on 21 values, and again on each value alone (a padded group of one).
        let count = 21
        let gate = randomBuffer(count, std: 3, seed: 2), up = randomBuffer(count, seed: 3)
        let together = nanBuffer(count)
        swigluForward(out: together.pointer, gate: gate.pointer, up: up.pointer, count: count)
        let alone = nanBuffer(count)
        for i in 0..<count { swigluForward(out: alone.pointer + i, gate: gate.pointer + i, up: up.pointer + i, count: 1) }
        #expect(bitIdentical(together.array, alone.array))
    }

    @Test("SwiGLU over 27 values equals its formulas in Double, forward and backward")
    func swigluMatchesDouble() {
        let count = 27
        let gate = randomBuffer(count, std: 3, seed: 4), up = randomBuffer(count, seed: 5)
        let dout = randomBuffer(count, seed: 6)
        let dgateBefore = randomBuffer(count, seed: 7), dupBefore = randomBuffer(count, seed: 8)
        let out = nanBuffer(count), dgate = duplicate(dgateBefore), dup = duplicate(dupBefore)
        swigluForward(out: out.pointer, gate: gate.pointer, up: up.pointer, count: count)
        swigluBackward(dgate: dgate.pointer, dup: dup.pointer, dout: dout.pointer,
                       gate: gate.pointer, up: up.pointer, count: count)
        for i in 0..<count {
            let g = Double(gate[i]), u = Double(up[i]), dy = Double(dout[i])
            let sigmoid = 1 / (1 + Foundation.exp(-g))
            let expectedOut = g * sigmoid * u
            let expectedDgate = Double(dgateBefore[i]) + dy * u * sigmoid * (1 + g * (1 - sigmoid))
            let expectedDup = Double(dupBefore[i]) + dy * g * sigmoid
            // exp within 1 ulp and under ten float roundings of O(1) terms: a few 1e-7, relative to
            // the largest term.
            #expect(abs(Double(out[i]) - expectedOut) <= 1e-6 * max(1, abs(expectedOut)), "out[\(i)] = \(out[i]), expected \(expectedOut)")
            #expect(abs(Double(dgate[i]) - expectedDgate) <= 2e-6 * max(1, abs(dy * u * max(1, abs(g)))),
                    "dgate[\(i)] = \(dgate[i]), expected \(expectedDgate)")
            #expect(abs(Double(dup[i]) - expectedDup) <= 1e-6 * max(1, abs(dy * g)), "dup[\(i)] = \(dup[i]), expected \(expectedDup)")
        }
    }

    @Test("RMSNorm over rows of 13 features equals its formulas in Double, forward and backward")
    func rmsnormMatchesDouble() {
        let N = 3, C = 13, eps: Float = 1e-5
        let inp = randomBuffer(N * C, seed: 9), weight = randomBuffer(C, std: 0.2, seed: 10)
        for i in 0..<C { weight[i] += 1 }
        let dout = randomBuffer(N * C, seed: 11)
        let dinpBefore = randomBuffer(N * C, seed: 12), dweightBefore = randomBuffer(C, seed: 13)
        let out = nanBuffer(N * C), rstd = nanBuffer(N)
        let dinp = duplicate(dinpBefore), dweight = duplicate(dweightBefore)
        rmsnormForward(out: out.pointer, rstd: rstd.pointer, inp: inp.pointer, weight: weight.pointer, N: N, C: C, eps: eps)
        rmsnormBackward(dinp: dinp.pointer, dweight: dweight.pointer, dout: dout.pointer, inp: inp.pointer,
                        weight: weight.pointer, rstd: rstd.pointer, N: N, C: C)

        var expectedDweight = (0..<C).map { Double(dweightBefore[$0]) }
        for row in 0..<N {
            let x = (0..<C).map { Double(inp[row * C + $0]) }, dy = (0..<C).map { Double(dout[row * C + $0]) }
            let w = (0..<C).map { Double(weight[$0]) }
            let r = 1 / (x.map { $0 * $0 }.reduce(0, +) / Double(C) + Double(eps)).squareRoot()
            let meanDot = (0..<C).map { dy[$0] * w[$0] * x[$0] * r }.reduce(0, +) / Double(C)
            #expect(abs(Double(rstd[row]) - r) <= 1e-6 * r, "rstd[\(row)] = \(rstd[row]), expected \(r)")
            for i in 0..<C {
                let expectedOut = w[i] * x[i] * r
                let expectedDinp = Double(dinpBefore[row * C + i]) + r * (dy[i] * w[i] - x[i] * r * meanDot)
                expectedDweight[i] += dy[i] * x[i] * r
                // O(1) values through a handful of float roundings.
                #expect(abs(Double(out[row * C + i]) - expectedOut) <= 1e-6, "out[\(row), \(i)] = \(out[row * C + i]), expected \(expectedOut)")
                #expect(abs(Double(dinp[row * C + i]) - expectedDinp) <= 2e-6, "dinp[\(row), \(i)] = \(dinp[row * C + i]), expected \(expectedDinp)")
            }
        }
        for i in 0..<C {
            #expect(abs(Double(dweight[i]) - expectedDweight[i]) <= 2e-6, "dweight[\(i)] = \(dweight[i]), expected \(expectedDweight[i])")
        }
    }

    @Test("RoPE with 10 pairs per head equals the rotation in Double, and backward undoes it")
    func ropeMatchesDouble() {
        let B = 1, T = 3, NH = 2, HD = 20, half = HD / 2
        let table = RopeTable(maxPositions: T, headDim: HD, theta: 10_000)
        let x = randomBuffer(B * T * NH * HD, seed: 14)
        let original = x.array
        ropeForward(x: x.pointer, table: table, B: B, T: T, NH: NH)
        for t in 0..<T {
            for h in 0..<NH {
                let head = (t * NH + h) * HD
                for i in 0..<half {
                    let c = Double(table.cos[t * half + i]), s = Double(table.sin[t * half + i])
                    let x1 = Double(original[head + i]), x2 = Double(original[head + i + half])
                    #expect(abs(Double(x[head + i]) - (x1 * c - x2 * s)) <= 1e-6, "x[\(t), \(h), \(i)] = \(x[head + i])")
                    #expect(abs(Double(x[head + i + half]) - (x2 * c + x1 * s)) <= 1e-6, "x[\(t), \(h), \(i + half)] = \(x[head + i + half])")
                }
            }
        }
        ropeBackward(dx: x.pointer, table: table, B: B, T: T, NH: NH)
        // A rotation and its transpose: back to the start within a few float roundings.
        #expect(maxAbsDifference(x.array, original) <= 1e-6)
    }

    @Test("Cross-entropy over 19 logits per row equals softmax in Double, loss and gradient")
    func crossEntropyMatchesDouble() {
        let N = 3, V = 19, gradScale: Float = 0.25
        let logits = randomBuffer(N * V, std: 4, seed: 15)
        logits[V + 5] = 60  // a dominant logit: the max subtraction keeps e^(x − max) ≤ 1
        let original = logits.array
        let targets: [Int32] = [0, 5, 18]
        let losses = nanBuffer(N)
        crossEntropyForward(losses: losses.pointer, logits: logits.pointer, targets: targets, N: N, V: V,
                            backward: true, gradScale: gradScale)
        for n in 0..<N {
            let row = original[(n * V)..<((n + 1) * V)].map(Double.init)
            let maximum = row.max()!
            let sum = row.map { Foundation.exp($0 - maximum) }.reduce(0, +)
            let expectedLoss = Foundation.log(sum) + maximum - row[Int(targets[n])]
            #expect(abs(Double(losses[n]) - expectedLoss) <= 1e-5 * max(1, expectedLoss), "loss[\(n)] = \(losses[n]), expected \(expectedLoss)")
            for j in 0..<V {
                let softmax = Foundation.exp(row[j] - maximum) / sum
                let expected = (softmax - (j == Int(targets[n]) ? 1 : 0)) * Double(gradScale)
                // Probabilities to a few float ulps, scaled by 1/4.
                #expect(abs(Double(logits[n * V + j]) - expected) <= 1e-7, "gradient[\(n), \(j)] = \(logits[n * V + j]), expected \(expected)")
            }
        }
    }

    @Test("logSoftmax over 19 logits equals its Double value")
    func logSoftmaxMatchesDouble() {
        let V = 19
        let row = randomBuffer(V, std: 5, seed: 16)
        let original = row.array.map(Double.init)
        logSoftmax(row.pointer, V: V)
        let maximum = original.max()!
        let logSum = Foundation.log(original.map { Foundation.exp($0 - maximum) }.reduce(0, +)) + maximum
        // Values of a few units to tens: float rounding of x − logSum, ~1e-6.
        #expect(maxAbsDeviation(original.map { $0 - logSum }, row.pointer) <= 1e-5)
    }
}

@Suite("Dropout mask")
struct DropoutMaskTests {
    @Test("The mask is the one `nextUnit() ≥ p` draws, element for element", arguments: [Float(0.05), 0.1, 0.5, 0.9])
    func maskMatchesUnitComparison(p: Float) {
        let count = 1000
        let input = randomBuffer(count, seed: 1), output = nanBuffer(count)
        let mask = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
        defer { mask.deallocate() }
        var generator = SeededGenerator(seed: 5, stream: "lora-dropout")
        dropoutForward(out: output.pointer, mask: mask, inp: input.pointer, count: count, probability: p, using: &generator)
        var reference = SeededGenerator(seed: 5, stream: "lora-dropout")
        for i in 0..<count {
            let kept = reference.nextUnit() >= Double(p)
            #expect(mask[i] == (kept ? 1 : 0), "element \(i): mask \(mask[i]), nextUnit says \(kept)")
            #expect(output[i] == (kept ? input[i] * (1 / (1 - p)) : 0), "element \(i): \(output[i])")
        }
    }
}
