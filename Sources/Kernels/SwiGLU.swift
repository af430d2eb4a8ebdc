import Foundation

// Shapes: N rows, H hidden features.

/// The gated activation of Llama's MLP: out = silu(gate) ⊙ up, with silu(x) = x · σ(x).
///
///     down_proj(act_fn(gate_proj(x)) * up_proj(x))
///
/// out, gate and up are (N, H), passed as one count.
public func swigluForward(
    out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int
) {
    for i in 0..<count {
        let g = gate[i]
        out[i] = g / (1 + Foundation.exp(-g)) * up[i]
    }
}

/// Accumulates dgate += dout ⊙ up ⊙ silu'(gate) and dup += dout ⊙ silu(gate),
/// where silu'(x) = σ(x) · (1 + x · (1 − σ(x))). All buffers are (N, H), passed as one count.
public func swigluBackward(
    dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int
) {
    for i in 0..<count {
        let g = gate[i]
        let sigmoid = 1 / (1 + Foundation.exp(-g))
        let silu = g * sigmoid
        dgate[i] += dout[i] * up[i] * sigmoid * (1 + g * (1 - sigmoid))
        dup[i] += dout[i] * silu
    }
}
