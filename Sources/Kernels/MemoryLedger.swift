import Synchronization

/// What a block of tensor memory holds, for the memory ledger.
public enum MemoryCategory: String, CaseIterable, Codable, Sendable {
    /// Frozen (or, in full training, trained) model weights: fp32, or NF4 codes and constants.
    case baseWeights = "base_weights"
    case adapterWeights = "adapter_weights"
    /// Gradients of trained parameters.
    case gradients
    /// Optimizer moments or momentum.
    case optimizerState = "optimizer_state"
    /// What the forward pass saves for the backward pass (and inference buffers).
    case activations
    /// Gradients of activations: the backward pass's working buffers.
    case activationGradients = "activation_gradients"
    /// fp32 weights dequantized from NF4 for one matmul at a time.
    case dequantizationScratch = "dequantization_scratch"
    case other
}

/// Live and peak bytes of tensor memory, by category: the analogue of
/// `torch.cuda.max_memory_allocated`, counting tensor bytes only (not the runtime's own memory).
///
/// Every `FloatBuffer` (and every other tensor storage) reports its allocation and release to the
/// ledger that is current where it is created, so the numbers are measured, not computed from a
/// configuration. The process has one ledger; `MemoryLedger.$current.withValue(ledger) { … }`
/// measures a piece of work on its own (tests running side by side).
public final class MemoryLedger: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var live: [MemoryCategory: Int] = [:]
        /// The most each category held at any moment since the last reset.
        public var peak: [MemoryCategory: Int] = [:]
        public var liveTotal = 0
        /// The most all categories held together at any moment since the last reset.
        public var peakTotal = 0
    }

    /// The ledger that new tensor storage reports to.
    @TaskLocal public static var current = MemoryLedger()

    private let state = Mutex(Snapshot())

    public init() {}

    public func allocate(_ bytes: Int, _ category: MemoryCategory) {
        state.withLock { s in
            s.live[category, default: 0] += bytes
            s.liveTotal += bytes
            s.peak[category] = max(s.peak[category] ?? 0, s.live[category]!)
            s.peakTotal = max(s.peakTotal, s.liveTotal)
        }
    }

    public func release(_ bytes: Int, _ category: MemoryCategory) {
        state.withLock { s in
            s.live[category, default: 0] -= bytes
            s.liveTotal -= bytes
        }
    }

    public var snapshot: Snapshot { state.withLock { $0 } }

    /// Starts measuring peaks afresh from what is live now.
    public func resetPeaks() {
        state.withLock { s in
            s.peak = s.live
            s.peakTotal = s.liveTotal
        }
    }
}
