/// Everything instruction examples may be drawn from, each source on one side of the held-out split.
///
/// The split depends on the world, the definitions, the seed and the held-out fraction only, so every
/// generated set built with the same arguments agrees on it (`InstructionSet` explains why).
struct InstructionSources {
    /// A dictionary word and its definitions, in the order given (the first is used for short answers).
    struct Entry {
        let word: String
        let senses: [String]
    }

    /// What one side of the split may use.
    struct Side {
        /// Instruction towns, grouped by k in `configuration.exposures` order.
        var towns: [[World.Town]]
        var entries: [Entry]
        /// Frequent alternating verbs with one of their themes.
        var alternating: [(verb: World.Verb, theme: String)]
        /// Intransitive-only verbs with one of the agents.
        var intransitive: [(verb: World.Verb, agent: String)]
        /// Stated problems, per arithmetic task in `world.arithmetic` order.
        var problems: [[World.ArithmeticProblem]]

        /// Whether this side has anything for `task`.
        func has(_ task: InstructionSet.Task) -> Bool {
            switch task {
            case .definition: !entries.isEmpty
            case .fact: towns.contains { !$0.isEmpty }
            case .grammar: !alternating.isEmpty || !intransitive.isEmpty
            case .arithmetic: problems.contains { !$0.isEmpty }
            case .imported: false
            }
        }

        /// Whether this side can make `exercise`.
        func has(_ exercise: InstructionSet.Exercise) -> Bool {
            switch exercise {
            case .causative, .anticausative: !alternating.isEmpty
            case .ungrammatical: !intransitive.isEmpty
            case .grammatical, .pastTense: !alternating.isEmpty || !intransitive.isEmpty
            default: has(exercise.task)
            }
        }
    }

    let world: World
    let train: Side
    let heldOut: Side
    /// Nouns that ungrammatical sentences put after an intransitive-only verb ("arrived the vase").
    let objectThemes: [String]

    init(world: World, definitions: [(word: String, definition: String)], seed: UInt64, heldOutFraction: Double) {
        precondition((0..<1).contains(heldOutFraction), "heldOutFraction is a share in [0, 1), got \(heldOutFraction)")
        self.world = world
        // Each task's split has its own stream, so that one task's sources do not move another's split.
        func stream(_ task: InstructionSet.Task) -> WorldRandom {
            WorldRandom(seed: seed, stream: "instructions/split/\(task.rawValue)")
        }
        // A town's facts share one key (the attribute does not enter it).
        func key(_ town: World.Town) -> String {
            InstructionSet.Source.fact(townIndex: town.index, attribute: .country).splitKey
        }

        // Facts: instruction towns only, by k; whole towns are held out.
        let towns = world.configuration.exposures.indices.map { group in
            world.instructionTowns.filter { $0.index % world.configuration.exposures.count == group }
        }
        var random = stream(.fact)
        let heldTowns = Self.heldOutKeys(
            strata: towns.map { $0.map(key) }, fraction: heldOutFraction, atLeastOnePerStratum: true, using: &random)

        // Definitions: never about a town, a misconception or a verb the causative benchmark tests.
        let entries = Self.entries(definitions, avoiding: WordFilter(Self.forbiddenWords(world)))
        random = stream(.definition)
        let heldWords = Self.heldOutKeys(
            strata: [entries.map { InstructionSet.Source.word($0.word).splitKey }], fraction: heldOutFraction,
            using: &random)

        // Grammar: frequent alternating verbs with their themes, intransitive-only verbs with agents.
        var alternating: [(verb: World.Verb, theme: String)] = []
        var intransitive: [(verb: World.Verb, agent: String)] = []
        for verb in world.verbs {
            switch verb.group {
            case .frequent: alternating += verb.themes.map { (verb, $0) }
            case .intransitiveOnly: intransitive += World.agents.map { (verb, $0) }
            case .rare, .heldOut: continue
            }
        }
        objectThemes = Self.unique(alternating.map(\.theme))
        random = stream(.grammar)
        let heldVerbs = Self.heldOutKeys(
            strata: [
                alternating.map { InstructionSet.Source.verb(base: $0.verb.base, argument: $0.theme).splitKey },
                intransitive.map { InstructionSet.Source.verb(base: $0.verb.base, argument: $0.agent).splitKey },
            ],
            fraction: heldOutFraction, using: &random)

        // Arithmetic: stated problems only; problems sharing three numbers stay together.
        let stated = world.arithmetic.map(\.stated)
        random = stream(.arithmetic)
        let heldTriples = Self.heldOutKeys(
            strata: stated.map { Self.unique($0.map { InstructionSet.Source.problem($0).splitKey }) },
            fraction: heldOutFraction, using: &random)

        func side(held: Bool) -> Side {
            Side(
                towns: towns.map { $0.filter { heldTowns.contains(key($0)) == held } },
                entries: entries.filter { heldWords.contains(InstructionSet.Source.word($0.word).splitKey) == held },
                alternating: alternating.filter {
                    heldVerbs.contains(InstructionSet.Source.verb(base: $0.verb.base, argument: $0.theme).splitKey) == held
                },
                intransitive: intransitive.filter {
                    heldVerbs.contains(InstructionSet.Source.verb(base: $0.verb.base, argument: $0.agent).splitKey) == held
                },
                problems: stated.map { $0.filter { heldTriples.contains(InstructionSet.Source.problem($0).splitKey) == held } })
        }
        train = side(held: false)
        heldOut = side(held: true)
    }

