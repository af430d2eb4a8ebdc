/// What a finding's test concluded from the runs.
public enum TestResult: String, Sendable, CaseIterable {
    /// The claim holds: a comparison is true, or the interval says so.
    case holds = "yes"
    /// The claim is contradicted: a comparison is false, or the interval excludes it.
    case fails = "no"
    /// The interval neither supports nor excludes the claim: more seeds, or a smaller effect than the margin.
    case inconclusive
}
