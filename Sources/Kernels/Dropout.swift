// Shapes: one count of elements.

/// Inverted dropout: each element is kept with probability 1 − p and scaled by 1/(1 − p), or
/// zeroed. out and inp are (count); mask (count) records 1 for kept elements.
public func dropoutForward(
    out: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<UInt8>, inp: UnsafePointer<Float>,
    count: Int, probability p: Float, using generator: inout SeededGenerator
) {
    let keepScale = 1 / (1 - p)
    // nextUnit() ≥ p compared in integers: u = k · 2⁻⁵³ with k = next() >> 11 < 2⁵³, and p · 2⁵³ is
    // exact in Double, so u ≥ p exactly when k ≥ ⌈p · 2⁵³⌉. The same mask, without the conversion.
    let threshold = UInt64((Double(p) * 0x1p53).rounded(.up))
    for i in 0..<count {
        let kept = generator.next() >> 11 >= threshold
        mask[i] = kept ? 1 : 0
        out[i] = kept ? inp[i] * keepScale : 0
    }
}

/// Accumulates dinp += dout ⊙ mask / (1 − p). All buffers are (count).
public func dropoutBackward(
    dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, mask: UnsafePointer<UInt8>,
    count: Int, probability p: Float
) {
    let keepScale = 1 / (1 - p)
    for i in 0..<count where mask[i] != 0 { dinp[i] += dout[i] * keepScale }
}
