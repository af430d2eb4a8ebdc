import Adapters
import Kernels
import Model

// Shapes: R rows per optimizer step, b rows per micro-batch, S = min(R, 4) shards of a step,
// W = min(threads, S) worker threads, B rows of a worker's largest pass, T positions, N = B·T;
// C width, Q = NH·HD query width, KV key/value width, H MLP width, V vocabulary, L layers, NH heads;
// r rank, G trained parameters. 4 bytes per fp32 element (2 per bf16 element under `Precision.bf16`),
// 1 per dropout-mask element.

/// The memory a training run holds at its peak, predicted from its configuration alone, component
/// by component: what `sweep memory` and `finetune --predict-memory` print and what `FineTuning.run`
/// records beside its measured ledger.
///
/// Each component is a set of tensors a run allocates, counted in the memory ledger under its
/// `category`, so the prediction summed per category is what the run's ledger measures, to the byte
/// (Tests/TrainingTests/MemoryPredictionTests). A run allocates every tensor before its first step and
/// frees none before its last, so its peak is the sum of all components: there is no activation
/// checkpointing, every layer's activations are kept from the forward pass to the backward pass.
///
/// Not counted (not tensors): the runtime's own memory (code, libraries, the malloc heap, the data
/// set) and OpenBLAS's packing buffers, which `runtimeBytes(workers:)` estimates; token buffers
/// (8·B·T bytes a worker, 8·R·T for the step), the RoPE tables and the step's losses, under 1 MB at
/// any shape here.
public struct MemoryPrediction: Sendable {
    /// What a run trains.
    public enum Mode: String, CaseIterable, Codable, Sendable {
        /// Every parameter of the model (`Trainer`, the pretraining step).
        case full
        /// A LoRA adapter over a frozen fp32 base (`FineTuning`).
        case lora
        /// A LoRA adapter over a frozen base whose projections are NF4 (`FineTuning` after
        /// `QuantizedProjections.quantize`).
        case qlora
    }

    /// The bytes of each kind of tensor's elements. This trainer holds everything in fp32; `bf16`
    /// predicts a run as PyTorch runs it under Lightning's `bf16-true` (every parameter, gradient,
    /// optimizer buffer and activation in bfloat16), which the article's measurements were made with.
    public struct Precision: Sendable, Equatable, Codable {
        /// "fp32" or "bf16".
        public var name: String
        /// The base's weights that are not quantized (and every weight in full training).
        public var weightBytes: Int
        /// The adapter's A and B and the gradients.
        public var trainedBytes: Int
        /// Each optimizer buffer (AdamW's moments, SGD's momentum): torch creates them like the parameter.
        public var optimizerStateBytes: Int
        /// Activations, their gradients and the dequantized copy of a quantized weight.
        public var activationBytes: Int

        /// This trainer's: everything in fp32.
        public static let fp32 = Precision(name: "fp32", weightBytes: 4, trainedBytes: 4, optimizerStateBytes: 4, activationBytes: 4)
        /// Lightning's bf16-true: everything in bfloat16.
        public static let bf16 = Precision(name: "bf16", weightBytes: 2, trainedBytes: 2, optimizerStateBytes: 2, activationBytes: 2)
        public static let all = [fp32, bf16]
        public static func named(_ name: String) -> Precision? { all.first { $0.name == name.lowercased() } }
    }

    /// How attention keeps what its backward pass needs.
    public enum Attention: String, CaseIterable, Codable, Sendable {
        /// This trainer's: the softmax probabilities (B, NH, T, T) of every layer are kept, and the
        /// backward pass works on a (T, T) buffer.
        case materialized
        /// A fused kernel (FlashAttention, PyTorch's scaled_dot_product_attention on a GPU): no (T, T)
        /// matrix is kept; the backward pass recomputes it block by block from the output and one fp32
        /// log-sum-exp per row and head, (B, NH, T) a layer.
        case fused
    }

    /// A run, as far as its memory goes.
    public struct Run: Sendable, Equatable {
        public var model: LlamaConfig
        public var mode: Mode
        /// The adapter's rank, dropout and targets; unused in full training.
        public var lora: LoRAConfig
        /// QLoRA's block statistics double-quantized (nf4-dq); unused otherwise.
        public var doubleQuantization: Bool
        public var optimizer: OptimizerKind
        /// R: rows (examples or sequences) per optimizer step.
        public var batchSize: Int
        /// b: rows per forward/backward pass.
        public var microBatchSize: Int
        /// T: positions of the longest row (activations are sized by it).
        public var T: Int
        /// Worker threads of the data-parallel step (at most one per shard works).
        public var threads: Int
        /// Element sizes: `.fp32` is this trainer's (and what its ledger measures).
        public var precision: Precision = .fp32
        /// `.materialized` is this trainer's.
        public var attention: Attention = .materialized
        /// QLoRA's quantized projections: this trainer's `QuantizedProjections.quantizedSites`, or
        /// with the head too, as Lightning's BitsandbytesPrecision replaces every linear layer.
        public var quantizedSites: Set<ProjectionSite> = QuantizedProjections.quantizedSites

