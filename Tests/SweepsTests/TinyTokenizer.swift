import Foundation
import Tokenization

/// A tokenizer.json of one token per ASCII character, with `<s>`, `</s>`, `<|im_start|>` and
/// `<|im_end|>` as special added tokens and `<s>` added in front of a sequence: every token of an
/// example is a character or a special, so a test can say exactly which ones carry loss.
enum TinyTokenizer {
    static let specials = ["<s>", "</s>", "<|im_start|>", "<|im_end|>"]

    static func make() throws -> Tokenizer {
        var vocabulary: [String: Int] = [:]
        for (id, special) in specials.enumerated() { vocabulary[special] = id }
        for scalar in [9, 10, 13] + Array(32...126) { vocabulary[String(UnicodeScalar(UInt8(scalar)))] = vocabulary.count }
        let added = specials.enumerated().map { id, content in
            ["id": id, "content": content, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true] as [String: Any]
        }
        let document: [String: Any] = [
            "version": "1.0", "added_tokens": added, "normalizer": NSNull(), "pre_tokenizer": NSNull(), "decoder": NSNull(),
            "post_processor": [
                "type": "TemplateProcessing",
                "single": [["SpecialToken": ["id": "<s>", "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]]],
                "pair": [["SpecialToken": ["id": "<s>", "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]], ["Sequence": ["id": "B", "type_id": 1]]],
                "special_tokens": ["<s>": ["id": "<s>", "ids": [0], "tokens": ["<s>"]]],
            ],
            "model": ["type": "BPE", "vocab": vocabulary, "merges": [String]()],
        ]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tiny-tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try JSONSerialization.data(withJSONObject: document).write(to: directory.appendingPathComponent("tokenizer.json"))
        return try Tokenizer(directory: directory)
    }
}
