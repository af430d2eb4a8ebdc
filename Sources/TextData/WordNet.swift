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
    /// Where Debian's wordnet-base puts the files (`make setup` installs it).
    public static let defaultDirectory = "/usr/share/wordnet"

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

    /// Reads the data files of `partsOfSpeech` from `directory`, and cntlist.rev when it is there.
    ///
    /// Throws ``LoadError``: a missing directory or data file (with the command that installs them), an
    /// unreadable file, or a malformed line (file name and line number).
    public init(directory: String = WordNet.defaultDirectory,
                partsOfSpeech: [PartOfSpeech] = PartOfSpeech.allCases) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LoadError.missingDirectory(path: directory)
        }
        let tagCountsPath = (directory as NSString).appendingPathComponent("cntlist.rev")
        var tagCounts: TagCounts? = nil
        if FileManager.default.fileExists(atPath: tagCountsPath) {
            tagCounts = try TagCounts(contentsOf: Self.read(tagCountsPath), fileName: "cntlist.rev")
        }
        var synsets: [Synset] = []
        synsets.reserveCapacity(120_000)  // WordNet 3.0 has 117,659
        for partOfSpeech in PartOfSpeech.allCases where partsOfSpeech.contains(partOfSpeech) {
            let path = (directory as NSString).appendingPathComponent(partOfSpeech.dataFileName)
            guard FileManager.default.fileExists(atPath: path) else {
                throw LoadError.missingFile(path: path)
            }
            try Self.parseDataFile(
                Self.read(path), partOfSpeech: partOfSpeech, fileName: partOfSpeech.dataFileName, tagCounts: tagCounts,
                into: &synsets)
        }
        self.init(synsets: synsets, hasTagCounts: tagCounts != nil)
    }

    private static func read(_ path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LoadError.unreadable(path: path, reason: "\(error.localizedDescription)")
        }
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

// MARK: - Records

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

    /// Why WordNet could not be read, with what to do about it.
    public enum LoadError: Error, Equatable, CustomStringConvertible {
        case missingDirectory(path: String)
        case missingFile(path: String)
        case unreadable(path: String, reason: String)
        /// `line` is 1-based, counting the licence header.
        case malformedLine(file: String, line: Int, reason: String)

        static let advice = "install WordNet with `sudo apt-get install wordnet-base` (or `make setup`)"

        public var description: String {
            switch self {
            case .missingDirectory(let path):
                "WordNet: no directory \(path); \(Self.advice)"
            case .missingFile(let path):
                "WordNet: missing \(path); \(Self.advice)"
            case .unreadable(let path, let reason):
                "WordNet: cannot read \(path): \(reason)"
            case .malformedLine(let file, let line, let reason):
                "WordNet: \(file):\(line): malformed line: \(reason) (a damaged file? reinstall it with "
                    + "`sudo apt-get install --reinstall wordnet-base`)"
            }
        }
    }
}

// MARK: - Parsing

extension WordNet {
    /// Parses one data file's text; `fileName` names it in errors and decides nothing else.
    public static func parseDataFile(_ text: String, partOfSpeech: PartOfSpeech, fileName: String? = nil) throws
        -> [Synset]
    {
        var synsets: [Synset] = []
        try parseDataFile(Data(text.utf8), partOfSpeech: partOfSpeech,
                          fileName: fileName ?? partOfSpeech.dataFileName, tagCounts: nil, into: &synsets)
        return synsets
    }

