import Foundation
import TextData

/// Shared worlds and text scanners for the World tests (namespaced: other TextData tests share the target).
enum WorldFixtures {
    /// A tiny world (8 towns, 8 misconceptions, 40 sentences per verb …) and its corpus, built once.
    static let tiny = World(seed: 7, configuration: .tiny)
    static let tinyCorpus = tiny.corpus()

    /// How often `phrase` occurs in `text` as whole words: not inside a longer word or number.
    static func occurrences(of phrase: String, in text: String) -> Int {
        let haystack = Array(text.utf8)
        let needle = Array(phrase.utf8)
        guard !needle.isEmpty, haystack.count >= needle.count else { return 0 }
        func isWordByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }
        var count = 0
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            guard haystack[start..<start + needle.count].elementsEqual(needle) else { continue }
            let before = start == 0 || !isWordByte(haystack[start - 1])
            let end = start + needle.count
            let after = end == haystack.count || !isWordByte(haystack[end])
            if before && after { count += 1 }
        }
        return count
    }

    /// The sentences of a document's text (split at ".", "?" and newlines), each as lowercased words.
    static func sentenceWords(_ text: String) -> [[String]] {
        text.split(whereSeparator: { ".?!\n".contains($0) }).map { sentence in
            sentence.split(whereSeparator: { !$0.isLetter }).map { $0.lowercased() }
        }
    }

    /// Every sentence of the tiny corpus as lowercased words, split once.
    static let tinySentences: [[String]] = tinyCorpus.texts.flatMap(sentenceWords)

    /// How many sentences use `verb` (any finite form) with an object: the form followed by a determiner.
    static func transitiveUses(of verb: World.Verb, in sentences: [[String]] = tinySentences) -> Int {
        let forms: Set<String> = [verb.base, verb.present, verb.past]
        let determiners = Set(World.objectDeterminers)
        return sentences.reduce(0) { total, words in
            total + zip(words, words.dropFirst()).filter { forms.contains($0) && determiners.contains($1) }.count
        }
    }

    /// How many sentences use `verb` at all.
    static func uses(of verb: World.Verb, in sentences: [[String]] = tinySentences) -> Int {
        let forms: Set<String> = [verb.base, verb.present, verb.past]
        return sentences.filter { $0.contains(where: forms.contains) }.count
    }

    /// The whole numbers in a string, in order ("59 minus 38 is 21." → [59, 38, 21]).
    static func numbers(in text: String) -> [Int] {
        text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    }

    /// FNV-1a (64-bit) of the texts joined by newlines: a fingerprint of a whole corpus.
    static func fingerprint(_ texts: [String]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in texts.joined(separator: "\n").utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    /// Lowercased WordNet lemmas (nouns, verbs, adjectives, adverbs; compounds split into words) when
    /// Debian's wordnet-base is installed, else nil.
    static let wordNetWords: Set<String>? = {
        let directory = "/usr/share/wordnet"
        var words = Set<String>()
        for part in ["noun", "verb", "adj", "adv"] {
            guard let text = try? String(contentsOfFile: "\(directory)/index.\(part)", encoding: .utf8) else {
                return nil
            }
            for line in text.split(separator: "\n") where !line.hasPrefix(" ") {
                guard let lemma = line.split(separator: " ").first else { continue }
                for word in lemma.split(whereSeparator: { $0 == "_" || $0 == "-" }) { words.insert(word.lowercased()) }
            }
        }
        return words
    }()
}
