import Adapters
import Kernels
import Model
import TestSupport
import Testing

// Shapes: B batch, T time, logits (B·T, V); dropout buffers (count).
//
// A training forward pass draws a fresh mask from its activations' "lora-dropout" stream, which
// depends on the adapter's seed and on the (step, shard) it was last restarted at: new activations
// start at (0, 0), and restarting a stream replays its masks. That is how the mask is held fixed
// for finite differences below.

@Suite("LoRA dropout")
struct LoRADropoutTests {
    let config = Variant.untied.config
    let batch = Batch.random(V: Variant.untied.config.vocabSize, B: 2, T: 5, seed: 13)

    func adapter(dropout: Float, seed: UInt64 = 5) -> LoRA {
        let lora = LoRA(config: LoRAConfig(rank: 4, alpha: 8, dropout: dropout, targets: allTargets),
                        modelConfig: config, seed: seed)
        lora.perturbB()
        return lora
    }

    @Test("While training, two forward passes draw different masks and give different logits")
    func trainingPassesDiffer() {
        let model = makeModel(config)
        let lora = adapter(dropout: 0.3)
        model.adapter = lora
        lora.training = true
        let activations = LlamaActivations(model: model, B: batch.B, T: batch.T, training: false)
        let first = model.logits(of: batch.tokens, B: batch.B, T: batch.T, activations: activations)
        let second = model.logits(of: batch.tokens, B: batch.B, T: batch.T, activations: activations)
        #expect(maxAbsDifference(first, second) > 1e-3)
    }

    @Test("A stream restarted at the same step and shard replays its masks; another shard or step draws others")
    func masksFollowStepAndShard() {
        let model = makeModel(config)
        model.adapter = adapter(dropout: 0.3)
        let activations = LlamaActivations(model: model, B: batch.B, T: batch.T, training: false)
        func logits(step: Int, shard: Int) -> [Float] {
            activations.adapter!.restartRandomness(step: step, shard: shard)
            return model.logits(of: batch.tokens, B: batch.B, T: batch.T, activations: activations)
        }
        let first = logits(step: 3, shard: 1)
        _ = logits(step: 0, shard: 0)
        #expect(bitIdentical(logits(step: 3, shard: 1), first))
        #expect(maxAbsDifference(logits(step: 3, shard: 2), first) > 1e-3)
        #expect(maxAbsDifference(logits(step: 4, shard: 1), first) > 1e-3)
    }

    @Test("Out of training the adapter is deterministic and computes exactly what dropout 0 computes")
    func evaluationIgnoresDropout() {
        let model = makeModel(config)
        let dropped = adapter(dropout: 0.3)
        dropped.training = false
        model.adapter = dropped
        let first = model.logits(of: batch.tokens, B: batch.B, T: batch.T)
        let second = model.logits(of: batch.tokens, B: batch.B, T: batch.T)
        #expect(bitIdentical(first, second))

        let plain = adapter(dropout: 0)
        #expect(bitIdentical(plain.parameters.array, dropped.parameters.array))
        model.adapter = plain
        let reference = model.logits(of: batch.tokens, B: batch.B, T: batch.T)
        #expect(bitIdentical(first, reference), "largest difference \(maxAbsDifference(first, reference))")

        // Training mode does differ from it, so the comparison means something.
        dropped.training = true
        model.adapter = dropped
        #expect(maxAbsDifference(model.logits(of: batch.tokens, B: batch.B, T: batch.T), reference) > 1e-3)
    }

    @Test("Two adapters with the same seed draw the same masks", arguments: [Float(0.1), 0.5])
    func masksFollowTheSeed(p: Float) {
        let model = makeModel(config)
        let one = adapter(dropout: p, seed: 3), two = adapter(dropout: p, seed: 3), other = adapter(dropout: p, seed: 4)
        other.parameters.copy(from: one.parameters)  // same weights, another dropout stream
        model.adapter = one
        let a = model.logits(of: batch.tokens, B: batch.B, T: batch.T)
        model.adapter = two
        let b = model.logits(of: batch.tokens, B: batch.B, T: batch.T)
        model.adapter = other
        let c = model.logits(of: batch.tokens, B: batch.B, T: batch.T)
        #expect(bitIdentical(a, b))
        #expect(maxAbsDifference(a, c) > 1e-3)
    }

