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
        let targetLogit = row[Int(target)]
        let maximum = rowMaximum(row, V: V)
        // Σ e^(x − max); the exponentials stay in the row when it becomes the gradient
        var sums = Lanes()
        @_transparent func exponentiate(_ j: Int, _ lanes: Int) {
            let e = exp(loadLanes(row + j, lanes, padding: -.infinity) - maximum)
            if backward { storeLanes(e, row + j, lanes) }
            sums += e
        }
        var j = 0
        while j + 8 <= V { exponentiate(j, 8); j += 8 }
        if j < V { exponentiate(j, V - j) }
        let sum = sums.sum()
        losses[n] = Foundation.log(sum) + maximum - targetLogit
        guard backward else { continue }
        // softmax · gradScale = e^(x − max) · (gradScale / Σ e^(x − max))
        let factor = gradScale / sum
        @_transparent func scale(_ j: Int, _ lanes: Int) {
            storeLanes(loadLanes(row + j, lanes) * factor, row + j, lanes)
        }
        j = 0
        while j + 8 <= V { scale(j, 8); j += 8 }
        if j < V { scale(j, V - j) }
        row[Int(target)] -= gradScale
    }
    return counted
}

/// log softmax of one row, in place. row is (V).
public func logSoftmax(_ row: UnsafeMutablePointer<Float>, V: Int) {
    let maximum = rowMaximum(row, V: V)
    var sums = Lanes()
    @_transparent func exponentiate(_ j: Int, _ lanes: Int) {
        sums += exp(loadLanes(row + j, lanes, padding: -.infinity) - maximum)
    }
    var j = 0
    while j + 8 <= V { exponentiate(j, 8); j += 8 }
    if j < V { exponentiate(j, V - j) }
    let logSum = Foundation.log(sums.sum()) + maximum
    @_transparent func subtract(_ j: Int, _ lanes: Int) {
        storeLanes(loadLanes(row + j, lanes) - logSum, row + j, lanes)
    }
    j = 0
    while j + 8 <= V { subtract(j, 8); j += 8 }
    if j < V { subtract(j, V - j) }
}

