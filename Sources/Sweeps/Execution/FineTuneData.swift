import Foundation
import TextData
import Tokenization
import Training

/// The instruction examples `sweep finetune --data` names, encoded for a model directory: a built-in
/// set's training split (alpaca, lima), Alpaca records (instruction, input, output) through Lit-GPT's
/// Alpaca prompt, or JSON Lines of prompt/response pairs (text or ids).
public enum FineTuneData {
    public static func load(_ data: String, modelDirectory: String, vocabSize: Int) throws -> [InstructionExample] {
        let encoding = try TextEncoding.of(modelDirectory: modelDirectory, vocabSize: vocabSize)
        let examples = try read(data, modelDirectory: modelDirectory, encoding: encoding)
        for (index, example) in examples.enumerated() {
            if let bad = (example.prompt + example.response).first(where: { Int($0) >= vocabSize || $0 < 0 }) {
                throw BadInput("\(data): example \(index + 1) has token id \(bad), outside the model's vocabulary (0..<\(vocabSize))")
            }
        }
        return examples
    }

    static func read(_ data: String, modelDirectory: String, encoding: TextEncoding) throws -> [InstructionExample] {
        let url = URL(fileURLWithPath: data)
        if InstructionSet.Builtin(rawValue: data) != nil, !FileManager.default.fileExists(atPath: data) {
            return try RunData.load(dataset: data, baseDirectory: modelDirectory).trainingExamples(limit: nil)
        }
        guard let bytes = FileManager.default.contents(atPath: url.path) else { throw BadInput("\(data): cannot be read") }
        if isAlpaca(bytes) {
            let records: [InstructionRecord]
            do { records = try AlpacaFile.read(url) } catch { throw BadInput(error.description) }
            return records.map { InstructionExample(prompt: encoding.encode($0.prompt), response: encoding.encodeContinuation($0.response)) }
        }
        do {
            return try InstructionData.load(from: url, encode: encoding.encode, encodeResponse: encoding.encodeContinuation)
        } catch let error as CustomStringConvertible {
            throw BadInput(error.description)
        }
    }

    /// Whether a data file holds Alpaca records: a JSON array, or JSON Lines whose first object has
    /// an "instruction" key.
    static func isAlpaca(_ bytes: Data) -> Bool {
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) else { return false }
        if first == UInt8(ascii: "[") { return true }
        let firstLine = bytes.prefix { $0 != UInt8(ascii: "\n") }
        let object = (try? JSONSerialization.jsonObject(with: Data(firstLine))) as? [String: Any]
        return object?["instruction"] != nil
    }
}
