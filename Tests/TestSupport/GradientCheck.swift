import Kernels

/// One parameter's analytic and finite-difference derivatives, side by side.
public struct GradientSample: CustomStringConvertible, Sendable {
    public let index: Int
    public let analytic: Double
    public let numeric: Double
    /// |analytic − numeric| divided by the tolerance allowed at this magnitude: ≤ 1 passes.
    public let errorOverTolerance: Double

    public var description: String {
        "element \(index): analytic \(analytic), finite difference \(numeric) (\(errorOverTolerance)× the tolerance)"
    }
}

/// The outcome of comparing a backward pass with central finite differences.
public struct GradientCheckReport: CustomStringConvertible, Sendable {
    public let name: String
    public let checked: Int
    public let worst: GradientSample?

    public var passed: Bool { (worst?.errorOverTolerance ?? 0) <= 1 }

    public var description: String {
        guard let worst else { return "\(name): no elements checked" }
        return "\(name): \(checked) elements checked, worst \(worst)"
    }
}

/// Compares `analytic` (the gradient of `loss` with respect to x, from a backward pass) with
/// central differences (loss(x + h) − loss(x − h)) / 2h, element by element.
///
/// An element passes when |analytic − numeric| ≤ absoluteTolerance + relativeTolerance · max(|analytic|, |numeric|).
/// The step h is divided by the float difference actually taken, so rounding of x ± h costs nothing.
/// `indices` limits the check to some elements (all by default).
public func checkGradient(
    _ name: String, of x: UnsafeMutablePointer<Float>, count: Int, analytic: UnsafePointer<Float>,
    indices: [Int]? = nil, step: Float = 1e-2,
    relativeTolerance: Double = 1e-2, absoluteTolerance: Double = 1e-4,
    loss: () -> Double
) -> GradientCheckReport {
    var worst: GradientSample?
    let chosen = indices ?? Array(0..<count)
    for index in chosen {
        let original = x[index]
        let plus = original + step, minus = original - step
        x[index] = plus
        let lossPlus = loss()
        x[index] = minus
        let lossMinus = loss()
        x[index] = original
        let numeric = (lossPlus - lossMinus) / Double(plus - minus)
        let exact = Double(analytic[index])
        let allowed = absoluteTolerance + relativeTolerance * max(abs(exact), abs(numeric))
        let sample = GradientSample(
            index: index, analytic: exact, numeric: numeric,
            errorOverTolerance: abs(exact - numeric) / allowed)
        if worst == nil || sample.errorOverTolerance > worst!.errorOverTolerance { worst = sample }
    }
    return GradientCheckReport(name: name, checked: chosen.count, worst: worst)
}

/// Σ out ⊙ weights in Double: a scalar loss whose gradient with respect to out is `weights`.
public func weightedSum(_ out: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, count: Int) -> Double {
    var sum = 0.0
    for i in 0..<count { sum += Double(out[i]) * Double(weights[i]) }
    return sum
}

/// A buffer of `count` samples of N(0, std²) from a fixed seed.
public func randomBuffer(_ count: Int, std: Float = 1, seed: UInt64) -> FloatBuffer {
    let buffer = FloatBuffer(count: count)
    var generator = SeededGenerator(seed: seed)
    fillNormal(buffer.pointer, count: count, std: std, using: &generator)
    return buffer
}

/// The largest |a − b| over two buffers of equal length, with where it happened.
public func maxAbsDifference(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> (value: Float, index: Int) {
    var worst: (value: Float, index: Int) = (0, 0)
    for i in 0..<count where abs(a[i] - b[i]) > worst.value || a[i].isNaN != b[i].isNaN {
        worst = (a[i].isNaN || b[i].isNaN ? .nan : abs(a[i] - b[i]), i)
        if worst.value.isNaN { break }
    }
    return worst
}