        /// Whether this is a run this trainer makes, whose ledger the prediction equals.
        public var isThisTrainers: Bool {
            precision == .fp32 && attention == .materialized && quantizedSites == QuantizedProjections.quantizedSites
        }

        public init(model: LlamaConfig, mode: Mode, lora: LoRAConfig = LoRAConfig(), doubleQuantization: Bool = false,
                    optimizer: OptimizerKind = .adamw, batchSize: Int, microBatchSize: Int, T: Int, threads: Int) {
            self.model = model
            self.mode = mode
            self.lora = lora
            self.doubleQuantization = doubleQuantization
            self.optimizer = optimizer
            self.batchSize = batchSize
            self.microBatchSize = microBatchSize
            self.T = T
            self.threads = threads
        }

        /// The most rows per optimizer step a prediction takes (its largest pass is searched for).
        public static let largestBatch = 4096

        /// The base's storage as the Quantization knob names it.
        public var quantization: Quantization {
            mode != .qlora ? .none : doubleQuantization ? .nf4DoubleQuantized : .nf4
        }

        /// Every reason the run cannot be predicted (nor trained), naming the setting.
        public func problems() -> [String] {
            var problems = model.problems()
            if mode != .full { problems += lora.problems() }
            if microBatchSize <= 0 { problems.append("micro-batch size must be at least 1, got \(microBatchSize)") }
            if batchSize <= 0 || microBatchSize > 0 && batchSize % microBatchSize != 0 {
                problems.append("batch size (\(batchSize)) must be a positive multiple of the micro-batch size (\(microBatchSize))")
            }
            if T <= 0 { problems.append("sequence length must be at least 1, got \(T)") }
            if T > model.maxSeqLen { problems.append("sequence length \(T) exceeds the model's max_position_embeddings \(model.maxSeqLen)") }
            if threads <= 0 { problems.append("threads must be at least 1, got \(threads)") }
            if mode == .qlora, quantizedSites.contains(.head), model.tiedEmbeddings {
                problems.append("the head shares the embedding table (tie_word_embeddings): it cannot be quantized on its own")
            }
            if batchSize > Self.largestBatch { problems.append("batch size \(batchSize) is above the limit of \(Self.largestBatch) rows per step") }
            if problems.isEmpty,
               LlamaActivations.floatCount(config: model, B: StepShards.largestPass(rowsUpTo: batchSize, microBatchSize: microBatchSize),
                                           T: T, training: true).map({ $0 <= Int.max / 64 }) != true {
                problems.append("activations of \(microBatchSize) × \(T) tokens are too many to count")
            }
            return problems
        }
    }

    /// How many copies of a component a run holds.
    public enum Multiplicity: String, Codable, Sendable {
        /// One for the run.
        case run
        /// One per shard of a step (S): each shard accumulates its own gradient.
        case shard
        /// One per worker thread (W): each worker has its own pass context.
        case worker
    }

    /// A set of tensors, `copies` times `bytesEach`.
    public struct Component: Sendable, Equatable {
        public let name: String
        public let category: MemoryCategory
        public let multiplicity: Multiplicity
        public let copies: Int
        public let bytesEach: Int
        /// What the tensors are, with their shapes.
        public let detail: String
        public var bytes: Int { copies * bytesEach }
    }

    public let run: Run
    /// S: shards of a step.
    public let shards: Int
    /// W: worker threads that hold a pass context.
    public let workers: Int
    /// B: rows of a worker's largest pass.
    public let passRows: Int
    /// G: trained parameters (the model's in full training, the adapter's otherwise).
    public let trainedParameters: Int
    /// Every tensor of the run, those with no bytes left out.
    public let components: [Component]
    /// The ledger's peak while the base is loaded from fp32 weights (and, for QLoRA, quantized: the
    /// fp32 model and its NF4 copy live together until the fp32 one is released).
    public let loadingBytes: Int