    /// Lowercased words no definition may contain: every town name (instruction, evaluation and
    /// misconception towns) and every form of the rare and held-out alternating verbs.
    static func forbiddenWords(_ world: World) -> Set<String> {
        var words = Set<String>()
        for town in world.towns { words.insert(town.name.lowercased()) }
        for item in world.misconceptions { words.insert(item.town.lowercased()) }
        for verb in world.verbs where verb.group == .rare || verb.group == .heldOut {
            words.formUnion([verb.base, verb.present, verb.past])
        }
        return words
    }

    /// Whole words to look for in text, ASCII-case-insensitively, without splitting the text into strings:
    /// the scan hashes each run of ASCII letters as it goes (anything else separates words, so
    /// "Belmora—its" still shows "belmora") and compares bytes only when a hash matches. It scans every
    /// definition given, a few hundred thousand for WordNet.
    struct WordFilter {
        private let hashes: Set<UInt64>
        private let words: Set<[UInt8]>

        init(_ words: Set<String>) {
            let lowered = words.map { Array($0.lowercased().utf8) }
            self.words = Set(lowered)
            hashes = Set(lowered.map(Self.hash))
        }

        static func hash(_ bytes: [UInt8]) -> UInt64 {
            bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
        }

        /// Whether `text` contains one of the words as a whole word.
        func matches(_ text: String) -> Bool {
            var text = text
            return text.withUTF8 { bytes in
                func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
                var hash: UInt64 = 0
                var start = -1
                for i in 0...bytes.count {
                    let byte = i < bytes.count ? lower(bytes[i]) : 0
                    if byte >= 0x61 && byte <= 0x7A {
                        if start < 0 { (start, hash) = (i, 0xCBF2_9CE4_8422_2325) }
                        hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                    } else if start >= 0 {
                        if hashes.contains(hash) && words.contains(bytes[start..<i].map(lower)) { return true }
                        start = -1
                    }
                }
                return false
            }
        }
    }

