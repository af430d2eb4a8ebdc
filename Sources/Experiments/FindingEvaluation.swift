import Vocabulary

/// One done run's results as a finding reads them: store metric name → value, and → the benchmark's
/// standard error over its items where it has one. Computed metrics (`FindingMetric.suite`,
/// `runSeconds`, `trainable`) are filled in by whoever collects the runs.
public struct FindingRunValues: Sendable, Equatable {
    public var values: [String: Double]
    public var stderrs: [String: Double]

    public init(values: [String: Double], stderrs: [String: Double] = [:]) {
        self.values = values
        self.stderrs = stderrs
    }
}

/// Whether the article's finding holds in our setting.
public enum Verdict: String, Sendable, CaseIterable {
    /// Every test holds.
    case reproduced
    /// Some tests fail and none holds.
    case notReproduced = "not reproduced"
    /// Some tests hold and some fail.
    case mixed
    /// No test fails, but not all hold: the intervals decide neither way.
    case inconclusive
    /// A test could not be evaluated (an arm has no done runs yet, or too few for its function), or
    /// runs the finding reads are still to train.
    case incomplete = "incomplete"

    init(_ results: [TestResult?]) {
        let decided = results.compactMap { $0 }
        self = if decided.count < results.count { .incomplete }
            else if decided.allSatisfy({ $0 == .holds }) { .reproduced }
            else if !decided.contains(.fails) { .inconclusive }
            else if decided.contains(.holds) { .mixed }
            else { .notReproduced }
    }
}

/// An expectation evaluated (nil `result` with `problem` when it could not be): for a comparison its
/// two sides; for a difference the difference of means (`left`), the claim's bound (`right`: 0 for a
/// direction, the margin for an equivalence or "< m", minus the margin for "> −m") and the interval that
/// decided it.
public struct ExpectationOutcome: Sendable {
    public var expectation: FindingExpectation
    public var left: Double? = nil
    public var right: Double? = nil
    public var interval: ClosedRange<Double>? = nil
    public var result: TestResult? = nil
    public var problem: String? = nil
}

extension FindingExpectation {
    /// "<", ">=", … for a comparison; "<" or ">" for a difference claim (its sides are the
    /// difference and its bound).
    public var comparisonSymbol: String {
        switch rule {
        case .comparison(_, let comparison, _): comparison
        case .difference(_, _, .positive), .difference(_, _, .above): ">"
        case .difference(_, _, .within): "±"
        case .difference: "<"
        }
    }

    /// Evaluates the test over `runs` (arm name → the arm's done runs).
    public func evaluate(runs: [String: [FindingRunValues]]) -> ExpectationOutcome {
        let calculator = FindingCalculator(runs: runs)
        do throws(ExpressionError) {
            switch rule {
            case .comparison(let left, let comparison, let right):
                let l = try calculator.value(of: left), r = try calculator.value(of: right)
                let holds = switch comparison {
                case "<": l < r
                case "<=": l <= r
                case ">": l > r
                default: l >= r
                }
                return ExpectationOutcome(expectation: self, left: l, right: r, result: holds ? .holds : .fails)
            case .difference(let first, let second, let claim):
                let a = try calculator.series(first).values, b = try calculator.series(second).values
                guard let difference = WelchDifference(a, b) else {
                    throw ExpressionError("a difference needs at least 2 runs in each arm, has \(a.count) and \(b.count)")
                }
                let reference = b.reduce(0, +) / Double(b.count)
                let (result, interval) = claim.decide(difference, reference: reference)
                return ExpectationOutcome(
                    expectation: self, left: difference.difference, right: claim.bound(reference: reference),
                    interval: interval, result: result)
            }
        } catch {
            return ExpectationOutcome(expectation: self, problem: error.message)
        }
    }
}

extension Finding {
    /// Every expectation's outcome, and the verdict they add up to.
    public func evaluate(runs: [String: [FindingRunValues]]) -> (outcomes: [ExpectationOutcome], verdict: Verdict) {
        let outcomes = expectations.map { $0.evaluate(runs: runs) }
        return (outcomes, Verdict(outcomes.map(\.result)))
    }
}

/// Evaluates a finding's expression: `arm.metric` is the mean over the arm's runs; functions read the
/// runs' values of their `arm.metric` arguments.
struct FindingCalculator {
    let runs: [String: [FindingRunValues]]

    func value(of expression: Expression) throws(ExpressionError) -> Double {
        try expression.evaluate(mean, call: call)
    }

