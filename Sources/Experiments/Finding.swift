import TOMLKit

/// A finding of the article that an experiment file tests: the article's claim and numbers, the arms
/// (groups of runs) it compares, and the expectations that decide the verdict.
///
/// ```toml
/// [finding]
/// id = "F2"
/// title = "QLoRA"
/// claim = "33% less peak memory, 39–50% longer training, scores barely affected"
/// article = "peak memory 21.33 → 14.18 GB (×0.665); time 6,686 → 10,060 s (×1.50)"
/// setting = "NF4 by our own kernels on a CPU; peak memory is our tensors' ledger"  # optional
/// repeats = "F2"      # optional: this finding is F2's tests again on another base model (a second scale)
/// [finding.arms]                      # runs whose knobs match; `experiment` takes another file's runs
/// lora = { quantization = "none" }
/// qlora = { quantization = "nf4" }
/// [[finding.expect]]
/// what = "QLoRA needs at least 20% less peak memory"
/// test = "qlora.peak_memory / lora.peak_memory < 0.8"
/// [[finding.expect]]
/// what = "benchmark average barely affected"
/// difference = ["qlora.suite", "lora.suite"]   # mean(first) − mean(second) over seeds
/// claim = "within 0.02"                          # or "> 0", "< 0", "within 2%"
/// ```
/// A `test` compares two expressions with `<`, `<=`, `>` or `>=`. `arm.metric` is the metric's mean over
/// the arm's done runs; see `FindingMetric` for the metrics and `FindingFunction` for the functions. A
/// `difference` with a `claim` is decided by Welch's interval (`DifferenceClaim`), and may be inconclusive.
/// The arm `suite` is reserved: every run of every experiment that has a finding, repeats aside.
///
/// A repeat (`repeats = "F2"`) declares its own arms and runs on its own base model; its expectations
/// stand one for one for the repeated finding's, in the same order, so that the report can set each
/// test's result at both scales side by side. Its runs are not part of `suite`: F9's "whole suite" was
/// declared as the article's findings at the first scale.
public struct Finding: Sendable {
    public var id: String
    public var title: String
    public var claim: String
    public var article: String
    public var setting: String?
    /// The id of the finding whose tests this one repeats at another scale.
    public var repeats: String?
    public var arms: [FindingArm]
    public var expectations: [FindingExpectation]

    /// The arm that stands for all runs of all findings (F9's "the whole suite").
    public static let suiteArm = "suite"

    /// Whether a test reads the `suite` arm: the verdict then waits for every finding's runs.
    public var readsSuite: Bool {
        expectations.contains { $0.armNames.contains(Self.suiteArm) }
    }
}

/// A group of runs: those of `experiment` (nil: the finding's own) whose knobs match every entry.
public struct FindingArm: Sendable {
    public var name: String
    public var experiment: String?
    public var match: [Knob: KnobValue]

    /// Whether a run of the right experiment belongs to the arm.
    public func contains(_ configuration: RunConfiguration) -> Bool {
        match.allSatisfy { knob, value in
            switch value {
            case .names(let names): (try? ProjectionSite.targets(names)) == configuration.targets
            case .integer(let int): configuration.formatted(knob) == formatNumber(Double(int))
            case .number(let number): configuration.formatted(knob) == formatNumber(number)
            default: configuration.formatted(knob) == value.description
            }
        }
    }
}

/// One testable statement: what it says in words, and the test that decides it.
public struct FindingExpectation: Sendable {
    public var what: String
    /// The test as the report shows it.
    public var test: String
    let rule: Rule

    enum Rule: Sendable {
        /// `test = "left < right"`: two expressions over the arms' means and functions, compared.
        case comparison(left: Expression, comparison: String, right: Expression)
        /// `difference = ["first", "second"]` with `claim`: mean(first) − mean(second) by Welch's interval.
        case difference(first: String, second: String, claim: DifferenceClaim)
    }
}

/// The metrics a test may name after `arm.`: `_` in place of `-`, and a few shorter names.
public enum FindingMetric {
    /// Expression name → results-store metric. Benchmarks and `heldout_loss` map by `_` → `-`.
    public static let aliases: [String: String] = [
        "peak_memory": MetricName.peakMemoryBytes.rawValue,
        "peak_rss": MetricName.peakRSSBytes.rawValue,
        "train_seconds": MetricName.wallSeconds.rawValue,
        "eval_seconds": MetricName.evalSeconds.rawValue,
        "run_seconds": runSeconds,
        "suite": suite,
        "normalized_average": MetricName.normalizedAverage.rawValue,
        "forgetting": MetricName.forgetting.rawValue,
        "trainable": trainable,
        "final_loss": MetricName.finalLoss.rawValue,
        "tokens_per_second": MetricName.tokensPerSecond.rawValue,
    ]
    /// Computed per run: the mean of the run's benchmark scores (an lm-eval-harness style average).
    public static let suite = "suite"
    /// Computed per run: training plus evaluation seconds.
    public static let runSeconds = "run-seconds"
    /// The run's trainable parameters.
    public static let trainable = "trainable-parameters"

