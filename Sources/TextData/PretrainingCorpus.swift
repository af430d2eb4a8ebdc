import Foundation
import Tokenization

/// The base model's pretraining text: real English from WordNet and the generated world, mixed.
///
/// Every document of the world's corpus is kept, so each fact is still stated exactly k times (the
/// exposure counts the facts benchmark is read against); WordNet contributes up to
/// ``Configuration/wordNetBytes`` of definitional text. The two are shuffled together in an order fixed
/// by the world's seed (stream "pretraining/order").
///
/// WordNet is real English, so it uses verbs the world controls: "turn the page" would teach a verb the
/// world holds out from transitive use (``World/Verb/Group/heldOut``), and "close the door" would add to a
/// rare verb's 2–5 transitive sentences. So WordNet documents that use a rare or held-out verb in any form,
/// or an intransitive-only verb followed by an object determiner ("sleep the night"), are left out
/// (``Configuration/excludeControlledVerbs``); the budget is filled with other synsets instead.
///
/// The size knob is `wordNetBytes`. The prototype (../shared/scale-notes.md) learned more facts with 1 MB of
/// WordNet beside the world than with 3 MB, at the same training time: more passes over each fact.
///
/// ```swift
/// let corpus = try PretrainingCorpus.build(seed: 1)    // World(seed: 1) + 1 MB of WordNet
/// print(corpus.summary)
/// let tokenizer = corpus.trainTokenizer()               // 1,000 ids
/// ```
public struct PretrainingCorpus: Sendable {
    public let seed: UInt64
    public let configuration: Configuration
    /// WordNet and world documents, shuffled together.
    public let documents: [Document]
    public let summary: Summary

    /// One string per document, for a tokenizer (which adds its own bos/eos between documents).
    public var texts: [String] { documents.map(\.text) }

    public enum Source: String, CaseIterable, Codable, Sendable {
        case wordNet = "wordnet", world
    }

    public struct Document: Sendable, Hashable {
        public let source: Source
        public let text: String
    }

    /// What goes in, from the recipe (snake_case keys in TOML; a missing key keeps its default).
    public struct Configuration: Sendable, Equatable, Codable {
        /// UTF-8 bytes of WordNet text at most; 0 for the world alone.
        public var wordNetBytes = 1_000_000
        /// Which synsets the budget takes first.
        public var wordNetSelection = WordNet.Selection.frequentFirst
        /// The parts of the world corpus to include, each in full.
        public var worldParts = World.Part.allCases
        /// Leave out WordNet documents that use the world's rare or held-out verbs, or its intransitive-only
        /// verbs with an object, so the world alone decides how often those are seen with an object.
        public var excludeControlledVerbs = true

        public init() {}

        /// 1 MB of WordNet (most frequent senses first) and the whole world corpus.
        public static let `default` = Configuration()

        /// Throws a `World.ConfigurationError` naming the invalid key.
        public func validate() throws {
            guard wordNetBytes >= 0 else {
                throw World.ConfigurationError(
                    key: CodingKeys.wordNetBytes.stringValue, message: "cannot be negative, got \(wordNetBytes)")
            }
        }

        enum CodingKeys: String, CodingKey {
            case wordNetBytes = "wordnet_bytes", wordNetSelection = "wordnet_selection", worldParts = "world_parts"
            case excludeControlledVerbs = "exclude_controlled_verbs"
        }

