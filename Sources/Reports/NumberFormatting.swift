/// Locale-independent number formatting: "." as the decimal point, "," between thousands, and the same
/// digits on every platform (the rounding is done here in IEEE arithmetic, not by a C library).
public enum NumberFormatting {
    /// `value` with exactly `decimals` digits after the point, rounding half away from zero;
    /// "-0.00" prints as "0.00". NaN and infinities print as "nan", "inf", "-inf".
    public static func fixed(_ value: Double, decimals: Int, grouping: Bool = false) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        let decimals = max(0, min(decimals, 15))
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.0e18 else {
            // Beyond Int64: no fraction digits survive in a Double anyway.
            return (value < 0 ? "-" : "") + "\(abs(value))"
        }
        let units = UInt64(scaled)
        let divisor = UInt64(scale)
        let integerPart = units / divisor
        let fraction = units % divisor
        var text = grouping ? grouped(integerPart) : String(integerPart)
        if decimals > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: decimals - digits.count) + digits
        }
        return (value < 0 && units != 0 ? "-" : "") + text
    }

    /// An integer with thousands separators: 4194304 → "4,194,304".
    public static func grouped(_ value: Int) -> String {
        let magnitude = grouped(value.magnitude)
        return value < 0 ? "-" + magnitude : magnitude
    }

    static func grouped(_ value: UInt64) -> String { grouped(String(value)) }

    static func grouped(_ value: UInt) -> String { grouped(String(value)) }

    private static func grouped(_ digits: String) -> String {
        var result = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return result
    }

    /// Bytes as megabytes (10⁶ bytes) with one decimal: 21_330_000_000 → "21,330.0 MB".
    public static func megabytes(_ bytes: Double) -> String {
        fixed(bytes / 1e6, decimals: 1, grouping: true) + " MB"
    }

    /// A duration in the unit that reads best: "4.2 s", "41 s", "3.2 min", "1.85 h".
    public static func duration(_ seconds: Double) -> String {
        let unit = DurationUnit(for: seconds)
        return unit.format(seconds)
    }

    /// A mean and its spread in the mean's unit: "41 ± 2 s", "3.2 ± 0.1 min".
    public static func duration(_ seconds: Double, plusMinus spread: Double) -> String {
        let unit = DurationUnit(for: seconds)
        return unit.number(seconds) + " ± " + unit.number(spread) + " " + unit.symbol
    }

    /// A mean and its spread in MB: "21.3 ± 0.1 MB".
    public static func megabytes(_ bytes: Double, plusMinus spread: Double) -> String {
        fixed(bytes / 1e6, decimals: 1, grouping: true) + " ± " + fixed(spread / 1e6, decimals: 1, grouping: true) + " MB"
    }
}

/// The unit a duration is shown in, chosen from its size, so that a mean and its spread share it.
struct DurationUnit {
    let symbol: String
    let seconds: Double
    let decimals: Int

    init(for value: Double) {
        let magnitude = abs(value)
        switch magnitude {
        case ..<9.95: (symbol, seconds, decimals) = ("s", 1, 1)
        case ..<59.5: (symbol, seconds, decimals) = ("s", 1, 0)
        case ..<3570: (symbol, seconds, decimals) = ("min", 60, 1)
        default: (symbol, seconds, decimals) = ("h", 3600, 2)
        }
    }

    func number(_ value: Double) -> String {
        NumberFormatting.fixed(value / seconds, decimals: decimals, grouping: true)
    }

    func format(_ value: Double) -> String { number(value) + " " + symbol }
}
