/// Summary statistics over seeds. Empty input gives nil rather than NaN, so callers must say what to show.
public enum Statistics {
    public static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    /// The sample standard deviation (divisor n − 1); nil for fewer than two values.
    public static func sampleStandardDeviation(_ values: [Double]) -> Double? {
        guard values.count > 1, let m = mean(values) else { return nil }
        let sumOfSquares = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        return (sumOfSquares / Double(values.count - 1)).squareRoot()
    }

    /// The standard error of the mean, sample std / √n; nil for fewer than two values.
    public static func standardError(_ values: [Double]) -> Double? {
        guard let s = sampleStandardDeviation(values) else { return nil }
        return s / Double(values.count).squareRoot()
    }
}

/// The mean, sample standard deviation and count of one metric over a configuration's done runs.
public struct Summary: Sendable, Equatable {
    public let mean: Double
    /// Nil when n = 1.
    public let std: Double?
    public let n: Int

    /// Nil when there are no values.
    public init?(_ values: [Double]) {
        guard let m = Statistics.mean(values) else { return nil }
        mean = m
        std = Statistics.sampleStandardDeviation(values)
        n = values.count
    }
}
