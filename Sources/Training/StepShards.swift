// Shapes: R rows (examples or sequences) of one optimizer step, b rows per micro-batch,
// k = ⌈R/b⌉ micro-batches, S shards.

/// How an optimizer step's rows split into shards, and a shard into passes.
///
/// The step's R rows form micro-batches of b rows (the last may have fewer), each weighing 1/k of
/// the step's loss and each the mean over its own targets, as gradient accumulation has always had
/// them. The rows are cut into S = min(R, `maximumShards`) shards of consecutive rows, ⌊R/S⌋ or
/// ⌈R/S⌉ each, and a shard's rows into passes at micro-batch boundaries: a pass is the rows one
/// micro-batch has in one shard. Every pass counts its loss over its whole micro-batch's targets,
/// so the passes add up to exactly the step's loss and gradient, however the rows were cut.
///
/// S depends on the batch alone, never on the thread count: each shard's gradient has a buffer of
/// its own and the buffers are added in shard order, so a step computes the same bits whichever
/// thread ran which shard. The cap of 4 lets 2 to 4 worker threads share a step evenly while a
/// full-training step holds at most 4 gradient buffers of the model's size.
public struct StepShards: Sendable, Equatable {
    public static let maximumShards = 4

    public let rows: Int
    public let microBatchSize: Int

    public init(rows: Int, microBatchSize: Int) {
        precondition(rows >= 1 && microBatchSize >= 1, "a step of \(rows) rows in micro-batches of \(microBatchSize)")
        self.rows = rows
        self.microBatchSize = microBatchSize
    }

    /// S: the number of shards.
    public var count: Int { min(rows, Self.maximumShards) }

    /// k: the number of micro-batches.
    public var microBatches: Int { (rows + microBatchSize - 1) / microBatchSize }

    /// The rows of shard s: consecutive, ⌊R/S⌋ or ⌈R/S⌉ of them.
    public func rows(ofShard s: Int) -> Range<Int> {
        s * rows / count..<(s + 1) * rows / count
    }

    /// The micro-batches that have rows in shard s, in order: one pass each.
    public func microBatches(ofShard s: Int) -> Range<Int> {
        let shard = rows(ofShard: s)
        return shard.lowerBound / microBatchSize..<(shard.upperBound - 1) / microBatchSize + 1
    }

    /// The rows of a pass: micro-batch m's rows inside shard s.
    public func rows(ofShard s: Int, microBatch m: Int) -> Range<Int> {
        rows(ofShard: s).clamped(to: m * microBatchSize..<min((m + 1) * microBatchSize, rows))
    }

    /// The most rows one pass has.
    public var largestPass: Int {
        (0..<count).map { s in microBatches(ofShard: s).map { rows(ofShard: s, microBatch: $0).count }.max()! }.max()!
    }

    /// The most rows one pass has in any step of 1…R rows (a run's last step may be partial, and
    /// cut otherwise): what a worker's activations are sized for.
    public static func largestPass(rowsUpTo R: Int, microBatchSize b: Int) -> Int {
        (1...R).map { StepShards(rows: $0, microBatchSize: b).largestPass }.max()!
    }
}
