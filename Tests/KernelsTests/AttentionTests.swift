import Foundation
import Kernels
import TestSupport
import Testing

// Shapes: B batch, T time, NH query heads, NKV key/value heads, HD head dimension.
// q and out are (B, T, NH, HD); k and v are (B, T, NKV, HD); probs is (B, NH, T, T).

/// Sizes for one attention test.
struct AttentionShape: Sendable, CustomTestStringConvertible {
    let B: Int, T: Int, NH: Int, NKV: Int, HD: Int

    var qCount: Int { B * T * NH * HD }
    var kvCount: Int { B * T * NKV * HD }
    var probsCount: Int { B * NH * T * T }

    var testDescription: String {
        let kind = NKV == NH ? "multi-head, NH \(NH)" : NKV == 1 ? "multi-query, NH \(NH)" : "grouped-query, NH \(NH), NKV \(NKV)"
        return "\(kind), T \(T)"
    }

    /// Multi-head, grouped-query (two query heads per key/value head) and multi-query attention;
    /// T = 19 gives softmax rows of 1 to 19 entries: full 8-lane groups and padded last ones.
    static let all: [AttentionShape] = [
        AttentionShape(B: 2, T: 5, NH: 4, NKV: 4, HD: 4),
        AttentionShape(B: 2, T: 5, NH: 4, NKV: 2, HD: 4),
        AttentionShape(B: 2, T: 5, NH: 4, NKV: 1, HD: 4),
        AttentionShape(B: 1, T: 19, NH: 2, NKV: 1, HD: 4),
    ]
}

/// Multi-head causal attention written out per head in Double, independently of the kernel:
/// scores, causal mask, softmax, weighted sum. k and v have NH heads. Returns (out, probs).
func naiveAttention(
    q: FloatBuffer, k: FloatBuffer, v: FloatBuffer, B: Int, T: Int, NH: Int, HD: Int
) -> (out: [Double], probs: [Double]) {
    var out = [Double](repeating: 0, count: B * T * NH * HD)
    var probs = [Double](repeating: 0, count: B * NH * T * T)
    func at(_ b: Int, _ t: Int, _ h: Int, _ d: Int) -> Int { ((b * T + t) * NH + h) * HD + d }
    for b in 0..<B {
        for h in 0..<NH {
            for t in 0..<T {
                var scores = [Double](repeating: -.infinity, count: T)
                for j in 0...t {
                    var dot = 0.0
                    for d in 0..<HD { dot += Double(q[at(b, t, h, d)]) * Double(k[at(b, j, h, d)]) }
                    scores[j] = dot / Double(HD).squareRoot()
                }
                let maximum = scores.max()!
                let exps = scores.map { Foundation.exp($0 - maximum) }  // exp(−∞) = 0 above the diagonal
                let sum = exps.reduce(0, +)
                for j in 0..<T { probs[((b * NH + h) * T + t) * T + j] = exps[j] / sum }
                for d in 0..<HD {
                    var value = 0.0
                    for j in 0...t { value += exps[j] / sum * Double(v[at(b, j, h, d)]) }
                    out[at(b, t, h, d)] = value
                }
            }
        }
    }
    return (out, probs)
}

/// k or v (B, T, NKV, HD) widened to (B, T, NH, HD) by repeating each head NH/NKV times in a row,
/// as `repeat_kv` does: query head h then reads head h / (NH/NKV).
func repeatKeyValueHeads(_ x: FloatBuffer, B: Int, T: Int, NH: Int, NKV: Int, HD: Int) -> FloatBuffer {
    let repeated = FloatBuffer(count: B * T * NH * HD)
    let kvMul = NH / NKV
    for row in 0..<(B * T) {
        for h in 0..<NH {
            for d in 0..<HD {
                repeated[(row * NH + h) * HD + d] = x[(row * NKV + h / kvMul) * HD + d]
            }
        }
    }
    return repeated
}

