import Adapters
import Foundation
import Kernels
import Model
import Training

extension BenchResult {
    public static func table(_ results: [BenchResult]) -> String {
        var lines = [
            "| config | mode  | threads | tokens/s | ms/step | model GFLOP/s | peak GFLOP/s | MFU    |",
            "|--------|-------|--------:|---------:|--------:|--------------:|-------------:|-------:|",
        ]
        for r in results {
            let config = r.config.padding(toLength: 6, withPad: " ", startingAt: 0)
            let mode = r.mode.padding(toLength: 5, withPad: " ", startingAt: 0)
            lines.append("| \(config) | \(mode) | " + String(format: "%7d | %8.0f | %7.1f | %13.1f | %12.1f | %5.1f%% |",
                                r.threads, r.tokensPerSecond, r.secondsPerStep * 1000, r.modelGFLOPs, r.peakGFLOPs, r.mfu * 100))
        }
        // QLoRA's step time over LoRA's, per config and thread count.
        for r in results where r.mode == "qlora" {
            if let lora = results.first(where: { $0.mode == "lora" && $0.config == r.config && $0.threads == r.threads }) {
                lines.append(String(format: "%@, %d thread%@: QLoRA time ÷ LoRA time = %.2f", r.config, r.threads,
                                    r.threads == 1 ? "" : "s", r.secondsPerStep / lora.secondsPerStep))
            }
        }
        return lines.joined(separator: "\n")
    }
}

public enum BenchMode: String {
    case full, lora, qlora

    /// Model FLOPs per trained token (see `Bench`'s discussion).
    public func flopsPerToken(config c: LlamaConfig, T: Int, lora: LoRAConfig) -> Double {
        let matmulWeights = c.projections(at: Set(ProjectionSite.allCases))
            .map { c.shape(of: $0.site) }.reduce(0) { $0 + $1.out * $1.in }
        let attention = 12 * c.nLayers * T * c.qDim
        switch self {
        case .full:
            return Double(6 * matmulWeights + attention)
        case .lora, .qlora:
            let adapters = c.projections(at: lora.targets).map { c.shape(of: $0.site) }
                .reduce(0) { $0 + 6 * lora.rank * ($1.in + $1.out) }
            return Double(4 * matmulWeights + attention + adapters)
        }
    }
}

public struct BenchResult: Codable {
    public var config: String
    public var mode: String
    public var threads: Int
    public var dim: Int
    public var layers: Int
    public var vocab: Int
    public var batch: Int
    public var seqLen: Int
    public var steps: Int
    public var secondsPerStep: Double
    public var tokensPerSecond: Double
    public var modelGFLOPsPerToken: Double
    public var modelGFLOPs: Double
    public var peakGFLOPs: Double
    public var mfu: Double

    public enum CodingKeys: String, CodingKey {
        case config, mode, threads, dim, layers, vocab, batch, seqLen, steps, secondsPerStep, tokensPerSecond, mfu
        case modelGFLOPsPerToken = "modelGflopsPerToken", modelGFLOPs = "modelGflops", peakGFLOPs = "peakGflops"
    }

    public init(config: String, mode: String, threads: Int, dim: Int, layers: Int, vocab: Int, batch: Int, seqLen: Int, steps: Int, secondsPerStep: Double, tokensPerSecond: Double, modelGFLOPsPerToken: Double, modelGFLOPs: Double, peakGFLOPs: Double, mfu: Double) {
        self.config = config
        self.mode = mode
        self.threads = threads
        self.dim = dim
        self.layers = layers
        self.vocab = vocab
        self.batch = batch
        self.seqLen = seqLen
        self.steps = steps
        self.secondsPerStep = secondsPerStep
        self.tokensPerSecond = tokensPerSecond
        self.modelGFLOPsPerToken = modelGFLOPsPerToken
        self.modelGFLOPs = modelGFLOPs
        self.peakGFLOPs = peakGFLOPs
        self.mfu = mfu
    }
}

