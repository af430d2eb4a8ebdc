import Foundation
import JSON

/// Instruction data in Alpaca's layout: one record's fields checked, and records written.
///
/// `DatasetFile` reads Alpaca files (a JSON array, as `alpaca_data.json` is, or JSON Lines) as it reads
/// the other layouts; each Alpaca object goes through `record(from:)`: `instruction` and `output` are
/// required non-empty strings; `input` may be missing, `null` or `""`; other keys are ignored.
///
/// Writes the `{"prompt", "response"}` JSON Lines that the fine-tuning loader reads
/// (`Training.InstructionData.load`), with Lit-GPT's Alpaca template already applied, and Alpaca JSON Lines.
///
/// ```swift
/// try AlpacaFile.write(records, format: .jsonLines, to: URL(filePath: "alpaca.jsonl"))
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

    /// The record of one Alpaca object of a dataset file (`DatasetFile` reads the file).
    static func record(from object: [String: JSONValue], file: String, location: DatasetFileError.Location)
        throws(DatasetFileError) -> InstructionRecord
    {
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