    /// The prediction for `run`, which must have no `problems()`.
    public init(_ run: Run) {
        precondition(run.problems().isEmpty, run.problems().joined(separator: "; "))
        let f = MemoryLayout<Float>.stride
        let precision = run.precision
        // w: a stored weight's bytes, g: a trained parameter's (and its gradient's), o: an optimizer
        // buffer element's, a: an activation's.
        let w = precision.weightBytes, g = precision.trainedBytes, o = precision.optimizerStateBytes, a = precision.activationBytes
        let config = run.model
        let R = run.batchSize, b = run.microBatchSize, T = run.T
        let S = StepShards(rows: R, microBatchSize: b).count, W = min(run.threads, S)
        let B = StepShards.largestPass(rowsUpTo: R, microBatchSize: b)
        let N = B * T, C = config.dim, KV = config.kvDim, H = config.hiddenDim, V = config.vocabSize
        let L = config.nLayers, NH = config.nHeads, r = run.lora.rank
        self.run = run
        shards = S
        workers = W
        passRows = B

        var components: [Component] = []
        func add(_ name: String, _ category: MemoryCategory, _ multiplicity: Multiplicity, _ bytesEach: Int, _ detail: String) {
            guard bytesEach > 0 else { return }
            let copies = switch multiplicity { case .run: 1; case .shard: S; case .worker: W }
            components.append(Component(name: name, category: category, multiplicity: multiplicity, copies: copies,
                                        bytesEach: bytesEach, detail: detail))
        }

        // The base: every parameter in fp32, or QLoRA's projections in NF4 and the rest in fp32.
        let dense = ParameterLayout(config: config).count
        let quantizedSites = run.mode == .qlora ? run.quantizedSites : []
        let stored = ParameterLayout(config: config, storedProjections: Set(ProjectionSite.allCases).subtracting(quantizedSites)).count
        var nf4Bytes = 0, largestQuantized = 0
        for site in ProjectionSite.allCases where quantizedSites.contains(site) {
            let shape = config.shape(of: site)
            nf4Bytes += (site == .head ? 1 : L) * NF4.storageBytes(count: shape.out * shape.in, doubleQuantization: run.doubleQuantization)
            largestQuantized = max(largestQuantized, shape.out * shape.in)
        }
        let head = config.tiedEmbeddings || quantizedSites.contains(.head) ? "" : ", head (V, C)"
        let quantizedNames = ProjectionSite.allCases.filter(quantizedSites.contains).map(\.rawValue).joined(separator: ", ")
        add("weights", .baseWeights, .run, stored * w, run.mode == .qlora
            ? "\(precision.name): embeddings (V, C), norms\(head); \(stored.formatted()) elements"
            : "\(precision.name): every parameter, \(stored.formatted()) elements" + (run.mode == .full ? " (trained)" : " (frozen)"))
        add("quantized weights", .baseWeights, .run, nf4Bytes, run.doubleQuantization
            ? "NF4 \(quantizedNames): 4-bit codes, 8-bit absmax per 64, fp32 per 256 absmax"
            : "NF4 \(quantizedNames): 4-bit codes, fp32 absmax per 64")

        // What trains: the model's parameters, or the adapter's A (r, IN) and B (OUT, r).
        let adapted = run.mode == .full ? [] : config.projections(at: run.lora.targets).map { config.shape(of: $0.site) }
        let adapterParameters = adapted.reduce(0) { $0 + r * ($1.in + $1.out) }
        let G = run.mode == .full ? dense : adapterParameters
        trainedParameters = G
        add("adapter", .adapterWeights, .run, adapterParameters * g,
            "A (r, IN) and B (OUT, r) on \(adapted.count) projections, r = \(r): \(adapterParameters.formatted()) elements")
        add("gradients", .gradients, .shard, G * g, "G = \(G.formatted()) elements per shard, added in shard order")
        let moments = run.optimizer == .adamw ? 2 : 1
        add("optimizer state", .optimizerState, .run, moments * G * o,
            run.optimizer == .adamw ? "AdamW: 2 moments of G elements" : "SGD: momentum, G elements")

        // A worker's pass context: what the forward pass saves for the backward pass …
        // Q: the width of the queries and of attention's output, NH·HD (C while head_dim = C / NH).
        let Q = config.shape(of: .q).out
        let layers = (L + 1) * N * C + L * (3 * N * C + 2 * N * Q + 2 * N * KV + 2 * N + 3 * N * H) + N * C + N
        add("activations", .activations, .worker, layers * a,
            "N = \(B)·\(T) rows: residual stream (L + 1)·(N, C); per layer 3 (N, C), 2 (N, NH·HD), 2 (N, KV), 2 (N), 3 (N, H); final norm")
        switch run.attention {
        case .materialized:
            add("attention probabilities", .activations, .worker, L * B * NH * T * T * a, "L·(B, NH, T, T): quadratic in T")
        case .fused:
            add("attention statistics", .activations, .worker, L * B * NH * T * f,
                "L·(B, NH, T) fp32 log-sum-exp of a fused kernel: no (T, T) matrix is kept")
        }
        add("logits", .activations, .worker, (N * V + N) * a, "(N, V) and the losses (N)")
        let dropout = run.mode != .full && run.lora.dropout > 0
        let adapterSaved = adapted.reduce(0) { $0 + N * r * a + (dropout ? N * $1.in * (a + 1) : 0) }
        add("adapter activations", .activations, .worker, adapterSaved,
            "(N, r) per adapted projection" + (dropout ? ", and its dropped input (N, IN) with a 1-byte mask" : ""))
        // … the backward pass's working buffers, reused layer after layer …
        let square = run.attention == .materialized ? T * T : 0
        let working = 2 * N * C + 2 * N * Q + 2 * N * KV + 3 * N * H + square
        add("activation gradients", .activationGradients, .worker, working * a,
            "2 (N, C), 2 (N, NH·HD), 2 (N, KV), 3 (N, H)" + (square > 0 ? ", (T, T)" : ""))
        let widest = adapted.map(\.in).max() ?? 0
        add("adapter scratch", .activationGradients, .worker, adapted.isEmpty ? 0 : (N * r + (dropout ? N * widest : 0)) * a,
            "(N, r)" + (dropout ? " and (N, IN) of the widest input" : ""))
        // … and QLoRA's copy of one projection, dequantized right before its matmul.
        add("dequantization scratch", .dequantizationScratch, .worker, largestQuantized * a,
            "the largest quantized projection (OUT, IN) in \(precision.name)")
        self.components = components

        // Loading: the fp32 model; QLoRA quantizes it into a second model before releasing it. Another
        // trainer's run is taken to read the base straight into its own storage, layer by layer.
        loadingBytes = run.isThisTrainers
            ? dense * f + (run.mode == .qlora ? stored * f + nf4Bytes : 0)
            : stored * w + nf4Bytes
    }

