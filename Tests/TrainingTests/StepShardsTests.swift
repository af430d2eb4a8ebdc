import Testing
import Training

// Shapes: R rows of a step, b rows per micro-batch, S shards.

@Suite("Shards of an optimizer step")
struct StepShardsTests {
    @Test("S is min(R, 4): a function of the batch alone", arguments: [(1, 1, 1), (3, 1, 3), (4, 4, 4), (8, 1, 4), (8, 8, 4), (64, 4, 4)])
    func shardCount(rows: Int, microBatchSize: Int, shards: Int) {
        #expect(StepShards(rows: rows, microBatchSize: microBatchSize).count == shards)
    }

    @Test("The shards cover the rows in order, each ⌊R/S⌋ or ⌈R/S⌉ of them, and their passes cover each shard",
          arguments: [(8, 8), (8, 2), (8, 1), (6, 4), (7, 2), (12, 3), (2, 2), (5, 5)])
    func passesCoverTheRows(rows: Int, microBatchSize: Int) {
        let plan = StepShards(rows: rows, microBatchSize: microBatchSize)
        var next = 0
        for s in 0..<plan.count {
            let shard = plan.rows(ofShard: s)
            #expect(shard.lowerBound == next)
            #expect([rows / plan.count, (rows + plan.count - 1) / plan.count].contains(shard.count))
            for m in plan.microBatches(ofShard: s) {
                let pass = plan.rows(ofShard: s, microBatch: m)
                #expect(pass.lowerBound == next && !pass.isEmpty, "shard \(s), micro-batch \(m): \(pass)")
                #expect(pass.lowerBound / microBatchSize == m && (pass.upperBound - 1) / microBatchSize == m)
                next = pass.upperBound
            }
            #expect(next == shard.upperBound)
        }
        #expect(next == rows)
        #expect(plan.microBatches == (rows + microBatchSize - 1) / microBatchSize)
    }

    @Test("Activations sized by largestPass(rowsUpTo:) fit every pass of every shorter step")
    func largestPassBoundsShorterSteps() {
        for b in 1...6 {
            for R in stride(from: b, through: 24, by: b) {
                let capacity = StepShards.largestPass(rowsUpTo: R, microBatchSize: b)
                for r in 1...R {
                    #expect(StepShards(rows: r, microBatchSize: b).largestPass <= capacity, "R \(r) of \(R), b \(b)")
                }
                #expect(capacity <= min(b, (R + 3) / 4), "R \(R), b \(b): passes of \(capacity) rows")
            }
        }
    }
}
