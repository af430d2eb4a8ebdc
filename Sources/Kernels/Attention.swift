import Foundation

// Shapes: B batch, T time, NH query heads, NKV key/value heads (NKV divides NH), HD head dimension.
// Query head h reads key/value head h / (NH / NKV), as `repeat_kv` does in transformers.

/// Causal scaled dot-product attention, per batch element and head, through sgemm:
///
///     scores = q @ k.transpose(-2, -1) / math.sqrt(head_dim)   # masked above the diagonal
///     out = softmax(scores, dim=-1) @ v
///
/// out is (B, T, NH, HD); probs is (B, NH, T, T), saved for the backward pass (zero above the
/// diagonal); q is (B, T, NH, HD); k and v are (B, T, NKV, HD).
public func attentionForward(
    out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
    q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
    B: Int, T: Int, NH: Int, NKV: Int, HD: Int
) {
    let scale = 1 / Float(HD).squareRoot()
    let kvMul = NH / NKV
    let qStride = NH * HD, kvStride = NKV * HD
    for b in 0..<B {
        for h in 0..<NH {
            let qHead = q + b * T * qStride + h * HD
            let kHead = k + b * T * kvStride + (h / kvMul) * HD
            let vHead = v + b * T * kvStride + (h / kvMul) * HD
            let p = probs + (b * NH + h) * T * T
            sgemm(transposeA: false, transposeB: true, m: T, n: T, k: HD, alpha: scale,
                  a: qHead, lda: qStride, b: kHead, ldb: kvStride, beta: 0, c: p, ldc: T)
            for t in 0..<T { causalSoftmaxRow(p + t * T, visible: t + 1, width: T) }
            sgemm(transposeA: false, transposeB: false, m: T, n: HD, k: T,
                  a: p, lda: T, b: vHead, ldb: kvStride, beta: 0,
                  c: out + b * T * qStride + h * HD, ldc: qStride)
        }
    }
}

/// Accumulates the gradients of causal attention into dq (B, T, NH, HD), dk and dv (B, T, NKV, HD).
/// With P the saved probabilities and dO the gradient of the output:
/// dP = dO Vᵀ, dV += Pᵀ dO, dS = P ⊙ (dP − rowsum(dP ⊙ P)), dQ += scale · dS K, dK += scale · dSᵀ Q.
/// scratch is (T, T) and holds dP, then dS, one head at a time.
public func attentionBackward(
    dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>, q: UnsafePointer<Float>, k: UnsafePointer<Float>,
    v: UnsafePointer<Float>, probs: UnsafePointer<Float>,
    B: Int, T: Int, NH: Int, NKV: Int, HD: Int
) {
    let scale = 1 / Float(HD).squareRoot()
    let kvMul = NH / NKV
    let qStride = NH * HD, kvStride = NKV * HD
    for b in 0..<B {
        for h in 0..<NH {
            let qOffset = b * T * qStride + h * HD
            let kvOffset = b * T * kvStride + (h / kvMul) * HD
            let p = probs + (b * NH + h) * T * T
            sgemm(transposeA: false, transposeB: true, m: T, n: T, k: HD,
                  a: dout + qOffset, lda: qStride, b: v + kvOffset, ldb: kvStride,
                  beta: 0, c: scratch, ldc: T)
            sgemm(transposeA: true, transposeB: false, m: T, n: HD, k: T,
                  a: p, lda: T, b: dout + qOffset, ldb: qStride, beta: 1, c: dv + kvOffset, ldc: kvStride)
            for t in 0..<T {
                softmaxBackwardRow(scratch + t * T, probs: p + t * T, visible: t + 1, width: T)
            }
            sgemm(transposeA: false, transposeB: false, m: T, n: HD, k: T, alpha: scale,
                  a: scratch, lda: T, b: k + kvOffset, ldb: kvStride, beta: 1, c: dq + qOffset, ldc: qStride)
            sgemm(transposeA: true, transposeB: false, m: T, n: HD, k: T, alpha: scale,
                  a: scratch, lda: T, b: q + qOffset, ldb: qStride, beta: 1, c: dk + kvOffset, ldc: kvStride)
        }
    }
}

/// Softmax over the first `visible` entries of a row, zeros after them; row is (width). The last
/// group's padding lanes read −∞, whose exponential is 0.
@inline(__always)
func causalSoftmaxRow(_ row: UnsafeMutablePointer<Float>, visible: Int, width: Int) {
    let maximum = rowMaximum(row, V: visible)

    var sums = Lanes()
    @_transparent func exponentiate(_ j: Int, _ lanes: Int) {
        let e = exp(loadLanes(row + j, lanes, padding: -.infinity) - maximum)
        storeLanes(e, row + j, lanes)
        sums += e
    }
    var j = 0
    while j + 8 <= visible { exponentiate(j, 8); j += 8 }
    if j < visible { exponentiate(j, visible - j) }

    let inverse = 1 / sums.sum()
    @_transparent func normalise(_ j: Int, _ lanes: Int) {
        storeLanes(loadLanes(row + j, lanes) * inverse, row + j, lanes)
    }
    j = 0
    while j + 8 <= visible { normalise(j, 8); j += 8 }
    if j < visible { normalise(j, visible - j) }
    (row + visible).update(repeating: 0, count: width - visible)
}

/// Turns dP into dS = P ⊙ (dP − Σ dP ⊙ P) in place over the visible entries, zeros after them.
/// grad and probs are (width).
@inline(__always)
func softmaxBackwardRow(
    _ grad: UnsafeMutablePointer<Float>, probs: UnsafePointer<Float>, visible: Int, width: Int
) {
    var dots = Lanes()
    @_transparent func accumulate(_ j: Int, _ lanes: Int) {
        dots += loadLanes(grad + j, lanes) * loadLanes(probs + j, lanes)
    }
    var j = 0
    while j + 8 <= visible { accumulate(j, 8); j += 8 }
    if j < visible { accumulate(j, visible - j) }

    let dot = dots.sum()
    @_transparent func update(_ j: Int, _ lanes: Int) {
        storeLanes(loadLanes(probs + j, lanes) * (loadLanes(grad + j, lanes) - dot), grad + j, lanes)
    }
    j = 0
    while j + 8 <= visible { update(j, 8); j += 8 }
    if j < visible { update(j, visible - j) }
    (grad + visible).update(repeating: 0, count: width - visible)
}
