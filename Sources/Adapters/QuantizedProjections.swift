import Kernels
import Model

/// QLoRA's frozen base: projection weights stored as NF4 (optionally with double-quantized
/// block statistics), each dequantized into the pass's fp32 scratch buffer (`LlamaActivations`'s
/// `dequantized`, one per worker thread) right before the matmul that needs it — in the forward
/// and again in the backward pass, as bitsandbytes does.
///
/// Dettmers et al., "QLoRA: Efficient Finetuning of Quantized LLMs", arXiv 2305.14314.
public final class QuantizedProjections: ProjectionWeightSource {
    /// The projections QLoRA quantizes: every linear layer inside the transformer blocks. The
    /// embeddings, the norms and the LM head stay fp32, as with bitsandbytes' `Linear4bit`
    /// replacement, which skips `lm_head` (its output feeds the loss directly) and never touches
    /// embeddings or norms (not linear layers).
    public static let quantizedSites: Set<ProjectionSite> = [.q, .k, .v, .o, .gate, .up, .down]

    public let doubleQuantization: Bool
    /// Floats of the largest quantized projection (OUT, IN).
    public let scratchCount: Int
    private let tensors: [[NF4Tensor]]  // [layer][site order of `quantizedOrder`]
    private let ledger = MemoryLedger.current
    private static let quantizedOrder: [ProjectionSite] = [.q, .k, .v, .o, .gate, .up, .down]

    /// Quantizes the quantized sites of `model` (which must store them in fp32).
    public init(quantizing model: Llama, doubleQuantization: Bool) {
        self.doubleQuantization = doubleQuantization
        let config = model.config
        tensors = (0..<config.nLayers).map { layer in
            Self.quantizedOrder.map { site in
                let shape = config.shape(of: site)
                guard let weight = model.weights.projection(site, layer: layer) else {
                    preconditionFailure("\(site.modulePath(layer: layer)) has no fp32 weight to quantize")
                }
                return NF4Tensor(quantizing: weight, count: shape.out * shape.in, doubleQuantization: doubleQuantization)
            }
        }
        scratchCount = Self.quantizedOrder.map { config.shape(of: $0) }.map { $0.out * $0.in }.max()!
        ledger.allocate(storageBytes, .baseWeights)
    }

    deinit { ledger.release(storageBytes, .baseWeights) }

    /// Bytes of NF4 codes and block statistics.
    public var storageBytes: Int { tensors.joined().reduce(0) { $0 + $1.storageBytes } }

    public func dequantize(_ site: ProjectionSite, layer: Int, into scratch: UnsafeMutablePointer<Float>) {
        guard let index = Self.quantizedOrder.firstIndex(of: site) else {
            preconditionFailure("\(site.modulePath(layer: layer)) is not quantized")
        }
        tensors[layer][index].dequantize(into: scratch)
    }

    /// A model for QLoRA: `model`'s projections quantized to NF4, everything else copied in fp32.
    /// `model` itself is left as it was (and can be released).
    public static func quantize(_ model: Llama, doubleQuantization: Bool) -> Llama {
        let stored = Set(ProjectionSite.allCases).subtracting(quantizedSites)
        let quantized = Llama(config: model.config, storedProjections: stored)
        for slot in quantized.layout.slots {
            let source = model.layout.slot(named: slot.name)!
            (quantized.parameters.pointer + slot.offset).update(from: model.parameters.pointer + source.offset, count: slot.count)
        }
        quantized.frozenProjections = QuantizedProjections(quantizing: model, doubleQuantization: doubleQuantization)
        return quantized
    }

    /// A plain fp32 model with every quantized projection dequantized (what merging starts from).
    public func dequantizedModel(from quantized: Llama) -> Llama {
        let dense = Llama(config: quantized.config)
        for slot in quantized.layout.slots {
            let target = dense.layout.slot(named: slot.name)!
            (dense.parameters.pointer + target.offset).update(from: quantized.parameters.pointer + slot.offset, count: slot.count)
        }
        for layer in 0..<dense.config.nLayers {
            for (index, site) in Self.quantizedOrder.enumerated() {
                tensors[layer][index].dequantize(into: dense.weights.projection(site, layer: layer)!)
            }
        }
        return dense
    }
}
