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

    static let examples = "\"> 0\", \"< 0\", \"within 0.02\" or \"within 2%\""

    init(parsing text: String) throws(ExpressionError) {
        let words = text.split(separator: " ").map(String.init)
        switch words {
        case [">", "0"]: self = .positive
        case ["<", "0"]: self = .negative
        case let parts where parts.count == 2 && parts[0] == "within":
            let relative = parts[1].hasSuffix("%")
            guard let number = Double(relative ? String(parts[1].dropLast()) : parts[1]), number > 0, number.isFinite else {
                throw ExpressionError("expected a margin > 0 after 'within', as in \"within 0.02\" or \"within 2%\"")
            }
            self = .within(margin: relative ? number / 100 : number, relative: relative)
        default:
            throw ExpressionError("expected \(Self.examples)")
        }
    }

    /// The margin in the metric's units: relative margins scale with |mean(second)|.
    func margin(reference: Double) -> Double? {
        guard case .within(let margin, let relative) = self else { return nil }
        return relative ? margin * Swift.abs(reference) : margin
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
        }
    }

    /// How the test reads: "first − second > 0 (Welch 95%)", "|first − second| < 2% of second (TOST)".
    func describe(first: String, second: String) -> String {
        switch self {
        case .positive: "\(first) − \(second) > 0 (Welch 95%)"
        case .negative: "\(first) − \(second) < 0 (Welch 95%)"
        case .within(let margin, let relative):
            "|\(first) − \(second)| < \(relative ? "\(formatNumber(margin * 100))% of \(second)" : formatNumber(margin)) (TOST, α = 0.05)"
        }
    }
}