    /// The store's metric for an expression name, or nil if the name means none.
    public static func storeName(_ name: String) -> String? {
        if let alias = aliases[name] { return alias }
        let dashed = name.replacingOccurrences(of: "_", with: "-")
        return (BenchmarkTask.allCases.map(\.rawValue) + [MetricName.heldoutLoss.rawValue]).contains(dashed) ? dashed : nil
    }

    static var expressionNames: [String] {
        (BenchmarkTask.allCases.map(\.rawValue) + [MetricName.heldoutLoss.rawValue]).map { $0.replacingOccurrences(of: "-", with: "_") }
            + aliases.keys.sorted()
    }
}

extension ExperimentFile {
    static func readFinding(_ table: TOMLTable, _ reader: TOMLReader) throws(ExperimentFileError) -> Finding {
        try reader.checkKeys(of: table, at: "finding", allowed: ["id", "title", "claim", "article", "setting", "repeats", "arms", "expect"], place: "in [finding]")
        let id = try reader.string(table, "id", at: "finding.id", expected: "the finding's label, such as \"F2\"", default: nil)
        let title = try reader.string(table, "title", at: "finding.title", expected: "a few words naming the finding", default: nil)
        let claim = try reader.string(table, "claim", at: "finding.claim", expected: "the article's claim in one sentence", default: nil)
        let article = try reader.string(table, "article", at: "finding.article", expected: "the article's numbers", default: nil)
        let setting: String? = table["setting"] == nil ? nil
            : try reader.string(table, "setting", at: "finding.setting", expected: "how our setting differs from the article's", default: nil)
        let repeats: String? = table["repeats"] == nil ? nil
            : try reader.string(table, "repeats", at: "finding.repeats", expected: "the id of the finding repeated at another scale, such as \"F2\"", default: nil)
        if let repeats, repeats == id { throw reader.fail("finding.repeats", "a finding cannot repeat itself; give the id of the finding at the first scale") }

        guard let armsValue = table["arms"] else { throw reader.fail("finding", "expected [finding.arms]: the groups of runs the finding compares") }
        let armsTable = try reader.table(armsValue, at: "finding.arms")
        var arms: [FindingArm] = []
        for name in reader.map.orderedKeys(of: "finding.arms", present: armsTable.keys) {
            let path = "finding.arms." + name
            guard name != Finding.suiteArm else {
                throw reader.fail(path, "the arm name '\(Finding.suiteArm)' is reserved for every run of every finding")
            }
            let armTable = try reader.table(armsTable[name]!, at: path)
            let experiment: String? = armTable["experiment"] == nil ? nil
                : try reader.string(armTable, "experiment", at: path + ".experiment", expected: "another experiment's name", default: nil)
            let match = try reader.knobs(armTable, at: path, place: "in an arm", alsoAllowed: ["experiment"])
            if let derived = match.first(where: { if case .expression = $0.value { true } else { false } }) {
                throw reader.fail(path + "." + derived.key.rawValue, "an arm matches written values, not expressions; got \"\(derived.value)\"")
            }
            arms.append(FindingArm(name: name, experiment: experiment, match: match))
        }
        guard !arms.isEmpty else { throw reader.fail("finding.arms", "expected at least one arm, as in qlora = { quantization = \"nf4\" }") }

        let armNames = arms.map(\.name) + [Finding.suiteArm]
        var expectations: [FindingExpectation] = []
        for (index, entry) in try reader.tables(table, "expect").enumerated() {
            let path = "finding.expect[\(index)]"
            try reader.checkKeys(of: entry, at: path, allowed: ["what", "test", "difference", "claim"], place: "in [[finding.expect]]")
            let what = try reader.string(entry, "what", at: path + ".what", expected: "the expectation in words", default: nil)
            if entry["difference"] != nil || entry["claim"] != nil {
                expectations.append(try readDifference(entry, at: path, what: what, arms: armNames, reader))
                continue
            }
            let test = try reader.string(entry, "test", at: path + ".test", expected: "a comparison such as \"qlora.peak_memory / lora.peak_memory < 0.8\", or difference and claim", default: nil)
            do {
                expectations.append(try FindingExpectation(what: what, test: test, arms: armNames))
            } catch {
                throw reader.fail(path + ".test", "in \"\(test)\": \(error.message)")
            }
        }
        guard !expectations.isEmpty else { throw reader.fail("finding", "expected at least one [[finding.expect]] with what and test") }
        return Finding(
            id: id, title: title, claim: claim, article: article, setting: setting, repeats: repeats, arms: arms, expectations: expectations)
    }
}

