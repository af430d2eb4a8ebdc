import Kernels
import TestSupport
import Testing

// Shapes: m × k times k × n for sgemm; N rows, C input features, OC output features for linear layers.

/// One sgemm configuration: sizes, transposes and beta. alpha is always 0.75.
struct GemmCase: Sendable, CustomTestStringConvertible {
    let m: Int, n: Int, k: Int
    let transposeA: Bool, transposeB: Bool
    let beta: Float

    var testDescription: String {
        "\(m)×\(n)×\(k) \(transposeA ? "Aᵀ" : "A")·\(transposeB ? "Bᵀ" : "B") beta \(beta)"
    }

    static let all: [GemmCase] = {
        var cases: [GemmCase] = []
        for (m, n, k) in [(7, 5, 3), (33, 17, 65)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    for beta: Float in [0, 1, 0.5] {
                        cases.append(GemmCase(
                            m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, beta: beta))
                    }
                }
            }
        }
        return cases
    }()
}

/// A row-major matrix stored as a strided sub-matrix of a larger buffer: `offset` elements of
/// padding before it and `ld − columns` padding elements after every row, all of them random.
struct StridedMatrix {
    let rows: Int, columns: Int, ld: Int, offset: Int
    let storage: FloatBuffer

    init(rows: Int, columns: Int, padding: Int, offset: Int, seed: UInt64) {
        self.rows = rows
        self.columns = columns
        self.ld = columns + padding
        self.offset = offset
        storage = randomBuffer(offset + rows * ld, seed: seed)
    }

    var pointer: UnsafeMutablePointer<Float> { storage.pointer + offset }

    /// Whether element i of the storage is outside the sub-matrix.
    func isPadding(_ i: Int) -> Bool {
        i < offset || (i - offset) % ld >= columns
    }
}

@Suite("Matrix multiplication")
struct MatmulTests {
    @Test("BLAS sgemm equals the naive loops on strided sub-matrices", arguments: GemmCase.all)
    func sgemmMatchesNaive(_ c: GemmCase) {
        // Given op(A) (m, k), op(B) (k, n) and C (m, n), each padded: lda, ldb, ldc exceed the row length.
        let a = StridedMatrix(
            rows: c.transposeA ? c.k : c.m, columns: c.transposeA ? c.m : c.k, padding: 3, offset: 2, seed: 1)
        let b = StridedMatrix(
            rows: c.transposeB ? c.n : c.k, columns: c.transposeB ? c.k : c.n, padding: 5, offset: 1, seed: 2)
        let blas = StridedMatrix(rows: c.m, columns: c.n, padding: 2, offset: 3, seed: 3)
        let naive = duplicate(blas.storage)

        // When both implementations compute C = 0.75 · op(A) · op(B) + beta · C
        sgemm(transposeA: c.transposeA, transposeB: c.transposeB, m: c.m, n: c.n, k: c.k, alpha: 0.75,
              a: a.pointer, lda: a.ld, b: b.pointer, ldb: b.ld, beta: c.beta, c: blas.pointer, ldc: blas.ld)
        naiveSgemm(transposeA: c.transposeA, transposeB: c.transposeB, m: c.m, n: c.n, k: c.k, alpha: 0.75,
                   a: a.pointer, lda: a.ld, b: b.pointer, ldb: b.ld, beta: c.beta,
                   c: naive.pointer + blas.offset, ldc: blas.ld)

        // Then they agree: entries are sums of up to 65 products of N(0, 1) values (magnitude ≲ 10),
        // so float rounding in either order stays far below 2e-4, while a wrong stride or transpose
        // is off by O(1).
        let difference = maxAbsDifference(blas.storage.pointer, naive.pointer, count: blas.storage.count)
        #expect(difference.value <= 2e-4, "BLAS and naive differ by \(difference.value) at storage index \(difference.index)")

        // And neither wrote outside the sub-matrix.
        let original = StridedMatrix(rows: c.m, columns: c.n, padding: 2, offset: 3, seed: 3)
        let touched = (0..<blas.storage.count).filter {
            blas.isPadding($0) && blas.storage[$0] != original.storage[$0]
        }
        #expect(touched.isEmpty, "padding elements \(touched) of C were overwritten")
    }