    @Test("With the mask held fixed, A and B gradients under dropout match finite differences",
          arguments: [Float(0.1), 0.3])
    func gradientsWithFixedMask(p: Float) {
        // Rank 2 and p ≤ 0.3: inverted dropout scales the kept inputs by 1/(1 − p), and the loss's
        // curvature along A with it; at p = 0.5 some small A gradients of layer 0's v sit under a
        // curvature that puts the step-3e-3 quotient 7% off (1e-3 agrees to 1%).
        let model = makeModel(config)
        let trained = LoRA(config: LoRAConfig(rank: 2, alpha: 4, dropout: p, targets: allTargets),
                           modelConfig: config, seed: 17)
        trained.perturbB()
        model.adapter = trained
        let activations = LlamaActivations(model: model, B: batch.B, T: batch.T, training: true)
        let gradients = FloatBuffer(count: trained.parameters.count)
        model.adapterGradients(batch, activations: activations, into: gradients)
        let analytic = gradients.array

        // Each evaluation restarts the stream, hence draws the masks the gradient was computed with.
        let report = analytic.withUnsafeBufferPointer { analytic in
            checkGradient("LoRA with dropout \(p)", of: trained.parameters.pointer, count: trained.parameters.count,
                          analytic: analytic.baseAddress!, step: gradientStep, relativeTolerance: relativeTolerance,
                          absoluteTolerance: absoluteTolerance) {
                activations.adapter!.restartRandomness(step: 0, shard: 0)
                return Double(model.meanLoss(batch, activations: activations))
            }
        }
        #expect(report.passed, "\(report)")

        // The mask matters: the gradients differ from those of the same parameters without dropout.
        let plain = LoRA(config: LoRAConfig(rank: 2, alpha: 4, dropout: 0, targets: allTargets),
                         modelConfig: config, seed: 17)
        plain.parameters.copy(from: trained.parameters)
        model.adapter = plain
        let plainGradients = FloatBuffer(count: plain.parameters.count)
        model.adapterGradients(batch, activations: activations, into: plainGradients)
        #expect(maxAbsDifference(plainGradients.array, analytic) > 1e-3)
    }

    @Test("The dropout kernel keeps ≈ 1 − p of the elements, scales them by 1/(1 − p), and its backward uses the same mask",
          arguments: [Float(0.05), 0.3, 0.5])
    func kernel(p: Float) {
        let count = 20_000
        let input = randomBuffer(count, seed: 1), output = FloatBuffer(count: count)
        let mask = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
        defer { mask.deallocate() }
        var generator = SeededGenerator(seed: 2, stream: "test-dropout")
        dropoutForward(out: output.pointer, mask: mask, inp: input.pointer, count: count, probability: p, using: &generator)

        let kept = (0..<count).filter { mask[$0] == 1 }.count
        // Binomial(20 000, 1 − p): standard deviation ≤ √(20 000 · 0.25) ≈ 71, i.e. 0.0035; allow 5σ.
        let fraction = Double(kept) / Double(count)
        #expect(abs(fraction - Double(1 - p)) < 0.018, "kept \(fraction), expected \(1 - p)")
        for i in 0..<count {
            let expected = mask[i] == 1 ? input[i] * (1 / (1 - p)) : 0
            if output[i] != expected || mask[i] > 1 {
                Issue.record("element \(i): mask \(mask[i]), input \(input[i]), output \(output[i]), expected \(expected)")
                break
            }
        }

        // Backward accumulates dout ⊙ mask / (1 − p) onto what dinp held.
        let dout = randomBuffer(count, seed: 3), dinp = randomBuffer(count, seed: 4)
        let before = dinp.array
        dropoutBackward(dinp: dinp.pointer, dout: dout.pointer, mask: mask, count: count, probability: p)
        for i in 0..<count {
            let expected = before[i] + (mask[i] == 1 ? dout[i] * (1 / (1 - p)) : 0)
            if dinp[i] != expected {
                Issue.record("element \(i): mask \(mask[i]), dinp \(dinp[i]), expected \(expected)")
                break
            }
        }
    }
}
