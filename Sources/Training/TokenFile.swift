import Foundation

/// Token streams read from files: UTF-8 text as byte ids (0…255), or a text file of integer ids.
public enum TokenFile {
    /// The bytes of a UTF-8 text file as token ids; the vocabulary is the 256 byte values.
    public static func bytes(of url: URL) throws -> [Int32] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TokenFileError(path: url.path, problem: "cannot be read")
        }
        return data.map { Int32($0) }
    }

    /// Integer ids separated by white space or commas, e.g. "1 2 3" or "1,2,3".
    public static func ids(of url: URL) throws -> [Int32] {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw TokenFileError(path: url.path, problem: "cannot be read as UTF-8 text")
        }
        return try parseIDs(text, source: url.path)
    }

    /// Parses "1,2,3" or "1 2 3"; an entry that is not a non-negative integer is an error naming it.
    public static func parseIDs(_ text: String, source: String) throws -> [Int32] {
        var ids: [Int32] = []
        for (position, field) in text.split(whereSeparator: { $0 == "," || $0.isWhitespace }).enumerated() {
            guard let id = Int32(field), id >= 0 else {
                throw TokenFileError(path: source, problem: "entry \(position + 1) \"\(field)\" is not a non-negative integer token id")
            }
            ids.append(id)
        }
        return ids
    }
}

public struct TokenFileError: Error, CustomStringConvertible {
    public let path: String
    public let problem: String
    public var description: String { "\(path): \(problem)" }
}
