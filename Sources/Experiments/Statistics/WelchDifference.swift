/// The difference of two arms' means, mean(a) − mean(b), with Welch's standard error and degrees of
/// freedom (the arms' variances need not be equal): the basis of every pre-registered test.
public struct WelchDifference: Sendable, Equatable {
    public let difference: Double
    public let standardError: Double
    /// Welch–Satterthwaite; nil when neither arm varies (the interval is then the point itself).
    public let degreesOfFreedom: Double?

    /// Nil when an arm has fewer than two values.
    public init?(_ a: [Double], _ b: [Double]) {
        guard a.count > 1, b.count > 1 else { return nil }
        let (meanA, varianceA) = Self.meanAndVariance(a)
        let (meanB, varianceB) = Self.meanAndVariance(b)
        let shareA = varianceA / Double(a.count), shareB = varianceB / Double(b.count)
        difference = meanA - meanB
        standardError = (shareA + shareB).squareRoot()
        let denominator = shareA * shareA / Double(a.count - 1) + shareB * shareB / Double(b.count - 1)
        degreesOfFreedom = denominator > 0 ? (shareA + shareB) * (shareA + shareB) / denominator : nil
    }

    /// The two-sided interval at `confidence` (0.95: the 95% interval).
    public func interval(confidence: Double) -> ClosedRange<Double> {
        guard let degreesOfFreedom else { return difference...difference }
        let half = StudentT(degreesOfFreedom: degreesOfFreedom).quantile(0.5 + confidence / 2) * standardError
        return (difference - half)...(difference + half)
    }

    private static func meanAndVariance(_ values: [Double]) -> (mean: Double, variance: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, squares / Double(values.count - 1))
    }
}
