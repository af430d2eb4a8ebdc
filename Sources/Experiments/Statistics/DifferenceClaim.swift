import Vocabulary

/// A pre-registered claim about mean(first) − mean(second) over two arms' runs, decided by Welch's
/// interval (`WelchDifference`), as written in a finding's `claim`.
public enum DifferenceClaim: Sendable, Equatable {
    /// "> 0": holds when the 95% interval lies above 0, fails when it lies below.
    case positive
    /// "< 0": holds when the 95% interval lies below 0, fails when it lies above.
    case negative
    /// "within 0.02" or "within 2%" (of |mean(second)|): two one-sided tests at α = 0.05, that is the
    /// 90% interval inside ±margin; fails when the 95% interval lies wholly beyond the margin.
    case within(margin: Double, relative: Bool)
    /// "> -0.02" or "> -2%": not worse than −margin (non-inferiority): holds when the one-sided 95%
    /// bound (the 90% interval's lower end) lies above −margin; fails when the 95% interval lies below it.
    case above(margin: Double, relative: Bool)
    /// "< 0.02" or "< 2%": not above +margin: holds when the 90% interval's upper end lies below +margin;
    /// fails when the 95% interval lies above it.
    case below(margin: Double, relative: Bool)

    static let examples = "\"> 0\", \"< 0\", \"within 0.02\", \"within 2%\", \"> -0.02\" or \"< 2%\""

    init(parsing text: String) throws(ExpressionError) {
        let words = text.split(separator: " ").map(String.init)
        switch words {
        case [">", "0"]: self = .positive
        case ["<", "0"]: self = .negative
        case let parts where parts.count == 2 && parts[0] == "within":
            let (margin, relative) = try Self.margin(parts[1], sign: 1, after: "within", example: "\"within 0.02\" or \"within 2%\"")
            self = .within(margin: margin, relative: relative)
        case let parts where parts.count == 2 && parts[0] == ">":
            let (margin, relative) = try Self.margin(parts[1], sign: -1, after: ">", example: "\"> 0\", \"> -0.02\" or \"> -2%\"")
            self = .above(margin: margin, relative: relative)
        case let parts where parts.count == 2 && parts[0] == "<":
            let (margin, relative) = try Self.margin(parts[1], sign: 1, after: "<", example: "\"< 0\", \"< 0.02\" or \"< 2%\"")
            self = .below(margin: margin, relative: relative)
        default:
            throw ExpressionError("expected \(Self.examples)")
        }
    }

    /// A margin written as a number or a percentage of sign `sign` ("-0.02", "2%"), as a fraction and
    /// whether it is relative.
    private static func margin(_ text: String, sign: Double, after word: String, example: String) throws(ExpressionError) -> (Double, Bool) {
        let relative = text.hasSuffix("%")
        guard let number = Double(relative ? String(text.dropLast()) : text), number * sign > 0, number.isFinite else {
            throw ExpressionError("expected a margin \(sign > 0 ? "> 0" : "< 0") after '\(word)', as in \(example)")
        }
        return (Swift.abs(number) / (relative ? 100 : 1), relative)
    }

    /// The bound the difference is held against: 0 for a direction, the margin for "within" and "< m",
    /// minus the margin for "> −m".
    func bound(reference: Double) -> Double {
        guard let margin = margin(reference: reference) else { return 0 }
        if case .above = self { return -margin }
        return margin
    }

    /// The margin in the metric's units: relative margins scale with |mean(second)|.
    func margin(reference: Double) -> Double? {
        switch self {
        case .positive, .negative: return nil
        case .within(let margin, let relative), .above(let margin, let relative), .below(let margin, let relative):
            return relative ? margin * Swift.abs(reference) : margin
        }
    }

    /// The claim's result for `difference`, whose second arm has mean `reference`; with the interval the
    /// decision read (95% for a direction; 90% for an equivalence that holds, else 95%).
    func decide(_ difference: WelchDifference, reference: Double) -> (result: TestResult, interval: ClosedRange<Double>) {
        let wide = difference.interval(confidence: 0.95)
        switch self {
        case .positive:
            return (wide.lowerBound > 0 ? .holds : wide.upperBound < 0 ? .fails : .inconclusive, wide)
        case .negative:
            return (wide.upperBound < 0 ? .holds : wide.lowerBound > 0 ? .fails : .inconclusive, wide)
        case .within:
            let margin = margin(reference: reference)!
            let narrow = difference.interval(confidence: 0.90)
            if narrow.lowerBound > -margin && narrow.upperBound < margin { return (.holds, narrow) }
            if wide.lowerBound > margin || wide.upperBound < -margin { return (.fails, wide) }
            return (.inconclusive, wide)
        case .above:
            let margin = margin(reference: reference)!
            let narrow = difference.interval(confidence: 0.90)
            if narrow.lowerBound > -margin { return (.holds, narrow) }
            return (wide.upperBound < -margin ? .fails : .inconclusive, wide)
        case .below:
            let margin = margin(reference: reference)!
            let narrow = difference.interval(confidence: 0.90)
            if narrow.upperBound < margin { return (.holds, narrow) }
            return (wide.lowerBound > margin ? .fails : .inconclusive, wide)
        }
    }

    /// How the test reads: "first − second > 0 (Welch 95%)", "|first − second| < 2% of second (TOST)".
    func describe(first: String, second: String) -> String {
        switch self {
        case .positive: "\(first) − \(second) > 0 (Welch 95%)"
        case .negative: "\(first) − \(second) < 0 (Welch 95%)"
        case .within(let margin, let relative):
            "|\(first) − \(second)| < \(Self.amount(margin, relative, second)) (TOST, α = 0.05)"
        case .above(let margin, let relative):
            "\(first) − \(second) > −\(Self.amount(margin, relative, second)) (one-sided, α = 0.05)"
        case .below(let margin, let relative):
            "\(first) − \(second) < \(Self.amount(margin, relative, second)) (one-sided, α = 0.05)"
        }
    }

    /// "0.02" or "2% of second".
    private static func amount(_ margin: Double, _ relative: Bool, _ second: String) -> String {
        relative ? "\(formatNumber(margin * 100))% of \(second)" : formatNumber(margin)
    }
}