public struct BenchReport: Codable {
    public var results: [BenchResult]
    public var cpu: String
    public var blasKernel: String
    public var cores: Int

    public init(results: [BenchResult], cpu: String, blasKernel: String, cores: Int) {
        self.results = results
        self.cpu = cpu
        self.blasKernel = blasKernel
        self.cores = cores
    }
}

/// The practical peak: the best sgemm throughput over one training step's matmul shapes, at the
/// rows of one pass, with `threads` threads multiplying side by side (one BLAS thread each, as the
/// workers of a data-parallel step do) and their throughputs added.
public enum BenchPeak {
    public static func measure(config c: LlamaConfig, rows: Int, threads: Int) -> (gflops: Double, shape: String) {
        let sites: [ProjectionSite] = [.q, .k, .gate, .down, .head]
        var best = (gflops: 0.0, shape: "")
        for site in sites {
            let (OUT, IN) = c.shape(of: site), N = rows
            for product in ["x·Wᵀ", "dy·W", "dyᵀ·x"] {
                let rates = UnsafeMutablePointer<Double>.allocate(capacity: threads)
                defer { rates.deallocate() }
                WorkerThreads.run(workers: threads, tasks: threads) { _, thread in
                    rates[thread] = gflops(product, N: N, IN: IN, OUT: OUT)
                }
                let total = (0..<threads).reduce(0) { $0 + rates[$1] }
                if total > best.gflops { best = (total, "\(site.rawValue) \(product), \(N)×\(IN)→\(OUT)") }
            }
        }
        return best
    }

    /// One thread's GFLOP/s at one product of a projection's: forward x·Wᵀ (N, OUT), input gradient
    /// dy·W (N, IN) or weight gradient dyᵀ·x (OUT, IN), on buffers of its own.
    private static func gflops(_ product: String, N: Int, IN: Int, OUT: Int) -> Double {
        // a holds x (N, IN) or dy (N, OUT); b a weight (OUT, IN) or, for the weight gradient, x (N, IN);
        // out the product: (N, OUT), (N, IN) or (OUT, IN). Sized for the product at hand only: a square
        // (OUT, OUT) buffer would be 9.7 GB at a vocabulary of 49,152.
        let a = FloatBuffer(count: N * max(IN, OUT), category: .activations)
        let b = FloatBuffer(count: product == "dyᵀ·x" ? N * IN : OUT * IN, category: .activations)
        let out = FloatBuffer(count: product == "x·Wᵀ" ? N * OUT : product == "dy·W" ? N * IN : OUT * IN, category: .activations)
        var generator = SeededGenerator(seed: 1, stream: "bench-peak")
        fillNormal(a.pointer, count: a.count, std: 1, using: &generator)
        fillNormal(b.pointer, count: b.count, std: 1, using: &generator)
        let run: () -> Void
        switch product {
        case "x·Wᵀ":
            run = { sgemm(transposeA: false, transposeB: true, m: N, n: OUT, k: IN, a: a.pointer, lda: IN,
                          b: b.pointer, ldb: IN, beta: 0, c: out.pointer, ldc: OUT) }
        case "dy·W":
            run = { sgemm(transposeA: false, transposeB: false, m: N, n: IN, k: OUT, a: a.pointer, lda: OUT,
                          b: b.pointer, ldb: IN, beta: 1, c: out.pointer, ldc: IN) }
        default:
            run = { sgemm(transposeA: true, transposeB: false, m: OUT, n: IN, k: N, a: a.pointer, lda: OUT,
                          b: b.pointer, ldb: IN, beta: 1, c: out.pointer, ldc: IN) }
        }
        run()  // warm-up
        var calls = 0
        let started = Date()
        var elapsed = 0.0
        while elapsed < 0.08 || calls < 3 {
            run()
            calls += 1
            elapsed = Date().timeIntervalSince(started)
        }
        return 2 * Double(N * OUT * IN) * Double(calls) / elapsed / 1e9
    }
}

