import Foundation
import Testing

@testable import SafeTensors

@Suite("Converting F16, BF16, F64 and F32 to Float")
struct FloatDecodingTests {
    /// A file with a 1-byte U8 tensor first, so the tensor under test starts at an odd offset.
    func oddlyPlaced(dtype: String, count: Int, elementBytes: [UInt8]) throws -> SafeTensorsFile {
        let end = 1 + elementBytes.count
        let header = """
            {"pad":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},\
            "t":{"dtype":"\(dtype)","shape":[\(count)],"data_offsets":[1,\(end)]}}
            """
        return try SafeTensorsFile(data: safetensorsBytes(header: header, data: [0xAA] + elementBytes))
    }

    @Test("F16 bit patterns decode to their hand-computed values, at an odd offset")
    func halfPrecision() throws {
        let cases: [(bits: UInt16, value: Float)] = [
            (0x3C00, 1.0),
            (0xC100, -2.5),  // sign, exponent 16 → 2^1, mantissa 0x100 → 1.25
            (0x7BFF, 65504),  // largest finite half
            (0x0400, 0x1p-14),  // smallest normal
            (0x0001, 0x1p-24),  // smallest subnormal
            (0x03FF, 1023 * 0x1p-24),  // largest subnormal
            (0x7C00, .infinity),
            (0xFC00, -.infinity),
            (0x0000, 0),
        ]
        let file = try oddlyPlaced(dtype: "F16", count: cases.count, elementBytes: bytes(bitPatterns: cases.map(\.bits)))
        #expect(try file.floats("t") == cases.map(\.value))

        let negativeZeroAndNaN = try oddlyPlaced(dtype: "F16", count: 2, elementBytes: bytes(bitPatterns: [0x8000, 0x7E00]))
        let values = try negativeZeroAndNaN.floats("t")
        #expect(values[0] == 0 && values[0].sign == .minus)
        #expect(values[1].isNaN)
    }

    @Test("BF16 bit patterns decode to their hand-computed values, at an odd offset")
    func brainFloat() throws {
        let cases: [(bits: UInt16, value: Float)] = [
            (0x3F80, 1.0),
            (0xC020, -2.5),
            (0x477F, 65280),  // 2^15 × (1 + 127/128)
            (0x4049, 3.140625),  // 2 × (1 + 73/128)
            (0x7F7F, Float(bitPattern: 0x7F7F_0000)),  // largest finite bfloat16, ≈ 3.39e38
            (0x0001, 0x1p-133),  // smallest subnormal
            (0x7F80, .infinity),
            (0xFF80, -.infinity),
        ]
        let file = try oddlyPlaced(dtype: "BF16", count: cases.count, elementBytes: bytes(bitPatterns: cases.map(\.bits)))
        #expect(try file.floats("t") == cases.map(\.value))
    }

    @Test("F64 narrows to the nearest Float, overflowing to infinity")
    func doublePrecision() throws {
        let doubles: [Double] = [0.5, -0.125, 1.0 / 3.0, 1e300, -1e-300]
        let elementBytes = doubles.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        let file = try oddlyPlaced(dtype: "F64", count: doubles.count, elementBytes: elementBytes)
        let values = try file.floats("t")
        #expect(values == [0.5, -0.125, Float(1.0 / 3.0), .infinity, -0.0])
    }

    @Test("F32 reads bit-exactly from an odd offset")
    func singlePrecision() throws {
        let floats: [Float] = [1, -2.5, .pi, .leastNonzeroMagnitude, -.greatestFiniteMagnitude]
        let file = try oddlyPlaced(dtype: "F32", count: floats.count, elementBytes: bytes(floats: floats))
        #expect(try file.floats("t").map(\.bitPattern) == floats.map(\.bitPattern))
    }

    @Test("raw bytes of a non-float tensor are available through withRawBytes")
    func rawBytes() throws {
        let file = try oddlyPlaced(dtype: "I16", count: 2, elementBytes: [0x01, 0x00, 0xFF, 0xFF])
        let values = try file.withRawBytes("t") { raw in
            (0..<2).map { Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self)) }
        }
        #expect(values == [1, -1])
    }
}
