import Foundation

/// A safetensors file read into memory (mapped where possible), its header fully validated.
///
/// Reading a tensor never re-checks the layout: `init` has already proved every tensor's bytes lie
/// inside the data buffer and match its dtype and shape.
public struct SafeTensorsFile: Sendable {
    /// The file the tensors came from, as given (`<memory>` for `init(data:)` without a path).
    public let path: String
    /// Every tensor in the file, by name.
    public let tensors: [String: TensorInfo]
    /// Tensor names in file order (by offset in the data buffer).
    public let names: [String]
    /// The `__metadata__` object, empty if the file has none.
    public let metadata: [String: String]

    private let bytes: Data
    private let dataStart: Int

    /// Reads and validates the file at `url`. Throws `SafeTensorsError`.
    public init(contentsOf url: URL) throws {
        let path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw SafeTensorsError(path: path, "cannot read the file: \(error.localizedDescription)")
            }
        }
        try self.init(data: data, path: path)
    }

    /// Validates the bytes of a whole safetensors file; `path` only labels errors. Throws `SafeTensorsError`.
    public init(data: Data, path: String = "<memory>") throws {
        let header = try data.withUnsafeBytes { try SafeTensorsHeader(parsing: $0, path: path) }
        self.path = path
        self.tensors = Dictionary(uniqueKeysWithValues: header.tensors.map { ($0.name, $0) })
        self.names = header.tensors.map(\.name)
        self.metadata = header.metadata
        self.bytes = data
        self.dataStart = header.dataStart
    }

    /// The entry for `name`; throws if the file has no such tensor.
    public func info(_ name: String) throws -> TensorInfo {
        guard let info = tensors[name] else {
            let shown = names.prefix(8).map { "\"\($0)\"" }.joined(separator: ", ")
            let more = names.count > 8 ? ", …" : ""
            throw SafeTensorsError(
                path: path, tensor: name,
                "no such tensor in the file; it has \(names.count): \(shown)\(more)")
        }
        return info
    }

    /// The tensor's elements converted to `Float`, in row-major order.
    ///
    /// Converts F32, F16, BF16 and F64; throws for a missing name or any other dtype.
    public func floats(_ name: String) throws -> [Float] {
        let info = try floatInfo(name)
        return [Float](unsafeUninitializedCapacity: info.elementCount) { destination, initialized in
            decode(info, into: destination)
            initialized = info.elementCount
        }
    }

    /// Converts the tensor's elements to `Float` into `destination`, which must hold exactly as many.
    public func copyFloats(_ name: String, into destination: UnsafeMutableBufferPointer<Float>) throws {
        let info = try floatInfo(name)
        guard destination.count == info.elementCount else {
            throw SafeTensorsError(
                path: path, tensor: name,
                "has \(info.elementCount) elements (shape \(info.shape)) "
                    + "but the destination holds \(destination.count) floats")
        }
        decode(info, into: destination)
    }

    /// Calls `body` with the tensor's raw little-endian bytes, valid only during the call.
    public func withRawBytes<Result>(
        _ name: String, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result {
        let info = try info(name)
        return try bytes.withUnsafeBytes { file in
            let start = dataStart + info.dataOffsets.lowerBound
            return try body(UnsafeRawBufferPointer(rebasing: file[start..<(start + info.dataOffsets.count)]))
        }
    }

    private func floatInfo(_ name: String) throws -> TensorInfo {
        let info = try info(name)
        guard info.dtype.convertsToFloat else {
            throw SafeTensorsError(
                path: path, tensor: name,
                "has dtype \(info.dtype.rawValue); only F32, F16, BF16 and F64 convert to Float")
        }
        return info
    }

    private func decode(_ info: TensorInfo, into destination: UnsafeMutableBufferPointer<Float>) {
        bytes.withUnsafeBytes { file in
            let start = dataStart + info.dataOffsets.lowerBound
            let source = UnsafeRawBufferPointer(rebasing: file[start..<(start + info.dataOffsets.count)])
            FloatDecoding.decode(source, as: info.dtype, into: destination)
        }
    }
}
