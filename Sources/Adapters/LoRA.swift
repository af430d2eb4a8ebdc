import Kernels
import Model

// Shapes: N rows (batch × time), IN and OUT a projection's input and output widths, r the rank.

/// LoRA adapters on a set of a Llama's projections: y = x Wᵀ + scale · (dropout(x) Aᵀ) Bᵀ with
/// A (r, IN) and B (OUT, r) trained and W frozen.
///
/// All A and B matrices live in one flat buffer (gradients alike), so an optimizer is one loop.
/// A starts U(−1/√IN, 1/√IN) (PyTorch's Kaiming-uniform with a = √5), B zero: a fresh adapter leaves
/// the model's outputs exactly as they were. Each forward pass saves what its backward pass needs,
/// in buffers sized once for at most `capacityRows` rows.
public final class LoRA: ProjectionAdapter {
    public let config: LoRAConfig
    public let modelConfig: LlamaConfig
    public let scale: Float
    public let parameters: FloatBuffer
    public let gradients: FloatBuffer
    public let capacityRows: Int
    /// One per adapted (site, layer), in the model's forward order.
    public let slots: [Slot]
    private var slotIndex: [ProjectionSite: [Int]] = [:]  // site → slot number per layer
    private var dropoutGenerator: SeededGenerator
    private let ledger = MemoryLedger.current
    private let hiddenGradient: FloatBuffer  // (N, r) scratch
    private let inputGradient: FloatBuffer   // (N, IN) scratch, only with dropout

    /// Where one adapter's tensors live and what its forward pass saved.
    public struct Slot {
        public let site: ProjectionSite
        public let layer: Int
        public let inFeatures: Int
        public let outFeatures: Int
        /// Offsets of A (r, IN) and B (OUT, r) in `parameters` and `gradients`.
        public let aOffset: Int
        public let bOffset: Int
        let hidden: FloatBuffer        // (N, r) = dropout(x) Aᵀ
        let droppedInput: FloatBuffer? // (N, IN) = dropout(x), only with dropout
        let keepMask: UnsafeMutablePointer<UInt8>?  // (N, IN) 1 where kept, only with dropout
    }

    public init(config: LoRAConfig, modelConfig: LlamaConfig, capacityRows: Int, seed: UInt64) {
        precondition(config.problems().isEmpty, config.problems().joined(separator: "; "))
        self.config = config
        self.modelConfig = modelConfig
        self.scale = config.scale
        self.capacityRows = capacityRows
        let r = config.rank, N = capacityRows
        var offset = 0
        var slots: [Slot] = []
        var widestInput = 0
        for (site, layer) in modelConfig.projections(at: config.targets) {
            let shape = modelConfig.shape(of: site)
            let dropped = config.dropout > 0
            slots.append(Slot(
                site: site, layer: layer, inFeatures: shape.in, outFeatures: shape.out,
                aOffset: offset, bOffset: offset + r * shape.in,
                hidden: FloatBuffer(count: N * r, category: .activations),
                droppedInput: dropped ? FloatBuffer(count: N * shape.in, category: .activations) : nil,
                keepMask: dropped ? Self.allocateMask(count: N * shape.in) : nil))
            offset += r * shape.in + shape.out * r
            widestInput = max(widestInput, shape.in)
        }
        self.slots = slots
        parameters = FloatBuffer(count: offset, category: .adapterWeights)
        gradients = FloatBuffer(count: offset, category: .gradients)
        hiddenGradient = FloatBuffer(count: N * r, category: .activationGradients)
        inputGradient = FloatBuffer(count: config.dropout > 0 ? N * widestInput : 0, category: .activationGradients)
        dropoutGenerator = SeededGenerator(seed: seed, stream: "lora-dropout")
        for (number, slot) in slots.enumerated() {
            slotIndex[slot.site, default: []].append(number)
        }
        initialize(seed: seed)
    }

    deinit {
        for slot in slots {
            guard let mask = slot.keepMask else { continue }
            mask.deallocate()
            ledger.release(capacityRows * slot.inFeatures, .activations)
        }
    }

    /// A dropout mask of one byte per element, counted in the ledger as saved activations.
    private static func allocateMask(count: Int) -> UnsafeMutablePointer<UInt8> {
        MemoryLedger.current.allocate(count, .activations)
        let mask = UnsafeMutablePointer<UInt8>.allocate(capacity: max(count, 1))
        mask.initialize(repeating: 0, count: max(count, 1))
        return mask
    }

    /// A ~ U(−1/√IN, 1/√IN), B = 0, from the "lora-initialisation" stream of `seed`.
    public func initialize(seed: UInt64) {
        var generator = SeededGenerator(seed: seed, stream: "lora-initialisation")
        parameters.zero()
        for slot in slots {
            let bound = 1 / Float(slot.inFeatures).squareRoot()
            fillUniform(parameters.pointer + slot.aOffset, count: config.rank * slot.inFeatures,
                        low: -bound, high: bound, using: &generator)
        }
    }

