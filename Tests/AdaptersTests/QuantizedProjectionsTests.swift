import Adapters
import Kernels
import Model
import TestSupport
import Testing

// Shapes: projection weights (OUT, IN); logits (B·T, V).

@Suite("QLoRA's NF4 base")
struct QuantizedProjectionsTests {
    static let cases: [(Variant, Bool)] = [(.untied, false), (.tied, true), (.grouped, true), (.grouped, false)]

    @Test("Quantizing keeps embeddings, norms and head bit-identical and stores no fp32 projection",
          arguments: cases)
    func layout(variant: Variant, doubleQuantization: Bool) {
        let config = variant.config
        let model = makeModel(config)
        let quantized = QuantizedProjections.quantize(model, doubleQuantization: doubleQuantization)

        #expect(quantized.layout.storedProjections == [.head])
        let names = quantized.layout.slots.map(\.name)
        #expect(!names.contains { $0.hasSuffix("_proj.weight") }, "fp32 projections kept: \(names.filter { $0.hasSuffix("_proj.weight") })")
        // What is left: the embedding, two norms per layer, the final norm and (untied) the head.
        let expected = ["model.embed_tokens.weight"]
            + (0..<config.nLayers).flatMap { ["model.layers.\($0).input_layernorm.weight", "model.layers.\($0).post_attention_layernorm.weight"] }
            + ["model.norm.weight"] + (config.tiedEmbeddings ? [] : ["lm_head.weight"])
        #expect(names == expected)
        let C = config.dim, V = config.vocabSize
        #expect(quantized.parameterCount == V * C + (2 * config.nLayers + 1) * C + (config.tiedEmbeddings ? 0 : V * C))
        for slot in quantized.layout.slots {
            let source = model.layout.slot(named: slot.name)!
            let kept = Array(UnsafeBufferPointer(start: quantized.parameters.pointer + slot.offset, count: slot.count))
            let original = Array(UnsafeBufferPointer(start: model.parameters.pointer + source.offset, count: source.count))
            #expect(bitIdentical(kept, original), "\(slot.name) changed")
        }
        #expect(quantized.weights.projection(.q, layer: 0) == nil)
        #expect((quantized.frozenProjections as? QuantizedProjections)?.doubleQuantization == doubleQuantization)
    }

    @Test("The NF4 codes and statistics are all the projection storage the ledger sees; each pass context adds one scratch",
          arguments: [false, true])
    func storageInLedger(doubleQuantization: Bool) {
        let config = Variant.grouped.config
        let model = makeModel(config)
        MemoryLedger.$current.withValue(MemoryLedger()) {
            let quantized = QuantizedProjections.quantize(model, doubleQuantization: doubleQuantization)
            let source = quantized.frozenProjections as! QuantizedProjections
            let live = MemoryLedger.current.snapshot.live
            let nf4 = QuantizedProjections.quantizedSites.reduce(0) { total, site in
                let shape = config.shape(of: site)
                return total + config.nLayers * NF4.storageBytes(count: shape.out * shape.in, doubleQuantization: doubleQuantization)
            }
            #expect(source.storageBytes == nf4)
            #expect(live[.baseWeights] == quantized.parameters.bytes + nf4)
            #expect(live[.dequantizationScratch] == nil)
            // Each pass context holds a scratch buffer of the largest quantized projection: q and o,
            // (C, C) = 16 × 16 here.
            let largest = QuantizedProjections.quantizedSites.map { config.shape(of: $0) }.map { $0.out * $0.in }.max()!
            #expect(largest == config.dim * config.dim)
            let contexts = (0..<2).map { _ in LlamaActivations(model: quantized, B: 1, T: 2, training: false) }
            #expect(MemoryLedger.current.snapshot.live[.dequantizationScratch] == contexts.count * largest * 4)
        }
    }

    @Test("Its logits are the dequantized model's exactly, and off the fp32 model's by what the NF4 error predicts",
          arguments: cases)
    func logitsNearTheOriginal(variant: Variant, doubleQuantization: Bool) {
        let config = variant.config
        let model = makeModel(config)
        let quantized = QuantizedProjections.quantize(model, doubleQuantization: doubleQuantization)
        let batch = Batch.random(V: config.vocabSize, B: 2, T: 6, seed: 4)
        let original = model.logits(of: batch.tokens, B: batch.B, T: batch.T)
        let nf4 = quantized.logits(of: batch.tokens, B: batch.B, T: batch.T)

        // Exactly the computation of an fp32 model holding the dequantized weights.
        let dense = (quantized.frozenProjections as! QuantizedProjections).dequantizedModel(from: quantized)
        #expect(bitIdentical(nf4, dense.logits(of: batch.tokens, B: batch.B, T: batch.T)))

        // How far NF4 moved the weights: the worst relative RMS error over all projections. For
        // Gaussian weights in 64-blocks it is ≈ 0.1 (16 levels over ±absmax ≈ ±2.5σ).
        var weightError = 0.0
        for l in 0..<config.nLayers {
            for site in QuantizedProjections.quantizedSites {
                weightError = max(weightError, relativeRMSDifference(quantized.projectionValues(site, layer: l),
                                                                     model.projectionValues(site, layer: l)))
            }
        }
        #expect(weightError > 0.02 && weightError < 0.15, "NF4 moved the weights by \(weightError) relative RMS")

        // The logits. How much a weight error of this size moves them depends on the model's gain
        // (the perturbed tiny models amplify it 1–5×), so the tolerance comes from the NF4 error
        // itself, propagated to first order: J·δW with δW = W_nf4 − W, taken as the change of the
        // logits from W to W + t·δW over t = 1e-2. The NF4 change may exceed it by second-order
        // terms of relative size ≈ weightError × the gain; 1.5× covers them (seen: 0.7–1.1×).
        #expect(dense.layout.slots == model.layout.slots)
        let t: Float = 1e-2
        let nudged = duplicate(model)
        for i in 0..<nudged.parameterCount {
            nudged.parameters[i] += t * (dense.parameters[i] - model.parameters[i])
        }
        let firstOrder = zip(nudged.logits(of: batch.tokens, B: batch.B, T: batch.T), original).map { ($0 - $1) / t }
        let predicted = relativeRMSDifference(zip(original, firstOrder).map { $0 + $1 }, original)
        let logitError = relativeRMSDifference(nf4, original)
        #expect(logitError <= 1.5 * predicted, "logits moved by \(logitError) relative RMS; first order predicts \(predicted)")
        // Not identical: 16 levels cannot be lossless, and the change is of the predicted size.
        #expect(logitError >= predicted / 1.5, "logits moved by \(logitError) relative RMS; first order predicts \(predicted)")
        #expect(!bitIdentical(nf4, original))
    }

    @Test("Quantizing leaves the fp32 model as it was")
    func sourceUntouched() {
        let model = makeModel(Variant.untied.config)
        let before = model.parameters.array
        _ = QuantizedProjections.quantize(model, doubleQuantization: true)
        #expect(bitIdentical(model.parameters.array, before))
        #expect(model.frozenProjections == nil)
    }
}
