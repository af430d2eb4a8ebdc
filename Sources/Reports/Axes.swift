import Foundation

/// Tick values at 1-2-5 steps: the span over (target − 1) rounded to the nearest 1, 2 or 5 × 10ⁿ, as in
/// Heckbert's "Nice numbers for graph labels" (Graphics Gems), without first rounding the span itself.
public struct NiceTicks: Sendable, Equatable {
    /// Ticks from the first multiple of `step` at or below the data to the first at or above it.
    public let values: [Double]
    public let step: Double
    /// Digits after the point that label every tick exactly.
    public let decimals: Int

    public var lower: Double { values.first ?? 0 }
    public var upper: Double { values.last ?? 1 }

    /// About `targetCount` ticks covering `minimum…maximum`. An empty range is widened around its value.
    public init(minimum: Double, maximum: Double, targetCount: Int = 6) {
        var low = min(minimum, maximum), high = max(minimum, maximum)
        if !low.isFinite || !high.isFinite { (low, high) = (0, 1) }
        if high - low < 1e-12 * max(1, abs(high)) {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        let (mantissa, exponent) = NiceTicks.niceStep((high - low) / Double(max(1, targetCount - 1)))
        // step = mantissa × 10^exponent; ticks are k × step for integer k, computed without drift.
        func value(_ k: Int) -> Double {
            exponent >= 0
                ? Double(k * mantissa) * NiceTicks.power10(exponent)
                : Double(k * mantissa) / NiceTicks.power10(-exponent)
        }
        let step = value(1)
        let first = Int((low / step).rounded(.down))
        var last = Int((high / step).rounded(.up))
        // A value a rounding error above a tick should not open a new interval.
        if last > first, value(last - 1) >= high - step * 1e-9 { last -= 1 }
        var firstTick = first
        if firstTick < last, value(firstTick + 1) <= low + step * 1e-9 { firstTick += 1 }
        values = (firstTick...last).map(value)
        self.step = step
        decimals = max(0, -exponent)
    }

    /// The nearest nice step to `x`, as (1, 2 or 5) × 10^exponent.
    static func niceStep(_ x: Double) -> (mantissa: Int, exponent: Int) {
        var exponent = Int(log10(x).rounded(.down))
        // log10 of an exact power of ten may land a hair off the integer: correct the exponent.
        if x / power10(exponent) >= 10 { exponent += 1 }
        if x / power10(exponent) < 1 { exponent -= 1 }
        let fraction = x / power10(exponent)
        switch fraction {
        case ..<1.5: return (1, exponent)
        case ..<3: return (2, exponent)
        case ..<7: return (5, exponent)
        default: return (1, exponent + 1)
        }
    }

    static func power10(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(n) { result *= 10 }
        return n >= 0 ? result : 1 / result
    }

    /// A tick's label with the ticks' common precision.
    public func label(_ value: Double) -> String {
        NumberFormatting.fixed(value, decimals: decimals)
    }
}

/// How the values of a grid axis are placed along a chart's x axis.
public enum AxisScale: Sendable, Equatable {
    /// Evenly spaced positions, in the axis's value order.
    case categorical
    /// log₂ of the value: for powers of two spanning a factor of 8 or more (ranks 4, 8, 16, 64).
    case log2

    /// Log2 when every value is a positive power of two and max/min ≥ 8; categorical otherwise.
    public static func choose(for values: [String]) -> AxisScale {
        let numbers = values.compactMap(ValueOrder.number)
        guard !numbers.isEmpty, numbers.count == values.count,
            numbers.allSatisfy({ $0 > 0 && isPowerOfTwo($0) }),
            let low = numbers.min(), let high = numbers.max(), high / low >= 8
        else { return .categorical }
        return .log2
    }

    static func isPowerOfTwo(_ x: Double) -> Bool {
        x > 0 && x.isFinite && x.significand == 1
    }
}

/// The order in which the values of an axis are listed: numbers by value before any text, text
/// lexically (by Unicode scalars, so independent of locale), ties by the text itself.
public enum ValueOrder {
    /// The value as a number, when the whole string is one (and finite).
    public static func number(_ text: String) -> Double? {
        guard let x = Double(text.trimmingSpaces()), x.isFinite else { return nil }
        return x
    }

    public static func areInIncreasingOrder(_ a: String, _ b: String) -> Bool {
        switch (number(a), number(b)) {
        case let (x?, y?) where x != y: return x < y
        case (_?, nil): return true
        case (nil, _?): return false
        default: return Array(a.unicodeScalars.map(\.value)).lexicographicallyPrecedes(b.unicodeScalars.map(\.value))
        }
    }

    /// `values` deduplicated and ordered: those in `preferred` first in its order, then the rest sorted.
    public static func ordered(_ values: [String], preferred: [String] = []) -> [String] {
        let present = Set(values)
        var seen = Set<String>()
        var result: [String] = []
        for value in preferred where present.contains(value) && !seen.contains(value) {
            result.append(value)
            seen.insert(value)
        }
        let rest = present.subtracting(seen).sorted(by: areInIncreasingOrder)
        return result + rest
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
