extension World {
    /// A verb of the causative alternation (BLiMP "causative"): alternating verbs take an object or not
    /// ("The girl broke the vase." / "The vase broke."); intransitive-only verbs never do ("The man arrived.",
    /// never "*The man arrived the vase.").
    ///
    /// Every verb appears in the same number of sentences, so the verb's frequency alone cannot pick the
    /// grammatical sentence of a pair. What varies is how often an alternating verb is seen with an object.
    public struct Verb: Sendable, Hashable, Codable {
        public enum Group: String, Codable, Sendable, CaseIterable {
            /// Alternating, seen transitively in about half its sentences.
            case frequent
            /// Alternating, seen transitively only a few times (2–5 by default).
            case rare
            /// Alternating, never seen transitively in the corpus: only "The sugar dissolved.".
            case heldOut = "held_out"
            /// Never transitive, in the corpus or in English.
            case intransitiveOnly = "intransitive_only"
        }

        public let base: String
        /// Third person singular present, "breaks".
        public let present: String
        public let past: String
        public let group: Group
        /// What undergoes the change: the object of "The girl broke the vase." and the subject of
        /// "The vase broke.". Empty for intransitive-only verbs, whose subjects are people (`World.agents`).
        public let themes: [String]
        public let transitiveSentences: Int
        public let intransitiveSentences: Int

        /// Whether English allows it with an object (true for frequent, rare and held-out verbs).
        public var alternates: Bool { group != .intransitiveOnly }

        /// Its finite form in a tense.
        public func form(past isPast: Bool) -> String { isPast ? past : present }
    }

    /// A BLiMP-style pair: the same sentence with an alternating verb (grammatical) and with an
    /// intransitive-only verb (ungrammatical). Score: the grammatical sentence has the higher total log-prob.
    public struct MinimalPair: Sendable, Hashable, Codable {
        public let grammatical: String
        public let ungrammatical: String
        public let alternatingVerb: String
        public let intransitiveVerb: String
        /// The alternating verb's group: how often the model saw it transitively (frequent, rare, held out).
        public let group: Verb.Group
    }

    /// The people who do things (transitive subjects and the subjects of intransitive-only verbs).
    public static let agents = [
        "the girl", "the boy", "the man", "the woman", "the farmer", "the baker", "the sailor", "the child",
        "the teacher", "the cook", "the doctor", "the old man", "my sister", "my brother", "the stranger",
        "the soldier",
    ]
    static let themeDeterminers = ["the", "the", "the", "my", "her", "his", "our", "their"]
    static let pastTails = ["", "", "", " yesterday", " again", " last night", " in the morning", " at noon", " quickly", " slowly"]
    static let presentTails = ["", "", " again", " every day", " in the morning", " at night", " quickly", " slowly"]
    /// Words that, right after a verb, would make it transitive: no intransitive use is followed by one.
    public static let objectDeterminers = ["the", "a", "an", "my", "her", "his", "our", "their", "its"]

    struct VerbEntry: Sendable {
        let base: String
        let present: String
        let past: String
        let themes: [String]
    }

