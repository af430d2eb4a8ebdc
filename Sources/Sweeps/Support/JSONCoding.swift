import Foundation

/// JSON with sorted snake_case keys; non-finite numbers as strings.
public func jsonEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
}

/// Reads what `jsonEncoder` writes.
public func jsonDecoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
}

extension Encodable {
    /// Writes self as sorted, snake_case JSON, atomically.
    public func write(to url: URL) throws {
        var data = try jsonEncoder().encode(self)
        data.append(UInt8(ascii: "\n"))
        try data.write(to: url, options: .atomic)
    }
}

/// Progress for people: to standard error, so standard output stays machine-readable.
public func printProgress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
