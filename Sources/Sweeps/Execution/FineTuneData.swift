import Foundation
import TextData
import Tokenization
import Training
import Vocabulary

/// The instruction examples `sweep finetune --data` names, encoded for a model directory: a built-in
/// set's training split (alpaca, lima) or every record of a dataset file (Alpaca, chat or
/// prompt/completion: `DatasetFile`), laid out by the `--template`; or JSON Lines of prompt/response
/// pairs (text or ids), trained on as written.
public enum FineTuneData {
    public static func load(_ data: String, template: PromptTemplate? = nil, modelDirectory: String, vocabSize: Int) throws
        -> [InstructionExample]
    {
        let encoding = try TextEncoding.of(modelDirectory: modelDirectory, vocabSize: vocabSize)
        let examples = try read(data, template: template, modelDirectory: modelDirectory, encoding: encoding)
        for (index, example) in examples.enumerated() {
            if let bad = (example.prompt + example.response).first(where: { Int($0) >= vocabSize || $0 < 0 }) {
                throw BadInput("\(data): example \(index + 1) has token id \(bad), outside the model's vocabulary (0..<\(vocabSize))")
            }
        }
        return examples
    }

    static func read(_ data: String, template choice: PromptTemplate?, modelDirectory: String, encoding: TextEncoding) throws
        -> [InstructionExample]
    {
        let isBuiltin = InstructionSet.Builtin(rawValue: data) != nil && !FileManager.default.fileExists(atPath: data)
        if !isBuiltin, let bytes = FileManager.default.contents(atPath: data), isPromptResponse(bytes) {
            if let choice, choice != .alpaca {
                throw BadInput("\(data) holds {\"prompt\", \"response\"} lines, which are trained on as written: --template applies to Alpaca, chat and prompt/completion files")
            }
            do {
                return try InstructionData.load(from: URL(fileURLWithPath: data), encode: encoding.encode,
                                                encodeResponse: encoding.encodeContinuation)
            } catch let error as CustomStringConvertible {
                throw BadInput(error.description)
            }
        }
        do {
            let template = try ModelTemplate.resolve(choice ?? .alpaca, modelDirectory: modelDirectory).template
            // A built-in set is trained on its training split; a file, whole and in order.
            let records = isBuiltin
                ? try RunDataset.load(dataset: data, heldout: nil, heldoutFraction: nil, templates: [template],
                                      world: try BaseModel.world(modelDirectory), dataDirectory: nil).split.train
                : try RunDataset.read(data, key: "dataset", templates: [template], dataDirectory: nil)
            return try records.map { InstructionExample(try template.render($0).encoded(with: encoding)) }
        } catch let problem as RunDataset.Problem {
            throw BadInput(problem.description)
        } catch let error as TemplateError {
            throw BadInput(error.description)
        }
    }

    /// Whether a data file holds the fine-tuning loader's own lines: JSON Lines whose first object has
    /// "prompt" and "response" (or "prompt_ids"), which no dataset layout has.
    static func isPromptResponse(_ bytes: Data) -> Bool {
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }), first != UInt8(ascii: "[") else {
            return false
        }
        let firstLine = bytes.drop { [0x0A, 0x0D, 0x20, 0x09, 0xEF, 0xBB, 0xBF].contains($0) }.prefix { $0 != UInt8(ascii: "\n") }
        let object = (try? JSONSerialization.jsonObject(with: Data(firstLine))) as? [String: Any]
        return object?["prompt_ids"] != nil || (object?["prompt"] != nil && object?["response"] != nil && object?["completion"] == nil)
    }
}
