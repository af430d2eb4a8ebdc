import Kernels
import Model

// Shapes: S shards, W worker threads, P rows of a worker's largest pass, T positions,
// G trained parameters (the model's, or the adapter's).

/// One optimizer step's forward and backward passes, run data-parallel: the step's rows are cut
/// into shards (`StepShards`, a function of the batch alone), worker threads run whole shards
/// with one BLAS thread each, each shard accumulates into a gradient buffer of its own, and the
/// shards' gradients are added in shard order. The step's gradient and loss are therefore the same
/// bits for any number of threads.
///
/// Each worker has its own pass context (activations, with the adapter's buffers and the
/// dequantization scratch) and token buffers; the model and its adapter are only read.
public final class DataParallelStep {
    /// What a step's gradient is of.
    public enum Trained {
        /// Every parameter of the model (full training).
        case model
        /// Only the attached adapter's parameters, G of them; the model is frozen.
        case adapter(parameterCount: Int)
    }

    public let model: Llama
    public let trained: Trained
    /// One per shard (S); after `run`, shard 0's holds the step's whole gradient.
    public let shardGradients: [FloatBuffer]
    private let shardViews: [LlamaWeights?]
    private let shardLosses: UnsafeMutablePointer<Float>  // (S)
    private let workers: [Worker]

    /// A worker thread's pass context and the tokens of its current pass.
    private final class Worker {
        let activations: LlamaActivations
        let inputs: UnsafeMutablePointer<Int32>   // (P, T)
        let targets: UnsafeMutablePointer<Int32>  // (P, T)

        init(model: Llama, B: Int, T: Int) {
            activations = LlamaActivations(model: model, B: B, T: T, training: true)
            inputs = .allocate(capacity: B * T)
            targets = .allocate(capacity: B * T)
        }

        deinit {
            inputs.deallocate()
            targets.deallocate()
        }
    }

    /// Buffers for steps of at most `rows` rows of T positions, in micro-batches of `microBatchSize`,
    /// on `threads` worker threads (at most one per shard).
    public init(model: Llama, trained: Trained, rows: Int, microBatchSize: Int, T: Int, threads: Int) {
        precondition(threads >= 1, "at least one worker thread, got \(threads)")
        let plan = StepShards(rows: rows, microBatchSize: microBatchSize)
        self.model = model
        self.trained = trained
        let count: Int
        switch trained {
        case .model: count = model.parameterCount
        case .adapter(let parameterCount): count = parameterCount
        }
        shardGradients = (0..<plan.count).map { _ in FloatBuffer(count: count, category: .gradients) }
        shardViews = shardGradients.map { buffer in
            if case .model = trained { LlamaWeights(layout: model.layout, base: buffer.pointer) } else { nil }
        }
        shardLosses = .allocate(capacity: plan.count)
        let passRows = StepShards.largestPass(rowsUpTo: rows, microBatchSize: microBatchSize)
        workers = (0..<min(threads, plan.count)).map { _ in Worker(model: model, B: passRows, T: T) }
    }

    deinit { shardLosses.deallocate() }

    public var threads: Int { workers.count }

    /// The step's gradient, once `run` has returned.
    public var gradient: FloatBuffer { shardGradients[0] }

    /// Where the workers' passes spent their time, added up (thread-seconds).
    public var timings: PassTimings { workers.map(\.activations.timings).reduce(PassTimings(), +) }

    /// Runs every pass of the step `batch` holds, optimizer step number `step` (it seeds each shard's
    /// dropout), leaving the gradient of the step's loss in `gradient`. Returns the loss: the mean
    /// over micro-batches of each micro-batch's mean over its targets.
    public func run(_ batch: StepBatch, step: Int) -> Float {
        let plan = batch.shards
        precondition(plan.count <= shardGradients.count, "a step of \(batch.rows) rows exceeds these buffers")
        if BLAS.threads != 1 { BLAS.threads = 1 }
        WorkerThreads.run(workers: workers.count, tasks: plan.count) { worker, shard in
            runShard(shard, of: plan, batch: batch, step: step, on: workers[worker])
        }
        var loss: Float = 0
        for shard in 0..<plan.count { loss += shardLosses[shard] }
        for shard in 1..<plan.count { addShard(shard) }
        return loss / Float(plan.microBatches)
    }

    /// The passes of one shard, into its own gradient buffer.
    private func runShard(_ shard: Int, of plan: StepShards, batch: StepBatch, step: Int, on worker: Worker) {
        let a = worker.activations
        a.adapter?.restartRandomness(step: step, shard: shard)
        shardGradients[shard].zero()
        var loss: Float = 0
        for m in plan.microBatches(ofShard: shard) {
            let rows = plan.rows(ofShard: shard, microBatch: m)
            let length = batch.longest(rows)
            batch.copy(rows, length: length, inputs: worker.inputs, targets: worker.targets)
            loss += model.forward(tokens: worker.inputs, targets: worker.targets, B: rows.count, T: length, activations: a,
                                  backwardScale: 1 / Float(plan.microBatches), meanOver: batch.targetCount(ofMicroBatch: m))!
            if case .adapter = trained {
                model.backward(tokens: worker.inputs, B: rows.count, T: length, activations: a, gradients: nil,
                               adapterGradients: shardGradients[shard].pointer)
            } else {
                model.backward(tokens: worker.inputs, B: rows.count, T: length, activations: a, gradients: shardViews[shard])
            }
        }
        shardLosses[shard] = loss
    }

    /// gradient += shard `shard`'s gradient: called in shard order, so the sum's rounding is fixed.
    private func addShard(_ shard: Int) {
        let sum = shardGradients[0].pointer, part = shardGradients[shard].pointer
        for i in 0..<shardGradients[0].count { sum[i] += part[i] }
    }
}
