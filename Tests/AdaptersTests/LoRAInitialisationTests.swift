import Adapters
import Kernels
import Model
import TestSupport
import Testing

// Shapes: A (r, IN), B (OUT, r); logits (B·T, V).

@Suite("A fresh LoRA adapter")
struct LoRAInitialisationTests {
    @Test("A fresh adapter on every target leaves the logits bit-identical to the base model's",
          arguments: Variant.allCases)
    func freshAdapterChangesNothing(variant: Variant) {
        let model = makeModel(variant.config)
        let batch = Batch.random(V: variant.config.vocabSize, B: 2, T: 5, seed: 3)
        let base = model.logits(of: batch.tokens, B: batch.B, T: batch.T)

        let lora = LoRA(config: LoRAConfig(rank: 4, alpha: 8, dropout: 0, targets: allTargets),
                        modelConfig: variant.config, seed: 11)
        model.adapter = lora
        let adapted = model.logits(of: batch.tokens, B: batch.B, T: batch.T)
        #expect(bitIdentical(adapted, base), "largest difference \(maxAbsDifference(adapted, base))")

        // The same adapter with B moved off zero does change them: the comparison above can fail.
        lora.perturbB()
        let moved = model.logits(of: batch.tokens, B: batch.B, T: batch.T)
        #expect(maxAbsDifference(moved, base) > 1e-2)
    }

    @Test("A is U(−1/√IN, 1/√IN) per slot and not constant; B is all zero")
    func initialDistribution() {
        let config = Variant.grouped.config  // C 16, KV 8, H 12: slots of three input widths
        let lora = LoRA(config: LoRAConfig(rank: 8, alpha: 16, dropout: 0, targets: allTargets),
                        modelConfig: config, seed: 5)
        #expect(lora.slots.count == 7 * config.nLayers + 1)
        for slot in lora.slots {
            let a = lora.a(slot), bound = 1 / Float(slot.inFeatures).squareRoot()
            let name = slot.site.modulePath(layer: slot.layer)
            #expect(a.allSatisfy { abs($0) <= bound }, "\(name): A leaves ±\(bound): \(a.map(abs).max()!)")
            #expect(Set(a).count > a.count / 2, "\(name): A has only \(Set(a).count) distinct values")
            // Uniform on ±bound: the largest magnitude of r·IN ≥ 64 samples is close to the bound
            // (P(all below 0.8·bound) = 0.8^64 ≈ 6e-7), so a narrower range would show.
            #expect(a.map(abs).max()! > 0.8 * bound, "\(name): A spans only ±\(a.map(abs).max()!) of ±\(bound)")
            #expect(a.contains { $0 < 0 } && a.contains { $0 > 0 }, "\(name): A is one-signed")
            #expect(lora.b(slot).allSatisfy { $0 == 0 }, "\(name): B is not zero")
        }
        #expect(lora.trainableParameters == lora.slots.reduce(0) { $0 + 8 * ($1.inFeatures + $1.outFeatures) })
    }

    @Test("The same seed gives the same A, another seed another")
    func seeding() {
        let config = Variant.untied.config
        let knobs = LoRAConfig(rank: 4, alpha: 8, dropout: 0, targets: [.q, .v, .down])
        let first = LoRA(config: knobs, modelConfig: config, seed: 21)
        let again = LoRA(config: knobs, modelConfig: config, seed: 21)
        let other = LoRA(config: knobs, modelConfig: config, seed: 22)
        #expect(bitIdentical(first.parameters.array, again.parameters.array))
        for slot in first.slots {
            let a = first.a(slot), b = other.a(slot)
            #expect(zip(a, b).filter { $0 == $1 }.count == 0, "\(slot.site) layer \(slot.layer): seeds 21 and 22 share A values")
        }
    }

    @Test("A depends on the seed and the targets' shapes only: not on dropout, capacity or alpha")
    func initialisationStreamIsItsOwn() {
        // Dropout draws from its own stream ("lora-dropout"), so turning it on must not move A.
        let config = Variant.untied.config
        let plain = LoRA(config: LoRAConfig(rank: 4, alpha: 8, dropout: 0, targets: [.q, .v]),
                         modelConfig: config, seed: 9)
        let dropped = LoRA(config: LoRAConfig(rank: 4, alpha: 32, dropout: 0.3, targets: [.q, .v]),
                           modelConfig: config, seed: 9)
        #expect(bitIdentical(plain.parameters.array, dropped.parameters.array))
    }

    @Test("initialize(seed:) resets A to the seed's values and B to zero")
    func reinitialise() {
        let knobs = LoRAConfig(rank: 2, alpha: 4, dropout: 0, targets: [.k, .head])
        let lora = LoRA(config: knobs, modelConfig: Variant.tied.config, seed: 3)
        let initial = lora.parameters.array
        lora.perturbB()
        for i in 0..<lora.parameters.count { lora.parameters[i] += 0.5 }
        lora.initialize(seed: 3)
        #expect(bitIdentical(lora.parameters.array, initial))
    }
}
