import Foundation
import Kernels
import TestSupport
import Testing
import Training

/// The optimizers against torch.optim's update rules, recomputed here in Double.
@Suite("Optimizers")
struct OptimizerTests {
    let initial: [Float] = [1.0, -0.5, 0.25, 2.0, -1.5, 0.0]
    /// Three steps of gradients: mixed signs and magnitudes, small ones (near eps) and a zero.
    let gradients: [[Float]] = [
        [0.1, -0.2, 0.001, 0.0, 0.5, -0.003],
        [0.3, 0.1, -0.002, 0.0, -0.4, 0.002],
        [-0.2, 0.05, 0.001, 0.0, 0.6, -0.001],
    ]
    let learningRates: [Float] = [0.01, 0.02, 0.005]

    /// torch.optim.AdamW (amsgrad off, maximize off), step by step:
    ///     p *= 1 − lr·wd;  m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²
    ///     p −= lr / (1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps)
    func referenceAdamW(beta1: Double, beta2: Double, eps: Double, weightDecay: Double) -> [[Double]] {
        var p = initial.map(Double.init)
        var m = [Double](repeating: 0, count: p.count), v = m
        var history: [[Double]] = []
        for (t, g) in gradients.enumerated() {
            let lr = Double(learningRates[t]), step = Double(t + 1)
            for i in p.indices {
                let gi = Double(g[i])
                p[i] *= 1 - lr * weightDecay
                m[i] = beta1 * m[i] + (1 - beta1) * gi
                v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
                let stepSize = lr / (1 - Foundation.pow(beta1, step))
                let denominator = v[i].squareRoot() / (1 - Foundation.pow(beta2, step)).squareRoot() + eps
                p[i] -= stepSize * m[i] / denominator
            }
            history.append(p)
        }
        return history
    }

    /// torch.optim.SGD (dampening 0, nesterov off):
    ///     d = g + wd·p;  buf = d on the first step, else momentum·buf + d;  p −= lr·buf
    /// With momentum 0, p −= lr·d and no buffer.
    func referenceSGD(momentum: Double, weightDecay: Double) -> [[Double]] {
        var p = initial.map(Double.init)
        var buffer: [Double]? = nil
        var history: [[Double]] = []
        for (t, g) in gradients.enumerated() {
            let lr = Double(learningRates[t])
            let d = p.indices.map { Double(g[$0]) + weightDecay * p[$0] }
            var direction = d
            if momentum != 0 {
                buffer = buffer.map { old in old.indices.map { momentum * old[$0] + d[$0] } } ?? d
                direction = buffer!
            }
            for i in p.indices { p[i] -= lr * direction[i] }
            history.append(p)
        }
        return history
    }

    /// Runs `optimizer` over the three steps, returning the parameters after each.
    func run(_ optimizer: any Optimizer) -> [[Float]] {
        let parameters = makeBuffer(initial)
        var history: [[Float]] = []
        for (t, g) in gradients.enumerated() {
            let gradient = makeBuffer(g)
            optimizer.step(parameters: parameters.pointer, gradients: gradient.pointer, learningRate: learningRates[t])
            history.append(parameters.array)
        }
        return history
    }

