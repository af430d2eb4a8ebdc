import Adapters
import Kernels
import Model
import TestSupport
import Testing
import Training

// Shapes: W (OUT, IN), A (r, IN), B (OUT, r); log-probabilities (T − 1).
//
// Merging folds scale · B·A into W. The merged plain model must compute what the base with the
// adapter attached computes (dropout off), up to float rounding of the reordered sums: logits of
// O(1) from weights of O(0.3), so differences of a few 1e-7; the bound is 1e-5.

@Suite("Merging an adapter into its base")
struct MergeTests {
    let sequence: [Int32] = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]

    /// An adapter as training leaves it: A from its seed, B well away from zero; dropout configured
    /// but, outside training, off.
    func trainedAdapter(_ config: LlamaConfig, targets: Set<ProjectionSite>) -> LoRA {
        let lora = LoRA(config: LoRAConfig(rank: 4, alpha: 8, dropout: 0.05, targets: targets),
                        modelConfig: config, seed: 2)
        lora.perturbB(std: 0.3)
        lora.training = false
        return lora
    }

    func expectMergeAgrees(base model: Llama, lora: LoRA, label: String) {
        model.adapter = lora
        let adapted = model.logProbabilities(of: sequence)
        let parametersBefore = model.parameters.array
        let plain = ProjectionSite.allCases.filter { $0 != .head }.map { site in
            (0..<model.config.nLayers).map { model.projectionValues(site, layer: $0) }
        }

        let merged = lora.merged(into: model)

        #expect(merged.adapter == nil && merged.frozenProjections == nil, "\(label): the merged model is not plain")
        #expect(merged.layout.storedProjections == Set(ProjectionSite.allCases))
        let mergedLogProbabilities = merged.logProbabilities(of: sequence)
        let difference = maxAbsDifference(mergedLogProbabilities, adapted)
        #expect(difference <= 1e-5, "\(label): merged log-probabilities differ by \(difference)")

        // The base with its adapter is untouched, and the adapter did matter.
        #expect(bitIdentical(model.parameters.array, parametersBefore), "\(label): merging changed the base's parameters")
        #expect(model.adapter === lora)
        let projectionsAfter = ProjectionSite.allCases.filter { $0 != .head }.map { site in
            (0..<model.config.nLayers).map { model.projectionValues(site, layer: $0) }
        }
        #expect(zip(plain, projectionsAfter).allSatisfy { zip($0, $1).allSatisfy { bitIdentical($0, $1) } },
                "\(label): merging changed the base's projections")
        #expect(bitIdentical(model.logProbabilities(of: sequence), adapted))
        model.adapter = nil
        let unadapted = model.logProbabilities(of: sequence)
        #expect(maxAbsDifference(unadapted, adapted) > 1e-3, "\(label): the adapter changes nothing, the test proves nothing")
    }

    @Test("Merged into an fp32 base, the log-probabilities agree with the adapted model's to 1e-5",
          arguments: [Variant.untied, .grouped])
    func fp32Base(variant: Variant) {
        let model = makeModel(variant.config)
        expectMergeAgrees(base: model, lora: trainedAdapter(variant.config, targets: allTargets), label: "fp32 \(variant)")
    }

    @Test("Merged into an NF4 base (double-quantized or not), the result agrees with the adapted QLoRA model's to 1e-5",
          arguments: [true, false])
    func nf4Base(doubleQuantization: Bool) {
        let config = Variant.grouped.config
        let model = QuantizedProjections.quantize(makeModel(config), doubleQuantization: doubleQuantization)
        expectMergeAgrees(base: model, lora: trainedAdapter(config, targets: allTargets),
                          label: "NF4 double quantization \(doubleQuantization)")
    }

    @Test("An adapter trained by FineTuning.run on a double-quantized NF4 base merges to the same log-probabilities")
    func trainedOnNF4() {
        let config = Variant.grouped.config
        let model = QuantizedProjections.quantize(makeModel(config), doubleQuantization: true)
        var p = FrozenBaseTests.parameters(targets: allTargets, dropout: 0.05)
        p.passes = 4
        let examples = FrozenBaseTests.examples(V: config.vocabSize)
        let lora = LoRA(config: p.lora, modelConfig: config, seed: p.seed)
        let summary = FineTuning.run(model: model, adapter: lora, examples: examples, parameters: p)
        #expect(summary.steps == 12)
        let largestB = lora.slots.map { lora.b($0).map(abs).max()! }.max()!
        #expect(largestB > 1e-2, "training left B at most \(largestB)")
        #expect(!lora.training)
        expectMergeAgrees(base: model, lora: lora, label: "trained on NF4")
    }

    @Test("Merging into a tied model without a head adapter agrees to 1e-5")
    func tiedWithoutHead() {
        let config = Variant.tied.config
        let model = makeModel(config)
        expectMergeAgrees(base: model, lora: trainedAdapter(config, targets: allTargets.subtracting([.head])),
                          label: "tied, no head")
    }

    @Test("Merging a head adapter into a tied model must not change the input embeddings")
    func tiedWithHead() {
        // With tied embeddings the head's W is the embedding matrix; adding scale · B·A to it also
        // moves every token's input embedding, which the adapted model never did.
        let config = Variant.tied.config
        let model = makeModel(config)
        let lora = trainedAdapter(config, targets: [.head])
        model.adapter = lora
        let adapted = model.logProbabilities(of: sequence)
        let merged = lora.merged(into: model)
        let difference = maxAbsDifference(merged.logProbabilities(of: sequence), adapted)
        #expect(difference <= 1e-5, "merged log-probabilities differ by \(difference)")
        #expect(!merged.config.tiedEmbeddings, "an adapted head must be untied from the embeddings")
    }

    @Test("The merged weight is W + scale · B·A, projection by projection")
    func mergedWeights() {
        let config = Variant.untied.config
        let model = makeModel(config)
        let lora = trainedAdapter(config, targets: [.v, .down, .head])
        let merged = lora.merged(into: model)
        let r = lora.config.rank
        for slot in lora.slots {
            let w = model.projectionValues(slot.site, layer: slot.layer)
            let m = merged.projectionValues(slot.site, layer: slot.layer)
            let a = lora.a(slot), b = lora.b(slot), IN = slot.inFeatures
            var worst: Float = 0
            for o in 0..<slot.outFeatures {
                for i in 0..<IN {
                    var update: Float = 0
                    for k in 0..<r { update += b[o * r + k] * a[k * IN + i] }
                    worst = max(worst, abs(m[o * IN + i] - (w[o * IN + i] + lora.scale * update)))
                }
            }
            #expect(worst <= 1e-6, "\(slot.site.modulePath(layer: slot.layer)): off by \(worst)")
        }
        // Projections without an adapter are copied as they were.
        for l in 0..<config.nLayers {
            for site in [ProjectionSite.q, .k, .o, .gate, .up] {
                #expect(bitIdentical(merged.projectionValues(site, layer: l), model.projectionValues(site, layer: l)))
            }
        }
    }
}
