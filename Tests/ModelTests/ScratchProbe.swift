import Foundation
import Kernels
import Model
import TestSupport
import Testing

@Test func probeSteps() {
    for perturbation: Float in [0.3, 0.25, 0.2, 0.15] {
    for h: Float in [5e-3, 3e-3, 2e-3] {
    var worst = 0.0, worstName = ""
    var grads: [Float] = []
    for variant in Variant.allCases {
        let model = makeModel(variant.config, perturbation: perturbation)
        let batch = Batch.random(V: 11, B: 2, T: 5, seed: 7, ignored: [1, 5, 9])
        let activations = LlamaActivations(config: model.config, B: 2, T: 5, training: true)
        let gradients = FloatBuffer(count: model.parameterCount)
        model.accumulateGradients(batch, activations: activations, into: gradients)
        grads += gradients.array.map { abs($0) }
        for slot in model.layout.slots {
            let r = checkGradient(slot.name, of: model.parameters.pointer + slot.offset, count: slot.count, analytic: gradients.pointer + slot.offset, step: h, relativeTolerance: 5e-2, absoluteTolerance: 2e-4) { Double(model.meanLoss(batch, activations: activations)) }
            if r.worst!.errorOverTolerance > worst { worst = r.worst!.errorOverTolerance; worstName = "\(variant) \(r)" }
        }
    }
    grads.sort()
    print("p=\(perturbation) h=\(h) worst \(worst) median|g| \(grads[grads.count/2]) p90 \(grads[grads.count*9/10]) :: \(worstName)")
    }
    }
}
