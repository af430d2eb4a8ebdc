import Foundation
import Tokenization

extension TextEncoding {
    /// How the model directory reads text: its tokenizer.json (read as `sweep tokenize` reads it), or,
    /// for a model trained on raw bytes (no tokenizer file, a vocabulary of at least 256), UTF-8 bytes.
    /// A tokenizer with more ids than the model's vocabulary is bad input.
    public static func of(modelDirectory path: String, vocabSize: Int) throws -> TextEncoding {
        let file = URL(fileURLWithPath: path).appendingPathComponent("tokenizer.json")
        guard FileManager.default.fileExists(atPath: file.path) else {
            guard vocabSize >= 256 else {
                throw BadInput("\(path) has no tokenizer.json and a vocabulary of \(vocabSize) < 256: it cannot read text")
            }
            return .bytes
        }
        let encoding = TextEncoding(try ModelTokenizer.load(path))
        guard encoding.vocabularySize <= vocabSize else {
            throw BadInput("\(file.path) has \(encoding.vocabularySize) tokens but the model's vocabulary is \(vocabSize)")
        }
        return encoding
    }
}
