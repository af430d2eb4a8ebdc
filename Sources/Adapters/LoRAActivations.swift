import Kernels
import Model

// Shapes: N rows (batch × time), IN a projection's input width, r the rank.

/// What the passes of a LoRA adapter write, for at most `capacityRows` rows: per adapted
/// projection the forward pass's saved tensors, then the backward pass's scratch and the dropout
/// stream. Each pass context (each worker thread) holds its own; the adapter itself is only read.
public final class LoRAActivations: AdapterActivations {
    public let capacityRows: Int
    /// One per slot of the adapter, in its order.
    let slots: [Saved]
    let hiddenGradient: FloatBuffer  // (N, r) scratch
    let inputGradient: FloatBuffer   // (N, IN) of the widest input, scratch, only with dropout
    /// The masks' stream: "lora-dropout" of the adapter's seed, restarted for every shard of a step.
    var dropout: SeededGenerator
    private let seed: UInt64
    private let rank: Int
    private let ledger = MemoryLedger.current

    /// What one adapted projection's forward pass saves.
    struct Saved {
        let hidden: FloatBuffer                     // (N, r) = dropout(x) Aᵀ
        let droppedInput: FloatBuffer?              // (N, IN) = dropout(x), only with dropout
        let keepMask: UnsafeMutablePointer<UInt8>?  // (N, IN) 1 where kept, only with dropout
    }

    init(adapter: LoRA, rows N: Int) {
        let r = adapter.config.rank, dropped = adapter.config.dropout > 0
        capacityRows = N
        rank = r
        seed = adapter.seed
        slots = adapter.slots.map { slot in
            Saved(hidden: FloatBuffer(count: N * r, category: .activations),
                  droppedInput: dropped ? FloatBuffer(count: N * slot.inFeatures, category: .activations) : nil,
                  keepMask: dropped ? Self.allocateMask(count: N * slot.inFeatures) : nil)
        }
        let widestInput = adapter.slots.map(\.inFeatures).max() ?? 0
        hiddenGradient = FloatBuffer(count: N * r, category: .activationGradients)
        inputGradient = FloatBuffer(count: dropped ? N * widestInput : 0, category: .activationGradients)
        dropout = SeededGenerator(seed: seed, stream: "lora-dropout", step: 0, shard: 0)
    }

    deinit {
        for saved in slots {
            guard let mask = saved.keepMask, let dropped = saved.droppedInput else { continue }
            mask.deallocate()
            ledger.release(dropped.count, .activations)
        }
    }

    /// A dropout mask of one byte per element, counted in the ledger as saved activations.
    private static func allocateMask(count: Int) -> UnsafeMutablePointer<UInt8> {
        MemoryLedger.current.allocate(count, .activations)
        let mask = UnsafeMutablePointer<UInt8>.allocate(capacity: max(count, 1))
        mask.initialize(repeating: 0, count: max(count, 1))
        return mask
    }

    public func restartRandomness(step: Int, shard: Int) {
        dropout = SeededGenerator(seed: seed, stream: "lora-dropout", step: step, shard: shard)
    }

    /// Whether these buffers are laid out for `adapter`'s slots and rank.
    func fits(_ adapter: LoRA) -> Bool {
        slots.count == adapter.slots.count && rank == adapter.config.rank
    }
}
