/// The interval of one arm's mean over its seeds: mean ± t(0.975, n − 1) · s / √n, Student's t with the
/// sample standard deviation s, as the findings' tables show each arm.
public enum MeanInterval {
    /// The half-width of the two-sided interval at `confidence` (0.95: the 95% interval); nil below two
    /// values, 0 when they do not vary.
    public static func halfWidth(_ values: [Double], confidence: Double = 0.95) -> Double? {
        guard values.count > 1 else { return nil }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        guard variance > 0 else { return 0 }
        return StudentT(degreesOfFreedom: n - 1).quantile(0.5 + confidence / 2) * (variance / n).squareRoot()
    }
}