@Suite("Causal attention")
struct AttentionTests {
    @Test("Forward equals a naive per-head reference in Double")
    func forwardMatchesNaiveReference() {
        let B = 2, T = 6, NH = 3, HD = 5
        let count = B * T * NH * HD
        let q = randomBuffer(count, seed: 1), k = randomBuffer(count, seed: 2), v = randomBuffer(count, seed: 3)
        // NaN-filled outputs: every element must be written, none read.
        let out = nanBuffer(count), probs = nanBuffer(B * NH * T * T)

        attentionForward(out: out.pointer, probs: probs.pointer, q: q.pointer, k: k.pointer, v: v.pointer,
                         B: B, T: T, NH: NH, NKV: NH, HD: HD)

        let reference = naiveAttention(q: q, k: k, v: v, B: B, T: T, NH: NH, HD: HD)
        // Probabilities and averages of N(0, 1) values: float rounding is ~1e-7.
        #expect(maxAbsDeviation(reference.probs, probs.pointer) <= 1e-5)
        #expect(maxAbsDeviation(reference.out, out.pointer) <= 1e-5)
    }

    @Test("Grouped-query attention equals multi-head attention over repeated key/value heads",
          arguments: AttentionShape.all.filter { $0.NKV < $0.NH })
    func groupedQueryMatchesRepeatedHeads(_ s: AttentionShape) {
        let q = randomBuffer(s.qCount, seed: 4)
        let k = randomBuffer(s.kvCount, seed: 5), v = randomBuffer(s.kvCount, seed: 6)
        let grouped = FloatBuffer(count: s.qCount), groupedProbs = FloatBuffer(count: s.probsCount)
        attentionForward(out: grouped.pointer, probs: groupedProbs.pointer,
                         q: q.pointer, k: k.pointer, v: v.pointer, B: s.B, T: s.T, NH: s.NH, NKV: s.NKV, HD: s.HD)

        let wideK = repeatKeyValueHeads(k, B: s.B, T: s.T, NH: s.NH, NKV: s.NKV, HD: s.HD)
        let wideV = repeatKeyValueHeads(v, B: s.B, T: s.T, NH: s.NH, NKV: s.NKV, HD: s.HD)
        let multiHead = FloatBuffer(count: s.qCount), multiHeadProbs = FloatBuffer(count: s.probsCount)
        attentionForward(out: multiHead.pointer, probs: multiHeadProbs.pointer,
                         q: q.pointer, k: wideK.pointer, v: wideV.pointer, B: s.B, T: s.T, NH: s.NH, NKV: s.NH, HD: s.HD)

        // The same arithmetic on the same numbers: equal up to BLAS's choice of kernel for each stride.
        let outDifference = maxAbsDifference(grouped.pointer, multiHead.pointer, count: s.qCount)
        #expect(outDifference.value <= 1e-6, "out differs by \(outDifference.value) at \(outDifference.index)")
        let probsDifference = maxAbsDifference(groupedProbs.pointer, multiHeadProbs.pointer, count: s.probsCount)
        #expect(probsDifference.value <= 1e-6, "probs differ by \(probsDifference.value) at \(probsDifference.index)")

        let reference = naiveAttention(q: q, k: wideK, v: wideV, B: s.B, T: s.T, NH: s.NH, HD: s.HD)
        #expect(maxAbsDeviation(reference.out, grouped.pointer) <= 1e-5)
    }

    @Test("Probabilities are zero above the diagonal and each row sums to 1", arguments: AttentionShape.all)
    func probabilitiesAreCausalAndNormalised(_ s: AttentionShape) {
        // Scores of magnitude ~10 (std 3 inputs) make the softmax peaked without overflowing.
        let q = randomBuffer(s.qCount, std: 3, seed: 7)
        let k = randomBuffer(s.kvCount, std: 3, seed: 8), v = randomBuffer(s.kvCount, seed: 9)
        let out = FloatBuffer(count: s.qCount), probs = nanBuffer(s.probsCount)
        attentionForward(out: out.pointer, probs: probs.pointer, q: q.pointer, k: k.pointer, v: v.pointer,
                         B: s.B, T: s.T, NH: s.NH, NKV: s.NKV, HD: s.HD)
        for row in 0..<(s.B * s.NH * s.T) {
            let t = row % s.T
            var sum = 0.0
            for j in 0..<s.T {
                let p = probs[row * s.T + j]
                if j > t {
                    #expect(p == 0, "row \(row) (t = \(t)) attends to the future position \(j): \(p)")
                } else {
                    #expect(p >= 0 && p <= 1, "row \(row), column \(j): \(p)")
                    sum += Double(p)
                }
            }
            #expect(abs(sum - 1) <= 1e-5, "row \(row) sums to \(sum)")
        }
    }

