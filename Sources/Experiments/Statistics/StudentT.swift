import Foundation

/// Student's t distribution with ν degrees of freedom, ν > 0 and not necessarily whole (Welch's
/// approximation gives fractional ones).
public struct StudentT: Sendable {
    public let degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) {
        precondition(degreesOfFreedom > 0, "a t distribution needs ν > 0")
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// P(T ≤ t): through the regularized incomplete beta function, P(|T| > t) = I_{ν/(ν+t²)}(ν/2, 1/2).
    public func cdf(_ t: Double) -> Double {
        let x = degreesOfFreedom / (degreesOfFreedom + t * t)
        let bothTails = RegularizedBeta.value(at: x, a: degreesOfFreedom / 2, b: 0.5)
        return t >= 0 ? 1 - bothTails / 2 : bothTails / 2
    }

    /// The t with P(T ≤ t) = p, 0 < p < 1, by bisection on the CDF.
    public func quantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "a quantile needs 0 < p < 1")
        if p < 0.5 { return -quantile(1 - p) }
        var low = 0.0, high = 1.0
        while cdf(high) < p { low = high; high *= 2 }
        for _ in 0..<200 where high - low > 1e-14 * high {
            let middle = (low + high) / 2
            if cdf(middle) < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}

/// The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b).
enum RegularizedBeta {
    static func value(at x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let logFront = logPowers - logBeta
        // The continued fraction converges fast on the side of the distribution's mean.
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x, a, b) / a
        }
        return 1 - exp(logFront) * continuedFraction(1 - x, b, a) / b
    }

    /// The continued fraction of I_x(a, b), evaluated by the modified Lentz method.
    private static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        func guarded(_ v: Double) -> Double { Swift.abs(v) < tiny ? tiny : v }
        var c = 1.0
        var d = 1 / guarded(1 - (a + b) * x / (a + 1))
        var result = d
        for m in 1...500 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 / guarded(1 + even * d)
            c = guarded(1 + even / c)
            result *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 / guarded(1 + odd * d)
            c = guarded(1 + odd / c)
            let step = d * c
            result *= step
            if Swift.abs(step - 1) < 1e-15 { break }
        }
        return result
    }
}
