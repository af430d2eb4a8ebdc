import Foundation
import Adapters
import Kernels
import Model

/// LoRA and QLoRA fine-tuning on instruction examples: the loop behind `sweep finetune` and
/// every run of a sweep.
///
/// The base model's own parameters stay frozen; only the adapter trains. Micro-batches of
/// `microBatchSize` examples (each the mean over its response targets) are accumulated into
/// optimizer steps of `batchSize` examples, over `passes` shuffled passes through the data, as
/// Lit-GPT's `finetune/lora.py` does. A step's passes run data-parallel (`DataParallelStep`), so
/// the same seed gives the same bits for any thread count.
public enum FineTuning {
    public struct Parameters: Sendable {
        public var lora = LoRAConfig()
        public var optimizer: OptimizerKind = .adamw
        public var learningRate: Float = 3e-4
        public var schedule: ScheduleShape = .cosine
        public var warmupSteps = 0
        public var minimumLearningRateFactor: Float = 0
        /// Passes over the training examples.
        public var passes = 1
        /// Examples per optimizer step, and per forward/backward pass.
        public var batchSize = 8
        public var microBatchSize = 1
        public var weightDecay: Float? = nil
        public var maxGradientNorm: Float? = 1
        public var seed: UInt64 = 1
        /// Examples longer than this are truncated; default: the model's maximum length.
        public var maxLength: Int? = nil
        /// Appended to every response when given.
        public var eos: Int32? = nil
        /// Worker threads: how fast a step runs, never what it computes.
        public var threads = 1

        public init() {}

        public var accumulation: Int { batchSize / microBatchSize }

        public func problems() -> [String] {
            var problems = lora.problems()
            if !(learningRate > 0) { problems.append("learning rate must be positive, got \(learningRate)") }
            if passes <= 0 { problems.append("passes must be at least 1, got \(passes)") }
            if microBatchSize <= 0 { problems.append("micro-batch size must be at least 1, got \(microBatchSize)") }
            if batchSize <= 0 || microBatchSize > 0 && batchSize % microBatchSize != 0 {
                problems.append("batch size (\(batchSize)) must be a positive multiple of the micro-batch size (\(microBatchSize))")
            }
            if warmupSteps < 0 { problems.append("warmup steps must be 0 or more, got \(warmupSteps)") }
            if threads <= 0 { problems.append("threads must be at least 1, got \(threads)") }
            return problems
        }
    }

    public typealias Progress = TrainingProgress

    /// Where a run's time went: the passes' parts in thread-seconds (summed over the worker
    /// threads), the optimizer in seconds.
    public struct TimeBreakdown: Sendable, Codable, Equatable {
        public var dequantization = 0.0
        public var matmul = 0.0
        public var attention = 0.0
        public var otherForwardBackward = 0.0
        public var optimizer = 0.0
    }

    public struct Summary: Sendable, Codable {
        public var steps: Int
        public var examplesSeen: Int
        /// Positions with a target (response tokens) trained on.
        public var tokens: Int
        public var finalLoss: Float
        public var losses: [Float]
        public var wallSeconds: Double
        public var tokensPerSecond: Double
        public var trainableParameters: Int
        /// The ledger's peak of live tensor bytes during training, in total and per category.
        public var peakMemoryBytes: Int
        public var peakMemoryByCategory: [String: Int]
        /// `MemoryPrediction`'s total for this run, computed from its configuration before training:
        /// `peakMemoryBytes` measures it. nil in records written before it was kept, and for steps of
        /// more rows than a prediction takes.
        public var predictedPeakMemoryBytes: Int?
        /// The process's peak resident set size (VmHWM) while training: the high-water mark is reset
        /// when training starts, so loading (and quantizing) the base does not count.
        public var peakRSSBytes: Int
        public var time: TimeBreakdown
        /// Set when the loss stopped being finite: the step it happened at.
        public var divergedAtStep: Int?
    }

