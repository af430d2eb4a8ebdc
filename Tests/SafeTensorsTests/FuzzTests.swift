import Foundation
import Testing

@testable import SafeTensors

@Suite("Random corruption")
struct FuzzTests {
    /// A corrupted copy of a valid file.
    ///
    /// Half the time the edits land anywhere, length prefix included; the other half they land inside
    /// the JSON (and sometimes the data) and the length prefix is rewritten to match, so that parsing
    /// gets past the length and JSON checks to the dtype, shape and layout checks.
    static func corrupt(_ file: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        let headerEnd = 8 + file.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        if Bool.random(using: &random) {
            var bytes = file
            edit(&bytes, using: &random)
            return bytes
        }
        var header = Array(file[8..<headerEnd])
        var data = Array(file[headerEnd...])
        edit(&header, using: &random)
        if Int.random(in: 0..<4, using: &random) == 0 { edit(&data, using: &random) }
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes + header + data
    }

    /// One to four random edits: flip a bit, write a JSON-ish or random byte, change a digit, truncate,
    /// delete, insert, or copy a run of bytes over another place.
    static func edit(_ bytes: inout [UInt8], using random: inout SplitMix64) {
        let jsonish = Array("{}[]\",:0123456789-.e F".utf8)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !bytes.isEmpty else { return }
            let position = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1: bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 2: bytes[position] = jsonish.randomElement(using: &random) ?? 0
            case 3: bytes.removeSubrange(position...)
            case 4: bytes.remove(at: position)
            case 5: bytes.insert(jsonish.randomElement(using: &random) ?? 0, at: position)
            case 6:
                let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
                if let digit = bytes[position...].firstIndex(where: digits.contains) {
                    bytes[digit] = UInt8.random(in: digits, using: &random)
                }
            default:
                let length = Int.random(in: 1...16, using: &random)
                let source = Int.random(in: 0..<bytes.count, using: &random)
                let run = bytes[source..<min(source + length, bytes.count)]
                bytes.replaceSubrange(position..<min(position + run.count, bytes.count), with: run)
            }
        }
    }

    @Test("2,000 randomly corrupted files either read or throw SafeTensorsError, never crash")
    func randomMutations() throws {
        let seeds = [try #require(GoldenTests.mixed), try #require(GoldenTests.float32)].map { [UInt8]($0) }
        var random = SplitMix64(state: 0x5AFE_7E45)
        var (read, rejected) = (0, 0)
        for iteration in 0..<2_000 {
            let bytes = Self.corrupt(seeds[iteration % seeds.count], using: &random)
            do {
                let file = try SafeTensorsFile(data: Data(bytes), path: "fuzz.safetensors")
                for name in file.names {
                    let info = try file.info(name)
                    #expect(info.dataOffsets.count == info.elementCount * info.dtype.byteSize)
                    _ = try file.withRawBytes(name) { $0.count }
                    if info.dtype.convertsToFloat {
                        var copy = [Float](repeating: 0, count: info.elementCount)
                        try copy.withUnsafeMutableBufferPointer { try file.copyFloats(name, into: $0) }
                        #expect(try file.floats(name).map(\.bitPattern) == copy.map(\.bitPattern))
                    }
                }
                read += 1
            } catch let error as SafeTensorsError {
                #expect(error.description.hasPrefix("fuzz.safetensors: "))
                rejected += 1
            } catch {
                Issue.record("iteration \(iteration): expected SafeTensorsError, got \(error)")
            }
        }
        // Both outcomes occur: the edits neither all break the file nor all miss.
        #expect(read > 50 && rejected > 500, "read \(read), rejected \(rejected)")
    }
}
