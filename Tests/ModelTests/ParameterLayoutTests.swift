import Kernels
import Model
import TestSupport
import Testing

// V vocabulary, C width, L layers, Q query width (NH·HD), KV key/value width (NKV·HD), H MLP width.

/// Where every parameter lives: counts against the closed form, slots against the buffer.
@Suite("Parameter layout")
struct ParameterLayoutTests {
    /// V·C + L·(2C + 2·Q·C + 2·KV·C + 3·C·H) + C (+ V·C for an untied head).
    func closedFormCount(_ c: LlamaConfig) -> Int {
        let V = c.vocabSize, C = c.dim, L = c.nLayers, H = c.hiddenDim, Q = c.nHeads * c.headDim, KV = c.nKVHeads * c.headDim
        return V * C + L * (2 * C + Q * C * 2 + 2 * KV * C + 3 * C * H) + C + (c.tiedEmbeddings ? 0 : V * C)
    }

    @Test("The parameter count equals the closed form", arguments: Variant.allCases)
    func countMatchesClosedForm(variant: Variant) {
        let layout = ParameterLayout(config: variant.config)
        #expect(layout.count == closedFormCount(variant.config))
        #expect(Llama(config: variant.config).parameterCount == layout.count)
    }

    @Test("The 3.4M demo config (C 256, 4 layers, 4 heads, H 688, V 512, untied) has 3,426,560 parameters")
    func demoConfigCount() {
        let config = LlamaConfig(dim: 256, hiddenDim: 688, nLayers: 4, nHeads: 4, vocabSize: 512, maxSeqLen: 256)
        // By hand: embedding 512·256 = 131,072; per layer 2·256 norms + 2·256² q,o + 2·256² k,v
        // + 3·256·688 MLP = 512 + 131,072 + 131,072 + 528,384 = 791,040, four layers 3,164,160;
        // final norm 256; head 131,072. Total 131,072 + 3,164,160 + 256 + 131,072 = 3,426,560.
        #expect(ParameterLayout(config: config).count == 3_426_560)
        var tied = config
        tied.tiedEmbeddings = true
        #expect(ParameterLayout(config: tied).count == 3_426_560 - 131_072)
    }

    @Test("Grouped-query attention shrinks only k_proj and v_proj")
    func groupedQueryShrinksKeyValue() {
        var config = Variant.grouped.config
        let grouped = ParameterLayout(config: config)
        config.nKVHeads = config.nHeads
        let full = ParameterLayout(config: config)
        // kvDim 8 instead of 16: each of k and v loses 8·16 per layer.
        #expect(full.count - grouped.count == 2 * 2 * 8 * 16)
        #expect(grouped.slot(named: "model.layers.0.self_attn.k_proj.weight")?.shape == [8, 16])
        #expect(grouped.slot(named: "model.layers.0.self_attn.q_proj.weight")?.shape == [16, 16])
    }

    @Test("Slots tile the buffer in order without gaps or overlaps, under unique names", arguments: Variant.allCases)
    func slotsTileTheBuffer(variant: Variant) {
        let layout = ParameterLayout(config: variant.config)
        var offset = 0
        for slot in layout.slots {
            #expect(slot.offset == offset, "\(slot.name) starts at \(slot.offset), expected \(offset)")
            offset += slot.count
        }
        #expect(offset == layout.count)
        #expect(Set(layout.slots.map(\.name)).count == layout.slots.count)
        #expect(layout.slots.first?.name == "model.embed_tokens.weight")
        #expect((layout.slot(named: "lm_head.weight") == nil) == variant.config.tiedEmbeddings)
    }

    @Test("LlamaWeights points each view at its slot; a tied head is the embedding")
    func weightViewsMatchSlots() {
        for variant in Variant.allCases {
            let model = Llama(config: variant.config)
            let base = model.parameters.pointer
            func offset(_ name: String) -> Int { model.layout.slot(named: name)!.offset }
            #expect(model.weights.embedding == base + offset("model.embed_tokens.weight"))
            #expect(model.weights.finalNorm == base + offset("model.norm.weight"))
            #expect(model.weights.lmHead == base + offset(variant.config.tiedEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight"))
            for (l, layer) in model.weights.layers.enumerated() {
                let p = "model.layers.\(l)."
                #expect(layer.attnNorm == base + offset(p + "input_layernorm.weight"))
                #expect(layer.wq == base + offset(p + "self_attn.q_proj.weight"))
                #expect(layer.wk == base + offset(p + "self_attn.k_proj.weight"))
                #expect(layer.wv == base + offset(p + "self_attn.v_proj.weight"))
                #expect(layer.wo == base + offset(p + "self_attn.o_proj.weight"))
                #expect(layer.mlpNorm == base + offset(p + "post_attention_layernorm.weight"))
                #expect(layer.wGate == base + offset(p + "mlp.gate_proj.weight"))
                #expect(layer.wUp == base + offset(p + "mlp.up_proj.weight"))
                #expect(layer.wDown == base + offset(p + "mlp.down_proj.weight"))
            }
        }
    }

    @Test("initialize(seed:) sets norms to 1 and draws the rest with std initializer_range, the same for the same seed")
    func initialisation() {
        var config = LlamaConfig(dim: 32, hiddenDim: 48, nLayers: 2, nHeads: 4, vocabSize: 64, maxSeqLen: 8)
        config.initializerRange = 0.05
        let a = Llama(config: config), b = Llama(config: config), c = Llama(config: config)
        a.initialize(seed: 3)
        b.initialize(seed: 3)
        c.initialize(seed: 4)
        #expect(a.parameters.array == b.parameters.array)
        #expect(a.parameters.array != c.parameters.array)
        var sumOfSquares = 0.0, matrixCount = 0
        for slot in a.layout.slots {
            let values = (0..<slot.count).map { a.parameters[slot.offset + $0] }
            if slot.shape.count == 1 {
                #expect(values.allSatisfy { $0 == 1 }, "\(slot.name) is not all ones")
            } else {
                sumOfSquares += values.reduce(0.0) { $0 + Double($1) * Double($1) }
                matrixCount += values.count
            }
        }
        let std = (sumOfSquares / Double(matrixCount)).squareRoot()
        #expect(abs(std - 0.05) < 0.002, "std \(std) over \(matrixCount) values")
    }
}
