import Foundation

// Shapes: N rows (batch × time), C features.

/// RMSNorm: out = x · rsqrt(mean(x²) + eps) · weight, row by row.
///
///     variance = hidden_states.pow(2).mean(-1, keepdim=True)
///     return self.weight * (hidden_states * torch.rsqrt(variance + self.variance_epsilon))
///
/// out is (N, C), rstd is (N) and saved for the backward pass, inp is (N, C), weight is (C).
public func rmsnormForward(
    out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
    inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, N: Int, C: Int, eps: Float
) {
    for row in 0..<N {
        let x = inp + row * C
        let y = out + row * C
        var sumOfSquares: Float = 0
        for i in 0..<C { sumOfSquares += x[i] * x[i] }
        let r = 1 / (sumOfSquares / Float(C) + eps).squareRoot()
        for i in 0..<C { y[i] = weight[i] * (x[i] * r) }
        rstd[row] = r
    }
}

/// Accumulates RMSNorm's gradients. With x̂ = x · r and g = dout ⊙ weight:
/// dinp += r · (g − x̂ · mean(g ⊙ x̂)), dweight += Σ_rows dout ⊙ x̂.
/// dinp and inp are (N, C), dweight and weight are (C), dout is (N, C), rstd is (N).
public func rmsnormBackward(
    dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>?,
    dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    rstd: UnsafePointer<Float>, N: Int, C: Int
) {
    for row in 0..<N {
        let x = inp + row * C
        let dy = dout + row * C
        let dx = dinp + row * C
        let r = rstd[row]
        var dotGradNormed: Float = 0
        for i in 0..<C { dotGradNormed += dy[i] * weight[i] * (x[i] * r) }
        let meanDot = dotGradNormed / Float(C)
        for i in 0..<C {
            let normed = x[i] * r
            dx[i] += r * (dy[i] * weight[i] - normed * meanDot)
        }
        if let dweight {
            for i in 0..<C { dweight[i] += dy[i] * (x[i] * r) }
        }
    }
}