    @Test("With beta 0, sgemm ignores what C held before, even NaN")
    func sgemmBetaZeroIgnoresOldC() {
        let m = 4, n = 3, k = 5
        let a = randomBuffer(m * k, seed: 4), b = randomBuffer(k * n, seed: 5)
        let c = nanBuffer(m * n), reference = FloatBuffer(count: m * n)
        sgemm(transposeA: false, transposeB: false, m: m, n: n, k: k,
              a: a.pointer, lda: k, b: b.pointer, ldb: n, beta: 0, c: c.pointer, ldc: n)
        naiveSgemm(transposeA: false, transposeB: false, m: m, n: n, k: k,
                   a: a.pointer, lda: k, b: b.pointer, ldb: n, beta: 0, c: reference.pointer, ldc: n)
        let difference = maxAbsDifference(c.pointer, reference.pointer, count: m * n)
        #expect(difference.value <= 1e-5, "differs by \(difference.value) at \(difference.index)")
    }

    @Test("linearForward computes x · Wᵀ")
    func linearForwardIsXTimesWTransposed() {
        let N = 5, C = 7, OC = 3
        let inp = randomBuffer(N * C, seed: 10), weight = randomBuffer(OC * C, seed: 11)
        let out = nanBuffer(N * OC)

        linearForward(out: out.pointer, inp: inp.pointer, weight: weight.pointer, N: N, C: C, OC: OC)

        var expected = [Double](repeating: 0, count: N * OC)
        for row in 0..<N {
            for o in 0..<OC {
                for i in 0..<C { expected[row * OC + o] += Double(inp[row * C + i]) * Double(weight[o * C + i]) }
            }
        }
        // Seven products of N(0, 1) values: float rounding is ~1e-6.
        #expect(maxAbsDeviation(expected, out.pointer) <= 1e-5)
    }

    @Test("linearBackward adds dout · W to dinp and doutᵀ · x to dweight")
    func linearBackwardAccumulates() {
        let N = 5, C = 7, OC = 3
        let inp = randomBuffer(N * C, seed: 12), weight = randomBuffer(OC * C, seed: 13)
        let dout = randomBuffer(N * OC, seed: 14)
        // Given gradients that already hold something
        let dinpBefore = randomBuffer(N * C, seed: 15), dweightBefore = randomBuffer(OC * C, seed: 16)
        let dinp = duplicate(dinpBefore), dweight = duplicate(dweightBefore)

        linearBackward(dinp: dinp.pointer, dweight: dweight.pointer, dout: dout.pointer,
                       inp: inp.pointer, weight: weight.pointer, N: N, C: C, OC: OC)

        var expectedDinp = [Double](repeating: 0, count: N * C)
        var expectedDweight = [Double](repeating: 0, count: OC * C)
        for row in 0..<N {
            for o in 0..<OC {
                for i in 0..<C {
                    expectedDinp[row * C + i] += Double(dout[row * OC + o]) * Double(weight[o * C + i])
                    expectedDweight[o * C + i] += Double(dout[row * OC + o]) * Double(inp[row * C + i])
                }
            }
        }
        let addedDinp = increment(from: dinpBefore, to: dinp)
        let addedDweight = increment(from: dweightBefore, to: dweight)
        #expect(maxAbsDeviation(expectedDinp, addedDinp) <= 1e-5)
        #expect(maxAbsDeviation(expectedDweight, addedDweight) <= 1e-5)
    }

