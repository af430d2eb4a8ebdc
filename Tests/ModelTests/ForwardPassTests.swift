import Foundation
import Kernels
import Model
import TestSupport
import Testing

// Shapes: B sequences of T tokens, logits (B·T, V).

/// What the forward pass must compute regardless of how it is called: log-probabilities that
/// match its logits, predictions that see only the past, sequences that do not see each other,
/// and the same numbers from activations larger than the pass.
@Suite("Forward pass")
struct ForwardPassTests {
    @Test("logProbabilities(of:) is the log-softmax of the logits gathered at the next token", arguments: Variant.allCases)
    func logProbabilitiesMatchLogits(variant: Variant) {
        let model = makeModel(variant.config)
        let ids: [Int32] = [3, 1, 4, 1, 5, 9, 2, 6]
        let V = model.config.vocabSize, T = ids.count

        let logProbabilities = model.logProbabilities(of: ids)
        let logits = model.logits(of: ids, B: 1, T: T)

        #expect(logProbabilities.count == T - 1)
        for t in 0..<T - 1 {
            let expected = referenceLogSoftmax(logits[t * V..<(t + 1) * V])[Int(ids[t + 1])]
            #expect(abs(Double(logProbabilities[t]) - expected) <= 1e-5 * max(1, abs(expected)),
                    "log p(ids[\(t + 1)]) = \(logProbabilities[t]), expected \(expected)")
        }
        #expect(model.logProbabilities(of: [3]).isEmpty)
    }

    @Test("A prediction at position t does not depend on tokens after t")
    func predictionsAreCausal() {
        let model = makeModel(Variant.grouped.config)
        let V = model.config.vocabSize
        let ids: [Int32] = [3, 1, 4, 1, 5, 9, 2, 6]
        let T = ids.count
        let logits = model.logits(of: ids, B: 1, T: T)

        for changed in [T - 1, 4] {
            var other = ids
            other[changed] = (ids[changed] + 5) % Int32(V)
            let otherLogits = model.logits(of: other, B: 1, T: T)
            // Rows before the change see exactly the same inputs: bit-identical.
            let before = changed * V
            #expect(bitIdentical(Array(logits[..<before]), Array(otherLogits[..<before])),
                    "changing token \(changed) changed an earlier prediction")
            // The row at the change does see it (the test would pass vacuously otherwise).
            #expect(maxAbsDifference(Array(logits[before...]), Array(otherLogits[before...])) > 1e-3)
        }

        // The same through logProbabilities: changing the last token moves only the last entry.
        var other = ids
        other[T - 1] = (ids[T - 1] + 1) % Int32(V)
        let a = model.logProbabilities(of: ids), b = model.logProbabilities(of: other)
        #expect(bitIdentical(Array(a[..<(T - 2)]), Array(b[..<(T - 2)])))
        #expect(a[T - 2] != b[T - 2])
    }

    @Test("Two sequences forwarded together give what each gives alone", arguments: Variant.allCases)
    func sequencesInABatchAreIndependent(variant: Variant) {
        let model = makeModel(variant.config)
        let T = 6, V = model.config.vocabSize
        let first: [Int32] = [1, 2, 3, 4, 5, 6], second: [Int32] = [10, 0, 7, 7, 2, 9]

        let together = model.logits(of: first + second, B: 2, T: T)
        let alone = model.logits(of: first, B: 1, T: T) + model.logits(of: second, B: 1, T: T)

        // BLAS may block a 12-row product differently from a 6-row one: allow float rounding.
        let difference = maxAbsDifference(together, alone)
        #expect(difference <= 1e-5, "max |batched − separate| = \(difference)")
        // Sequence 2's first prediction must not be that of a continuation of sequence 1.
        #expect(maxAbsDifference(Array(together[T * V..<(T + 1) * V]), Array(together[(T - 1) * V..<T * V])) > 1e-3)
    }

    @Test("A pass shorter and narrower than the activations' capacity equals a pass on activations sized exactly",
          arguments: Variant.allCases)
    func capacityDoesNotChangeResults(variant: Variant) {
        let model = makeModel(variant.config)
        let batch = Batch.random(V: model.config.vocabSize, B: 2, T: 5, seed: 11, ignored: [2])

        let exact = LlamaActivations(model: model, B: 2, T: 5, training: false)
        let roomy = LlamaActivations(model: model, B: 3, T: 9, training: false)
        let exactLogits = model.logits(of: batch.tokens, B: 2, T: 5, activations: exact)
        // Fill the larger activations with a different, longer pass first so stale values are present.
        let filler = Batch.random(V: model.config.vocabSize, B: 3, T: 9, seed: 12)
        _ = model.logits(of: filler.tokens, B: 3, T: 9, activations: roomy)
        let roomyLogits = model.logits(of: batch.tokens, B: 2, T: 5, activations: roomy)

        let difference = maxAbsDifference(exactLogits, roomyLogits)
        #expect(difference <= 1e-6, "max |roomy − exact| = \(difference)")
        #expect(model.meanLoss(batch, activations: roomy) == model.meanLoss(batch, activations: exact))
    }

    @Test("Gradients from activations larger than the pass equal those from activations sized exactly")
    func capacityDoesNotChangeGradients() {
        let model = makeModel(Variant.grouped.config)
        let batch = Batch.random(V: model.config.vocabSize, B: 2, T: 5, seed: 13, ignored: [7])

        let exact = LlamaActivations(model: model, B: 2, T: 5, training: true)
        let roomy = LlamaActivations(model: model, B: 3, T: 8, training: true)
        let exactGradients = FloatBuffer(count: model.parameterCount)
        model.accumulateGradients(batch, activations: exact, into: exactGradients)
        let roomyGradients = FloatBuffer(count: model.parameterCount)
        model.accumulateGradients(batch, activations: roomy, into: roomyGradients)

        let difference = relativeDifference(roomyGradients.array, exactGradients.array)
        #expect(difference <= 1e-6, "max |roomy − exact| / max |exact| = \(difference)")
    }
}
