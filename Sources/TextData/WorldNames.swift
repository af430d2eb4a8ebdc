extension World {
    /// Invented town names: onset + vowel (+ coda) + onset (+ vowel + consonant) + ending, e.g. "Belmora",
    /// "Tharkavik", "Droseth". Pronounceable (no more than two consonants or two vowels in a row across a
    /// syllable join), 5–10 letters, capitalised.
    ///
    /// The endings were chosen so that few English words fit the pattern at all: every WordNet 3.0 lemma
    /// that does is listed in `realWordsFittingNamePattern` and never produced. Names are also never equal
    /// to any word of the world's own vocabularies (countries, rivers, founders, exports, verbs, nouns).
    static let nameOnsets = [
        "b", "br", "d", "dr", "f", "g", "gr", "h", "k", "kr", "l", "m", "n", "p", "r", "s", "t", "tr", "v",
        "z", "th", "sh", "fl", "gl", "pr", "sk", "w", "y", "j",
    ]
    static let nameVowels = ["a", "e", "i", "o", "u", "ai", "ei", "au"]
    static let nameCodas = ["", "l", "n", "r", "s", "m"]
    static let nameInnerOnsets = [
        "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "th", "sh", "dr", "br", "tr",
        "gr", "kr", "st", "sk", "w",
    ]
    static let nameMiddleVowels = ["a", "e", "i", "o", "u"]
    static let nameMiddleCodas = ["l", "n", "r", "v", "d", "s", "m"]
    static let nameEndings = [
        "ora", "uva", "esk", "eth", "ovar", "avik", "une", "ira", "enna", "ori", "und", "ova", "imm", "essa",
        "aro", "ilde", "oth", "anth", "urn",
    ]

    /// WordNet 3.0 lemmas (nouns, verbs, adjectives, adverbs, including proper names) that fit the name
    /// pattern above, found by matching the pattern against every lemma; the generator skips them.
    static let realWordsFittingNamePattern: Set<String> = [
        "bethune", "betroth", "daleth", "fedora", "fortune", "fumimaro", "genova", "gerund", "gongora",
        "grigori", "hegira", "kenneth", "lagune", "lautaro", "lempira", "mammoth", "markova", "marmora",
        "masora", "mellivora", "minora", "moldova", "nazareth", "nazimova", "padova", "pandora", "perilune",
        "raimund", "ravenna", "refund", "remora", "return", "rotund", "salvadora", "samovar", "satori",
        "saturn", "senora", "sonora", "sunburn", "tabora", "tribune", "vanessa", "viramune", "volund",
        "zamora", "zeroth",
    ]

    /// One name drawn from the pattern (maybe a real word or a duplicate: `inventNames` filters).
    static func drawName(using random: inout WorldRandom) -> String {
        while true {
            var name = random.element(of: nameOnsets) + random.element(of: nameVowels)
            let coda = random.element(of: nameCodas)
            name += coda
            let inner = random.element(of: nameInnerOnsets)
            if !coda.isEmpty && inner.count > 1 { continue }  // at most two consonants across the join
            name += inner
            if random.chance(0.3) {
                name += random.element(of: nameMiddleVowels) + random.element(of: nameMiddleCodas)
            }
            name += random.element(of: nameEndings)
            if (5...10).contains(name.count) { return name.prefix(1).uppercased() + name.dropFirst() }
        }
    }

    /// Every lowercased word the world's sentences use for something other than a town: names must avoid them.
    static var reservedWords: Set<String> {
        var words = Set<String>()
        for attribute in Attribute.allCases {
            for value in attribute.values {
                for word in value.split(separator: " ") { words.insert(word.lowercased()) }
            }
        }
        for entry in alternatingLexicon + intransitiveLexicon {
            words.formUnion([entry.base, entry.present, entry.past])
            words.formUnion(entry.themes)
        }
        for agent in agents {
            for word in agent.split(separator: " ") { words.insert(String(word)) }
        }
        return words
    }

    /// `count` distinct invented names, in draw order.
    static func inventNames(count: Int, using random: inout WorldRandom) -> [String] {
        let reserved = reservedWords
        var names: [String] = []
        var seen = Set<String>()
        var attempts = 0
        while names.count < count {
            attempts += 1
            precondition(attempts < 100 * count + 10_000, "could not invent \(count) distinct town names")
            let name = drawName(using: &random)
            let key = name.lowercased()
            if seen.contains(key) || reserved.contains(key) || realWordsFittingNamePattern.contains(key) { continue }
            seen.insert(key)
            names.append(name)
        }
        return names
    }
}