        public init(from decoder: any Decoder) throws {
            self.init()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let value = try c.decodeIfPresent(Int.self, forKey: .wordNetBytes) { wordNetBytes = value }
            if let value = try c.decodeIfPresent(String.self, forKey: .wordNetSelection) {
                guard let selection = WordNet.Selection(rawValue: value) else {
                    throw World.ConfigurationError(
                        key: CodingKeys.wordNetSelection.stringValue,
                        message: "is one of \(WordNet.Selection.allCases.map(\.rawValue)), got \"\(value)\"")
                }
                wordNetSelection = selection
            }
            if let values = try c.decodeIfPresent([String].self, forKey: .worldParts) {
                worldParts = try values.map { value in
                    guard let part = World.Part(rawValue: value) else {
                        throw World.ConfigurationError(
                            key: CodingKeys.worldParts.stringValue,
                            message: "lists parts of \(World.Part.allCases.map(\.rawValue)), got \"\(value)\"")
                    }
                    return part
                }
            }
            if let value = try c.decodeIfPresent(Bool.self, forKey: .excludeControlledVerbs) {
                excludeControlledVerbs = value
            }
            try validate()
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(wordNetBytes, forKey: .wordNetBytes)
            try c.encode(wordNetSelection.rawValue, forKey: .wordNetSelection)
            try c.encode(worldParts.map(\.rawValue), forKey: .worldParts)
            try c.encode(excludeControlledVerbs, forKey: .excludeControlledVerbs)
        }
    }

    /// Mixes `world`'s whole corpus (the configured parts) with WordNet text, seeded by the world's seed.
    public init(world: World, wordNet: WordNet, configuration: Configuration = .default) {
        do {
            try configuration.validate()
        } catch {
            preconditionFailure("PretrainingCorpus: \(error)")
        }
        seed = world.seed
        self.configuration = configuration
        let worldCorpus = world.corpus(parts: configuration.worldParts)
        let verbs = VerbScreen(world: world)
        var excluded = 0
        let wordNetDocuments = configuration.wordNetBytes == 0 ? [] : wordNet.documents(
            seed: world.seed, byteBudget: configuration.wordNetBytes, selection: configuration.wordNetSelection
        ) { document in
            guard configuration.excludeControlledVerbs, verbs.usesControlledVerb(document.text) else { return true }
            excluded += 1
            return false
        }
        var documents = wordNetDocuments.map { Document(source: .wordNet, text: $0.text) }
            + worldCorpus.documents.map { Document(source: .world, text: $0.text) }
        var random = WorldRandom(seed: world.seed, stream: "pretraining/order")
        random.shuffle(&documents)
        self.documents = documents

        var wordNetSummary = Summary.WordNetCount()
        wordNetSummary.excludedForVerbs = excluded
        for document in wordNetDocuments {
            wordNetSummary.synsets += 1
            wordNetSummary.examples += document.exampleCount
            wordNetSummary.bytes += document.text.utf8.count
            switch document.synset.partOfSpeech {
            case .noun: wordNetSummary.nouns += 1
            case .verb: wordNetSummary.verbs += 1
            case .adjective: wordNetSummary.adjectives += 1
            case .adverb: wordNetSummary.adverbs += 1
            }
        }
        summary = Summary(
            seed: world.seed, documents: documents.count, bytes: wordNetSummary.bytes + worldCorpus.summary.bytes,
            wordNetBytesBudget: configuration.wordNetBytes, wordNetSynsetsAvailable: wordNet.synsets.count,
            wordNet: wordNetSummary, world: worldCorpus.summary)
    }

    /// Builds the world of `seed`, reads WordNet from `wordNetDirectory` and mixes them.
    /// Throws `WordNet.LoadError` (say, wordnet-base is not installed) unless `wordNetBytes` is 0.
    public static func build(seed: UInt64, world worldConfiguration: World.Configuration = .default,
                             configuration: Configuration = .default,
                             wordNetDirectory: String = WordNet.defaultDirectory) throws -> PretrainingCorpus {
        let wordNet = configuration.wordNetBytes == 0 ? WordNet(synsets: []) : try WordNet(directory: wordNetDirectory)
        return PretrainingCorpus(
            world: World(seed: seed, configuration: worldConfiguration), wordNet: wordNet, configuration: configuration)
    }