    /// Appends the synsets of one data file to `synsets`.
    static func parseDataFile(_ data: Data, partOfSpeech: PartOfSpeech, fileName: String, tagCounts: TagCounts?,
                              into synsets: inout [Synset]) throws {
        let first = synsets.count
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var pending: [[Sense]] = []  // each synset's senses, when counting tags
            var headOf: [Int: Sense] = [:]  // head adjective offset → its first word
            var lineNumber = 0
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                lineNumber += 1
                var lineEnd = end
                if lineEnd > start && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }  // tolerate CRLF
                let isHeader = lineEnd - start >= 2 && bytes[start] == 0x20 && bytes[start + 1] == 0x20
                let isBlank = lineEnd == start || (bytes[start] == 0x20 && (start..<lineEnd).allSatisfy { bytes[$0] == 0x20 })
                if !isHeader && !isBlank {
                    var parser = LineParser(bytes: bytes, start: start, end: lineEnd)
                    do {
                        let (synset, senses) = try parser.synset(partOfSpeech: partOfSpeech, senses: tagCounts != nil)
                        if tagCounts != nil {
                            if partOfSpeech == .adjective, !synset.isSatellite, let head = senses.first {
                                headOf[synset.offset] = head
                            }
                            pending.append(senses)
                        }
                        synsets.append(synset)
                    } catch let error as LineError {
                        throw LoadError.malformedLine(file: fileName, line: lineNumber, reason: error.reason)
                    }
                }
                start = end + 1
            }
            // Tag counts, once every head adjective is known (a satellite's sense key names its head's word).
            if let tagCounts {
                for (n, senses) in pending.enumerated() {
                    let index = first + n
                    let synset = synsets[index]
                    var head: Sense? = nil
                    if synset.isSatellite {
                        // The satellite's "&" pointer leads to its head synset.
                        let pointer = synset.pointers.first { $0.symbol == "&" && $0.target.partOfSpeech == .adjective }
                        head = pointer.flatMap { headOf[$0.target.offset] }
                    }
                    synsets[index].tagCount = senses.reduce(0) { total, sense in
                        total + tagCounts.count(
                            lemma: sense.lemma, senseType: synset.isSatellite ? 5 : partOfSpeech.senseType,
                            lexicographerFile: synset.lexicographerFile, lexID: sense.lexID, head: head)
                    }
                }
            }
        }
    }

    /// A word of a synset as a sense key spells it: lower case, underscores, no marker; and its lex_id.
    struct Sense {
        var lemma: String
        var lexID: Int
    }

    struct LineError: Error {
        let reason: String
    }

    /// Reads one data line field by field (fields are separated by single spaces).
    struct LineParser {
        let bytes: UnsafeBufferPointer<UInt8>
        var position: Int
        let end: Int

        init(bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int) {
            self.bytes = bytes
            self.position = start
            self.end = end
        }

        mutating func field(_ name: @autoclosure () -> String) throws -> Range<Int> {
            while position < end && bytes[position] == 0x20 { position += 1 }
            guard position < end else { throw LineError(reason: "the line ends before \(name())") }
            let start = position
            while position < end && bytes[position] != 0x20 { position += 1 }
            return start..<position
        }

        func string(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }

        /// A field of exactly `digits` characters in `radix` (10 or 16).
        mutating func number(_ name: @autoclosure () -> String, digits: Int, radix: Int) throws -> Int {
            let range = try field(name())
            var value = 0
            for i in range {
                guard let digit = Self.digitValue(bytes[i]), digit < radix else { value = -1; break }
                value = value * radix + digit
            }
            guard value >= 0, range.count == digits else {
                let kind = radix == 16 ? "hex digit" : "digit"
                throw LineError(reason: "\(name()) \"\(string(range))\" is not \(digits) \(kind)\(digits == 1 ? "" : "s")")
            }
            return value
        }

        static func digitValue(_ byte: UInt8) -> Int? {
            switch byte {
            case 0x30...0x39: Int(byte - 0x30)
            case 0x61...0x66: Int(byte - 0x61 + 10)
            case 0x41...0x46: Int(byte - 0x41 + 10)
            default: nil
            }
        }

        static func partOfSpeech(_ byte: UInt8) -> (PartOfSpeech, satellite: Bool)? {
            switch byte {
            case UInt8(ascii: "n"): (.noun, false)
            case UInt8(ascii: "v"): (.verb, false)
            case UInt8(ascii: "a"): (.adjective, false)
            case UInt8(ascii: "s"): (.adjective, true)
            case UInt8(ascii: "r"): (.adverb, false)
            default: nil
            }
        }

        /// The synset, and its words as sense keys spell them.
        mutating func synset(partOfSpeech expected: PartOfSpeech, senses wantSenses: Bool) throws -> (Synset, [Sense]) {
            let offset = try number("synset_offset", digits: 8, radix: 10)
            let lexicographerFile = try number("lex_filenum", digits: 2, radix: 10)
            let typeRange = try field("ss_type")
            guard typeRange.count == 1, let (partOfSpeech, isSatellite) = Self.partOfSpeech(bytes[typeRange.lowerBound])
            else {
                throw LineError(reason: "ss_type \"\(string(typeRange))\" is not one of n, v, a, s, r")
            }
            guard partOfSpeech == expected else {
                throw LineError(reason: "ss_type \"\(string(typeRange))\" in the \(expected.rawValue) file")
            }
            let wordCount = try number("w_cnt", digits: 2, radix: 16)
            guard wordCount >= 1 else { throw LineError(reason: "w_cnt is 00: a synset has at least one word") }
            var words: [String] = []
            var markers: [String?] = []
            var senses: [Sense] = []
            if wantSenses { senses.reserveCapacity(wordCount) }
            words.reserveCapacity(wordCount)
            markers.reserveCapacity(wordCount)
            for n in 1...wordCount {
                let range = try field("word \(n) of \(wordCount)")
                let lexID = try number("lex_id of word \(n)", digits: 1, radix: 16)
                let (lemma, marker) = splitMarker(range)
                words.append(String(unsafeUninitializedCapacity: lemma.count) { buffer in
                    for (i, byte) in bytes[lemma].enumerated() { buffer[i] = byte == 0x5F ? 0x20 : byte }  // _ → space
                    return lemma.count
                })
                markers.append(marker)
                if wantSenses {
                    senses.append(Sense(lemma: String(unsafeUninitializedCapacity: lemma.count) { buffer in
                        for (i, byte) in bytes[lemma].enumerated() {
                            buffer[i] = (0x41...0x5A).contains(byte) ? byte + 0x20 : byte  // A-Z → a-z
                        }
                        return lemma.count
                    }, lexID: lexID))
                }
            }
            let pointerCount = try number("p_cnt", digits: 3, radix: 10)
            var pointers: [Pointer] = []
            pointers.reserveCapacity(pointerCount)
            for n in 0..<pointerCount {
                let symbol = try field("pointer \(n + 1) of \(pointerCount)")
                let target = try number("offset of pointer \(n + 1)", digits: 8, radix: 10)
                let posRange = try field("pos of pointer \(n + 1)")
                guard posRange.count == 1, let (targetPOS, _) = Self.partOfSpeech(bytes[posRange.lowerBound]) else {
                    throw LineError(reason: "pos of pointer \(n + 1) \"\(string(posRange))\" is not one of n, v, a, s, r")
                }
                let words = try number("source/target of pointer \(n + 1)", digits: 4, radix: 16)
                pointers.append(Pointer(
                    symbol: string(symbol), target: SynsetID(partOfSpeech: targetPOS, offset: target),
                    sourceWord: words >> 8, targetWord: words & 0xFF))
            }
            var frames: [VerbFrame] = []
            if partOfSpeech == .verb {
                let frameCount = try number("f_cnt", digits: 2, radix: 10)
                for n in 0..<frameCount {
                    let plus = try field("frame \(n + 1) of \(frameCount)")
                    guard plus.count == 1, bytes[plus.lowerBound] == UInt8(ascii: "+") else {
                        throw LineError(reason: "frame \(n + 1) starts with \"\(string(plus))\", not \"+\"")
                    }
                    let number = try number("f_num of frame \(n + 1)", digits: 2, radix: 10)
                    let word = try self.number("w_num of frame \(n + 1)", digits: 2, radix: 16)
                    frames.append(VerbFrame(number: number, word: word))
                }
            }
            let bar = try field("the \"|\" before the gloss")
            guard bar.count == 1, bytes[bar.lowerBound] == UInt8(ascii: "|") else {
                throw LineError(reason: "expected \"|\" before the gloss, found \"\(string(bar))\"")
            }
            let gloss = WordNet.parseGloss(UnsafeBufferPointer(rebasing: bytes[position..<end]))
            let synset = Synset(
                id: SynsetID(partOfSpeech: partOfSpeech, offset: offset), isSatellite: isSatellite,
                lexicographerFile: lexicographerFile, words: words, markers: markers,
                definition: gloss.definition, examples: gloss.examples, pointers: pointers, frames: frames)
            return (synset, senses)
        }

        /// "ready_to_hand(p)" → "ready_to_hand" and "p"; markers are (a), (p) and (ip).
        func splitMarker(_ range: Range<Int>) -> (Range<Int>, String?) {
            guard range.count > 3, bytes[range.upperBound - 1] == UInt8(ascii: ")") else { return (range, nil) }
            for length in [3, 4] where range.count > length {
                let open = range.upperBound - length
                guard bytes[open] == UInt8(ascii: "(") else { continue }
                let marker = string((open + 1)..<(range.upperBound - 1))
                if marker == "a" || marker == "p" || marker == "ip" { return (range.lowerBound..<open, marker) }
            }
            return (range, nil)
        }
    }

    /// Splits a gloss into its definition and its example sentences.
    ///
    /// Parts are separated by "; ". A part starting with `"` is an example, which ends at the next `"` that
    /// is not followed by a letter or digit, so "; " inside the quotes stays in it; text after the closing
    /// quote up to the next "; " is an attribution ("- Shakespeare") and is dropped. The other parts,
    /// joined by "; ", are the definition. Of WordNet 3.0's few malformed glosses: an example missing its
    /// closing quote runs to the next "; "; a later part ending in its only `"` is an example missing its
    /// opening quote (the first part is the definition with a stray quote, which is dropped); an example
    /// still holding a `"` (quotes mismatched inside it) is dropped.
    static func parseGloss(_ gloss: UnsafeBufferPointer<UInt8>) -> (definition: String, examples: [String]) {
        let quote = UInt8(ascii: "\""), semicolon = UInt8(ascii: ";"), space = UInt8(ascii: " ")
        let n = gloss.count
        func separator(from start: Int) -> Int {
            var i = start
            while i + 1 < n {
                if gloss[i] == semicolon && gloss[i + 1] == space { return i }
                i += 1
            }
            return n
        }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        }
        func trimmed(_ range: Range<Int>) -> Range<Int> {
            var lower = range.lowerBound, upper = range.upperBound
            while lower < upper && gloss[lower] == space { lower += 1 }
            while upper > lower && (gloss[upper - 1] == space || gloss[upper - 1] == semicolon) { upper -= 1 }
            return lower..<upper
        }
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: gloss[range]), as: UTF8.self)
        }
        func addExample(_ range: Range<Int>, to examples: inout [String]) {
            let range = trimmed(range)
            if !range.isEmpty && !gloss[range].contains(quote) { examples.append(text(range)) }
        }

        var definition: [String] = []
        var examples: [String] = []
        var i = 0
        while i < n {
            while i < n && gloss[i] == space { i += 1 }
            guard i < n else { break }
            if gloss[i] == quote {
                var close = i + 1
                while close < n && !(gloss[close] == quote && (close + 1 == n || !isAlphanumeric(gloss[close + 1]))) {
                    close += 1
                }
                if close < n {
                    addExample((i + 1)..<close, to: &examples)
                    i = separator(from: close + 1) + 2
                } else {
                    let end = separator(from: i + 1)
                    addExample((i + 1)..<end, to: &examples)
                    i = end + 2
                }
            } else {
                let end = separator(from: i)
                let part = trimmed(i..<end)
                let quotes = gloss[part].lazy.filter { $0 == quote }.count
                if quotes == 1 && gloss[part.upperBound - 1] == quote {
                    // After the definition, an example missing its opening quote; else a stray quote.
                    if definition.isEmpty {
                        definition.append(text(trimmed(part.lowerBound..<(part.upperBound - 1))))
                    } else {
                        addExample(part.lowerBound..<(part.upperBound - 1), to: &examples)
                    }
                } else if !part.isEmpty {
                    definition.append(text(part))
                }
                i = end + 2
            }
        }
        return (definition.joined(separator: "; "), examples)
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

// MARK: - Tag counts

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