    /// The ledger's peak: every component at once.
    public var total: Int { components.reduce(0) { $0 + $1.bytes } }

    /// The components summed by ledger category, as `FineTuning.Summary.peakMemoryByCategory` has them.
    public var byCategory: [MemoryCategory: Int] {
        components.reduce(into: [:]) { $0[$1.category, default: 0] += $1.bytes }
    }

    /// The process's peak resident memory, estimated: the larger of the training peak and the
    /// loading peak, plus the runtime (`runtimeBytes`).
    public var processBytes: Int { max(total, loadingBytes) + Self.runtimeBytes(workers: workers) }

    /// What the process holds beyond its tensors, estimated from measurements on this machine
    /// (Benchmarks/BENCHMARKS.md, "Will it fit?": RSS − ledger 37.3–38.1 MB on one worker thread and
    /// 39.9–42.1 MB on two at SmolLM2-135M's shape, 36.0–36.5 MB on two at results/base's): a fixed part
    /// and a part per worker thread.
    public static func runtimeBytes(workers: Int) -> Int {
        fixedRuntimeBytes + workers * perWorkerRuntimeBytes
    }

    /// The binary's, the Swift runtime's and the libraries' code and data (about 32 MB of file-backed
    /// pages) and the malloc heap of `sweep finetune` on JSON Lines of token ids. The built-in
    /// instruction sets add their world and tokenizer to the heap (about 60 MB at results/base's).
    public static let fixedRuntimeBytes = 34 << 20
    /// A worker thread's OpenBLAS packing buffer (the pages of it that sgemm touches) and its stack.
    public static let perWorkerRuntimeBytes = 2 << 20
}

extension FineTuning {
    /// The run `run(model:adapter:examples:parameters:)` makes of these arguments, for its prediction.
    static func memoryRun(model: Llama, adapter: LoRA, parameters p: Parameters, T: Int) -> MemoryPrediction.Run {
        let quantized = model.frozenProjections as? QuantizedProjections
        return MemoryPrediction.Run(
            model: model.config, mode: quantized == nil ? .lora : .qlora, lora: adapter.config,
            doubleQuantization: quantized?.doubleQuantization ?? false, optimizer: p.optimizer,
            batchSize: p.batchSize, microBatchSize: p.microBatchSize, T: T, threads: p.threads)
    }
}
