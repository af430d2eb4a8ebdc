import Foundation
import Testing

@testable import SafeTensors

/// Files written once by Python's `safetensors` 0.8.0 (with torch 2.13), embedded as base64.
@Suite("Files written by Python's safetensors")
struct GoldenTests {
    /// `safetensors.torch.save(tensors, metadata={"format": "pt", "note": "golden"})` of:
    ///   "embed.weight"   F32  [[0, 1, -2.5], [3.25, 1e-3, -65504]]
    ///   "norm.weight"    F16  [1, -2.5, 65504, 2**-24, inf]
    ///   "lm_head.weight" BF16 [[1, -2.5], [3.140625, -inf]]
    ///   "step"           I64  scalar 7
    ///   "scale"          F64  [0.5, -0.125]
    ///   "empty"          F32  zeros((0, 4))
    /// Python orders them by dtype alignment (descending), then name.
    static let mixed = Data(base64Encoded: """
        sAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJub3RlIjoiZ29sZGVuIiwiZm9ybWF0IjoicHQifSwic3RlcCI6eyJkdHlwZSI6Ikk2NCIsInNoYXBl\
        IjpbXSwiZGF0YV9vZmZzZXRzIjpbMCw4XX0sInNjYWxlIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbOCwyNF19\
        LCJlbWJlZC53ZWlnaHQiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzIsM10sImRhdGFfb2Zmc2V0cyI6WzI0LDQ4XX0sImVtcHR5Ijp7ImR0eXBl\
        IjoiRjMyIiwic2hhcGUiOlswLDRdLCJkYXRhX29mZnNldHMiOls0OCw0OF19LCJsbV9oZWFkLndlaWdodCI6eyJkdHlwZSI6IkJGMTYiLCJzaGFw\
        ZSI6WzIsMl0sImRhdGFfb2Zmc2V0cyI6WzQ4LDU2XX0sIm5vcm0ud2VpZ2h0Ijp7ImR0eXBlIjoiRjE2Iiwic2hhcGUiOls1XSwiZGF0YV9vZmZz\
        ZXRzIjpbNTYsNjZdfX0gICAgICAHAAAAAAAAAAAAAAAAAOA/AAAAAAAAwL8AAAAAAACAPwAAIMAAAFBAbxKDOgDgf8eAPyDASUCA/wA8AMH/ewEA\
        AHw=
        """)

    /// `safetensors.torch.save(tensors, metadata={"format": "pt"})` of F32 tensors:
    ///   "a.bias" [1.5, -2], "a.weight" arange(6).reshape(2, 3) / 4, "z" scalar 3.
    static let float32 = Data(base64Encoded: """
        0AAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhLmJpYXMiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzJdLCJkYXRhX29m\
        ZnNldHMiOlswLDhdfSwiYS53ZWlnaHQiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzIsM10sImRhdGFfb2Zmc2V0cyI6WzgsMzJdfSwieiI6eyJk\
        dHlwZSI6IkYzMiIsInNoYXBlIjpbXSwiZGF0YV9vZmZzZXRzIjpbMzIsMzZdfX0gAADAPwAAAMAAAAAAAACAPgAAAD8AAEA/AACAPwAAoD8AAEBA
        """)

    @Test("a mixed-dtype file from Python reads with the right names, shapes, values and metadata")
    func readsPythonFile() throws {
        let data = try #require(Self.mixed)
        let file = try SafeTensorsFile(data: data, path: "golden.safetensors")

        #expect(file.names == ["step", "scale", "embed.weight", "empty", "lm_head.weight", "norm.weight"])
        #expect(file.metadata == ["format": "pt", "note": "golden"])
        let layout = file.names.compactMap { file.tensors[$0] }.map { ($0.dtype, $0.shape, $0.dataOffsets) }
        #expect(layout.map(\.0) == [.i64, .f64, .f32, .f32, .bf16, .f16])
        #expect(layout.map(\.1) == [[], [2], [2, 3], [0, 4], [2, 2], [5]])
        #expect(layout.map(\.2) == [0..<8, 8..<24, 24..<48, 48..<48, 48..<56, 56..<66])

        #expect(try file.floats("embed.weight") == [0, 1, -2.5, 3.25, 1e-3, -65504])
        #expect(try file.floats("norm.weight") == [1, -2.5, 65504, 0x1p-24, .infinity])
        #expect(try file.floats("lm_head.weight") == [1, -2.5, 3.140625, -.infinity])
        #expect(try file.floats("scale") == [0.5, -0.125])
        #expect(try file.floats("empty") == [])
        #expect(try file.withRawBytes("step") { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) } == 7)
    }

    @Test("the writer reproduces Python's F32 file byte for byte")
    func writerMatchesPython() throws {
        let expected = try #require(Self.float32)
        let file = try SafeTensorsFile(data: expected, path: "golden-f32.safetensors")
        #expect(try file.floats("a.weight") == [0, 0.25, 0.5, 0.75, 1, 1.25])

        let bias: [Float] = [1.5, -2]
        let weight: [Float] = [0, 0.25, 0.5, 0.75, 1, 1.25]
        let z: [Float] = [3]
        let url = try temporaryDirectory().appendingPathComponent("mine.safetensors")
        try bias.withUnsafeBufferPointer { bias in
            try weight.withUnsafeBufferPointer { weight in
                try z.withUnsafeBufferPointer { z in
                    try SafeTensorsWriter.write(
                        [("a.bias", [2], bias), ("a.weight", [2, 3], weight), ("z", [], z)],
                        metadata: ["format": "pt"], to: url)
                }
            }
        }
        #expect(try Data(contentsOf: url) == expected)
    }
}