/// One mode at one config on a number of worker threads: a model, its trainer or adapter, and
/// timed steps on random tokens.
public struct BenchCell {
    public static let lora = LoRAConfig(rank: 8, alpha: 16, dropout: 0.05, targets: [.q, .v])
    public let mode: BenchMode
    public let config: LlamaConfig
    /// One micro-batch of B sequences of T tokens per step.
    public let B: Int, T: Int
    public let threads: Int
    /// A loaded model to time (its config is `config`); nil: a random one, initialised with seed 1.
    public let weights: Llama?

    /// Rows of one pass of a step: what each worker multiplies at a time.
    public var passRows: Int { StepShards(rows: B, microBatchSize: B).largestPass * T }

    public func time(seconds: Double) -> (steps: Int, seconds: Double) {
        let step = makeStep()
        for _ in 0..<2 { _ = step() }  // warm-up: first touches of every buffer, thread start-up
        var steps = 0
        let started = Date()
        var elapsed = 0.0
        while elapsed < seconds || steps < 3 {
            _ = step()
            steps += 1
            elapsed = Date().timeIntervalSince(started)
        }
        return (steps, elapsed)
    }

    /// One warm-up step, then `steps` steps, untimed, for a profiler: the losses of all of them.
    public func profile(steps: Int) -> [Float] {
        let step = makeStep()
        return (0...steps).map { _ in step() }
    }

    /// The cell's model, trainer or adapter, and token buffers, held by a closure that runs one
    /// step on fresh random tokens and returns its loss.
    private func makeStep() -> () -> Float {
        let dense = weights ?? {
            let random = Llama(config: config)
            random.initialize(seed: 1)
            return random
        }()
        var generator = SeededGenerator(seed: 2, stream: "bench-tokens")
        let B = B, T = T, vocab = Int32(config.vocabSize)
        let fill: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Void = { inputs, targets in
            for n in 0..<B * T {
                inputs[n] = Int32.random(in: 0..<vocab, using: &generator)
                targets[n] = Int32.random(in: 0..<vocab, using: &generator)
            }
        }
        switch mode {
        case .full:
            let trainer = Trainer(model: dense, B: B, T: T, threads: threads, optimizer: .adamw,
                                  schedule: LearningRateSchedule(shape: .constant, peak: 1e-4, totalSteps: 1_000_000))
            return { trainer.step(nextBatch: fill).loss }
        case .lora, .qlora:
            // The inner loop of FineTuning.run on fixed-length batches: the data-parallel passes
            // into the adapter's gradient only, clipping, AdamW on the adapter.
            let model = mode == .qlora ? QuantizedProjections.quantize(dense, doubleQuantization: true) : dense
            let adapter = LoRA(config: Self.lora, modelConfig: config, seed: 1)
            model.adapter = adapter
            adapter.training = true
            let passes = DataParallelStep(model: model, trained: .adapter(parameterCount: adapter.parameters.count),
                                          rows: B, microBatchSize: B, T: T, threads: threads)
            let batch = StepBatch(capacityRows: B, T: T, microBatchSize: B)
            let optimizer = OptimizerKind.adamw.make(count: adapter.parameters.count, weightDecay: nil)
            var step = 0
            return {
                batch.clear()
                batch.appendRows(B, fill)
                let loss = passes.run(batch, step: step)
                step += 1
                _ = clipGradientNorm(passes.gradient.pointer, count: passes.gradient.count, maxNorm: 1)
                optimizer.step(parameters: adapter.parameters.pointer, gradients: passes.gradient.pointer, learningRate: 1e-4)
                return loss
            }
        }
    }

    public init(mode: BenchMode, config: LlamaConfig, B: Int, T: Int, threads: Int, weights: Llama? = nil) {
        precondition(weights.map { $0.config == config } ?? true, "the weights' config differs from the cell's")
        self.weights = weights
        self.mode = mode
        self.config = config
        self.B = B
        self.T = T
        self.threads = threads
    }
}
