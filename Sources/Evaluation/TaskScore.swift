/// A benchmark's result as lm-evaluation-harness reports it: the mean of the per-item scores and
/// its standard error, the sample standard deviation (n − 1) over √n.
public struct TaskScore: Codable, Sendable, Equatable {
    public let score: Double
    public let stderr: Double
    public let n: Int

    /// A score computed elsewhere (read back from a report).
    public init(score: Double, stderr: Double, n: Int) {
        self.score = score
        self.stderr = stderr
        self.n = n
    }

    public init(itemScores: [Double]) {
        n = itemScores.count
        guard n > 0 else { score = .nan; stderr = .nan; return }
        let mean = itemScores.reduce(0, +) / Double(n)
        score = mean
        guard n > 1 else { stderr = .nan; return }
        let variance = itemScores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        stderr = (variance / Double(n)).squareRoot()
    }
}
