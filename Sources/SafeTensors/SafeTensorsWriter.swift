import Foundation
import JSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes F32 tensors as a safetensors file.
public enum SafeTensorsWriter {
    /// Writes `tensors` in the given order (header and data), with `metadata` as `__metadata__`
    /// (transformers requires `["format": "pt"]`; keys are written sorted, and an empty one is left out).
    ///
    /// The header is padded with spaces so the data buffer starts at a multiple of 8 bytes. The bytes go
    /// to a temporary file in the same directory, which is flushed to disk and then renamed over `url`,
    /// so a crash leaves either the old file or the new one, never half of one. Throws `SafeTensorsError`
    /// for a duplicate or reserved name, a negative dimension, a shape that does not match its values,
    /// or a failed write.
    ///
    /// Given tensors sorted by name and `["format": "pt"]`, the bytes equal those of Python's
    /// `safetensors.torch.save` for the same F32 tensors.
    public static func write(
        _ tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)],
        metadata: [String: String],
        to url: URL
    ) throws {
        let path = url.path
        let header = try header(for: tensors.map { ($0.name, $0.shape, $0.values.count) }, metadata: metadata, path: path)

        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw SafeTensorsError(path: path, "cannot create the temporary file \(temporary.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                try handle.write(contentsOf: header)
                for tensor in tensors {
                    try handle.write(contentsOf: littleEndianBytes(tensor.values))
                }
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            guard rename(temporary.path, path) == 0 else {
                throw SafeTensorsError(
                    path: path, "cannot rename \(temporary.path) into place: \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? SafeTensorsError { throw error }
            throw SafeTensorsError(path: path, "cannot write the file: \(error.localizedDescription)")
        }
    }

    /// The 8-byte length and the padded JSON header for tensors laid out back to back in this order.
    static func header(
        for tensors: [(name: String, shape: [Int], count: Int)], metadata: [String: String], path: String
    ) throws -> Data {
        var entries: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            entries.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var seen: Set<String> = []
        var offset = 0
        for (name, shape, count) in tensors {
            func failure(_ problem: String) -> SafeTensorsError { SafeTensorsError(path: path, tensor: name, problem) }
            guard name != "__metadata__" else { throw failure("the name __metadata__ is reserved for metadata") }
            guard seen.insert(name).inserted else { throw failure("appears twice; tensor names must be unique") }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw failure("shape \(shape) has a negative dimension") }
            var elementCount = 1
            for dimension in shape {
                let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw failure("shape \(shape) has more elements than an Int can count") }
                elementCount = product
            }
            guard elementCount == count else {
                throw failure("shape \(shape) needs \(elementCount) values but \(count) were given")
            }
            let end = offset + 4 * count
            let shapeText = shape.map(String.init).joined(separator: ",")
            entries.append(
                "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shapeText)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var json = Data("{\(entries.joined(separator: ","))}".utf8)
        json.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - json.count % 8) % 8))

        var bytes = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(json)
        return bytes
    }

    /// `values` as little-endian bytes: no copy on little-endian machines.
    private static func littleEndianBytes(_ values: UnsafeBufferPointer<Float>) -> Data {
        #if _endian(little)
        guard let base = values.baseAddress else { return Data() }
        return Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: 4 * values.count, deallocator: .none)
        #else
        var data = Data(capacity: 4 * values.count)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
        #endif
    }
}
