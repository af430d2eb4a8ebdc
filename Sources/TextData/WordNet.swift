import Foundation

/// The synsets of WordNet 3.0, read from its data files (Debian's `wordnet-base`: /usr/share/wordnet).
///
/// A synset is one sense shared by a few words ("dog", "domestic dog", "Canis familiaris"), with a gloss:
/// a definition and, for 28% of the 117,659 synsets, example sentences (48,230 in all). This is the real
/// English of the pretraining corpus (``documents(seed:byteBudget:selection:)``) and of the definition
/// instructions.
///
/// Each line of data.noun, data.verb, data.adj and data.adv (wndb(5WN)) reads
///
///     offset lex_filenum ss_type w_cnt word lex_id [word lex_id …] p_cnt [ptr …] [frames …] | gloss
///
/// `w_cnt` is two hex digits, `lex_id` one, `p_cnt` three decimal digits; a pointer is
/// `symbol offset pos source/target` (the last four hex digits); verbs add `f_cnt` and `+ f_num w_num`
/// frames. Words spell spaces as underscores, and adjectives may carry a marker: `(a)` attributive,
/// `(p)` predicative, `(ip)` immediately postnominal. The gloss is a definition and examples in double
/// quotes, separated by `; ` (``parseGloss(_:)`` says how it copes with the few malformed ones).
/// Lines starting with two spaces are the licence header.
///
/// When cntlist.rev is there too, each synset gets its SemCor tag count (``Synset/tagCount``): how often
/// its senses were tagged in a sense-tagged corpus, the only frequency WordNet ships.
///
/// ```swift
/// let wordNet = try WordNet()                       // /usr/share/wordnet, all four files
/// let dog = wordNet.synsets.first { $0.partOfSpeech == .noun && $0.words.first == "dog" }!
/// dog.definition   // "a member of the genus Canis (probably descended from the common wolf) …"
/// dog.examples     // ["the dog barked all night"]
/// ```
///
/// Miller 1995, "WordNet: a lexical database for English" (CACM 38(11)); Fellbaum (ed.) 1998.
public struct WordNet: Sendable {
    /// Synsets in file order: nouns, verbs, adjectives, adverbs (those loaded), each by ascending offset.
    public let synsets: [Synset]
    /// Whether tag counts were read (cntlist.rev was present); otherwise every `tagCount` is 0.
    public let hasTagCounts: Bool
    /// (part of speech, offset) → index in `synsets`, for following pointers.
    private let indexOfSynset: [SynsetID: Int]

    /// Wraps synsets read elsewhere (tests, a subset).
    public init(synsets: [Synset], hasTagCounts: Bool = false) {
        self.synsets = synsets
        self.hasTagCounts = hasTagCounts
        var index: [SynsetID: Int] = [:]
        index.reserveCapacity(synsets.count)
        for (i, synset) in synsets.enumerated() { index[synset.id] = i }
        indexOfSynset = index
    }

    /// The synset a pointer leads to, or nil when it is not loaded.
    public func synset(_ id: SynsetID) -> Synset? {
        indexOfSynset[id].map { synsets[$0] }
    }

    /// The synsets a synset's pointers with `symbol` lead to ("@" hypernym, "!" antonym, "&" similar …).
    public func targets(of synset: Synset, symbol: String) -> [Synset] {
        synset.pointers.filter { $0.symbol == symbol }.compactMap { self.synset($0.target) }
    }
}
