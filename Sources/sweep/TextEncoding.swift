import ArgumentParser
import Foundation
import Model
import TextData

/// How a model directory turns text into token ids: its `tokenizer.json` (byte-level BPE), or,
/// for models trained on raw bytes (no tokenizer file), the UTF-8 bytes themselves.
enum TextEncoding {
    case bpe(BPETokenizer)
    case bytes

    /// The model directory's encoding, checked against its vocabulary.
    static func of(modelDirectory path: String, vocabSize: Int) throws -> TextEncoding {
        let file = URL(fileURLWithPath: path).appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: file.path) {
            do {
                let tokenizer = try BPETokenizer(contentsOf: file)
                guard tokenizer.vocabularySize <= vocabSize else {
                    throw CommandError("\(file.path) has \(tokenizer.vocabularySize) tokens but the model's vocabulary is \(vocabSize)")
                }
                return .bpe(tokenizer)
            } catch let error as TokenizerFileError {
                throw CommandError("cannot load the tokenizer: \(error.description)")
            }
        }
        guard vocabSize >= 256 else {
            throw CommandError("\(path) has no tokenizer.json and a vocabulary of \(vocabSize) < 256: it cannot read text")
        }
        return .bytes
    }

    func encode(_ text: String) -> [Int32] {
        switch self {
        case .bpe(let tokenizer): tokenizer.encode(text, addBOS: true)
        case .bytes: text.utf8.map { Int32($0) }
        }
    }

    /// Text that continues a sequence: no <s> in front.
    func encodeContinuation(_ text: String) -> [Int32] {
        switch self {
        case .bpe(let tokenizer): tokenizer.encode(text)
        case .bytes: text.utf8.map { Int32($0) }
        }
    }

    func decode(_ ids: [Int32]) -> String {
        switch self {
        case .bpe(let tokenizer): tokenizer.decode(ids, skipSpecialTokens: true)
        case .bytes: String(decoding: ids.map { UInt8(clamping: $0) }, as: UTF8.self)
        }
    }
}

/// `--ids 1,2,3` or `--text "…"`: what to score or continue.
struct InputOptions: ParsableArguments {
    @Option(help: "Token ids, comma- or space-separated, e.g. 1,2,3,4.")
    var ids: String?

    @Option(help: "Text, encoded with the model directory's tokenizer.json (with a leading <s>), or as UTF-8 bytes for byte-level models.")
    var text: String?

    func validate() throws {
        guard (ids == nil) != (text == nil) else { throw ValidationError("give exactly one of --ids or --text") }
    }

    /// The token ids, and the encoding when they came from text.
    func tokens(model path: String, vocabSize: Int) throws -> (ids: [Int32], encoding: TextEncoding?) {
        if let ids { return (try parseIDs(ids, vocabSize: vocabSize), nil) }
        let encoding = try TextEncoding.of(modelDirectory: path, vocabSize: vocabSize)
        return (encoding.encode(text!), encoding)
    }
}
