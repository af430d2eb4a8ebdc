/// The element type of a tensor, spelled as in the safetensors header.
///
/// Only byte-sized types are listed; sub-byte types (F4, F6_E2M3, F6_E3M2) are rejected when reading.
public enum DType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3", f8e8m0 = "F8_E8M0"
    case f8e4m3fnuz = "F8_E4M3FNUZ", f8e5m2fnuz = "F8_E5M2FNUZ"
    case c64 = "C64"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
    case bool = "BOOL"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f64, .c64, .i64, .u64: 8
        case .f32, .i32, .u32: 4
        case .f16, .bf16, .i16, .u16: 2
        case .f8e5m2, .f8e4m3, .f8e8m0, .f8e4m3fnuz, .f8e5m2fnuz, .i8, .u8, .bool: 1
        }
    }

    /// Whether `SafeTensorsFile.floats(_:)` can convert this type to `Float`.
    public var convertsToFloat: Bool {
        switch self {
        case .f64, .f32, .f16, .bf16: true
        default: false
        }
    }

    /// Types the format defines but this reader cannot size, because an element is smaller than a byte.
    static let subByteNames: Set<String> = ["F4", "F6_E2M3", "F6_E3M2"]
}
