import Foundation
import Kernels
import Model
import TestSupport
import Testing

/// Checkpoints stored in half precision, as most published models are: F16 and BF16 tensors are
/// converted to fp32 when loaded.
@Suite("Half-precision checkpoints")
struct HalfPrecisionCheckpointTests {
    /// Values exact in both formats, with their bit patterns written out by hand
    /// (value, F16 bits, BF16 bits): the top 16 bits of the fp32 pattern are the BF16 one.
    static let exactValues: [(value: Float, f16: UInt16, bf16: UInt16)] = [
        (0, 0x0000, 0x0000), (1, 0x3C00, 0x3F80), (-1, 0xBC00, 0xBF80), (0.5, 0x3800, 0x3F00),
        (-0.25, 0xB400, 0xBE80), (0.125, 0x3000, 0x3E00), (1.5, 0x3E00, 0x3FC0), (-0.375, 0xB600, 0xBEC0),
        (0.0625, 0x2C00, 0x3D80), (-3, 0xC200, 0xC040),
        // The smallest F16 subnormal, 2⁻²⁴: normal in BF16.
        (0x1p-24, 0x0001, 0x3380),
    ]

    enum Format: String, CaseIterable, CustomStringConvertible {
        case f16 = "F16", bf16 = "BF16"
        var description: String { rawValue }
    }

    /// The value stored for element i of the model (a fixed shuffle of the table).
    static func valueIndex(_ i: Int) -> Int { (i * 7 + i / 5) % exactValues.count }

    /// config.json for `config` and a model.safetensors holding every tensor in `dtype(slot)`,
    /// built byte by byte: 8-byte little-endian header length, JSON header, data.
    static func writeCheckpoint(
        _ config: LlamaConfig, to directory: URL, dtype: (TensorSlot) -> String
    ) throws {
        let layout = ParameterLayout(config: config)
        try JSONEncoder().encode(config).write(to: directory.appendingPathComponent("config.json"))
        var entries: [String] = [], data: [UInt8] = []
        for slot in layout.slots {
            let type = dtype(slot)
            let start = data.count
            for i in slot.offset..<slot.offset + slot.count {
                let entry = exactValues[valueIndex(i)]
                switch type {
                case "F16": data += [UInt8(entry.f16 & 0xFF), UInt8(entry.f16 >> 8)]
                case "BF16": data += [UInt8(entry.bf16 & 0xFF), UInt8(entry.bf16 >> 8)]
                default: withUnsafeBytes(of: entry.value.bitPattern.littleEndian) { data += $0 }
                }
            }
            let shape = slot.shape.map(String.init).joined(separator: ",")
            entries.append("\"\(slot.name)\":{\"dtype\":\"\(type)\",\"shape\":[\(shape)],\"data_offsets\":[\(start),\(data.count)]}")
        }
        var header = Array("{\"__metadata__\":{\"format\":\"pt\"},\(entries.joined(separator: ","))}".utf8)
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        var file: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file += $0 }
        file += header + data
        try Data(file).write(to: directory.appendingPathComponent("model.safetensors"))
    }

    @Test("A checkpoint stored in half precision loads with every value converted exactly",
          arguments: Format.allCases, [Variant.untied, Variant.tied])
    func halfPrecisionLoadsExactly(format: Format, variant: Variant) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.writeCheckpoint(variant.config, to: directory) { _ in format.rawValue }

        let model = try Llama.load(from: directory)

        var mismatches: [String] = []
        for i in 0..<model.parameterCount where model.parameters[i] != Self.exactValues[Self.valueIndex(i)].value {
            mismatches.append("[\(i)] = \(model.parameters[i]), expected \(Self.exactValues[Self.valueIndex(i)].value)")
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) values differ, first: \(mismatches.prefix(3))")
        // Every value of the table occurs, so each bit pattern has been decoded at least once.
        #expect(Set((0..<model.parameterCount).map(Self.valueIndex)).count == Self.exactValues.count)
        #expect(model.logProbabilities(of: [1, 2, 3]).allSatisfy { $0.isFinite })
    }

    @Test("A checkpoint mixing F32, F16 and BF16 tensors loads each by its own dtype")
    func mixedDtypesLoad() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Norms in F32 (as mixed-precision training keeps them), attention in BF16, the rest F16.
        try Self.writeCheckpoint(Variant.grouped.config, to: directory) { slot in
            slot.shape.count == 1 ? "F32" : slot.name.contains("self_attn") ? "BF16" : "F16"
        }

        let model = try Llama.load(from: directory)

        let wrong = (0..<model.parameterCount).filter { model.parameters[$0] != Self.exactValues[Self.valueIndex($0)].value }
        #expect(wrong.isEmpty, "\(wrong.count) values differ, first at \(wrong.prefix(5))")
    }

    @Test("Values that half precision rounds load as the rounded value: F16 65504, BF16 1/3")
    func roundedValuesLoadAsStored() throws {
        let config = LlamaConfig(dim: 2, hiddenDim: 2, nLayers: 1, nHeads: 1, vocabSize: 2, maxSeqLen: 4, tiedEmbeddings: true)
        let layout = ParameterLayout(config: config)
        #expect(layout.count == 4 + 2 + 4 * 4 + 2 + 3 * 4 + 2)
        for (format, bits, expected) in [("F16", UInt16(0x7BFF), Float(65504)), ("BF16", 0x3EAB, 0.333984375)] {
            let directory = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            try JSONEncoder().encode(config).write(to: directory.appendingPathComponent("config.json"))
            var entries: [String] = [], data: [UInt8] = []
            for slot in layout.slots {
                let start = data.count
                for _ in 0..<slot.count { data += [UInt8(bits & 0xFF), UInt8(bits >> 8)] }
                entries.append("\"\(slot.name)\":{\"dtype\":\"\(format)\",\"shape\":\(slot.shape),\"data_offsets\":[\(start),\(data.count)]}")
            }
            let header = Array("{\(entries.joined(separator: ","))}".utf8)
            var file: [UInt8] = []
            withUnsafeBytes(of: UInt64(header.count).littleEndian) { file += $0 }
            try Data(file + header + data).write(to: directory.appendingPathComponent("model.safetensors"))

            let model = try Llama.load(from: directory)

            #expect(model.parameters.array.allSatisfy { $0 == expected }, "\(format) \(String(bits, radix: 16)): \(model.parameters.array.prefix(4))")
        }
    }
}
