import Foundation
import JSON

/// A dataset file: JSON Lines (one object per line; blank lines are skipped) or one JSON array of
/// objects, every object in the same `DatasetFormat`, which the first one decides.
///
/// Each object is checked field by field; the first problem is a `DatasetFileError` naming the file,
/// the line (or array item), the field and what was expected — never a crash:
/// - Alpaca: `instruction` and `output` non-empty strings, `input` a string, null or missing;
/// - chat: `messages` an array of `{"role", "content"}` with string content: an optional system message
///   first, then user and assistant messages in turn, the user's first and the assistant's last, and no
///   assistant message empty (it is what is learned);
/// - prompt/completion: `prompt` a string, `completion` a non-empty string.
///
/// ```swift
/// let file = try DatasetFile.read(URL(filePath: "chat.jsonl"))
/// file.format   // .chat
/// file.records  // [.conversation([ChatMessage(.user, "Hi"), ChatMessage(.assistant, "Hello")]), …]
/// ```
public struct DatasetFile: Sendable {
    public let path: String
    public let format: DatasetFormat
    public let records: [DatasetRecord]
    /// Where each record is written, for errors found later (a template that does not fit it).
    public let locations: [DatasetFileError.Location]

    /// The records of the file at `url`.
    public static func read(_ url: URL) throws(DatasetFileError) -> DatasetFile {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            throw DatasetFileError(file: url.path, problem: "cannot be read (\(error.localizedDescription))")
        }
        return try parse(bytes, file: url.path)
    }

    /// The records in `bytes`; `file` names the source in errors.
    public static func parse(_ bytes: Data, file: String) throws(DatasetFileError) -> DatasetFile {
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }  // a UTF-8 byte-order mark
        var reader = Reader(file: file)
        if AlpacaFile.Format.detect(bytes) == .json {
            try reader.readArray(Data(bytes))
        } else {
            try reader.readLines(Data(bytes))
        }
        guard let format = reader.format else {
            throw DatasetFileError(file: file, problem: "holds no records; expected one object per line: \(DatasetFormat.anyShape)")
        }
        return DatasetFile(path: file, format: format, records: reader.records, locations: reader.locations)
    }

    /// Reads objects one by one, keeping the format the first one set.
    struct Reader {
        let file: String
        var format: DatasetFormat?
        var records: [DatasetRecord] = []
        var locations: [DatasetFileError.Location] = []

        mutating func readLines(_ bytes: Data) throws(DatasetFileError) {
            for (offset, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                let location = DatasetFileError.Location.line(offset + 1)
                let (value, syntaxError) = JSONValue.parse(Data(line))
                guard let value else {
                    throw DatasetFileError(
                        file: file, location: location,
                        problem: "is not valid JSON" + (syntaxError.map { ": \($0)" } ?? "")
                            + "; JSON Lines hold one complete object per line")
                }
                try add(value, at: location)
            }
        }

        mutating func readArray(_ bytes: Data) throws(DatasetFileError) {
            let (value, syntaxError) = JSONValue.parse(bytes)
            guard let value else {
                throw DatasetFileError(file: file, problem: "is not valid JSON" + (syntaxError.map { ": \($0)" } ?? ""))
            }
            guard case .array(let items) = value else {
                throw DatasetFileError(file: file, problem: "is \(value.kind), expected an array of objects (or JSON Lines: one object per line)")
            }
            for (index, item) in items.enumerated() {
                try add(item, at: .index(index))
            }
        }

        mutating func add(_ value: JSONValue, at location: DatasetFileError.Location) throws(DatasetFileError) {
            guard case .object(let object) = value else {
                throw DatasetFileError(file: file, location: location, problem: "is \(value.kind), expected an object: \(DatasetFormat.anyShape)")
            }
            guard let found = DatasetFormat.of(object) else {
                throw DatasetFileError(
                    file: file, location: location,
                    problem: "has keys \(keyList(object)); expected \(DatasetFormat.anyShape)")
            }
            if let format, found != format {
                throw DatasetFileError(
                    file: file, location: location,
                    problem: "is \(found.shape), but the first record made this a file of \(format.rawValue) records: one file holds one layout")
            }
            format = found
            records.append(try record(object, format: found, at: location))
            locations.append(location)
        }

        func record(_ object: [String: JSONValue], format: DatasetFormat, at location: DatasetFileError.Location)
            throws(DatasetFileError) -> DatasetRecord
        {
            switch format {
            case .alpaca:
                return .instruction(try AlpacaFile.record(from: object, file: file, location: location))
            case .promptCompletion:
                return try completion(object, at: location)
            case .chat:
                return .conversation(try ConversationReading(file: file, location: location).messages(object["messages"]!))
            }
        }

        func completion(_ object: [String: JSONValue], at location: DatasetFileError.Location) throws(DatasetFileError) -> DatasetRecord {
            func text(_ key: String) throws(DatasetFileError) -> String {
                switch object[key] {
                case .string(let text)?:
                    if key == "completion" && text.isEmpty {
                        throw DatasetFileError(file: file, location: location, key: key, problem: "is empty: nothing to learn")
                    }
                    return text
                case .array?:
                    throw DatasetFileError(
                        file: file, location: location, key: key,
                        problem: "is an array, expected a string (conversational prompts are read from {\"messages\": […]})")
                case let other:
                    throw DatasetFileError(
                        file: file, location: location, key: key, problem: "is \(other?.kind ?? "missing"), expected a string")
                }
            }
            return .completion(prompt: try text("prompt"), completion: try text("completion"))
        }
    }
}

/// `"a", "b"`: an object's keys, sorted, for messages.
func keyList(_ object: [String: JSONValue]) -> String {
    object.isEmpty ? "none" : object.keys.sorted().map(jsonString).joined(separator: ", ")
}
