import Adapters
import Kernels
import Model
import TestSupport
import Testing
import Training

// Shapes: A (r, IN), B (OUT, r); projection weights (OUT, IN).
//
// LoRA and QLoRA train the adapter only: after FineTuning.run every base weight must hold the bits
// it held before, the fp32 buffer as well as the NF4 projections (compared dequantized).

@Suite("Fine-tuning leaves the base model frozen")
struct FrozenBaseTests {
    /// A dozen short random examples over the vocabulary.
    static func examples(V: Int, count: Int = 12, seed: UInt64 = 3) -> [InstructionExample] {
        var generator = SeededGenerator(seed: seed, stream: "test-examples")
        func tokens(_ n: Int) -> [Int32] { (0..<n).map { _ in Int32(generator.next() % UInt64(V)) } }
        return (0..<count).map { i in InstructionExample(prompt: tokens(2 + i % 3), response: tokens(1 + i % 2)) }
    }

    /// A few AdamW steps at a rate large enough to move the adapter visibly.
    static func parameters(targets: Set<ProjectionSite>, dropout: Float) -> FineTuning.Parameters {
        var p = FineTuning.Parameters()
        p.lora = LoRAConfig(rank: 4, alpha: 8, dropout: dropout, targets: targets)
        p.learningRate = 1e-2
        p.batchSize = 4
        p.microBatchSize = 2
        p.passes = 2
        p.seed = 5
        return p
    }

    /// Runs fine-tuning; returns the adapter's parameters before and after.
    static func fineTune(_ model: Llama, _ p: FineTuning.Parameters, _ examples: [InstructionExample]) -> (before: [Float], after: [Float]) {
        let lora = LoRA(config: p.lora, modelConfig: model.config, seed: p.seed)
        let before = lora.parameters.array
        let summary = FineTuning.run(model: model, adapter: lora, examples: examples, parameters: p)
        #expect(summary.divergedAtStep == nil)
        return (before, lora.parameters.array)
    }

    @Test("After LoRA fine-tuning the fp32 parameter buffer is bit-identical", arguments: [Variant.untied, .tied])
    func loraLeavesBaseUnchanged(variant: Variant) {
        let model = makeModel(variant.config)
        let before = model.parameters.array
        let examples = Self.examples(V: variant.config.vocabSize)
        let adapter = Self.fineTune(model, Self.parameters(targets: allTargets, dropout: 0.05), examples)
        #expect(bitIdentical(model.parameters.array, before), "largest change \(maxAbsDifference(model.parameters.array, before))")
        // Training did happen: the adapter moved.
        #expect(maxAbsDifference(adapter.after, adapter.before) > 1e-3)
    }

    @Test("After QLoRA fine-tuning the fp32 parameters and every dequantized NF4 projection are bit-identical",
          arguments: [false, true])
    func qloraLeavesBaseUnchanged(doubleQuantization: Bool) {
        let config = Variant.grouped.config
        let model = QuantizedProjections.quantize(makeModel(config), doubleQuantization: doubleQuantization)
        let parametersBefore = model.parameters.array
        let sites = Array(QuantizedProjections.quantizedSites).sorted()
        let weightsBefore = (0..<config.nLayers).map { l in sites.map { model.projectionValues($0, layer: l) } }

        let examples = Self.examples(V: config.vocabSize)
        let adapter = Self.fineTune(model, Self.parameters(targets: allTargets, dropout: 0), examples)

        #expect(bitIdentical(model.parameters.array, parametersBefore))
        for l in 0..<config.nLayers {
            for (i, site) in sites.enumerated() {
                let after = model.projectionValues(site, layer: l)
                #expect(bitIdentical(after, weightsBefore[l][i]), "\(site.modulePath(layer: l)) changed")
            }
        }
        #expect(maxAbsDifference(adapter.after, adapter.before) > 1e-3)
    }
}