extension ExperimentFile {
    /// `difference = ["two.suite", "one.suite"]` and `claim = "< 0"`: a pre-registered statistical test.
    static func readDifference(
        _ entry: TOMLTable, at path: String, what: String, arms: [String], _ reader: TOMLReader
    ) throws(ExperimentFileError) -> FindingExpectation {
        guard entry["test"] == nil else { throw reader.fail(path + ".test", "give either test, or difference with claim, not both") }
        let names = entry["difference"]?.array?.compactMap { $0.string } ?? []
        guard names.count == 2, entry["difference"]?.array?.count == 2 else {
            throw reader.fail(path + ".difference", "expected two arm.metric names, as in [\"qlora.suite\", \"lora.suite\"] (first − second)")
        }
        for name in names {
            do { try FindingExpectation.checkName(name, arms: arms) } catch {
                throw reader.fail(path + ".difference", "in \"\(name)\": \(error.message)")
            }
        }
        let claimText = try reader.string(entry, "claim", at: path + ".claim", expected: DifferenceClaim.examples, default: nil)
        let claim: DifferenceClaim
        do { claim = try DifferenceClaim(parsing: claimText) } catch {
            throw reader.fail(path + ".claim", "in \"\(claimText)\": \(error.message)")
        }
        return FindingExpectation(
            what: what, test: claim.describe(first: names[0], second: names[1]),
            rule: .difference(first: names[0], second: names[1], claim: claim))
    }
}

extension FindingExpectation {
    static let comparisons = ["<=", ">=", "<", ">"]

    /// The arms the test names.
    var armNames: Set<String> {
        let names = switch rule {
        case .comparison(let left, _, let right): left.names + right.names
        case .difference(let first, let second, _): [first, second]
        }
        return Set(names.compactMap { $0.split(separator: ".").first.map(String.init) })
    }

    init(what: String, test: String, arms: [String]) throws(ExpressionError) {
        guard let (comparison, range) = Self.comparisons.lazy.compactMap({ op in test.range(of: op).map { (op, $0) } }).first else {
            throw ExpressionError("expected a comparison: two expressions joined by <, <=, > or >=")
        }
        let rightText = String(test[range.upperBound...])
        if Self.comparisons.contains(where: { rightText.contains($0) }) { throw ExpressionError("expected one comparison, found more") }
        let left = try Expression(String(test[..<range.lowerBound]))
        let right = try Expression(rightText)
        for expression in [left, right] {
            for name in expression.names { try Self.checkName(name, arms: arms) }
            try Self.checkCalls(expression.root)
        }
        self.init(what: what, test: test, rule: .comparison(left: left, comparison: comparison, right: right))
    }

    static func checkName(_ name: String, arms: [String]) throws(ExpressionError) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else {
            throw ExpressionError("'\(name)' should be arm.metric, such as \(arms.first ?? "lora").facts")
        }
        guard arms.contains(parts[0]) else {
            throw ExpressionError("unknown arm '\(parts[0])'" + suggestionSuffix(for: parts[0], among: arms))
        }
        guard FindingMetric.storeName(parts[1]) != nil else {
            throw ExpressionError("unknown metric '\(parts[1])'" + suggestionSuffix(for: parts[1], among: FindingMetric.expressionNames))
        }
    }

    static func checkCalls(_ node: Expression.Node) throws(ExpressionError) {
        switch node {
        case .number, .name: return
        case .negate(let operand): try checkCalls(operand)
        case .binary(_, let left, let right): try checkCalls(left); try checkCalls(right)
        case .call(let name, let arguments):
            guard let function = FindingFunction(rawValue: name) else {
                throw ExpressionError("unknown function '\(name)'" + suggestionSuffix(for: name, among: FindingFunction.allCases.map(\.rawValue)))
            }
            guard arguments.count == function.arity else {
                throw ExpressionError("\(name)(…) takes \(function.arity) argument\(function.arity == 1 ? "" : "s"), got \(arguments.count)")
            }
            if function.readsRuns {
                for argument in arguments {
                    guard case .name = argument else { throw ExpressionError("\(name)(…) takes arm.metric names, as in \(function.example)") }
                }
            } else {
                for argument in arguments { try checkCalls(argument) }
            }
        }
    }
}

/// The functions a finding's test may call.
public enum FindingFunction: String, CaseIterable, Sendable {
    /// Over one arm.metric's runs: mean, sample std, smallest, largest, sum, the mean of the benchmark's
    /// own standard error over its items, and the number of runs.
    case mean, std, min, max, sum, stderr, count
    /// (mean(a) − mean(b)) / pooled seed std of the two arms: the difference in units of seed noise.
    case effect
    case abs

    var arity: Int { self == .effect ? 2 : 1 }
    var readsRuns: Bool { self != .abs }
    var example: String { self == .effect ? "effect(all.facts, qv.facts)" : "\(rawValue)(lora.facts)" }
}
