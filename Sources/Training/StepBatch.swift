import Kernels
import Model

// Shapes: R rows of one optimizer step (at most `capacityRows`), T positions per row, b rows per
// micro-batch.

/// The token rows of one optimizer step, written before its shards run: each row holds (T) inputs
/// and targets, padded after the row's own length with token 0 and ignored targets, and each
/// micro-batch of b consecutive rows knows how many targets it has (the count its mean is over).
public final class StepBatch {
    public let capacityRows: Int
    public let T: Int
    public let microBatchSize: Int
    public private(set) var rows = 0
    let inputs: UnsafeMutablePointer<Int32>    // (R, T)
    let targets: UnsafeMutablePointer<Int32>   // (R, T)
    private let lengths: UnsafeMutablePointer<Int>       // (R)
    private let targetCounts: UnsafeMutablePointer<Int>  // (⌈R/b⌉)

    public init(capacityRows: Int, T: Int, microBatchSize: Int) {
        precondition(capacityRows >= 1 && T >= 1 && microBatchSize >= 1, "a step batch of \(capacityRows)×\(T) in micro-batches of \(microBatchSize)")
        self.capacityRows = capacityRows
        self.T = T
        self.microBatchSize = microBatchSize
        inputs = .allocate(capacity: capacityRows * T)
        targets = .allocate(capacity: capacityRows * T)
        lengths = .allocate(capacity: capacityRows)
        targetCounts = .allocate(capacity: capacityRows)
    }

    deinit {
        inputs.deallocate()
        targets.deallocate()
        lengths.deallocate()
        targetCounts.deallocate()
    }

    /// Empties the batch for the next step.
    public func clear() { rows = 0 }

    /// Appends one row: `write` fills (inputs, targets) of T positions and returns how many it wrote.
    public func appendRow(_ write: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Int) {
        precondition(rows < capacityRows, "a step batch holds \(capacityRows) rows")
        let rowInputs = inputs + rows * T, rowTargets = targets + rows * T
        let length = write(rowInputs, rowTargets)
        precondition(length >= 0 && length <= T, "a row of \(length) positions in a batch of \(T)")
        (rowInputs + length).update(repeating: 0, count: T - length)
        (rowTargets + length).update(repeating: ignoreIndex, count: T - length)
        var counted = 0
        for t in 0..<length where rowTargets[t] != ignoreIndex { counted += 1 }
        if rows % microBatchSize == 0 { targetCounts[rows / microBatchSize] = 0 }
        targetCounts[rows / microBatchSize] += counted
        lengths[rows] = length
        rows += 1
    }

    /// Appends `count` rows of T positions at once: `write` fills (count, T) inputs and targets.
    public func appendRows(_ count: Int, _ write: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Void) {
        precondition(rows + count <= capacityRows, "a step batch holds \(capacityRows) rows")
        write(inputs + rows * T, targets + rows * T)
        let first = rows
        rows = first + count
        for row in first..<rows {
            let rowTargets = targets + row * T
            var counted = 0
            for t in 0..<T where rowTargets[t] != ignoreIndex { counted += 1 }
            if row % microBatchSize == 0 { targetCounts[row / microBatchSize] = 0 }
            targetCounts[row / microBatchSize] += counted
            lengths[row] = T
        }
    }

    /// How the rows split into shards and passes.
    public var shards: StepShards { StepShards(rows: rows, microBatchSize: microBatchSize) }

    /// Targets of micro-batch m: the count its mean loss is over.
    public func targetCount(ofMicroBatch m: Int) -> Int { targetCounts[m] }

    /// Targets of the whole step.
    public var targetCount: Int {
        (0..<(rows + microBatchSize - 1) / microBatchSize).reduce(0) { $0 + targetCounts[$1] }
    }

    /// The longest row among `rows` (at least 1): the length of a pass over them.
    func longest(_ rows: Range<Int>) -> Int {
        rows.reduce(1) { max($0, lengths[$1]) }
    }

    /// Copies `rows`, each cut to `length` positions, into (rows.count, length) inputs and targets.
    func copy(_ rows: Range<Int>, length: Int, inputs: UnsafeMutablePointer<Int32>, targets: UnsafeMutablePointer<Int32>) {
        for (i, row) in rows.enumerated() {
            (inputs + i * length).update(from: self.inputs + row * T, count: length)
            (targets + i * length).update(from: self.targets + row * T, count: length)
        }
    }
}
