import Foundation
import Model
import TextData
import Tokenization

/// How a model directory turns text into token ids: its `tokenizer.json` (byte-level BPE), or,
/// for models trained on raw bytes (no tokenizer file), the UTF-8 bytes themselves.
public enum TextEncoding {
    case bpe(BPETokenizer)
    case bytes

    /// The model directory's encoding, checked against its vocabulary.
    public static func of(modelDirectory path: String, vocabSize: Int) throws -> TextEncoding {
        let file = URL(fileURLWithPath: path).appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: file.path) {
            do {
                let tokenizer = try BPETokenizer(contentsOf: file)
                guard tokenizer.vocabularySize <= vocabSize else {
                    throw BadInput("\(file.path) has \(tokenizer.vocabularySize) tokens but the model's vocabulary is \(vocabSize)")
                }
                return .bpe(tokenizer)
            } catch let error as TokenizerFileError {
                throw BadInput("cannot load the tokenizer: \(error.description)")
            }
        }
        guard vocabSize >= 256 else {
            throw BadInput("\(path) has no tokenizer.json and a vocabulary of \(vocabSize) < 256: it cannot read text")
        }
        return .bytes
    }

    public func encode(_ text: String) -> [Int32] {
        switch self {
        case .bpe(let tokenizer): tokenizer.encode(text, addBOS: true)
        case .bytes: text.utf8.map { Int32($0) }
        }
    }

    /// Text that continues a sequence: no <s> in front.
    public func encodeContinuation(_ text: String) -> [Int32] {
        switch self {
        case .bpe(let tokenizer): tokenizer.encode(text)
        case .bytes: text.utf8.map { Int32($0) }
        }
    }

    public func decode(_ ids: [Int32]) -> String {
        switch self {
        case .bpe(let tokenizer): tokenizer.decode(ids, skipSpecialTokens: true)
        case .bytes: String(decoding: ids.map { UInt8(clamping: $0) }, as: UTF8.self)
        }
    }
}