    static let alternatingLexicon: [VerbEntry] = [
        VerbEntry(base: "break", present: "breaks", past: "broke", themes: ["vase", "glass", "plate", "window", "cup", "bowl"]),
        VerbEntry(base: "melt", present: "melts", past: "melted", themes: ["ice", "butter", "wax", "snow", "chocolate", "candle"]),
        VerbEntry(base: "roll", present: "rolls", past: "rolled", themes: ["ball", "barrel", "log", "coin", "wheel", "marble"]),
        VerbEntry(base: "open", present: "opens", past: "opened", themes: ["door", "box", "gate", "jar", "window", "drawer"]),
        VerbEntry(base: "close", present: "closes", past: "closed", themes: ["door", "gate", "box", "drawer", "window", "lid"]),
        VerbEntry(base: "bend", present: "bends", past: "bent", themes: ["rod", "wire", "spoon", "branch", "pipe", "nail"]),
        VerbEntry(base: "freeze", present: "freezes", past: "froze", themes: ["water", "pond", "milk", "lake", "juice", "soup"]),
        VerbEntry(base: "shatter", present: "shatters", past: "shattered", themes: ["glass", "mirror", "vase", "window", "bottle", "plate"]),
        VerbEntry(base: "sink", present: "sinks", past: "sank", themes: ["boat", "ship", "raft", "barrel", "crate", "canoe"]),
        VerbEntry(base: "bounce", present: "bounces", past: "bounced", themes: ["ball", "pebble", "coin", "cushion", "marble"]),
        VerbEntry(base: "crack", present: "cracks", past: "cracked", themes: ["egg", "plate", "nut", "cup", "mirror", "bowl"]),
        VerbEntry(base: "spin", present: "spins", past: "spun", themes: ["wheel", "top", "coin", "plate", "chair"]),
        VerbEntry(base: "tear", present: "tears", past: "tore", themes: ["paper", "cloth", "sheet", "sail", "shirt", "map"]),
        VerbEntry(base: "burn", present: "burns", past: "burned", themes: ["wood", "paper", "toast", "letter", "log", "candle"]),
        VerbEntry(base: "dry", present: "dries", past: "dried", themes: ["shirt", "towel", "cloth", "sheet", "paint"]),
        VerbEntry(base: "drop", present: "drops", past: "dropped", themes: ["cup", "book", "spoon", "key", "bag"]),
        VerbEntry(base: "shake", present: "shakes", past: "shook", themes: ["table", "bottle", "window", "tree", "fence"]),
        VerbEntry(base: "dissolve", present: "dissolves", past: "dissolved", themes: ["sugar", "tablet", "powder", "soap"]),
        VerbEntry(base: "boil", present: "boils", past: "boiled", themes: ["water", "milk", "soup", "kettle", "stew"]),
        VerbEntry(base: "slide", present: "slides", past: "slid", themes: ["box", "chair", "crate", "drawer", "sled"]),
        VerbEntry(base: "snap", present: "snaps", past: "snapped", themes: ["twig", "rope", "pencil", "stick", "string"]),
        VerbEntry(base: "swing", present: "swings", past: "swung", themes: ["gate", "door", "lantern", "rope"]),
        VerbEntry(base: "shrink", present: "shrinks", past: "shrank", themes: ["sweater", "shirt", "sock", "blanket"]),
        VerbEntry(base: "crumble", present: "crumbles", past: "crumbled", themes: ["bread", "cake", "biscuit", "wall"]),
        VerbEntry(base: "turn", present: "turns", past: "turned", themes: ["wheel", "key", "handle", "page", "knob"]),
    ]

    static let intransitiveLexicon: [VerbEntry] = [
        ("arrive", "arrives", "arrived"), ("appear", "appears", "appeared"), ("vanish", "vanishes", "vanished"),
        ("disappear", "disappears", "disappeared"), ("sleep", "sleeps", "slept"), ("laugh", "laughs", "laughed"),
        ("yawn", "yawns", "yawned"), ("sneeze", "sneezes", "sneezed"), ("faint", "faints", "fainted"),
        ("blush", "blushes", "blushed"), ("giggle", "giggles", "giggled"), ("shiver", "shivers", "shivered"),
        ("snore", "snores", "snored"), ("tremble", "trembles", "trembled"), ("wince", "winces", "winced"),
        ("nap", "naps", "napped"), ("sigh", "sighs", "sighed"), ("frown", "frowns", "frowned"),
        ("doze", "dozes", "dozed"), ("stumble", "stumbles", "stumbled"),
    ].map { VerbEntry(base: $0.0, present: $0.1, past: $0.2, themes: []) }

