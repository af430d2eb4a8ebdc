/// Converts little-endian F32, F16, BF16 and F64 elements to `Float` (internal).
///
/// Sources may sit at any byte offset, so every element is read with `loadUnaligned`.
enum FloatDecoding {
    /// `source` holds exactly `destination.count` elements of `dtype`, which must convert to Float.
    static func decode(_ source: UnsafeRawBufferPointer, as dtype: DType, into destination: UnsafeMutableBufferPointer<Float>) {
        assert(dtype.convertsToFloat && source.count == destination.count * dtype.byteSize)
        guard !destination.isEmpty else { return }
        switch dtype {
        case .f32:
            #if _endian(little)
            UnsafeMutableRawBufferPointer(destination).copyMemory(from: source)
            #else
            for i in destination.indices {
                destination[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
            #endif
        case .f16:
            for i in destination.indices {
                destination[i] = Float(halfBits: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .bf16:
            for i in destination.indices {
                destination[i] = Float(bfloat16Bits: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .f64:
            for i in destination.indices {
                destination[i] = Float(Double(bitPattern: UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
            }
        default:
            assertionFailure("\(dtype.rawValue) does not convert to Float")
        }
    }
}

extension Float {
    /// The value of an IEEE 754 half-precision bit pattern (exact: every half is a Float).
    init(halfBits bits: UInt16) {
        self.init(Float16(bitPattern: bits))
    }

    /// The value of a bfloat16 bit pattern: the top 16 bits of a Float.
    init(bfloat16Bits bits: UInt16) {
        self.init(bitPattern: UInt32(bits) << 16)
    }
}