    @Test("linearBackward's gradients match finite differences")
    func linearBackwardMatchesFiniteDifferences() {
        let N = 4, C = 6, OC = 5
        let inp = randomBuffer(N * C, seed: 20), weight = randomBuffer(OC * C, seed: 21)
        let lossWeights = randomBuffer(N * OC, seed: 22)
        let out = FloatBuffer(count: N * OC)
        let dinp = FloatBuffer(count: N * C), dweight = FloatBuffer(count: OC * C)

        linearBackward(dinp: dinp.pointer, dweight: dweight.pointer, dout: lossWeights.pointer,
                       inp: inp.pointer, weight: weight.pointer, N: N, C: C, OC: OC)

        func loss() -> Double {
            linearForward(out: out.pointer, inp: inp.pointer, weight: weight.pointer, N: N, C: C, OC: OC)
            return weightedSum(out.pointer, lossWeights.pointer, count: N * OC)
        }
        let inputReport = checkGradient(
            "dinp", of: inp.pointer, count: N * C, analytic: dinp.pointer,
            step: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 1e-3, loss: loss)
        #expect(inputReport.passed, "\(inputReport)")
        let weightReport = checkGradient(
            "dweight", of: weight.pointer, count: OC * C, analytic: dweight.pointer,
            step: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 1e-3, loss: loss)
        #expect(weightReport.passed, "\(weightReport)")
    }

    @Test("linearBackward skips a nil gradient and still computes the other")
    func linearBackwardSkipsNilGradients() {
        let N = 3, C = 4, OC = 2
        let inp = randomBuffer(N * C, seed: 30), weight = randomBuffer(OC * C, seed: 31)
        let dout = randomBuffer(N * OC, seed: 32)
        let bothDinp = FloatBuffer(count: N * C), bothDweight = FloatBuffer(count: OC * C)
        linearBackward(dinp: bothDinp.pointer, dweight: bothDweight.pointer, dout: dout.pointer,
                       inp: inp.pointer, weight: weight.pointer, N: N, C: C, OC: OC)

        let onlyDinp = FloatBuffer(count: N * C)
        linearBackward(dinp: onlyDinp.pointer, dweight: nil, dout: dout.pointer,
                       inp: inp.pointer, weight: weight.pointer, N: N, C: C, OC: OC)
        let onlyDweight = FloatBuffer(count: OC * C)
        linearBackward(dinp: nil, dweight: onlyDweight.pointer, dout: dout.pointer,
                       inp: inp.pointer, weight: weight.pointer, N: N, C: C, OC: OC)

        #expect(onlyDinp.array == bothDinp.array)
        #expect(onlyDweight.array == bothDweight.array)
        // Both nil is a no-op rather than a crash.
        linearBackward(dinp: nil, dweight: nil, dout: dout.pointer,
                       inp: inp.pointer, weight: weight.pointer, N: N, C: C, OC: OC)
    }

    @Test("The gradient checker rejects a gradient scaled by 1.1 or with one element off")
    func gradientCheckerDetectsWrongGradients() {
        // The finite-difference tests above are only as good as their power to fail: the same
        // check, step and tolerances as linearBackward's test, fed deliberately wrong gradients.
        let N = 4, C = 6, OC = 5
        let inp = randomBuffer(N * C, seed: 20), weight = randomBuffer(OC * C, seed: 21)
        let lossWeights = randomBuffer(N * OC, seed: 22)
        let out = FloatBuffer(count: N * OC)
        let dinp = FloatBuffer(count: N * C)
        linearBackward(dinp: dinp.pointer, dweight: nil, dout: lossWeights.pointer,
                       inp: inp.pointer, weight: weight.pointer, N: N, C: C, OC: OC)
        func loss() -> Double {
            linearForward(out: out.pointer, inp: inp.pointer, weight: weight.pointer, N: N, C: C, OC: OC)
            return weightedSum(out.pointer, lossWeights.pointer, count: N * OC)
        }

        let scaled = duplicate(dinp)
        for i in 0..<scaled.count { scaled[i] *= 1.1 }
        let scaledReport = checkGradient(
            "dinp × 1.1", of: inp.pointer, count: N * C, analytic: scaled.pointer,
            step: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 1e-3, loss: loss)
        #expect(!scaledReport.passed, "\(scaledReport)")

        let oneOff = duplicate(dinp)
        oneOff[7] += 0.05
        let oneOffReport = checkGradient(
            "dinp with element 7 off by 0.05", of: inp.pointer, count: N * C, analytic: oneOff.pointer,
            step: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 1e-3, loss: loss)
        #expect(!oneOffReport.passed, "\(oneOffReport)")
        #expect(oneOffReport.worst?.index == 7, "\(oneOffReport)")
    }
}
