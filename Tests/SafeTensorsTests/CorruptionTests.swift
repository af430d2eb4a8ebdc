import Foundation
import Testing

@testable import SafeTensors

/// One test per way a file can be broken; each checks the message names the problem.
@Suite("Rejecting corrupt files with clear errors")
struct CorruptionTests {
    /// A valid two-tensor header for 24 bytes of data: "a" is F32 [2] at 0..<8, "b" is F32 [2, 2] at 8..<24.
    static let validHeader = """
        {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},\
        "b":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]}}
        """
    static let validData = bytes(floats: [Float](repeating: 1, count: 6))

    /// Bytes with one tensor `t` described by `fields` (JSON members without braces) and `data`.
    func oneTensor(_ fields: String, data: [UInt8] = [UInt8](repeating: 0, count: 8)) -> Data {
        safetensorsBytes(header: "{\"t\":{\(fields)}}", data: data)
    }

    @Test("the valid file used below does parse")
    func validBaseline() throws {
        let file = try SafeTensorsFile(data: safetensorsBytes(header: Self.validHeader, data: Self.validData))
        #expect(file.names == ["a", "b"])
    }

    @Test("a file shorter than 8 bytes")
    func shorterThanLength() {
        expectReadFailure(Data([1, 2, 3]), mentions: "bad.safetensors: ", "3 bytes", "shorter than the 8-byte header length")
    }

    @Test("a header length that runs past the end of the file")
    func headerPastEnd() {
        var data = Data(count: 4096)
        withUnsafeBytes(of: UInt64(123_456_789).littleEndian) { data.replaceSubrange(0..<8, with: $0) }
        expectReadFailure(
            data, mentions: "header length 123456789 runs past the end of the file (4096 bytes)", "truncated")
    }

    @Test("a header length over the 100 MB limit")
    func headerTooLong() {
        var data = Data(count: 100_000_016)
        withUnsafeBytes(of: UInt64(100_000_001).littleEndian) { data.replaceSubrange(0..<8, with: $0) }
        expectReadFailure(data, mentions: "header length 100000001 exceeds the 100000000-byte limit")
    }

    @Test("a header length of zero")
    func emptyHeader() {
        expectReadFailure(safetensorsBytes(header: ""), mentions: "header length is 0")
    }

    @Test("a header that is not UTF-8")
    func headerNotUTF8() {
        var data = safetensorsBytes(header: "{\"a\":1}")
        data[8 + 3] = 0xFF
        expectReadFailure(data, mentions: "not valid UTF-8", "header offset 3")
    }

    @Test("a header that is not JSON")
    func headerNotJSON() {
        expectReadFailure(safetensorsBytes(header: "{\"a\": {\"dtype\": "), mentions: "header is not valid JSON")
    }

    @Test("a header whose JSON is not an object")
    func headerNotObject() {
        expectReadFailure(safetensorsBytes(header: "[1, 2]  "), mentions: "header is an array; expected a JSON object")
    }

    @Test("a tensor entry that is not an object")
    func entryNotObject() {
        expectReadFailure(safetensorsBytes(header: "{\"t\": 5}"), mentions: "tensor \"t\": entry is an integer")
    }

    @Test("a tensor entry missing a required field", arguments: ["dtype", "shape", "data_offsets"])
    func missingField(field: String) {
        let fields = [
            "dtype": "\"dtype\":\"F32\"", "shape": "\"shape\":[2]", "data_offsets": "\"data_offsets\":[0,8]",
        ]
        let present = ["dtype", "shape", "data_offsets"].filter { $0 != field }.compactMap { fields[$0] }
        expectReadFailure(oneTensor(present.joined(separator: ",")), mentions: "tensor \"t\": missing \"\(field)\"")
    }

    @Test(
        "a field of the wrong type",
        arguments: [
            ("\"dtype\":5,\"shape\":[2],\"data_offsets\":[0,8]", "\"dtype\" is an integer; expected a string"),
            ("\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]", "\"shape\" is a string; expected an array"),
            ("\"dtype\":\"F32\",\"shape\":[true],\"data_offsets\":[0,8]", "\"shape\" element 0 is a boolean"),
            ("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.5]", "\"data_offsets\" element 1 is a number that is not an Int"),
            ("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,1e30]", "\"data_offsets\" element 1 is a number that is not an Int"),
            ("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,16]", "\"data_offsets\" has 3 numbers; expected two"),
        ])
    func wrongFieldType(fields: String, fragment: String) {
        expectReadFailure(oneTensor(fields), mentions: "tensor \"t\": ", fragment)
    }

    @Test("a negative dimension or offset")
    func negativeNumbers() {
        expectReadFailure(
            oneTensor("\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,8]"),
            mentions: "\"shape\" element 1 is -1; expected a non-negative integer")
        expectReadFailure(
            oneTensor("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]"),
            mentions: "\"data_offsets\" element 0 is -8")
    }

