import Foundation

/// cntlist.rev: `sense_key sense_number tag_cnt` per line, with sense keys
/// `lemma%ss_type:lex_filenum:lex_id:head_word:head_id` (senseidx(5WN)); head_word and head_id, the first
/// word of a satellite's head adjective and its lex_id, are empty for all but satellites.
struct TagCounts {
    struct Key: Hashable {
        var lemma: String  // lower case, underscores, no marker
        var sense: Int  // ss_type << 16 | lex_filenum << 8 | lex_id
        var head: String
        var headID: Int
    }

    private var counts: [Key: Int] = [:]

    init(contentsOf data: Data, fileName: String) throws {
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lineNumber = 0
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                lineNumber += 1
                defer { start = end + 1 }
                guard end > start else { continue }
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                guard let key = Self.parse(line) else {
                    throw WordNet.LoadError.malformedLine(
                        file: fileName, line: lineNumber,
                        reason: "expected \"lemma%ss_type:lex_filenum:lex_id:head_word:head_id sense_number tag_cnt\", "
                            + "got \"\(String(decoding: line, as: UTF8.self))\"")
                }
                counts[key.key, default: 0] += key.count
            }
        }
    }

    /// One line, or nil when it is not `lemma%t:ff:ll:head:hh n count`.
    private static func parse(_ line: UnsafeBufferPointer<UInt8>) -> (key: Key, count: Int)? {
        let fields = line.split(separator: 0x20)
        guard fields.count == 3, let percent = fields[0].firstIndex(of: UInt8(ascii: "%")) else { return nil }
        let parts = fields[0][(percent + 1)...].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        func number(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
            guard !digits.isEmpty, digits.count <= 18 else { return nil }
            var value = 0
            for byte in digits {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        func string(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes), as: UTF8.self)
        }
        guard parts.count == 5, let type = number(parts[0]), let file = number(parts[1]), let lexID = number(parts[2]),
              let count = number(fields[2]), number(fields[1]) != nil
        else { return nil }
        let headID = parts[4].isEmpty ? -1 : number(parts[4])
        guard let headID else { return nil }
        let key = Key(lemma: string(fields[0][..<percent]), sense: type << 16 | file << 8 | lexID,
                      head: string(parts[3]), headID: headID)
        return (key, count)
    }

    func count(lemma: String, senseType: Int, lexicographerFile: Int, lexID: Int, head: WordNet.Sense?) -> Int {
        let key = Key(lemma: lemma, sense: senseType << 16 | lexicographerFile << 8 | lexID,
                      head: head?.lemma ?? "", headID: head?.lexID ?? -1)
        return counts[key] ?? 0
    }
}

extension WordNet.PartOfSpeech {
    /// The ss_type digit of a sense key (1 noun, 2 verb, 3 adjective, 4 adverb; 5 is a satellite).
    var senseType: Int {
        switch self {
        case .noun: 1
        case .verb: 2
        case .adjective: 3
        case .adverb: 4
        }
    }
}

extension WordNet {
    /// A word of a synset as a sense key spells it: lower case, underscores, no marker; and its lex_id.
    struct Sense {
        var lemma: String
        var lexID: Int
    }
}