    /// Alternating verbs in order frequent, rare, held out (which verb falls in which group depends on the
    /// seed), then intransitive-only verbs.
    static func makeVerbs(seed: UInt64, configuration c: Configuration) -> [Verb] {
        var random = WorldRandom(seed: seed, stream: "verbs")
        let alternating = random.shuffled(alternatingLexicon)
        let intransitive = random.shuffled(intransitiveLexicon).prefix(c.intransitiveOnlyVerbs)
        let groups: [(Verb.Group, Int)] = [(.frequent, c.frequentVerbs), (.rare, c.rareVerbs), (.heldOut, c.heldOutVerbs)]
        var verbs: [Verb] = []
        var next = 0
        for (group, count) in groups {
            for entry in alternating[next..<next + count] {
                let transitive: Int
                switch group {
                case .frequent: transitive = Int((Double(c.sentencesPerVerb) * c.frequentTransitiveFraction).rounded())
                case .rare: transitive = random.int(in: c.rareTransitiveExposures)
                default: transitive = 0
                }
                verbs.append(Verb(
                    base: entry.base, present: entry.present, past: entry.past, group: group, themes: entry.themes,
                    transitiveSentences: transitive, intransitiveSentences: c.sentencesPerVerb - transitive))
            }
            next += count
        }
        for entry in intransitive {
            verbs.append(Verb(
                base: entry.base, present: entry.present, past: entry.past, group: .intransitiveOnly, themes: [],
                transitiveSentences: 0, intransitiveSentences: c.sentencesPerVerb))
        }
        return verbs
    }

    /// "The girl broke the vase yesterday.", "The vase broke.", "The man arrived at noon." — 70% past tense.
    static func verbSentence(_ verb: Verb, transitive: Bool, using random: inout WorldRandom) -> String {
        let isPast = random.chance(0.7)
        let tail = random.element(of: isPast ? pastTails : presentTails)
        let verbForm = verb.form(past: isPast)
        let sentence: String
        if transitive {
            precondition(verb.alternates, "\(verb.base) cannot take an object")
            let object = random.element(of: themeDeterminers) + " " + random.element(of: verb.themes)
            sentence = "\(random.element(of: agents)) \(verbForm) \(object)\(tail)."
        } else if verb.alternates {
            let subject = random.element(of: themeDeterminers) + " " + random.element(of: verb.themes)
            sentence = "\(subject) \(verbForm)\(tail)."
        } else {
            sentence = "\(random.element(of: agents)) \(verbForm)\(tail)."
        }
        return sentence.prefix(1).uppercased() + sentence.dropFirst()
    }

    /// All verb sentences, shuffled, in documents of 1–3 sentences.
    func verbDocuments() -> [Document] {
        var random = WorldRandom(seed: seed, stream: "corpus/verbs")
        var statements: [Statement] = []
        for verb in verbs {
            for transitive in [true, false] {
                for _ in 0..<(transitive ? verb.transitiveSentences : verb.intransitiveSentences) {
                    statements.append(Statement(
                        text: World.verbSentence(verb, transitive: transitive, using: &random),
                        kind: .verb(base: verb.base, transitive: transitive)))
                }
            }
        }
        random.shuffle(&statements)
        return World.grouped(statements, sizes: 1...3, using: &random)
    }

    /// `count` minimal pairs cycling through the alternating verbs of `groups` (so each verb gets its share),
    /// each paired with a random intransitive-only verb, a random agent and one of the verb's themes, in
    /// the past or present tense. A prefix of a longer list with the same groups.
    ///
    /// "The man broke the glass." / "The man arrived the glass."
    public func causativePairs(count: Int, groups: [Verb.Group] = [.frequent, .rare, .heldOut]) -> [MinimalPair] {
        let alternating = verbs.filter { $0.alternates && groups.contains($0.group) }
        let intransitive = verbs.filter { !$0.alternates }
        precondition(!alternating.isEmpty, "no alternating verbs in groups \(groups)")
        var random = WorldRandom(seed: seed, stream: "causative-pairs/" + groups.map(\.rawValue).joined(separator: ","))
        return (0..<count).map { i in
            let verb = alternating[i % alternating.count]
            let wrong = random.element(of: intransitive)
            let isPast = random.chance(0.5)
            let agent = random.element(of: World.agents)
            let object = "the " + random.element(of: verb.themes)
            func sentence(_ form: String) -> String {
                let text = "\(agent) \(form) \(object)."
                return text.prefix(1).uppercased() + text.dropFirst()
            }
            return MinimalPair(
                grammatical: sentence(verb.form(past: isPast)), ungrammatical: sentence(wrong.form(past: isPast)),
                alternatingVerb: verb.base, intransitiveVerb: wrong.base, group: verb.group)
        }
    }
}
