import Foundation
import Testing

@testable import SafeTensors

@Suite("Writing and reading back")
struct RoundTripTests {
    /// (name, shape, values): a matrix, a scalar, a zero-size tensor, a vector with a non-ASCII name.
    static let tensors: [(name: String, shape: [Int], values: [Float])] = [
        ("embed.weight", [2, 3], [0, 1, -2.5, 3.25, 1e-3, -65504]),
        ("step", [], [7]),
        ("empty", [0, 5], []),
        ("层.bias", [4], [.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]),
    ]
    static let metadata = ["format": "pt", "note": "quote \" backslash \\ newline \n tab \t bell \u{7}"]

    func write(_ tensors: [(name: String, shape: [Int], values: [Float])], metadata: [String: String], to url: URL) throws {
        func withBuffers(
            _ rest: ArraySlice<(name: String, shape: [Int], values: [Float])>,
            _ done: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)]
        ) throws {
            guard let first = rest.first else {
                return try SafeTensorsWriter.write(done, metadata: metadata, to: url)
            }
            try first.values.withUnsafeBufferPointer { values in
                try withBuffers(rest.dropFirst(), done + [(first.name, first.shape, values)])
            }
        }
        try withBuffers(tensors[...], [])
    }

    @Test("several tensors, a scalar, a zero-size one and metadata read back exactly")
    func roundTrip() throws {
        let url = try temporaryDirectory().appendingPathComponent("model.safetensors")
        try write(Self.tensors, metadata: Self.metadata, to: url)

        let file = try SafeTensorsFile(contentsOf: url)
        #expect(file.path == url.path)
        #expect(file.names == Self.tensors.map(\.name))
        #expect(file.metadata == Self.metadata)
        var offset = 0
        for (name, shape, values) in Self.tensors {
            let info = try file.info(name)
            #expect(info == TensorInfo(name: name, dtype: .f32, shape: shape, dataOffsets: offset..<(offset + 4 * values.count)))
            #expect(info.elementCount == values.count)
            #expect(try file.floats(name).map(\.bitPattern) == values.map(\.bitPattern))
            var copy = [Float](repeating: .nan, count: values.count)
            try copy.withUnsafeMutableBufferPointer { try file.copyFloats(name, into: $0) }
            #expect(copy.map(\.bitPattern) == values.map(\.bitPattern))
            offset += 4 * values.count
        }
    }

    @Test("the header is padded with spaces so the data starts at a multiple of 8 bytes")
    func headerAlignment() throws {
        let directory = try temporaryDirectory()
        for count in 0..<8 {
            let url = directory.appendingPathComponent("aligned-\(count).safetensors")
            let name = String(repeating: "x", count: count + 1)
            try write([(name, [count], [Float](repeating: 1, count: count))], metadata: ["format": "pt"], to: url)

            let data = try Data(contentsOf: url)
            let headerLength = data.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
            #expect((8 + headerLength) % 8 == 0)
            let json = String(decoding: data[8..<(8 + headerLength)], as: UTF8.self)
            #expect(json.hasPrefix("{\"__metadata__\":{\"format\":\"pt\"},"))
            #expect(json.reversed().prefix(while: { $0 != "}" }).allSatisfy { $0 == " " })
            #expect(try SafeTensorsFile(contentsOf: url).floats(name) == [Float](repeating: 1, count: count))
        }
    }

    @Test("empty metadata is left out and an empty file list still parses")
    func noTensorsNoMetadata() throws {
        let url = try temporaryDirectory().appendingPathComponent("empty.safetensors")
        try SafeTensorsWriter.write([], metadata: [:], to: url)
        let data = try Data(contentsOf: url)
        #expect(String(decoding: data.dropFirst(8), as: UTF8.self) == "{}      ")
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(file.names.isEmpty && file.metadata.isEmpty)
    }

    @Test("writing replaces an existing file and leaves no temporary file behind")
    func atomicReplace() throws {
        let directory = try temporaryDirectory()
        let url = directory.appendingPathComponent("adapter.safetensors")
        try write([("a", [2], [1, 2])], metadata: ["format": "pt"], to: url)
        try write([("b", [3], [3, 4, 5])], metadata: ["format": "pt"], to: url)

        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["adapter.safetensors"])
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(file.names == ["b"])
        #expect(try file.floats("b") == [3, 4, 5])
    }

    @Test("the writer rejects duplicate names, the reserved name, negative dimensions and wrong counts")
    func writerRejectsBadInput() throws {
        let directory = try temporaryDirectory()
        let url = directory.appendingPathComponent("bad.safetensors")
        let cases: [([(name: String, shape: [Int], values: [Float])], String)] = [
            ([("w", [1], [1]), ("w", [1], [2])], "tensor \"w\": appears twice"),
            ([("__metadata__", [1], [1])], "reserved"),
            ([("w", [-1], [])], "shape [-1] has a negative dimension"),
            ([("w", [2, 3], [1, 2, 3])], "shape [2, 3] needs 6 values but 3 were given"),
        ]
        for (tensors, fragment) in cases {
            do {
                try write(tensors, metadata: [:], to: url)
                Issue.record("expected an error mentioning \(fragment)")
            } catch let error as SafeTensorsError {
                expect(error, mentions: [url.path, fragment])
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("writing into a missing directory throws and names the file")
    func writerMissingDirectory() throws {
        let url = try temporaryDirectory().appendingPathComponent("no/such/dir/model.safetensors")
        do {
            try write([("w", [1], [1])], metadata: [:], to: url)
            Issue.record("expected an error")
        } catch let error as SafeTensorsError {
            expect(error, mentions: [url.path, "temporary file"])
        }
    }
}
