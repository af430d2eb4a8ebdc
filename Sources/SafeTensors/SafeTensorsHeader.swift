import Foundation
import JSON

/// The parsed header of a safetensors file, checked completely against the data buffer (internal).
///
/// Layout: 8 bytes little-endian UInt64 N, N bytes of UTF-8 JSON (maybe padded with spaces), then the
/// data buffer. The checks are those of the reference Rust implementation: offsets in order and in
/// bounds, each tensor exactly `elementCount × byteSize` bytes, and every byte of the buffer owned by
/// exactly one tensor.
struct SafeTensorsHeader {
    /// Headers longer than this are refused, as in the reference implementation.
    static let maxLength = 100_000_000

    /// Tensors in data-buffer order (by offset, ties by name).
    let tensors: [TensorInfo]
    let metadata: [String: String]
    /// Where the data buffer starts, in bytes from the start of the file.
    let dataStart: Int

    init(parsing file: UnsafeRawBufferPointer, path: String) throws {
        let failure = Failure(path: path)
        let headerLength = try Self.headerLength(of: file, failure)
        let header = UnsafeRawBufferPointer(rebasing: file[8..<(8 + headerLength)])
        let entries = try Self.jsonObject(in: header, failure)
        let (metadata, unordered) = try Self.metadataAndTensors(of: entries, failure)
        let ordered = Self.inBufferOrder(unordered)
        let dataLength = file.count - 8 - headerLength
        try Self.requireSizes(of: ordered, within: dataLength, failure)
        try Self.requireTiling(of: ordered.map(\.info), dataLength: dataLength, failure)

        self.tensors = ordered.map(\.info)
        self.metadata = metadata
        self.dataStart = 8 + headerLength
    }

    /// Builds errors about one file, optionally naming the tensor at fault.
    private struct Failure {
        let path: String
        func callAsFunction(_ problem: String, tensor: String? = nil) -> SafeTensorsError {
            SafeTensorsError(path: path, tensor: tensor, problem)
        }
    }

    // MARK: Steps

    /// The declared header length: inside the file, under `maxLength`, not zero.
    private static func headerLength(of file: UnsafeRawBufferPointer, _ failure: Failure) throws -> Int {
        guard file.count >= 8 else {
            throw failure(
                "the file is \(file.count) bytes, shorter than the 8-byte header length that starts "
                    + "every safetensors file — the file is truncated or not a safetensors file")
        }
        let declared = UInt64(littleEndian: file.loadUnaligned(as: UInt64.self))
        guard declared <= UInt64(file.count - 8) else {
            throw failure(
                "header length \(declared) runs past the end of the file (\(file.count) bytes) "
                    + "— the file is truncated or not a safetensors file")
        }
        guard declared <= UInt64(Self.maxLength) else {
            throw failure(
                "header length \(declared) exceeds the \(Self.maxLength)-byte limit "
                    + "— the file is corrupt or not a safetensors file")
        }
        guard declared > 0 else {
            throw failure("header length is 0; expected a JSON object describing the tensors")
        }
        return Int(declared)
    }

    /// The header's entries: it must be UTF-8 JSON holding one object.
    private static func jsonObject(
        in header: UnsafeRawBufferPointer, _ failure: Failure
    ) throws -> [String: JSONValue] {
        if let offset = Self.firstInvalidUTF8(header) {
            throw failure("header is not valid UTF-8 (bad byte at header offset \(offset))")
        }
        let (parsed, syntaxError) = JSONValue.parse(Data(header))
        guard let parsed else {
            throw failure("header is not valid JSON" + (syntaxError.map { " (\($0))" } ?? ""))
        }
        guard case .object(let entries) = parsed else {
            throw failure(
                "header is \(parsed.kind); expected a JSON object mapping tensor names to "
                    + "{\"dtype\", \"shape\", \"data_offsets\"}")
        }
        return entries
    }

    /// `__metadata__` and every tensor entry (with the byte count its dtype and shape need), by name.
    private static func metadataAndTensors(
        of entries: [String: JSONValue], _ failure: Failure
    ) throws -> (metadata: [String: String], tensors: [(info: TensorInfo, byteCount: Int)]) {
        var metadata: [String: String] = [:]
        var tensors: [(info: TensorInfo, byteCount: Int)] = []
        for (name, value) in entries.sorted(by: { $0.key < $1.key }) {
            if name == "__metadata__" {
                metadata = try Self.metadata(value, failure: { failure($0) })
            } else {
                tensors.append(try Self.tensor(name, value, failure: { failure($0, tensor: name) }))
            }
        }
        return (metadata, tensors)
    }

    /// Tensors in data-buffer order: by offsets, ties by name.
    private static func inBufferOrder(
        _ tensors: [(info: TensorInfo, byteCount: Int)]
    ) -> [(info: TensorInfo, byteCount: Int)] {
        tensors.sorted {
            ($0.info.dataOffsets.lowerBound, $0.info.dataOffsets.upperBound, $0.info.name)
                < ($1.info.dataOffsets.lowerBound, $1.info.dataOffsets.upperBound, $1.info.name)
        }
    }

