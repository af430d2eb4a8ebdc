// Shapes: N rows, H hidden features.

/// The gated activation of Llama's MLP: out = silu(gate) ⊙ up, with silu(x) = x · σ(x).
///
///     down_proj(act_fn(gate_proj(x)) * up_proj(x))
///
/// out, gate and up are (N, H), passed as one count.
public func swigluForward(
    out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int
) {
    @_transparent func group(_ i: Int, _ lanes: Int) {
        let g = loadLanes(gate + i, lanes)
        storeLanes(g / (1 + exp(-g)) * loadLanes(up + i, lanes), out + i, lanes)
    }
    var i = 0
    while i + 8 <= count { group(i, 8); i += 8 }
    if i < count { group(i, count - i) }
}

/// Accumulates dgate += dout ⊙ up ⊙ silu'(gate) and dup += dout ⊙ silu(gate),
/// where silu'(x) = σ(x) · (1 + x · (1 − σ(x))). All buffers are (N, H), passed as one count.
public func swigluBackward(
    dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>,
    dout: UnsafePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int
) {
    @_transparent func group(_ i: Int, _ lanes: Int) {
        let g = loadLanes(gate + i, lanes), dy = loadLanes(dout + i, lanes)
        let sigmoid = 1 / (1 + exp(-g))
        let silu = g * sigmoid
        storeLanes(loadLanes(dgate + i, lanes) + dy * loadLanes(up + i, lanes) * sigmoid * (1 + g * (1 - sigmoid)),
                   dgate + i, lanes)
        storeLanes(loadLanes(dup + i, lanes) + dy * silu, dup + i, lanes)
    }
    var i = 0
    while i + 8 <= count { group(i, 8); i += 8 }
    if i < count { group(i, count - i) }
}