    @Test("Backward's dq, dk and dv match finite differences", arguments: AttentionShape.all)
    func backwardMatchesFiniteDifferences(_ s: AttentionShape) {
        let q = randomBuffer(s.qCount, seed: 10)
        let k = randomBuffer(s.kvCount, seed: 11), v = randomBuffer(s.kvCount, seed: 12)
        let lossWeights = randomBuffer(s.qCount, seed: 13)
        let out = FloatBuffer(count: s.qCount), probs = FloatBuffer(count: s.probsCount)
        attentionForward(out: out.pointer, probs: probs.pointer, q: q.pointer, k: k.pointer, v: v.pointer,
                         B: s.B, T: s.T, NH: s.NH, NKV: s.NKV, HD: s.HD)
        let dq = FloatBuffer(count: s.qCount), dk = FloatBuffer(count: s.kvCount), dv = FloatBuffer(count: s.kvCount)
        let scratch = nanBuffer(s.T * s.T)  // its previous contents must not matter
        attentionBackward(dq: dq.pointer, dk: dk.pointer, dv: dv.pointer, scratch: scratch.pointer,
                          dout: lossWeights.pointer, q: q.pointer, k: k.pointer, v: v.pointer, probs: probs.pointer,
                          B: s.B, T: s.T, NH: s.NH, NKV: s.NKV, HD: s.HD)

        func loss() -> Double {
            attentionForward(out: out.pointer, probs: probs.pointer, q: q.pointer, k: k.pointer, v: v.pointer,
                             B: s.B, T: s.T, NH: s.NH, NKV: s.NKV, HD: s.HD)
            return weightedSum(out.pointer, lossWeights.pointer, count: s.qCount)
        }
        for (name, x, analytic, count) in [
            ("dq", q, dq, s.qCount), ("dk", k, dk, s.kvCount), ("dv", v, dv, s.kvCount),
        ] {
            let report = checkGradient(
                name, of: x.pointer, count: count, analytic: analytic.pointer,
                step: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 1e-3, loss: loss)
            #expect(report.passed, "\(report)")
        }
    }

    @Test("Backward adds to dq, dk and dv instead of overwriting them", arguments: AttentionShape.all)
    func backwardAccumulates(_ s: AttentionShape) {
        let q = randomBuffer(s.qCount, seed: 14)
        let k = randomBuffer(s.kvCount, seed: 15), v = randomBuffer(s.kvCount, seed: 16)
        let dout = randomBuffer(s.qCount, seed: 17)
        let out = FloatBuffer(count: s.qCount), probs = FloatBuffer(count: s.probsCount)
        attentionForward(out: out.pointer, probs: probs.pointer, q: q.pointer, k: k.pointer, v: v.pointer,
                         B: s.B, T: s.T, NH: s.NH, NKV: s.NKV, HD: s.HD)
        let scratch = FloatBuffer(count: s.T * s.T)

        let fresh = [s.qCount, s.kvCount, s.kvCount].map { FloatBuffer(count: $0) }
        attentionBackward(dq: fresh[0].pointer, dk: fresh[1].pointer, dv: fresh[2].pointer, scratch: scratch.pointer,
                          dout: dout.pointer, q: q.pointer, k: k.pointer, v: v.pointer, probs: probs.pointer,
                          B: s.B, T: s.T, NH: s.NH, NKV: s.NKV, HD: s.HD)
        let before = [s.qCount, s.kvCount, s.kvCount].enumerated().map { randomBuffer($1, seed: 18 + UInt64($0)) }
        let after = before.map(duplicate)
        attentionBackward(dq: after[0].pointer, dk: after[1].pointer, dv: after[2].pointer, scratch: scratch.pointer,
                          dout: dout.pointer, q: q.pointer, k: k.pointer, v: v.pointer, probs: probs.pointer,
                          B: s.B, T: s.T, NH: s.NH, NKV: s.NKV, HD: s.HD)

        for (name, index) in [("dq", 0), ("dk", 1), ("dv", 2)] {
            let added = increment(from: before[index], to: after[index])
            let difference = locateMaxAbsDifference(added, fresh[index].array)
            // Subtracting the prefilled N(0, 1) values back out costs a float ulp or two.
            #expect(difference.value <= 1e-5, "\(name) differs by \(difference.value) at \(difference.index)")
        }
    }
}
