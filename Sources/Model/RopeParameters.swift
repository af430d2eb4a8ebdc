import Kernels

/// config.json's description of RoPE beyond `rope_theta`: the `rope_scaling` object of transformers 4
/// (`type` in its oldest spelling) or the `rope_parameters` object of transformers 5, which also
/// holds `rope_theta`. transformers reads `rope_scaling` when it is set, `rope_parameters` otherwise.
///
/// Of the rope types, "default", "linear" and "llama3" are computed here (`RopeScaling`); the others
/// (dynamic, yarn, longrope…) are refused by name.
struct RopeParameters: Codable {
    var ropeType: String?
    var type: String?
    var ropeTheta: Double?
    var factor: Double?
    var lowFreqFactor: Double?
    var highFreqFactor: Double?
    var originalMaxPositionEmbeddings: Int?
    var partialRotaryFactor: Double?

    enum CodingKeys: String, CodingKey {
        case ropeType = "rope_type", type, ropeTheta = "rope_theta", factor
        case lowFreqFactor = "low_freq_factor", highFreqFactor = "high_freq_factor"
        case originalMaxPositionEmbeddings = "original_max_position_embeddings"
        case partialRotaryFactor = "partial_rotary_factor"
    }

    /// A config.json value that names what this implementation does not compute.
    struct Unsupported: Error {
        let message: String
    }

    /// The scaling this object describes (nil for "default"). `field` is the key it was read from, for
    /// messages; llama3's original_max_position_embeddings defaults to max_position_embeddings, as
    /// transformers' `standardize_rope_params` does.
    func scaling(field: String, maxPositionEmbeddings: Int) throws(Unsupported) -> RopeScaling? {
        let kind = ropeType ?? type ?? "default"
        if let partialRotaryFactor, partialRotaryFactor != 1 {
            throw Unsupported(message: "\(field).partial_rotary_factor \(partialRotaryFactor) is not supported: every dimension of a head is rotated")
        }
        func required<Value>(_ value: Value?, _ key: String) throws(Unsupported) -> Value {
            guard let value else { throw Unsupported(message: "\(field) of rope_type \"\(kind)\" lacks \"\(key)\"") }
            return value
        }
        switch kind {
        case "default":
            return nil
        case "linear":
            return .linear(factor: try required(factor, "factor"))
        case "llama3":
            return .llama3(
                factor: try required(factor, "factor"), lowFreqFactor: try required(lowFreqFactor, "low_freq_factor"),
                highFreqFactor: try required(highFreqFactor, "high_freq_factor"),
                originalMaxPositions: originalMaxPositionEmbeddings ?? maxPositionEmbeddings)
        default:
            throw Unsupported(message: "\(field).rope_type \"\(kind)\" is not supported: only \"default\", \"linear\" and \"llama3\" are")
        }
    }

    /// The `rope_scaling` object transformers 4 and 5 both read for `scaling`.
    init(_ scaling: RopeScaling) {
        switch scaling {
        case .linear(let factor):
            ropeType = "linear"
            self.factor = factor
        case .llama3(let factor, let low, let high, let originalMaxPositions):
            ropeType = "llama3"
            self.factor = factor
            lowFreqFactor = low
            highFreqFactor = high
            originalMaxPositionEmbeddings = originalMaxPositions
        }
    }
}

extension RopeScaling {
    /// Why these numbers cannot scale frequencies, as messages naming the `rope_scaling` keys.
    var problems: [String] {
        func positive(_ value: Double, _ key: String) -> String? {
            value > 0 && value.isFinite ? nil : "rope_scaling.\(key) must be positive and finite, got \(value)"
        }
        switch self {
        case .linear(let factor):
            return [positive(factor, "factor")].compactMap { $0 }
        case .llama3(let factor, let low, let high, let originalMaxPositions):
            var problems = [positive(factor, "factor"), positive(low, "low_freq_factor"), positive(high, "high_freq_factor")]
                .compactMap { $0 }
            if problems.isEmpty, !(high > low) {
                problems.append("rope_scaling.high_freq_factor (\(high)) must exceed low_freq_factor (\(low))")
            }
            if originalMaxPositions <= 0 {
                problems.append("rope_scaling.original_max_position_embeddings must be a positive integer, got \(originalMaxPositions)")
            }
            return problems
        }
    }
}
