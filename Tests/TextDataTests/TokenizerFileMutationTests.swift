import Foundation
import Testing
import TextData
import Tokenization

@Suite("Randomly mutated tokenizer.json files")
struct TokenizerFileMutationTests {
    /// JSON values that probe the reader's checks: other types, out-of-range and non-integral ids, specials.
    static let replacements = [
        "0", "1", "2", "-1", "3.5", "1e300", "9223372036854775807", "99999999999999999999", "null", "true",
        "\"\"", "\"<s>\"", "\"<pad>\"", "\"a b\"", "\"Ġ Ġ\"", "[]", "[\"a\"]", "[\"a\", \"b\", \"c\"]", "{}",
        "\"\\u0000\"", "\"\\ud800\"",
    ]

    /// One to four edits: flip a bit, write a JSON-ish byte, insert or delete one, truncate, change a digit,
    /// or swap the value after a ':' or ',' for one of `replacements`.
    static func mutate(_ file: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var bytes = file
        let jsonish = Array("{}[]\",:0123456789-.e \\".utf8)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !bytes.isEmpty else { break }
            let position = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1: bytes[position] = jsonish.randomElement(using: &random)!
            case 2: bytes.insert(jsonish.randomElement(using: &random)!, at: position)
            case 3: bytes.remove(at: position)
            case 4: bytes.removeSubrange(position...)
            case 5:
                let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
                if let digit = bytes[position...].firstIndex(where: digits.contains) {
                    bytes[digit] = UInt8.random(in: digits, using: &random)
                }
            default:
                let starts = Set(":,[".utf8)
                let ends = Set(",]}\n".utf8)
                guard let start = bytes[position...].firstIndex(where: starts.contains) else { continue }
                var from = start + 1
                while from < bytes.count, bytes[from] == UInt8(ascii: " ") { from += 1 }
                let to = bytes[from...].firstIndex(where: ends.contains) ?? bytes.count
                bytes.replaceSubrange(from..<to, with: Array(replacements.randomElement(using: &random)!.utf8))
            }
        }
        return bytes
    }

    @Test("500 mutated files either load and encode or throw an error that names the file, never crash")
    func randomMutations() throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let valid = directory.appendingPathComponent("valid.json")
        try BPETokenizer.train(texts: TokenizerFixtures.smallCorpus, vocabularySize: 300).save(to: valid)
        let original = try [UInt8](Data(contentsOf: valid))
        let file = directory.appendingPathComponent("tokenizer.json")

        var random = SplitMix64(seed: 0x70CE_F11E)
        var (loaded, rejected) = (0, 0)
        var problems = Set<String>()
        for iteration in 0..<500 {
            try Data(Self.mutate(original, using: &random)).write(to: file)
            do {
                let tokenizer = try BPETokenizer(contentsOf: file)
                for text in TokenizerFixtures.smallCorpus.prefix(3) + ["<s>12 ab</s>", "\u{0}\u{FFFD}é"] {
                    let ids = tokenizer.encode(text, addBOS: true)
                    #expect(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize })
                    _ = tokenizer.decode(ids)
                }
                loaded += 1
            } catch let error as TokenizerFileError {
                #expect(error.file == file.path && !error.problem.isEmpty, "iteration \(iteration): \(error)")
                problems.insert(String(error.problem.prefix(20)))
                rejected += 1
            } catch {
                Issue.record("iteration \(iteration): expected TokenizerFileError, got \(error)")
            }
        }
        #expect(loaded > 10 && rejected > 200 && problems.count > 10, "loaded \(loaded), rejected \(rejected), \(problems.count) kinds")
    }
}