    public var trainableParameters: Int { parameters.count }

    /// Dropout is applied only while training; evaluation sees the full adapter.
    public var training = true

    public func adapts(_ site: ProjectionSite) -> Bool { slotIndex[site] != nil }

    func slot(_ site: ProjectionSite, layer: Int) -> Slot {
        slots[slotIndex[site]![site == .head ? 0 : layer]]
    }

    public func forward(_ site: ProjectionSite, layer: Int, out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, N: Int) {
        precondition(N <= capacityRows, "\(N) rows exceed the adapter's capacity of \(capacityRows)")
        let s = slot(site, layer: layer), r = config.rank, IN = s.inFeatures, OUT = s.outFeatures
        var x = inp
        if training, let dropped = s.droppedInput, let mask = s.keepMask {
            dropoutForward(out: dropped.pointer, mask: mask, inp: inp, count: N * IN, probability: config.dropout,
                           using: &dropoutGenerator)
            x = UnsafePointer(dropped.pointer)
        }
        // hidden (N, r) = x Aᵀ;  out (N, OUT) += scale · hidden Bᵀ
        linearForward(out: s.hidden.pointer, inp: x, weight: parameters.pointer + s.aOffset, N: N, C: IN, OC: r)
        sgemm(transposeA: false, transposeB: true, m: N, n: OUT, k: r, alpha: scale,
              a: s.hidden.pointer, lda: r, b: parameters.pointer + s.bOffset, ldb: r, beta: 1, c: out, ldc: OUT)
    }

    public func backward(_ site: ProjectionSite, layer: Int, dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                         inp: UnsafePointer<Float>, N: Int) {
        let s = slot(site, layer: layer), r = config.rank, IN = s.inFeatures, OUT = s.outFeatures
        let a = parameters.pointer + s.aOffset, b = parameters.pointer + s.bOffset
        let dropped = training ? s.droppedInput : nil
        let x = dropped.map { UnsafePointer($0.pointer) } ?? inp
        // dB (OUT, r) += scale · doutᵀ hidden;  dhidden (N, r) = scale · dout B
        sgemm(transposeA: true, transposeB: false, m: OUT, n: r, k: N, alpha: scale,
              a: dout, lda: OUT, b: s.hidden.pointer, ldb: r, beta: 1, c: gradients.pointer + s.bOffset, ldc: r)
        sgemm(transposeA: false, transposeB: false, m: N, n: r, k: OUT, alpha: scale,
              a: dout, lda: OUT, b: b, ldb: r, beta: 0, c: hiddenGradient.pointer, ldc: r)
        // dA (r, IN) += dhiddenᵀ x;  dx (N, IN) = dhidden A, through the dropout mask when there is one
        sgemm(transposeA: true, transposeB: false, m: r, n: IN, k: N,
              a: hiddenGradient.pointer, lda: r, b: x, ldb: IN, beta: 1, c: gradients.pointer + s.aOffset, ldc: IN)
        if dropped != nil, let mask = s.keepMask {
            sgemm(transposeA: false, transposeB: false, m: N, n: IN, k: r,
                  a: hiddenGradient.pointer, lda: r, b: a, ldb: IN, beta: 0, c: inputGradient.pointer, ldc: IN)
            dropoutBackward(dinp: dinp, dout: inputGradient.pointer, mask: mask, count: N * IN, probability: config.dropout)
        } else {
            sgemm(transposeA: false, transposeB: false, m: N, n: IN, k: r,
                  a: hiddenGradient.pointer, lda: r, b: a, ldb: IN, beta: 1, c: dinp, ldc: IN)
        }
    }

    /// W + scale · B·A for one adapted projection, written into `weight` (OUT, IN) in place.
    public func merge(_ site: ProjectionSite, layer: Int, into weight: UnsafeMutablePointer<Float>) {
        let s = slot(site, layer: layer)
        sgemm(transposeA: false, transposeB: false, m: s.outFeatures, n: s.inFeatures, k: config.rank, alpha: scale,
              a: parameters.pointer + s.bOffset, lda: config.rank, b: parameters.pointer + s.aOffset, ldb: s.inFeatures,
              beta: 1, c: weight, ldc: s.inFeatures)
    }

    /// Bytes of what the forward passes save for the backward passes, plus the backward scratch.
    public var activationBytes: Int {
        let saved = slots.reduce(0) { total, s in
            total + s.hidden.bytes + (s.droppedInput?.bytes ?? 0) + (s.keepMask == nil ? 0 : capacityRows * s.inFeatures)
        }
        return saved + hiddenGradient.bytes + inputGradient.bytes
    }
}
