import Foundation
import JSON

/// Instruction data in Alpaca's layout, read and written.
///
/// Reads the two layouts people keep Alpaca-style data in:
/// - JSON: an array of objects, as `alpaca_data.json` is: `[{"instruction": …, "input": …, "output": …}, …]`;
/// - JSON Lines: one such object per line (blank lines are skipped).
/// `instruction` and `output` are required non-empty strings; `input` may be missing, `null` or `""`;
/// other keys are ignored. Anything else is an `DatasetFileError` naming the file, the line (JSON Lines) or
/// the item's index (JSON array, counted from 0 as `data[i]` in Python) and the key — never a crash.
///
/// Writes the `{"prompt", "response"}` JSON Lines that the fine-tuning loader reads
/// (`Training.InstructionData.load`), with Lit-GPT's Alpaca template already applied, and Alpaca JSON Lines.
///
/// ```swift
/// let records = try AlpacaFile.read(URL(filePath: "alpaca_data.json"))
/// try AlpacaFile.writeTraining(records, to: URL(filePath: "train.jsonl"))
/// ```
public enum AlpacaFile {
    public enum Format: String, Sendable, CaseIterable {
        /// One array of objects.
        case json
        /// One object per line.
        case jsonLines = "jsonl"

        /// The layout of `bytes`: a JSON array if the first non-blank character is `[`, else JSON Lines.
        public static func detect(_ bytes: Data) -> Format {
            for byte in bytes where ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains(byte) {
                return byte == UInt8(ascii: "[") ? .json : .jsonLines
            }
            return .jsonLines
        }
    }

    /// The records of an Alpaca JSON or JSON Lines file (the layout is detected from the content).
    public static func read(_ url: URL) throws(DatasetFileError) -> [InstructionRecord] {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            throw DatasetFileError(file: url.path, problem: "cannot be read (\(error.localizedDescription))")
        }
        return try parse(bytes, file: url.path)
    }

    /// The records in `bytes`; `file` names the source in errors. `format` nil: detect it.
    public static func parse(_ bytes: Data, file: String, format: Format? = nil) throws(DatasetFileError)
        -> [InstructionRecord]
    {
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }  // a UTF-8 byte-order mark
        let records: [InstructionRecord]
        switch format ?? Format.detect(bytes) {
        case .json: records = try parseArray(bytes, file: file)
        case .jsonLines: records = try parseLines(bytes, file: file)
        }
        guard !records.isEmpty else {
            throw DatasetFileError(file: file, problem: "holds no records; expected objects with \"instruction\" and \"output\"")
        }
        return records
    }

    static func parseArray(_ bytes: Data, file: String) throws(DatasetFileError) -> [InstructionRecord] {
        let (value, syntaxError) = JSONValue.parse(Data(bytes))
        guard let value else {
            throw DatasetFileError(
                file: file, problem: "is not valid JSON" + (syntaxError.map { ": \($0)" } ?? ""))
        }
        guard case .array(let items) = value else {
            throw DatasetFileError(
                file: file,
                problem: "is \(value.kind), expected an array of objects (or JSON Lines: one object per line)")
        }
        var records: [InstructionRecord] = []
        records.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            records.append(try record(from: item, file: file, location: .index(index)))
        }
        return records
    }

    static func parseLines(_ bytes: Data, file: String) throws(DatasetFileError) -> [InstructionRecord] {
        var records: [InstructionRecord] = []
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (offset, line) in lines.enumerated() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let location = DatasetFileError.Location.line(offset + 1)
            let (value, syntaxError) = JSONValue.parse(Data(line))
            guard let value else {
                throw DatasetFileError(
                    file: file, location: location,
                    problem: "is not valid JSON" + (syntaxError.map { ": \($0)" } ?? "")
                        + "; JSON Lines hold one complete object per line")
            }
            records.append(try record(from: value, file: file, location: location))
        }
        return records
    }

    static func record(from value: JSONValue, file: String, location: DatasetFileError.Location)
        throws(DatasetFileError) -> InstructionRecord
    {
        guard case .object(let object) = value else {
            throw DatasetFileError(
                file: file, location: location,
                problem: "is \(value.kind), expected an object with \"instruction\", \"input\" and \"output\"")
        }
        func string(_ key: String, required: Bool) throws(DatasetFileError) -> String {
            switch object[key] {
            case .string(let text):
                if required && text.isEmpty {
                    throw DatasetFileError(
                        file: file, location: location, key: key,
                        problem: key == "output" ? "is empty: nothing to learn" : "is empty")
                }
                return text
            case nil, .null?:
                if !required { return "" }
                throw DatasetFileError(
                    file: file, location: location, key: key,
                    problem: "is missing (found keys \(object.keys.sorted().map(jsonString).joined(separator: ", ")))")
            case let other?:
                throw DatasetFileError(
                    file: file, location: location, key: key, problem: "is \(other.kind), expected a string")
            }
        }
        return InstructionRecord(
            instruction: try string("instruction", required: true), input: try string("input", required: false),
            output: try string("output", required: true))
    }

    /// One `{"prompt": …, "response": …}` line per record, each ending in a newline: the fine-tuning input.
    public static func trainingJSONLines(_ records: [InstructionRecord]) -> String {
        var text = ""
        for record in records {
            text += "{\"prompt\": \(jsonString(record.prompt)), \"response\": \(jsonString(record.response))}\n"
        }
        return text
    }

    /// One `{"instruction": …, "input": …, "output": …}` line per record (Alpaca JSON Lines).
    public static func alpacaJSONLines(_ records: [InstructionRecord]) -> String {
        var text = ""
        for record in records {
            text += "{\"instruction\": \(jsonString(record.instruction)), \"input\": \(jsonString(record.input)), "
                + "\"output\": \(jsonString(record.output))}\n"
        }
        return text
    }

    /// The records as one JSON array, one object per line (the layout of `alpaca_data.json`).
    public static func alpacaJSON(_ records: [InstructionRecord]) -> String {
        let lines = alpacaJSONLines(records).split(separator: "\n").map { "  " + $0 }
        return "[\n" + lines.joined(separator: ",\n") + "\n]\n"
    }

    /// Writes `trainingJSONLines(records)` to `url`.
    public static func writeTraining(_ records: [InstructionRecord], to url: URL) throws(DatasetFileError) {
        try write(trainingJSONLines(records), to: url)
    }

    /// Writes Alpaca JSON or JSON Lines to `url`.
    public static func write(_ records: [InstructionRecord], format: Format, to url: URL) throws(DatasetFileError) {
        try write(format == .json ? alpacaJSON(records) : alpacaJSONLines(records), to: url)
    }

    static func write(_ text: String, to url: URL) throws(DatasetFileError) {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw DatasetFileError(file: url.path, problem: "cannot be written (\(error.localizedDescription))")
        }
    }
}