    /// The values of `arm.metric` over the arm's runs that have the metric.
    func series(_ name: String) throws(ExpressionError) -> (values: [Double], stderrs: [Double]) {
        let parts = name.split(separator: ".").map(String.init)
        guard parts.count == 2, let metric = FindingMetric.storeName(parts[1]) else { throw ExpressionError("'\(name)' is not arm.metric") }
        let arm = runs[parts[0]] ?? []
        let values = arm.compactMap { $0.values[metric] }
        guard !values.isEmpty else { throw ExpressionError("no done run of arm \(parts[0]) has \(metric)") }
        return (values, arm.compactMap { $0.stderrs[metric] })
    }

    func mean(_ name: String) throws(ExpressionError) -> Double {
        let values = try series(name).values
        return values.reduce(0, +) / Double(values.count)
    }

    func call(_ name: String, _ arguments: [Expression.Node]) throws(ExpressionError) -> Double {
        guard let function = FindingFunction(rawValue: name) else { throw ExpressionError("unknown function '\(name)'") }
        if function == .abs {
            return Swift.abs(try Expression(root: arguments[0]).evaluate(mean, call: call))
        }
        var argumentNames: [String] = []
        for argument in arguments {
            guard case .name(let name) = argument else { throw ExpressionError("\(name)(…) takes arm.metric names") }
            argumentNames.append(name)
        }
        let (values, stderrs) = try series(argumentNames[0])
        switch function {
        case .mean: return values.reduce(0, +) / Double(values.count)
        case .std:
            guard values.count > 1 else { throw ExpressionError("std(\(argumentNames[0])) needs at least 2 runs, has 1") }
            return Self.sampleStandardDeviation(values)
        case .min: return values.min()!
        case .max: return values.max()!
        case .sum: return values.reduce(0, +)
        case .count: return Double(values.count)
        case .stderr:
            guard !stderrs.isEmpty else { throw ExpressionError("\(argumentNames[0]) has no standard error over items") }
            return stderrs.reduce(0, +) / Double(stderrs.count)
        case .effect:
            let other = try series(argumentNames[1]).values
            return try Self.effect(values, other)
        case .abs: fatalError("handled above")
        }
    }

    static func sampleStandardDeviation(_ values: [Double]) -> Double {
        let m = values.reduce(0, +) / Double(values.count)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }

    /// (mean(a) − mean(b)) / pooled sample std: Cohen's d over seeds.
    static func effect(_ a: [Double], _ b: [Double]) throws(ExpressionError) -> Double {
        guard a.count > 1, b.count > 1 else { throw ExpressionError("effect(…) needs at least 2 runs in each arm") }
        let difference = a.reduce(0, +) / Double(a.count) - b.reduce(0, +) / Double(b.count)
        let va = sampleStandardDeviation(a), vb = sampleStandardDeviation(b)
        let pooled = ((Double(a.count - 1) * va * va + Double(b.count - 1) * vb * vb) / Double(a.count + b.count - 2)).squareRoot()
        if pooled == 0 {
            guard difference == 0 else { throw ExpressionError("effect(…) of arms that do not vary across seeds") }
            return 0
        }
        return difference / pooled
    }
}

extension Finding {
    /// Cohen's d of `a` against `b` (difference of means over the pooled sample std); nil with fewer
    /// than two values on either side, or when neither varies but their means differ.
    public static func effect(_ a: [Double], _ b: [Double]) -> Double? {
        try? FindingCalculator.effect(a, b)
    }

    /// A run's values as tests read them, with the computed metrics added: the benchmark average over
    /// the run's `benchmarks` (when it has them all), training plus evaluation seconds, and the
    /// trainable parameters.
    public static func runValues(
        metrics: [(name: String, value: Double, stderr: Double?)], benchmarks: [BenchmarkTask], trainableParameters: Int?
    ) -> FindingRunValues {
        var values: [String: Double] = [:], stderrs: [String: Double] = [:]
        for metric in metrics {
            values[metric.name] = metric.value
            stderrs[metric.name] = metric.stderr
        }
        if let suite = SuiteScores.average(values, tasks: benchmarks) { values[FindingMetric.suite] = suite }
        if let train = values[MetricName.wallSeconds.rawValue], let eval = values[MetricName.evalSeconds.rawValue] {
            values[FindingMetric.runSeconds] = train + eval
        }
        if let trainableParameters { values[FindingMetric.trainable] = Double(trainableParameters) }
        return FindingRunValues(values: values, stderrs: stderrs)
    }
}
