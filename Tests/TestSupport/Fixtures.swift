import Foundation
import Kernels

// Small fixtures shared by several test targets: buffers with given contents, scratch directories.

/// A buffer holding exactly `values`.
public func makeBuffer(_ values: [Float]) -> FloatBuffer {
    let buffer = FloatBuffer(count: values.count)
    for (i, value) in values.enumerated() { buffer[i] = value }
    return buffer
}

/// A fresh empty directory under the system temporary directory, named after the calling test
/// target ("ModelTests-<UUID>"); the caller removes it.
public func temporaryDirectory(fileID: String = #fileID) throws -> URL {
    let target = fileID.split(separator: "/").first.map(String.init) ?? "Tests"
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(target)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