    @Test("an unknown dtype")
    func unknownDType() {
        expectReadFailure(
            oneTensor("\"dtype\":\"F17\",\"shape\":[2],\"data_offsets\":[0,8]"),
            mentions: "tensor \"t\": unknown dtype \"F17\"; expected one of F64, F32, F16, BF16")
    }

    @Test("a sub-byte dtype")
    func subByteDType() {
        expectReadFailure(
            oneTensor("\"dtype\":\"F4\",\"shape\":[2],\"data_offsets\":[0,1]", data: [0]),
            mentions: "dtype F4 packs elements smaller than a byte")
    }

    @Test("a shape with more elements than an Int can count")
    func shapeOverflow() {
        expectReadFailure(
            oneTensor("\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]"),
            mentions: "more elements than an Int can count")
    }

    @Test("offsets that end before they begin")
    func reversedOffsets() {
        expectReadFailure(
            oneTensor("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]"),
            mentions: "tensor \"t\": data_offsets [8, 0] end before they begin")
    }

    @Test("offsets past the end of the data buffer")
    func offsetsPastEnd() {
        let truncated = safetensorsBytes(header: Self.validHeader, data: Array(Self.validData.prefix(20)))
        expectReadFailure(
            truncated, mentions: "tensor \"b\": data_offsets [8, 24] run past the end of the data buffer (20 bytes)")
    }

    @Test("a byte size that is not shape × dtype size")
    func sizeMismatch() {
        expectReadFailure(
            oneTensor("\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,8]"),
            mentions: "tensor \"t\": data_offsets [0, 8] hold 8 bytes, but shape [2, 3] of F16 needs 12 (6 elements × 2 bytes)")
    }

    @Test("overlapping tensors")
    func overlap() {
        let header = """
            {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},\
            "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}
            """
        expectReadFailure(
            safetensorsBytes(header: header, data: [UInt8](repeating: 0, count: 12)),
            mentions: "tensor \"b\": bytes 4..<12 overlap tensor \"a\" (bytes 0..<8)")
    }

    @Test("a hole between tensors")
    func holeBetween() {
        let header = """
            {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},\
            "b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}
            """
        expectReadFailure(
            safetensorsBytes(header: header, data: [UInt8](repeating: 0, count: 12)),
            mentions: "data buffer has a hole: bytes 4..<8 belong to no tensor (the next tensor is \"b\")")
    }

    @Test("bytes after the last tensor")
    func holeAtEnd() {
        expectReadFailure(
            safetensorsBytes(header: Self.validHeader, data: Self.validData + [0, 0, 0]),
            mentions: "data buffer has a hole: its last 3 bytes (24..<27) belong to no tensor")
    }

    @Test("metadata that is not all strings")
    func metadataNotStrings() {
        expectReadFailure(
            safetensorsBytes(header: "{\"__metadata__\":{\"format\":\"pt\",\"epoch\":3}}"),
            mentions: "__metadata__ key \"epoch\" is an integer; expected a string")
    }

    @Test("a file that does not exist")
    func missingFile() {
        let url = URL(fileURLWithPath: "/nonexistent/model.safetensors")
        do {
            _ = try SafeTensorsFile(contentsOf: url)
            Issue.record("expected an error")
        } catch let error as SafeTensorsError {
            expect(error, mentions: ["/nonexistent/model.safetensors: cannot read the file"])
        } catch {
            Issue.record("expected SafeTensorsError, got \(error)")
        }
    }

    @Test("requesting a tensor the file does not have")
    func missingTensor() throws {
        let file = try SafeTensorsFile(data: safetensorsBytes(header: Self.validHeader, data: Self.validData), path: "m.safetensors")
        let error = #expect(throws: SafeTensorsError.self) { try file.floats("lm_head.weight") }
        if let error { expect(error, mentions: ["m.safetensors: tensor \"lm_head.weight\": no such tensor", "it has 2: \"a\", \"b\""]) }
    }

    @Test("floats() on an I64 tensor")
    func floatsOfIntegers() throws {
        let file = try SafeTensorsFile(
            data: oneTensor("\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]"), path: "m.safetensors")
        let error = #expect(throws: SafeTensorsError.self) { try file.floats("t") }
        if let error { expect(error, mentions: ["tensor \"t\": has dtype I64; only F32, F16, BF16 and F64 convert to Float"]) }
    }

    @Test("copyFloats into a buffer of the wrong size")
    func copyWrongCount() throws {
        let file = try SafeTensorsFile(data: safetensorsBytes(header: Self.validHeader, data: Self.validData), path: "m.safetensors")
        var destination = [Float](repeating: 0, count: 5)
        let error = #expect(throws: SafeTensorsError.self) {
            try destination.withUnsafeMutableBufferPointer { try file.copyFloats("b", into: $0) }
        }
        if let error { expect(error, mentions: ["tensor \"b\": has 4 elements (shape [2, 2]) but the destination holds 5 floats"]) }
    }
}