    /// A byte-level BPE tokenizer (digits single, bos/eos/pad specials) trained on every document.
    public func trainTokenizer(vocabularySize: Int = BPETokenizer.defaultVocabularySize) -> BPETokenizer {
        BPETokenizer.train(texts: texts, vocabularySize: vocabularySize)
    }

    /// Finds the uses of verbs whose transitive exposures the world controls.
    struct VerbScreen {
        /// Every form of the rare and held-out alternating verbs.
        let anyUse: Set<String>
        /// Every form of the intransitive-only verbs.
        let intransitive: Set<String>
        let determiners = Set(World.objectDeterminers)

        init(world: World) {
            func forms(_ verbs: [World.Verb]) -> Set<String> { Set(verbs.flatMap { [$0.base, $0.present, $0.past] }) }
            anyUse = forms(world.verbs.filter { $0.group == .rare || $0.group == .heldOut })
            intransitive = forms(world.verbs.filter { $0.group == .intransitiveOnly })
        }

        /// Whether `text` uses a rare or held-out verb at all, or an intransitive-only verb right before an
        /// object determiner. Words are runs of ASCII letters, compared in lower case.
        func usesControlledVerb(_ text: String) -> Bool {
            var previousIntransitive = false
            var word: [UInt8] = []
            word.reserveCapacity(32)
            func endOfWord() -> Bool {
                defer { word.removeAll(keepingCapacity: true) }
                guard !word.isEmpty else { return false }
                let string = String(decoding: word, as: UTF8.self)
                if anyUse.contains(string) || (previousIntransitive && determiners.contains(string)) { return true }
                previousIntransitive = intransitive.contains(string)
                return false
            }
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"): word.append(byte)
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): word.append(byte + 0x20)
                default: if endOfWord() { return true }
                }
            }
            return endOfWord()
        }
    }

    /// Bytes and documents per source, and what each source holds.
    public struct Summary: Sendable, Equatable, Codable, CustomStringConvertible {
        public struct WordNetCount: Sendable, Equatable, Codable {
            public var synsets = 0
            public var examples = 0
            public var bytes = 0
            public var nouns = 0
            public var verbs = 0
            public var adjectives = 0
            public var adverbs = 0
            /// Documents passed over because they use a verb the world controls (within the budget's reach).
            public var excludedForVerbs = 0
        }

        public var seed: UInt64
        public var documents: Int
        /// UTF-8 bytes of all document texts (without separators).
        public var bytes: Int
        public var wordNetBytesBudget: Int
        /// How many synsets the WordNet text could have drawn from.
        public var wordNetSynsetsAvailable: Int
        /// One document per synset.
        public var wordNet: WordNetCount
        public var world: World.Summary

        public func documents(from source: Source) -> Int {
            source == .wordNet ? wordNet.synsets : world.documents
        }

        public func bytes(from source: Source) -> Int {
            source == .wordNet ? wordNet.bytes : world.bytes
        }

        public var description: String {
            func n(_ value: Int) -> String { World.grouping(value) }
            func share(_ value: Int) -> String {
                bytes == 0 ? "0%" : String(format: "%.1f%%", 100 * Double(value) / Double(bytes))
            }
            let w = wordNet
            return [
                "pretraining corpus (seed \(seed)): \(n(documents)) documents, \(n(bytes)) bytes",
                "wordnet: \(n(w.synsets)) of \(n(wordNetSynsetsAvailable)) synsets, \(n(w.bytes)) bytes "
                    + "(\(share(w.bytes)); budget \(n(wordNetBytesBudget))), \(n(w.examples)) examples; "
                    + "\(n(w.nouns)) nouns, \(n(w.verbs)) verbs, \(n(w.adjectives)) adjectives, \(n(w.adverbs)) adverbs; "
                    + "\(n(w.excludedForVerbs)) left out for using the world's controlled verbs",
                "world: \(n(world.documents)) documents, \(n(world.bytes)) bytes (\(share(world.bytes)))",
                world.description,
            ].joined(separator: "\n")
        }
    }
}
