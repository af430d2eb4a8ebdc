import Foundation
import Testing

@testable import SafeTensors

/// Bytes of a safetensors file: the 8-byte little-endian length, `header` as given, then `data`.
func safetensorsBytes(header: String, data: [UInt8] = []) -> Data {
    let json = Data(header.utf8)
    var bytes = Data()
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(json)
    bytes.append(contentsOf: data)
    return bytes
}

/// Little-endian bytes of 16-bit patterns (F16, BF16).
func bytes(bitPatterns patterns: [UInt16]) -> [UInt8] {
    patterns.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
}

/// Little-endian bytes of Floats (F32).
func bytes(floats values: [Float]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
}

/// Reads `data` expecting a `SafeTensorsError` whose message contains every fragment.
func expectReadFailure(
    _ data: Data, mentions fragments: String..., sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        let file = try SafeTensorsFile(data: data, path: "bad.safetensors")
        Issue.record("expected an error, but read tensors \(file.names)", sourceLocation: sourceLocation)
    } catch let error as SafeTensorsError {
        expect(error, mentions: fragments, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected SafeTensorsError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// Checks that `error` names the file and contains every fragment.
func expect(_ error: SafeTensorsError, mentions fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    let message = error.description
    #expect(message.hasPrefix(error.path + ": "), "\(message)", sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(message.contains(fragment), "\(message)", sourceLocation: sourceLocation)
    }
}

/// A fresh empty directory under the system temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("SafeTensorsTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// SplitMix64: a tiny deterministic generator, so fuzz failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
