import Kernels
import Model

// Shapes: N rows (batch × time), IN and OUT a projection's input and output widths, r the rank.

/// LoRA adapters on a set of a Llama's projections: y = x Wᵀ + scale · (dropout(x) Aᵀ) Bᵀ with
/// A (r, IN) and B (OUT, r) trained and W frozen.
///
/// All A and B matrices live in one flat buffer (gradients, which the training loop owns, alike),
/// so an optimizer is one loop. A starts U(−1/√IN, 1/√IN) (PyTorch's Kaiming-uniform with a = √5),
/// B zero: a fresh adapter leaves the model's outputs exactly as they were. The passes only read
/// the adapter: what a forward pass saves for its backward pass, and the dropout stream, live in
/// the pass's `LoRAActivations`.
public final class LoRA: ProjectionAdapter {
    public let config: LoRAConfig
    public let modelConfig: LlamaConfig
    public let scale: Float
    public let parameters: FloatBuffer
    /// One per adapted (site, layer), in the model's forward order.
    public let slots: [Slot]
    /// The seed of the dropout streams, one per shard of each optimizer step ("lora-dropout").
    public let seed: UInt64
    private var slotIndex: [ProjectionSite: [Int]] = [:]  // site → slot number per layer

    /// Where one adapter's tensors live.
    public struct Slot: Sendable {
        public let site: ProjectionSite
        public let layer: Int
        public let inFeatures: Int
        public let outFeatures: Int
        /// Offsets of A (r, IN) and B (OUT, r) in `parameters` and in gradients laid out like them.
        public let aOffset: Int
        public let bOffset: Int
    }

    public init(config: LoRAConfig, modelConfig: LlamaConfig, seed: UInt64) {
        precondition(config.problems().isEmpty, config.problems().joined(separator: "; "))
        self.config = config
        self.modelConfig = modelConfig
        self.scale = config.scale
        self.seed = seed
        let r = config.rank
        var offset = 0
        var slots: [Slot] = []
        for (site, layer) in modelConfig.projections(at: config.targets) {
            let shape = modelConfig.shape(of: site)
            slots.append(Slot(site: site, layer: layer, inFeatures: shape.in, outFeatures: shape.out,
                              aOffset: offset, bOffset: offset + r * shape.in))
            offset += r * shape.in + shape.out * r
        }
        self.slots = slots
        parameters = FloatBuffer(count: offset, category: .adapterWeights)
        for (number, slot) in slots.enumerated() {
            slotIndex[slot.site, default: []].append(number)
        }
        initialize(seed: seed)
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

    func slotNumber(_ site: ProjectionSite, layer: Int) -> Int {
        slotIndex[site]![site == .head ? 0 : layer]
    }

    public func makeActivations(rows: Int) -> any AdapterActivations {
        LoRAActivations(adapter: self, rows: rows)
    }

    public func forward(_ site: ProjectionSite, layer: Int, out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, N: Int,
                        activations: any AdapterActivations) {
        let state = own(activations, rows: N), number = slotNumber(site, layer: layer)
        let s = slots[number], saved = state.slots[number], r = config.rank, IN = s.inFeatures, OUT = s.outFeatures
        var x = inp
        if training, config.dropout > 0 {
            guard let dropped = saved.droppedInput, let mask = saved.keepMask else {
                preconditionFailure("the activations were made for an adapter without dropout")
            }
            dropoutForward(out: dropped.pointer, mask: mask, inp: inp, count: N * IN, probability: config.dropout,
                           using: &state.dropout)
            x = UnsafePointer(dropped.pointer)
        }
        // hidden (N, r) = x Aᵀ;  out (N, OUT) += scale · hidden Bᵀ
        linearForward(out: saved.hidden.pointer, inp: x, weight: parameters.pointer + s.aOffset, N: N, C: IN, OC: r)
        sgemm(transposeA: false, transposeB: true, m: N, n: OUT, k: r, alpha: scale,
              a: saved.hidden.pointer, lda: r, b: parameters.pointer + s.bOffset, ldb: r, beta: 1, c: out, ldc: OUT)
    }

    public func backward(_ site: ProjectionSite, layer: Int, dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                         inp: UnsafePointer<Float>, N: Int, activations: any AdapterActivations,
                         gradients: UnsafeMutablePointer<Float>?) {
        let state = own(activations, rows: N), number = slotNumber(site, layer: layer)
        let s = slots[number], saved = state.slots[number], r = config.rank, IN = s.inFeatures, OUT = s.outFeatures
        let a = parameters.pointer + s.aOffset, b = parameters.pointer + s.bOffset
        let dhidden = state.hiddenGradient.pointer
        let dropped = training && config.dropout > 0 ? saved.droppedInput : nil
        let x = dropped.map { UnsafePointer($0.pointer) } ?? inp
        // dB (OUT, r) += scale · doutᵀ hidden;  dhidden (N, r) = scale · dout B
        if let gradients {
            sgemm(transposeA: true, transposeB: false, m: OUT, n: r, k: N, alpha: scale,
                  a: dout, lda: OUT, b: saved.hidden.pointer, ldb: r, beta: 1, c: gradients + s.bOffset, ldc: r)
        }
        sgemm(transposeA: false, transposeB: false, m: N, n: r, k: OUT, alpha: scale,
              a: dout, lda: OUT, b: b, ldb: r, beta: 0, c: dhidden, ldc: r)
        // dA (r, IN) += dhiddenᵀ x;  dx (N, IN) = dhidden A, through the dropout mask when there is one
        if let gradients {
            sgemm(transposeA: true, transposeB: false, m: r, n: IN, k: N,
                  a: dhidden, lda: r, b: x, ldb: IN, beta: 1, c: gradients + s.aOffset, ldc: IN)
        }
        if dropped != nil, let mask = saved.keepMask {
            sgemm(transposeA: false, transposeB: false, m: N, n: IN, k: r,
                  a: dhidden, lda: r, b: a, ldb: IN, beta: 0, c: state.inputGradient.pointer, ldc: IN)
            dropoutBackward(dinp: dinp, dout: state.inputGradient.pointer, mask: mask, count: N * IN, probability: config.dropout)
        } else {
            sgemm(transposeA: false, transposeB: false, m: N, n: IN, k: r,
                  a: dhidden, lda: r, b: a, ldb: IN, beta: 1, c: dinp, ldc: IN)
        }
    }

    /// The pass's activations as this adapter's kind, checked to fit `rows`.
    @inline(__always)
    private func own(_ activations: any AdapterActivations, rows: Int) -> LoRAActivations {
        guard let state = activations as? LoRAActivations, state.fits(self) else {
            preconditionFailure("the activations were made for another adapter")
        }
        precondition(rows <= state.capacityRows, "\(rows) rows exceed the adapter activations' capacity of \(state.capacityRows)")
        return state
    }

    /// W + scale · B·A for one adapted projection, written into `weight` (OUT, IN) in place.
    public func merge(_ site: ProjectionSite, layer: Int, into weight: UnsafeMutablePointer<Float>) {
        let s = slots[slotNumber(site, layer: layer)]
        sgemm(transposeA: false, transposeB: false, m: s.outFeatures, n: s.inFeatures, k: config.rank, alpha: scale,
              a: parameters.pointer + s.bOffset, lda: config.rank, b: parameters.pointer + s.aOffset, ldb: s.inFeatures,
              beta: 1, c: weight, ldc: s.inFeatures)
    }
}
