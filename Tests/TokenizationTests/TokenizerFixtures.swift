import Foundation
import Tokenization

/// The model directories make_fixtures.py builds with Hugging Face's libraries, and their goldens.
enum TokenizerFixtures {
    static let families = ["llama2", "mistral", "gpt2", "smollm", "llama3", "normalized-byte-level", "metaspace-options"]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fixtures")

    static func modelDirectory(_ family: String) -> URL {
        directory.appendingPathComponent(family)
    }

    static func tokenizer(_ family: String) throws -> Tokenizer {
        try Tokenizer(directory: modelDirectory(family))
    }

    /// One text with AutoTokenizer's ids (with and without special tokens) and decodes of those ids.
    struct Case {
        var text: String
        var ids: [Int32]
        var idsWithoutSpecials: [Int32]
        var decoded: String
        var decodedWithSpecials: String
    }

    struct Pair {
        var text: String
        var pair: String
        var ids: [Int32]
    }

    struct Decode {
        var ids: [Int32]
        var decoded: String
        var decodedWithSpecials: String
    }

    struct Goldens {
        var cases: [Case]
        var pairs: [Pair]
        var decodes: [Decode]
    }

    static func goldens(_ family: String) throws -> Goldens {
        let data = try Data(contentsOf: modelDirectory(family).appendingPathComponent("cases.json"))
        let root = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        func ids(_ value: Any?) -> [Int32] { (value as! [Int]).map { Int32($0) } }
        let cases = (root["cases"] as! [[String: Any]]).map {
            Case(text: $0["text"] as! String, ids: ids($0["ids"]), idsWithoutSpecials: ids($0["ids_without_specials"]),
                 decoded: $0["decoded"] as! String, decodedWithSpecials: $0["decoded_with_specials"] as! String)
        }
        let pairs = (root["pairs"] as! [[String: Any]]).map {
            Pair(text: $0["text"] as! String, pair: $0["pair"] as! String, ids: ids($0["ids"]))
        }
        let decodes = (root["decodes"] as! [[String: Any]]).map {
            Decode(ids: ids($0["ids"]), decoded: $0["decoded"] as! String, decodedWithSpecials: $0["decoded_with_specials"] as! String)
        }
        return Goldens(cases: cases, pairs: pairs, decodes: decodes)
    }
}

/// Byte-for-byte equality: Swift's `==` on strings is canonical equivalence ("é" == "e\u{301}").
func sameBytes(_ a: String, _ b: String) -> Bool {
    a.utf8.elementsEqual(b.utf8)
}