    /// Each tensor's bytes lie inside the data buffer and are exactly as many as its dtype and shape need.
    private static func requireSizes(
        of tensors: [(info: TensorInfo, byteCount: Int)], within dataLength: Int, _ failure: Failure
    ) throws {
        for (info, byteCount) in tensors {
            let offsets = info.dataOffsets
            let written = "data_offsets [\(offsets.lowerBound), \(offsets.upperBound)]"
            guard offsets.upperBound <= dataLength else {
                throw failure(
                    "\(written) run past the end of the data buffer (\(dataLength) bytes) "
                        + "— the file is truncated", tensor: info.name)
            }
            guard offsets.count == byteCount else {
                throw failure(
                    "\(written) hold \(offsets.count) bytes, but shape \(info.shape) of \(info.dtype.rawValue) "
                        + "needs \(byteCount) (\(info.elementCount) elements × \(info.dtype.byteSize) bytes)",
                    tensor: info.name)
            }
        }
    }

    /// Every byte of the buffer belongs to exactly one tensor: no overlaps, no holes.
    private static func requireTiling(
        of ordered: [TensorInfo], dataLength: Int, _ failure: Failure
    ) throws {
        var end = 0
        var previous: TensorInfo?
        for info in ordered {
            let offsets = info.dataOffsets
            if offsets.lowerBound < end, let previous {
                throw failure(
                    "bytes \(offsets) overlap tensor \"\(previous.name)\" (bytes \(previous.dataOffsets))",
                    tensor: info.name)
            }
            if offsets.lowerBound > end {
                throw failure(
                    "data buffer has a hole: bytes \(end)..<\(offsets.lowerBound) belong to no tensor "
                        + "(the next tensor is \"\(info.name)\")")
            }
            end = offsets.upperBound
            previous = info
        }
        if end < dataLength {
            throw failure(
                "data buffer has a hole: its last \(dataLength - end) bytes (\(end)..<\(dataLength)) "
                    + "belong to no tensor")
        }
    }

    /// Reads the `__metadata__` object: string keys to string values (null counts as empty).
    private static func metadata(
        _ value: JSONValue, failure: (String) -> SafeTensorsError
    ) throws -> [String: String] {
        switch value {
        case .null:
            return [:]
        case .object(let fields):
            var metadata: [String: String] = [:]
            for (key, field) in fields.sorted(by: { $0.key < $1.key }) {
                guard case .string(let text) = field else {
                    throw failure("__metadata__ key \"\(key)\" is \(field.kind); expected a string")
                }
                metadata[key] = text
            }
            return metadata
        default:
            throw failure("__metadata__ is \(value.kind); expected an object of string values")
        }
    }

    /// Reads one tensor entry and the byte count its dtype and shape require.
    private static func tensor(
        _ name: String, _ value: JSONValue, failure: (String) -> SafeTensorsError
    ) throws -> (info: TensorInfo, byteCount: Int) {
        guard case .object(let fields) = value else {
            throw failure(
                "entry is \(value.kind); expected an object with \"dtype\", \"shape\" and \"data_offsets\"")
        }
        guard let dtypeField = fields["dtype"] else { throw failure("missing \"dtype\"") }
        guard case .string(let dtypeName) = dtypeField else {
            throw failure("\"dtype\" is \(dtypeField.kind); expected a string such as \"F32\"")
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            if DType.subByteNames.contains(dtypeName) {
                throw failure("dtype \(dtypeName) packs elements smaller than a byte, which this reader does not support")
            }
            let known = DType.allCases.map(\.rawValue).joined(separator: ", ")
            throw failure("unknown dtype \"\(dtypeName)\"; expected one of \(known)")
        }
        let shape = try naturals(fields["shape"], field: "shape", failure: failure)
        let offsets = try naturals(fields["data_offsets"], field: "data_offsets", failure: failure)
        guard offsets.count == 2 else {
            throw failure("\"data_offsets\" has \(offsets.count) numbers; expected two, [begin, end]")
        }
        guard offsets[0] <= offsets[1] else {
            throw failure("data_offsets [\(offsets[0]), \(offsets[1])] end before they begin")
        }
        var elementCount = 1
        for dimension in shape {
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw failure("shape \(shape) has more elements than an Int can count") }
            elementCount = product
        }
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else { throw failure("shape \(shape) of \(dtypeName) has more bytes than an Int can count") }
        let info = TensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: offsets[0]..<offsets[1])
        return (info, byteCount)
    }

    /// Reads a field that must be an array of non-negative integers.
    private static func naturals(
        _ value: JSONValue?, field: String, failure: (String) -> SafeTensorsError
    ) throws -> [Int] {
        guard let value else { throw failure("missing \"\(field)\"") }
        guard case .array(let elements) = value else {
            throw failure("\"\(field)\" is \(value.kind); expected an array of non-negative integers")
        }
        return try elements.enumerated().map { index, element in
            guard case .int(let number) = element else {
                throw failure("\"\(field)\" element \(index) is \(element.kind); expected a non-negative integer")
            }
            guard number >= 0 else {
                throw failure("\"\(field)\" element \(index) is \(number); expected a non-negative integer")
            }
            return number
        }
    }

    /// The offset of the first byte that is not part of valid UTF-8, or nil if all of it is.
    private static func firstInvalidUTF8(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
