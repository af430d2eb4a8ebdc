import Foundation

// Shapes: B batch, T time, NH heads, HD head dimension, N = B·T rows.

/// Rotary position embedding in the Hugging Face convention (`rotate_half`): dimension i of a head
/// is paired with dimension i + HD/2, both rotated by the angle position · θ^(−2i/HD).
///
///     inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2).float() / dim))
///     q_embed = (q * cos) + (rotate_half(q) * sin)
public struct RopeTable {
    public let maxPositions: Int
    public let headDim: Int
    /// (maxPositions, HD/2) each.
    public let cos: [Float]
    public let sin: [Float]

    /// Angles are computed in Float as transformers computes them, then cos/sin are taken in Double.
    /// `scaling` changes the inverse frequencies as the checkpoint's rope_scaling says.
    public init(maxPositions: Int, headDim: Int, theta: Double, scaling: RopeScaling? = nil) {
        let half = headDim / 2
        let defaultFrequencies = ropeInverseFrequencies(headDim: headDim, theta: theta)
        let inverseFrequencies = scaling?.scale(defaultFrequencies) ?? defaultFrequencies
        var cos = [Float](repeating: 0, count: maxPositions * half)
        var sin = [Float](repeating: 0, count: maxPositions * half)
        for (i, inverseFrequency) in inverseFrequencies.enumerated() {
            for position in 0..<maxPositions {
                let angle = Float(position) * inverseFrequency
                cos[position * half + i] = Float(Foundation.cos(Double(angle)))
                sin[position * half + i] = Float(Foundation.sin(Double(angle)))
            }
        }
        self.maxPositions = maxPositions
        self.headDim = headDim
        self.cos = cos
        self.sin = sin
    }
}

/// Rotates every head of x in place. x is (B, T, NH, HD); row b·T + t is at position t.
public func ropeForward(x: UnsafeMutablePointer<Float>, table: RopeTable, B: Int, T: Int, NH: Int) {
    rotate(x, table: table, B: B, T: T, NH: NH, direction: 1)
}

/// The backward pass is the inverse rotation (the transpose of an orthogonal map), in place on
/// dx (B, T, NH, HD).
public func ropeBackward(dx: UnsafeMutablePointer<Float>, table: RopeTable, B: Int, T: Int, NH: Int) {
    rotate(dx, table: table, B: B, T: T, NH: NH, direction: -1)
}

private func rotate(
    _ x: UnsafeMutablePointer<Float>, table: RopeTable, B: Int, T: Int, NH: Int, direction: Float
) {
    precondition(T <= table.maxPositions, "sequence length \(T) exceeds the RoPE table (\(table.maxPositions))")
    let HD = table.headDim
    let half = HD / 2
    table.cos.withUnsafeBufferPointer { cosTable in
        table.sin.withUnsafeBufferPointer { sinTable in
            for b in 0..<B {
                for t in 0..<T {
                    let c = cosTable.baseAddress! + t * half
                    let s = sinTable.baseAddress! + t * half
                    for h in 0..<NH {
                        let head = x + ((b * T + t) * NH + h) * HD
                        @_transparent func group(_ i: Int, _ lanes: Int) {
                            let x1 = loadLanes(head + i, lanes), x2 = loadLanes(head + i + half, lanes)
                            let cosine = loadLanes(c + i, lanes), sine = direction * loadLanes(s + i, lanes)
                            storeLanes(x1 * cosine - x2 * sine, head + i, lanes)
                            storeLanes(x2 * cosine + x1 * sine, head + i + half, lanes)
                        }
                        var i = 0
                        while i + 8 <= half { group(i, 8); i += 8 }
                        if i < half { group(i, half - i) }
                    }
                }
            }
        }
    }
}