    /// Fine-tunes `adapter` on `model` (already quantized if QLoRA) in place.
    public static func run(
        model: Llama, adapter: LoRA, examples: [InstructionExample], parameters p: Parameters,
        progress: (Progress) -> Bool = { _ in true }
    ) -> Summary {
        precondition(p.problems().isEmpty, p.problems().joined(separator: "; "))
        precondition(!examples.isEmpty, "fine-tuning needs at least one example")
        let T = sequenceLength(examples: examples, parameters: p, model: model.config)
        let memoryRun = memoryRun(model: model, adapter: adapter, parameters: p, T: T)
        let prediction = memoryRun.problems().isEmpty ? MemoryPrediction(memoryRun) : nil

        // Everything training touches is allocated before the ledger's peak is reset.
        model.adapter = adapter
        adapter.training = true
        let passes = DataParallelStep(model: model, trained: .adapter(parameterCount: adapter.parameters.count),
                                      rows: p.batchSize, microBatchSize: p.microBatchSize, T: T, threads: p.threads)
        let batch = StepBatch(capacityRows: p.batchSize, T: T, microBatchSize: p.microBatchSize)
        let gradients = passes.gradient
        let optimizer = p.optimizer.make(count: adapter.parameters.count, weightDecay: p.weightDecay)
        let order = trainingOrder(count: examples.count, passes: p.passes, seed: p.seed)
        let totalSteps = (order.count + p.batchSize - 1) / p.batchSize
        let schedule = LearningRateSchedule(shape: p.schedule, peak: p.learningRate, warmupSteps: p.warmupSteps,
                                            totalSteps: totalSteps, minimumFactor: p.minimumLearningRateFactor)
        MemoryLedger.current.resetPeaks()
        ProcessMemory.resetPeakResident()

        var losses: [Float] = []
        losses.reserveCapacity(totalSteps)
        var tokens = 0, cursor = 0, optimizerSeconds = 0.0
        var divergedAt: Int?
        let start = Date()
        for step in 0..<totalSteps {
            let stepEnd = min(cursor + p.batchSize, order.count)
            batch.clear()
            for index in order[cursor..<stepEnd] {
                batch.appendRow { examples[index].write(inputs: $0, targets: $1, maxLength: T, eos: p.eos) }
            }
            cursor = stepEnd
            tokens += batch.targetCount
            let loss = passes.run(batch, step: step)

            let optimizerStarted = Date()
            let norm = clipGradientNorm(gradients.pointer, count: gradients.count, maxNorm: p.maxGradientNorm ?? .infinity)
            guard loss.isFinite, norm.isFinite else {  // diverged: keep the last finite adapter
                losses.append(loss)
                divergedAt = step
                break
            }
            let learningRate = schedule.learningRate(at: step)
            optimizer.step(parameters: adapter.parameters.pointer, gradients: gradients.pointer, learningRate: learningRate)
            optimizerSeconds += Date().timeIntervalSince(optimizerStarted)

            losses.append(loss)
            let elapsed = Date().timeIntervalSince(start)
            let result = Trainer.StepResult(step: step, loss: loss, gradientNorm: norm, learningRate: learningRate)
            if !progress(Progress(result: result, totalSteps: totalSteps, elapsedSeconds: elapsed,
                                  tokensPerSecond: Double(tokens) / elapsed)) { break }
        }
        let wall = Date().timeIntervalSince(start)
        adapter.training = false
        let ledger = MemoryLedger.current.snapshot
        let t = passes.timings
        return Summary(
            steps: losses.count, examplesSeen: cursor, tokens: tokens, finalLoss: losses.last ?? .nan, losses: losses,
            wallSeconds: wall, tokensPerSecond: Double(tokens) / wall, trainableParameters: adapter.trainableParameters,
            peakMemoryBytes: ledger.peakTotal,
            peakMemoryByCategory: Dictionary(uniqueKeysWithValues: ledger.peak.map { ($0.key.rawValue, $0.value) }),
            predictedPeakMemoryBytes: prediction?.total,
            peakRSSBytes: ProcessMemory.peakResidentBytes,
            time: TimeBreakdown(dequantization: t.dequantization, matmul: t.projections, attention: t.attention,
                                otherForwardBackward: t.other, optimizer: optimizerSeconds),
            divergedAtStep: divergedAt)
    }

    /// T of the run's passes: the longest example's positions, capped by `maxLength` and the model's
    /// maximum. Activations are sized by it; each pass is as long as its own longest example.
    public static func sequenceLength(examples: [InstructionExample], parameters p: Parameters, model: LlamaConfig) -> Int {
        let maxLength = min(p.maxLength ?? model.maxSeqLen, model.maxSeqLen)
        let longest = examples.map { $0.sequenceLength(eos: p.eos) - 1 }.max() ?? 1
        return max(1, min(longest, maxLength))
    }

    /// `passes` permutations of 0..<count, one after another, from the "data-order" stream.
    public static func trainingOrder(count: Int, passes: Int, seed: UInt64) -> [Int] {
        var generator = SeededGenerator(seed: seed, stream: "data-order")
        return (0..<passes).flatMap { _ in Array(0..<count).shuffled(using: &generator) }
    }
}

/// The process's own memory, as the kernel reports it.
public enum ProcessMemory {
    /// Peak resident set size (VmHWM in /proc/self/status), in bytes; 0 where unavailable.
    public static var peakResidentBytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes * 1024
    }

    /// Resets the peak resident set size to the current one (Linux ≥ 4.0: "5" > /proc/self/clear_refs).
    public static func resetPeakResident() {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return }
        try? handle.write(contentsOf: Data("5".utf8))
        try? handle.close()
    }
}
