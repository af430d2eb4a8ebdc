import Adapters
import ArgumentParser
import Foundation
import Sweeps
import Kernels
import Model
import Training

/// `sweep bench`: the training core's speed in one process — the BLAS peak at the model's matmul
/// shapes, then tokens/s and model-FLOP utilisation of full, LoRA and QLoRA steps, per worker-thread
/// count.
///
/// Ratios are what this measures well: on a shared machine absolute numbers drift between
/// invocations, but the peak and the steps measured side by side in one process see the same load.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure training speed: sgemm peak, tokens/s and model-FLOP utilisation (MFU).",
        discussion: """
            Random-initialised models on random token batches (B × T, every position a target): \
            the base config (results/base/config.json, or its shape when absent) and a \
            3.4M-parameter config (dim 256, 4 layers, 4 heads, intermediate 688, vocab 512), each \
            with 1 worker thread and with one per core. Modes: full (every parameter, AdamW), lora \
            (r=8, alpha=16, dropout 0.05 on q and v; AdamW on the adapter) and qlora (the same \
            adapter over an NF4-dq base). A step is one micro-batch of B sequences, cut into \
            min(B, 4) shards that the worker threads share, each with one BLAS thread (as \
            `finetune` and `pretrain` train).

            --configs also takes a published shape (random weights of its size: \
            \(PublishedShape.names.joined(separator: ", "))), and --model DIR times a model \
            directory's own weights, loaded (`sweep init-model` writes a random one of any shape):
              sweep bench --model results/base --modes lora,qlora --threads 1 --seconds 1

            The peak is the best sgemm GFLOP/s over the shapes a training step multiplies (forward \
            x·Wᵀ, input gradient dy·W, weight gradient dyᵀ·x of every projection) at the rows of \
            one pass, measured on as many threads side by side just before the steps.

            Model FLOPs per token (T the sequence length, L layers, C the width; N counts the \
            weights of every matmul — q, k, v, o, gate, up, down of each layer and the LM head — \
            but not the embedding table, which is a lookup, nor the norms):
              full:        6·N + 12·L·T·C
              lora, qlora: 4·N + 12·L·T·C + Σ 6·r·(in + out) over the adapted projections
            Full training: forward 2N, input and weight gradients 4N; attention's QKᵀ and PV over \
            the full T×T matrix as computed, 4·L·T·C forward and 8·L·T·C backward. LoRA: the frozen \
            weights take the forward and the input gradient only; each adapter 2·r·(in+out) \
            forward and 4·r·(in+out) backward. MFU = model FLOPs per second ÷ peak. \
            Dequantization, norms, softmax, the loss and the optimizer count as overhead, not \
            model FLOPs.

            Profiling: --steps N measures nothing itself. It builds the one cell chosen by \
            --modes, --configs and --threads (one value each), runs one warm-up step and then N \
            steps, and prints each step's loss (with its bit pattern, to compare runs bit for bit). \
            No sgemm peak, no timed loop: under a profiler, the difference between --steps 3 and \
            --steps 1 is two steady-state steps, set-up and warm-up cancelled out. valgrind 3.19 \
            needs a copy without debug information and a kernel without AVX-512 \
            (Benchmarks/PROFILE.md):
              strip -g -o sweep-nodebug "$(command -v sweep)"
              OPENBLAS_CORETYPE=Haswell valgrind --tool=callgrind ./sweep-nodebug \\
                bench --steps 3 --modes lora --configs base --threads 1
            """
    )

    @Flag(help: "Print the results as JSON: {\"results\": [{\"mode\", \"threads\", \"dim\", \"layers\", \"tokens_per_second\", \"mfu\", …}]}.")
    var json = false

    @Option(help: "Seconds of timed steps per cell (after warm-up).")
    var seconds: Double = 2

    @Option(help: "Worker-thread counts, comma-separated (default: 1 and every core).")
    var threads: String?

    @Option(help: "Modes, comma-separated: full, lora, qlora.")
    var modes = "full,lora,qlora"

    @Option(help: "Configs, comma-separated: base, 3.4m, or a published shape (\(PublishedShape.names.joined(separator: ", "))). (default: base,3.4m)")
    var configs: String?

    @Option(help: "A model directory: time steps on its weights, loaded, instead of random ones (in place of --configs; full training changes the weights in memory only).")
    var model: String?

    @Option(help: "The base model's config.json (its shape only; the weights are random).")
    var baseConfig = "results/base/config.json"

    @Option(help: "Sequences per batch.")
    var batch = 8

    @Option(help: "Tokens per sequence.")
    var seqLen = 128

    @Option(help: "Profile instead of timing: one warm-up step, then this many steps of the single cell chosen by --modes, --configs and --threads; prints the losses.")
    var steps: Int?

    func validate() throws {
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
        guard batch > 0, seqLen > 0 else { throw ValidationError("--batch and --seq-len must be positive") }
        for mode in modes.split(separator: ",") where BenchMode(rawValue: String(mode)) == nil {
            throw ValidationError("unknown mode \"\(mode)\": expected full, lora or qlora")
        }
        for name in chosenConfigs where !["base", "3.4m"].contains(name) && PublishedShape.named(name) == nil {
            throw ValidationError("unknown config \"\(name)\": expected base, 3.4m or \(PublishedShape.names.joined(separator: ", "))")
        }
        if model != nil, configs != nil { throw ValidationError("--model and --configs both name what to time: give one") }
        if let steps {
            guard steps > 0 else { throw ValidationError("--steps must be positive") }
            guard !modes.contains(","), chosenConfigs.count == 1 || model != nil, let threads, !threads.contains(",") else {
                throw ValidationError("""
                    --steps profiles one cell: name it with one value each of --modes, --configs and --threads \
                    (e.g. --steps 3 --modes lora --configs 3.4m --threads 1)
                    """)
            }
        }
    }

    func run() throws {
        BLAS.threads = 1
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let threadCounts = try threads.map { text in
            try text.split(separator: ",").map { word in
                guard let n = Int(word), n > 0 else { throw ValidationError("--threads takes positive integers, got \"\(word)\"") }
                return n
            }
        } ?? Array(Set([1, cores])).sorted()
        let chosenModes = modes.split(separator: ",").compactMap { BenchMode(rawValue: String($0)) }
        var shapes: [(name: String, config: LlamaConfig)] = []
        var weights: Llama?
        if let model {
            let loaded = try ModelDirectory.load(model)
            guard seqLen <= loaded.config.maxSeqLen else {
                throw BadInput("\(model): --seq-len \(seqLen) exceeds the model's max_position_embeddings \(loaded.config.maxSeqLen)")
            }
            weights = loaded
            shapes.append(("model", loaded.config))
        }
        for name in model == nil ? chosenConfigs : [] {
            if let published = PublishedShape.named(name) {
                var config = published.config
                config.maxSeqLen = max(config.maxSeqLen, seqLen)
                shapes.append((name, config))
            } else {
                shapes.append((name, name == "base" ? loadBaseConfig() : Self.config34M(seqLen: seqLen)))
            }
        }

        if let steps, let mode = chosenModes.first, let shape = shapes.first, let n = threadCounts.first {
            let (name, config) = shape
            log(String(format: "%@ (dim %d, %d layers, vocab %d), %@, %@: 1 warm-up step, then %d",
                       name, config.dim, config.nLayers, config.vocabSize, workerThreadsDescription(n), mode.rawValue, steps))
            let losses = BenchCell(mode: mode, config: config, B: batch, T: seqLen, threads: n, weights: weights).profile(steps: steps)
            for (step, loss) in losses.enumerated() {
                print(String(format: "step %d loss %.9g (0x%08x)%@", step, loss, loss.bitPattern, step == 0 ? " warm-up" : ""))
            }
            return
        }

        var results: [BenchResult] = []
        for (name, config) in shapes {
            for n in threadCounts {
                let rows = BenchCell(mode: .full, config: config, B: batch, T: seqLen, threads: n).passRows
                let peak = BenchPeak.measure(config: config, rows: rows, threads: n)
                log(String(format: "%@ (dim %d, %d layers, vocab %d), %@: sgemm peak %.1f GFLOP/s (%@)",
                           name, config.dim, config.nLayers, config.vocabSize, workerThreadsDescription(n),
                           peak.gflops, peak.shape))
                for mode in chosenModes {
                    let timing = BenchCell(mode: mode, config: config, B: batch, T: seqLen, threads: n, weights: weights)
                        .time(seconds: seconds)
                    let tokensPerSecond = Double(timing.steps * batch * seqLen) / timing.seconds
                    let flopsPerToken = mode.flopsPerToken(config: config, T: seqLen, lora: BenchCell.lora)
                    let result = BenchResult(
                        config: name, mode: mode.rawValue, threads: n, dim: config.dim, layers: config.nLayers,
                        vocab: config.vocabSize, batch: batch, seqLen: seqLen, steps: timing.steps,
                        secondsPerStep: timing.seconds / Double(timing.steps), tokensPerSecond: tokensPerSecond,
                        modelGFLOPsPerToken: flopsPerToken / 1e9,
                        modelGFLOPs: flopsPerToken * tokensPerSecond / 1e9, peakGFLOPs: peak.gflops,
                        mfu: flopsPerToken * tokensPerSecond / 1e9 / peak.gflops)
                    log(String(format: "  %@ %8.0f tokens/s  %6.1f ms/step  %6.1f GFLOP/s  MFU %5.1f%%",
                               mode.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0), tokensPerSecond, result.secondsPerStep * 1000, result.modelGFLOPs,
                               result.mfu * 100))
                    results.append(result)
                }
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            let report = BenchReport(results: results, cpu: Self.cpuName, blasKernel: BLAS.coreName, cores: cores)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(BenchResult.table(results))
        }
    }

    /// The configs --configs names (base and 3.4m by default).
    private var chosenConfigs: [String] {
        (configs ?? "base,3.4m").split(separator: ",").map(String.init)
    }

    /// The base model's shape, from its config.json, or the committed base's when the file is absent.
    private func loadBaseConfig() -> LlamaConfig {
        if let data = FileManager.default.contents(atPath: baseConfig),
           var config = try? JSONDecoder().decode(LlamaConfig.self, from: data) {
            config.maxSeqLen = max(config.maxSeqLen, seqLen)
            return config
        }
        return LlamaConfig(dim: 192, hiddenDim: 512, nLayers: 4, nHeads: 4, vocabSize: 1000, maxSeqLen: max(128, seqLen))
    }

    /// dim 256, 4 layers, 4 heads, intermediate 688, vocab 512: 3.42M parameters (3.29M without the embedding).
    static func config34M(seqLen: Int) -> LlamaConfig {
        LlamaConfig(dim: 256, hiddenDim: 688, nLayers: 4, nHeads: 4, vocabSize: 512, maxSeqLen: max(128, seqLen))
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static var cpuName: String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let name = line.split(separator: ":", maxSplits: 1).last else { return "unknown" }
        return name.trimmingCharacters(in: .whitespaces)
    }

}
