import Kernels

/// Updates parameters from their gradients, one flat loop over buffers laid out alike.
public protocol Optimizer: AnyObject {
    /// One update of `count` parameters at the given learning rate.
    func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, learningRate: Float)
    /// Bytes of state kept per run (moments, momentum): the optimizer's share of memory.
    var stateBytes: Int { get }
    /// The updates made so far.
    var updates: Int { get }
    /// The buffers a resumed run needs besides the parameters, by name, each laid out like them.
    var stateBuffers: [(name: String, buffer: FloatBuffer)] { get }
    /// Continues after `updates` updates whose state has been copied into `stateBuffers`.
    func resume(afterUpdates updates: Int)
}

/// Adam with decoupled weight decay, as `torch.optim.AdamW` computes it:
///
///     p -= lr * weight_decay * p
///     m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g * g
///     p -= lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
///
/// Loshchilov & Hutter, "Decoupled Weight Decay Regularization", arXiv 1711.05101.
public final class AdamW: Optimizer {
    public let beta1: Float, beta2: Float, eps: Float, weightDecay: Float
    public private(set) var t = 0
    let m: FloatBuffer  // (count) first moment
    let v: FloatBuffer  // (count) second moment

    public init(count: Int, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0.01) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        m = FloatBuffer(count: count, category: .optimizerState)
        v = FloatBuffer(count: count, category: .optimizerState)
    }

    public var stateBytes: Int { m.bytes + v.bytes }
    public var updates: Int { t }
    public var stateBuffers: [(name: String, buffer: FloatBuffer)] { [("adamw.m", m), ("adamw.v", v)] }
    public func resume(afterUpdates updates: Int) { t = updates }

    public func step(parameters p: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, learningRate lr: Float) {
        t += 1
        let correction1 = 1 - Float(Double(beta1).power(t))
        let correction2Root = Float((1 - Double(beta2).power(t)).squareRoot())
        let stepSize = lr / correction1
        let decay = 1 - lr * weightDecay
        let m = m.pointer, v = v.pointer, count = self.m.count
        // 8 parameters at a time, each rounded as the one-at-a-time formula rounds it
        @_transparent func update(_ i: Int, _ lanes: Int) {
            let gi = loadLanes(g + i, lanes)
            let mi = beta1 * loadLanes(m + i, lanes) + (1 - beta1) * gi
            let vi = beta2 * loadLanes(v + i, lanes) + (1 - beta2) * gi * gi
            var pi = loadLanes(p + i, lanes) * decay
            pi -= stepSize * mi / (vi.squareRoot() / correction2Root + eps)
            storeLanes(mi, m + i, lanes)
            storeLanes(vi, v + i, lanes)
            storeLanes(pi, p + i, lanes)
        }
        var i = 0
        while i + 8 <= count { update(i, 8); i += 8 }
        if i < count { update(i, count - i) }
    }
}

/// Stochastic gradient descent with momentum, as `torch.optim.SGD` computes it (dampening 0,
/// weight decay added to the gradient):
///
///     g = g + weight_decay * p;  buf = momentum * buf + g  (buf = g on the first step);  p -= lr * buf
public final class SGD: Optimizer {
    public let momentum: Float, weightDecay: Float
    private let parameterCount: Int
    public private(set) var updates = 0
    let buffer: FloatBuffer  // (count) momentum; none is kept when momentum is 0

    public init(count: Int, momentum: Float = 0.9, weightDecay: Float = 0) {
        self.momentum = momentum
        self.weightDecay = weightDecay
        parameterCount = count
        buffer = FloatBuffer(count: momentum == 0 ? 0 : count, category: .optimizerState)
    }

    public var stateBytes: Int { buffer.bytes }
    public var stateBuffers: [(name: String, buffer: FloatBuffer)] { momentum == 0 ? [] : [("sgd.momentum", buffer)] }
    public func resume(afterUpdates updates: Int) { self.updates = updates }

    public func step(parameters p: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, learningRate lr: Float) {
        let buf = buffer.pointer, started = updates > 0
        @_transparent func update(_ i: Int, _ lanes: Int) {
            let pi = loadLanes(p + i, lanes)
            let grad = loadLanes(g + i, lanes) + weightDecay * pi
            if momentum == 0 {
                storeLanes(pi - lr * grad, p + i, lanes)
            } else {
                let bi = started ? momentum * loadLanes(buf + i, lanes) + grad : grad
                storeLanes(bi, buf + i, lanes)
                storeLanes(pi - lr * bi, p + i, lanes)
            }
        }
        var i = 0
        while i + 8 <= parameterCount { update(i, 8); i += 8 }
        if i < parameterCount { update(i, parameterCount - i) }
        updates += 1
    }
}

/// Scales gradients (count) so that their global L2 norm is at most maxNorm, as
/// `torch.nn.utils.clip_grad_norm_` does. Returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ g: UnsafeMutablePointer<Float>, count: Int, maxNorm: Float) -> Float {
    var sums = SIMD8<Double>()
    @_transparent func square(_ i: Int, _ lanes: Int) {
        let gi = SIMD8<Double>(loadLanes(g + i, lanes))
        sums += gi * gi
    }
    var i = 0
    while i + 8 <= count { square(i, 8); i += 8 }
    if i < count { square(i, count - i) }
    let norm = Float(sums.sum().squareRoot())
    if norm > maxNorm, norm.isFinite {
        let scale = maxNorm / (norm + 1e-6)
        @_transparent func rescale(_ i: Int, _ lanes: Int) {
            storeLanes(loadLanes(g + i, lanes) * scale, g + i, lanes)
        }
        i = 0
        while i + 8 <= count { rescale(i, 8); i += 8 }
        if i < count { rescale(i, count - i) }
    }
    return norm
}

extension Double {
    func power(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<n { result *= self }
        return result
    }
}
