// Shapes: N rows (tokens), C features, V vocabulary.

/// Looks up one row of the table per token. out is (N, C), tokens is (N), table is (V, C).
public func embeddingForward(
    out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>, table: UnsafePointer<Float>,
    N: Int, C: Int
) {
    for n in 0..<N {
        precondition(tokens[n] >= 0, "token \(tokens[n]) at row \(n) is negative")
        (out + n * C).update(from: table + Int(tokens[n]) * C, count: C)
    }
}

/// Accumulates dtable[tokens[n]] += dout[n], in row order (so repeated tokens sum deterministically).
/// dtable is (V, C), dout is (N, C), tokens is (N).
public func embeddingBackward(
    dtable: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, tokens: UnsafePointer<Int32>,
    N: Int, C: Int
) {
    for n in 0..<N {
        let row = dtable + Int(tokens[n]) * C
        let grad = dout + n * C
        for i in 0..<C { row[i] += grad[i] }
    }
}
