extension WordNet {
    public enum PartOfSpeech: String, CaseIterable, Codable, Sendable {
        case noun, verb, adjective, adverb

        /// "data.noun", "data.verb", "data.adj", "data.adv".
        public var dataFileName: String {
            switch self {
            case .noun: "data.noun"
            case .verb: "data.verb"
            case .adjective: "data.adj"
            case .adverb: "data.adv"
            }
        }
    }

    /// A synset's address: its part of speech and the byte offset of its line in that data file.
    public struct SynsetID: Sendable, Hashable, Codable, CustomStringConvertible {
        public var partOfSpeech: PartOfSpeech
        public var offset: Int

        public init(partOfSpeech: PartOfSpeech, offset: Int) {
            self.partOfSpeech = partOfSpeech
            self.offset = offset
        }

        /// "02084071-n", as NLTK and the Open Multilingual Wordnet spell it.
        public var description: String {
            let digits = String(offset)
            let letter = switch partOfSpeech {
            case .noun: "n"
            case .verb: "v"
            case .adjective: "a"
            case .adverb: "r"
            }
            return String(repeating: "0", count: max(0, 8 - digits.count)) + digits + "-" + letter
        }
    }

    /// A relation from a synset (or one of its words) to another synset (or one of its words).
    public struct Pointer: Sendable, Hashable {
        /// wninput(5WN)'s symbol: "@" hypernym, "@i" instance hypernym, "~" hyponym, "!" antonym,
        /// "&" similar to, "#m"/"%m" member holonym/meronym, "+" derivationally related, …
        public var symbol: String
        public var target: SynsetID
        /// 1-based word numbers in the source and target synsets; 0 and 0 for a relation between synsets.
        public var sourceWord: Int
        public var targetWord: Int

        public init(symbol: String, target: SynsetID, sourceWord: Int = 0, targetWord: Int = 0) {
            self.symbol = symbol
            self.target = target
            self.sourceWord = sourceWord
            self.targetWord = targetWord
        }
    }

    /// A verb's sentence frame: wndb(5WN)'s frame number (1 "Something ----s", 8 "Somebody ----s something",
    /// …) and the 1-based word it holds for, or 0 for every word of the synset.
    public struct VerbFrame: Sendable, Hashable {
        public var number: Int
        public var word: Int

        public init(number: Int, word: Int = 0) {
            self.number = number
            self.word = word
        }
    }

    /// One sense: the words that express it, its definition and examples.
    public struct Synset: Sendable, Hashable {
        public var id: SynsetID
        /// True for an adjective satellite (ss_type `s`), which WordNet clusters around a head adjective.
        public var isSatellite: Bool
        /// lex_filenum: the lexicographer file (05 noun.animal, 29 verb.body …).
        public var lexicographerFile: Int
        /// As spoken: underscores become spaces and adjective markers are dropped ("ready to hand").
        public var words: [String]
        /// Each word's adjective marker: "a", "p", "ip", or nil (always nil outside data.adj).
        public var markers: [String?]
        /// The gloss without its examples; parts that the gloss separates by "; " keep that separator.
        public var definition: String
        /// The quoted example sentences, without quotes or attribution ("- Shakespeare").
        public var examples: [String]
        public var pointers: [Pointer]
        /// Verb frames (empty for other parts of speech).
        public var frames: [VerbFrame]
        /// SemCor tag count summed over the synset's words (cntlist.rev), 0 when unknown or untagged.
        public var tagCount: Int

        public var partOfSpeech: PartOfSpeech { id.partOfSpeech }
        public var offset: Int { id.offset }

        public init(id: SynsetID, isSatellite: Bool = false, lexicographerFile: Int = 0, words: [String],
                    markers: [String?]? = nil, definition: String, examples: [String] = [],
                    pointers: [Pointer] = [], frames: [VerbFrame] = [], tagCount: Int = 0) {
            self.id = id
            self.isSatellite = isSatellite
            self.lexicographerFile = lexicographerFile
            self.words = words
            self.markers = markers ?? [String?](repeating: nil, count: words.count)
            self.definition = definition
            self.examples = examples
            self.pointers = pointers
            self.frames = frames
            self.tagCount = tagCount
        }
    }
}