    func expectClose(_ observed: [[Float]], _ expected: [[Double]], tolerance: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        for (t, (o, e)) in zip(observed, expected).enumerated() {
            for i in e.indices {
                #expect(abs(Double(o[i]) - e[i]) <= tolerance,
                        "step \(t + 1), p[\(i)] = \(o[i]), expected \(e[i])", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("AdamW follows torch's update for three steps, weight decay included",
          arguments: [(0.9, 0.999, 1e-3, 0.5), (0.8, 0.95, 1e-8, 0.01), (0.9, 0.999, 1e-8, 0.0)])
    func adamWMatchesTorch(beta1: Double, beta2: Double, eps: Double, weightDecay: Double) {
        let optimizer = AdamW(count: initial.count, beta1: Float(beta1), beta2: Float(beta2), eps: Float(eps),
                              weightDecay: Float(weightDecay))
        let observed = run(optimizer)
        // Updates are O(lr) = 1e-2; float rounding of p of O(1) is ~1e-7. A misplaced bias correction,
        // eps or decay moves p by more than 1e-5 on some element of these three steps.
        expectClose(observed, referenceAdamW(beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay),
                    tolerance: 1e-6)
        #expect(optimizer.t == 3)
    }

    @Test("SGD with momentum follows torch's update (the first step's buffer is the gradient), weight decay included",
          arguments: [(0.9, 0.1), (0.5, 0.0)])
    func sgdMatchesTorch(momentum: Double, weightDecay: Double) {
        let optimizer = SGD(count: initial.count, momentum: Float(momentum), weightDecay: Float(weightDecay))
        expectClose(run(optimizer), referenceSGD(momentum: momentum, weightDecay: weightDecay), tolerance: 1e-6)
    }

    @Test("SGD without momentum is p −= lr·(g + wd·p) and keeps no state")
    func plainSGD() {
        let optimizer = SGD(count: initial.count, momentum: 0, weightDecay: 0.1)
        #expect(optimizer.stateBytes == 0)
        expectClose(run(optimizer), referenceSGD(momentum: 0, weightDecay: 0.1), tolerance: 1e-6)
    }

    @Test("AdamW and SGD update 21 parameters 8 at a time with the bits of the one-at-a-time Float formulas")
    func vectorUpdatesMatchScalarFloat() {
        // 21 = two full lane groups and a padded one. Lane arithmetic rounds as scalar arithmetic
        // does and no multiply-add is fused, so the results are equal bit for bit.
        let count = 21, steps = 3
        let initial = randomBuffer(count, seed: 1).array
        let gradients = (0..<steps).map { randomBuffer(count, std: 0.1, seed: 2 + UInt64($0)).array }
        let lr: Float = 0.01, beta1: Float = 0.9, beta2: Float = 0.95, eps: Float = 1e-8, wd: Float = 0.1, momentum: Float = 0.9

        let adamW = AdamW(count: count, beta1: beta1, beta2: beta2, eps: eps, weightDecay: wd)
        let sgd = SGD(count: count, momentum: momentum, weightDecay: wd)
        let adamWParameters = makeBuffer(initial), sgdParameters = makeBuffer(initial)
        var p = initial, m = [Float](repeating: 0, count: count), v = m
        var q = initial, buffer = m
        for t in 1...steps {
            let g = gradients[t - 1], gradient = makeBuffer(g)
            adamW.step(parameters: adamWParameters.pointer, gradients: gradient.pointer, learningRate: lr)
            sgd.step(parameters: sgdParameters.pointer, gradients: gradient.pointer, learningRate: lr)
            var beta1Power = 1.0, beta2Power = 1.0  // in Double, as the optimizer computes them
            for _ in 0..<t { beta1Power *= Double(beta1); beta2Power *= Double(beta2) }
            let correction1 = 1 - Float(beta1Power), correction2Root = Float((1 - beta2Power).squareRoot())
            for i in 0..<count {
                p[i] *= 1 - lr * wd
                m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                p[i] -= lr / correction1 * m[i] / (v[i].squareRoot() / correction2Root + eps)
                let d = g[i] + wd * q[i]
                buffer[i] = t == 1 ? d : momentum * buffer[i] + d
                q[i] -= lr * buffer[i]
            }
            #expect(bitIdentical(adamWParameters.array, p), "AdamW, step \(t): \(adamWParameters.array) against \(p)")
            #expect(bitIdentical(sgdParameters.array, q), "SGD, step \(t): \(sgdParameters.array) against \(q)")
        }
    }

    @Test("AdamW keeps two fp32 moments per parameter; SGD with momentum one")
    func stateBytes() {
        #expect(AdamW(count: 1000).stateBytes == 2 * 4 * 1000)
        #expect(SGD(count: 1000, momentum: 0.9).stateBytes == 4 * 1000)
    }
}
