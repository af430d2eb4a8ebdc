import Kernels
import TestSupport
import Testing

// Shapes: N tokens, C features, V vocabulary. table is (V, C), out is (N, C), tokens is (N).

@Suite("Token embedding")
struct EmbeddingTests {
    let V = 6, C = 4

    @Test("Forward copies the table row of each token")
    func forwardPicksRows() {
        let table = randomBuffer(V * C, seed: 1)
        let tokens: [Int32] = [3, 0, 5, 3, 1]
        let out = nanBuffer(tokens.count * C)
        embeddingForward(out: out.pointer, tokens: tokens, table: table.pointer, N: tokens.count, C: C)
        for (n, token) in tokens.enumerated() {
            let row = Array(out.array[(n * C)..<((n + 1) * C)])
            let expected = Array(table.array[(Int(token) * C)..<((Int(token) + 1) * C)])
            #expect(row == expected, "position \(n) (token \(token))")
        }
    }

    @Test("Backward adds each position's gradient to its token's row; repeated tokens add up")
    func backwardAccumulatesRepeatedTokens() {
        // Given a gradient table that already holds something, and token 3 three times
        let tokens: [Int32] = [3, 0, 3, 5, 3]
        let N = tokens.count
        let dout = randomBuffer(N * C, seed: 2)
        let before = randomBuffer(V * C, seed: 3)
        let dtable = duplicate(before)

        embeddingBackward(dtable: dtable.pointer, dout: dout.pointer, tokens: tokens, N: N, C: C)

        var expected = before.array.map(Double.init)
        for (n, token) in tokens.enumerated() {
            for i in 0..<C { expected[Int(token) * C + i] += Double(dout[n * C + i]) }
        }
        // A few float additions of N(0, 1) values.
        #expect(maxAbsDeviation(expected, dtable.pointer) <= 1e-5)
        // Rows of tokens that never occur (1, 2 and 4) are untouched, bit for bit.
        for token in [1, 2, 4] {
            for i in 0..<C {
                #expect(dtable[token * C + i] == before[token * C + i], "row \(token) changed")
            }
        }
    }

    @Test("Backward matches finite differences of the forward pass")
    func backwardMatchesFiniteDifferences() {
        let tokens: [Int32] = [2, 2, 0, 5]
        let N = tokens.count
        let table = randomBuffer(V * C, seed: 4), lossWeights = randomBuffer(N * C, seed: 5)
        let out = FloatBuffer(count: N * C), dtable = FloatBuffer(count: V * C)
        embeddingBackward(dtable: dtable.pointer, dout: lossWeights.pointer, tokens: tokens, N: N, C: C)
        let report = checkGradient(
            "dtable", of: table.pointer, count: V * C, analytic: dtable.pointer,
            step: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 1e-3
        ) {
            embeddingForward(out: out.pointer, tokens: tokens, table: table.pointer, N: N, C: C)
            return weightedSum(out.pointer, lossWeights.pointer, count: N * C)
        }
        #expect(report.passed, "\(report)")
    }
}