    /// Definitions grouped by word in the order given, trimmed, without blanks, repeats or forbidden words
    /// (in the word or its definition). WordNet's "ice_cream" is written "ice cream".
    static func entries(_ definitions: [(word: String, definition: String)], avoiding forbidden: WordFilter) -> [Entry] {
        var order: [String] = []
        var senses: [String: [String]] = [:]
        for (rawWord, rawDefinition) in definitions {
            let word = trimmed(rawWord.utf8.contains(UInt8(ascii: "_")) ? rawWord.replacing("_", with: " ") : rawWord)
            let definition = trimmed(rawDefinition)
            guard !word.isEmpty, !definition.isEmpty else { continue }
            guard !forbidden.matches(word), !forbidden.matches(definition) else { continue }
            if senses[word] == nil {
                order.append(word)
                senses[word] = []
            }
            if !senses[word]!.contains(definition) { senses[word]!.append(definition) }
        }
        return order.map { Entry(word: $0, senses: senses[$0]!) }
    }

    /// Without leading and trailing spaces, tabs and line breaks (WordNet's glosses end in spaces).
    static func trimmed(_ text: String) -> String {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) })
        else { return "" }
        let end = utf8.index(after: last)
        if first == utf8.startIndex && end == utf8.endIndex { return text }
        return String(decoding: utf8[first..<end], as: UTF8.self)  // cut at ASCII bytes: still valid UTF-8
    }

    /// The keys held out: round(fraction × all keys) of them (at least one if there are two or more keys
    /// and fraction > 0), shared among the strata in proportion to their sizes, each stratum's drawn at
    /// random. `atLeastOnePerStratum`: every stratum of two or more keys gives at least one (so held-out
    /// facts cover every k). A key listed twice in a stratum counts once there.
    static func heldOutKeys(
        strata: [[String]], fraction: Double, atLeastOnePerStratum: Bool = false, using random: inout WorldRandom
    ) -> Set<String> {
        let strata = strata.map(unique)
        let total = strata.map(\.count).reduce(0, +)
        guard fraction > 0, total >= 2 else { return [] }
        let wanted = max(1, Int((fraction * Double(total)).rounded()))
        var quotas = apportion(wanted, weights: strata.map { Double($0.count) })
        if atLeastOnePerStratum {
            for i in strata.indices where strata[i].count >= 2 { quotas[i] = max(quotas[i], 1) }
        }
        var held = Set<String>()
        for (stratum, quota) in zip(strata, quotas) {
            held.formUnion(random.shuffled(stratum).prefix(quota))
        }
        return held
    }

    /// `total` split in proportion to `weights` by largest remainders (ties to the earlier weight);
    /// zero weights get nothing. The parts sum to `total` unless every weight is zero.
    static func apportion(_ total: Int, weights: [Double]) -> [Int] {
        let sum = weights.reduce(0, +)
        guard sum > 0, total > 0 else { return weights.map { _ in 0 } }
        let exact = weights.map { Double(total) * $0 / sum }
        var parts = exact.map { Int($0.rounded(.down)) }
        let byRemainder = exact.indices.filter { weights[$0] > 0 }.sorted {
            let a = exact[$0] - Double(parts[$0])
            let b = exact[$1] - Double(parts[$1])
            return a != b ? a > b : $0 < $1
        }
        var left = total - parts.reduce(0, +)
        var i = 0
        while left > 0 {
            parts[byRemainder[i % byRemainder.count]] += 1
            left -= 1
            i += 1
        }
        return parts
    }

    /// The elements in first-seen order without repeats.
    static func unique<T: Hashable>(_ items: [T]) -> [T] {
        var seen = Set<T>()
        return items.filter { seen.insert($0).inserted }
    }
}

/// Items in a shuffled order, reshuffled each time all have been used: every item is used once before
/// any is used twice.
struct InstructionCycler<Item> {
    private let items: [Item]
    private var order: [Int]
    private var position = 0

    init(_ items: [Item], using random: inout WorldRandom) {
        self.items = items
        order = random.shuffled(Array(items.indices))
    }

    var isEmpty: Bool { items.isEmpty }

    mutating func next(using random: inout WorldRandom) -> Item {
        precondition(!items.isEmpty, "nothing to draw from")
        if position == order.count {
            random.shuffle(&order)
            position = 0
        }
        defer { position += 1 }
        return items[order[position]]
    }
}
