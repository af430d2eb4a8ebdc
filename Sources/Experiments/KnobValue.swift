/// A knob's value as an experiment file gives it, before derived values are resolved.
public enum KnobValue: Hashable, Sendable, CustomStringConvertible {
    case integer(Int)
    case number(Double)
    case flag(Bool)
    /// A name from the knob's fixed set: "nf4", "adamw", "cosine".
    case choice(String)
    /// A targets list as written (groups not yet expanded).
    case names([String])
    /// Arithmetic over other knobs, such as "2 * rank", evaluated for each run.
    case expression(String)

    /// The value as written: `8`, `0.003`, `q,v`, `2 * rank`.
    public var description: String {
        switch self {
        case .integer(let value): "\(value)"
        case .number(let value): formatNumber(value)
        case .flag(let value): "\(value)"
        case .choice(let value): value
        case .names(let names): names.joined(separator: ",")
        case .expression(let text): text
        }
    }
}

/// A number for people and for canonical JSON: whole values without a fraction (`16`), others in Swift's
/// shortest round-tripping form (`0.003`, `1e-05`).
func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return "\(value)"
}
