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
        var sums = Lanes()
        @_transparent func square(_ i: Int, _ lanes: Int) {
            let xi = loadLanes(x + i, lanes)
            sums += xi * xi
        }
        var i = 0
        while i + 8 <= C { square(i, 8); i += 8 }
        if i < C { square(i, C - i) }
        let r = 1 / (sums.sum() / Float(C) + eps).squareRoot()
        @_transparent func normalise(_ i: Int, _ lanes: Int) {
            storeLanes(loadLanes(weight + i, lanes) * (loadLanes(x + i, lanes) * r), y + i, lanes)
        }
        i = 0
        while i + 8 <= C { normalise(i, 8); i += 8 }
        if i < C { normalise(i, C - i) }
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
        var dots = Lanes()
        @_transparent func dot(_ i: Int, _ lanes: Int) {
            dots += loadLanes(dy + i, lanes) * loadLanes(weight + i, lanes) * (loadLanes(x + i, lanes) * r)
        }
        var i = 0
        while i + 8 <= C { dot(i, 8); i += 8 }
        if i < C { dot(i, C - i) }
        let meanDot = dots.sum() / Float(C)
        @_transparent func accumulate(_ i: Int, _ lanes: Int) {
            let normed = loadLanes(x + i, lanes) * r, g = loadLanes(dy + i, lanes)
            storeLanes(loadLanes(dx + i, lanes) + r * (g * loadLanes(weight + i, lanes) - normed * meanDot), dx + i, lanes)
            if let dweight { storeLanes(loadLanes(dweight + i, lanes) + g * normed, dweight + i, lanes) }
        }
        i = 0
        while i + 8 <= C { accumulate(i, 8); i += 8 }
        if i < C { accumulate(i, C - i) }
    }
}
