import Kernels
import TestSupport
import Testing
import Training

/// clipGradientNorm: the global L2 norm, as torch.nn.utils.clip_grad_norm_ computes it.
@Suite("Gradient clipping")
struct GradientClippingTests {
    /// A gradient of norm exactly 5: 3, 4 and zeros, with a 0 that must stay 0.
    let gradient: [Float] = [3, 0, -4, 0]

    @Test("A gradient of norm 5 clipped to 1 has norm 1 and the same direction, and the call returns 5")
    func clipsToTheBound() {
        let g = makeBuffer(gradient)
        let norm = clipGradientNorm(g.pointer, count: g.count, maxNorm: 1)

        #expect(norm == 5)
        let clipped = g.array
        let clippedNorm = clipped.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        // torch divides by (norm + 1e-6): the result is within 1e-6 of the bound, never above it.
        #expect(abs(clippedNorm - 1) <= 1e-6, "norm after clipping \(clippedNorm)")
        #expect(clippedNorm <= 1)
        for i in gradient.indices {
            #expect(abs(clipped[i] - gradient[i] / 5) <= 1e-6, "g[\(i)] = \(clipped[i]), expected \(gradient[i] / 5)")
        }
    }

    @Test("A gradient below the bound is left untouched, bit for bit", arguments: [Float(5), 10, .infinity])
    func belowTheBoundUntouched(maxNorm: Float) {
        let g = makeBuffer(gradient)
        let norm = clipGradientNorm(g.pointer, count: g.count, maxNorm: maxNorm)
        #expect(norm == 5)
        #expect(bitIdentical(g.array, gradient))
    }

    @Test("The norm is the global L2 norm over every element, accumulated without overflow")
    func normOverEveryElement() {
        // 10,000 elements of 1e20: the squares overflow Float but not the Double accumulator.
        let g = makeBuffer([Float](repeating: 1e20, count: 10_000))
        let norm = clipGradientNorm(g.pointer, count: g.count, maxNorm: .infinity)
        #expect(abs(norm - 1e22) <= 1e22 * 1e-6, "norm \(norm)")
    }
}
