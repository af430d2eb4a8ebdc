import Foundation

// Shapes: N rows (positions), V vocabulary.

/// The target that carries no loss (prompt tokens in instruction tuning, padding), as in PyTorch.
public let ignoreIndex: Int32 = -100

/// Softmax cross-entropy per position, fused with its gradient as llm.c's classifier is.
///
/// losses[n] = −log softmax(logits[n])[targets[n]], or 0 where targets[n] is `ignoreIndex`.
/// When `backward` is true, logits are overwritten in place by their gradient,
/// (softmax(logits[n]) − onehot(targets[n])) · gradScale, and by zeros on ignored rows.
/// losses is (N), logits is (N, V), targets is (N). Returns the number of positions with a target.
@discardableResult
public func crossEntropyForward(
    losses: UnsafeMutablePointer<Float>, logits: UnsafeMutablePointer<Float>,
    targets: UnsafePointer<Int32>, N: Int, V: Int, backward: Bool, gradScale: Float
) -> Int {
    var counted = 0
    for n in 0..<N {
        let row = logits + n * V
        let target = targets[n]
        guard target != ignoreIndex else {
            losses[n] = 0
            if backward { row.update(repeating: 0, count: V) }
            continue
        }
        precondition(target >= 0 && Int(target) < V, "target \(target) at row \(n) is outside the vocabulary (0..<\(V))")
        counted += 1
        var maximum = -Float.infinity
        for j in 0..<V { maximum = max(maximum, row[j]) }
        var sum: Float = 0
        for j in 0..<V { sum += Foundation.exp(row[j] - maximum) }
        let logSum = Foundation.log(sum) + maximum
        losses[n] = logSum - row[Int(target)]
        if backward {
            for j in 0..<V { row[j] = Foundation.exp(row[j] - logSum) * gradScale }
            row[Int(target)] -= gradScale
        }
    }
    return counted
}

/// log softmax of one row, in place. row is (V).
public func logSoftmax(_ row: UnsafeMutablePointer<Float>, V: Int) {
    var maximum = -Float.infinity
    for j in 0..<V { maximum = max(maximum, row[j]) }
    var sum: Float = 0
    for j in 0..<V { sum += Foundation.exp(row[j] - maximum) }
    let logSum = Foundation.log(sum) + maximum
    for j in 0..<V { row[j] -= logSum }
}
