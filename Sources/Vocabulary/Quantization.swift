/// How the frozen base is stored while an adapter trains: fp32 (LoRA), or its projections in NF4
/// (QLoRA), optionally with double-quantized block statistics as bitsandbytes does.
public enum Quantization: String, CaseIterable, Codable, Sendable {
    case none, nf4
    case nf4DoubleQuantized = "nf4-dq"

    public var isQuantized: Bool { self != .none }
    public var isDoubleQuantized: Bool { self == .nf4DoubleQuantized }
}
