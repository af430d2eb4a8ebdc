import TextData

/// Worlds and dictionaries for the instruction-set tests (namespaced: other TextData tests share the target).
enum InstructionFixtures {
    /// The tiny world: 8 towns, so 4 instruction towns (one per k) and 4 evaluation towns.
    static let tiny = World(seed: 7, configuration: .tiny)

    /// The tiny world with 32 towns: 16 instruction towns, 4 per k, so every k keeps training towns
    /// after the held-out split.
    static let small: World = {
        var configuration = World.Configuration.tiny
        configuration.townCount = 32
        return World(seed: 11, configuration: configuration)
    }()

    /// 40 ordinary words, most with two senses, then entries that must be dropped: one named like a
    /// misconception town, one whose definition names an evaluation town, and two about verbs the
    /// causative benchmark tests (a rare verb's past form as the word, a held-out verb in the definition).
    static func definitions(for world: World) -> [(word: String, definition: String)] {
        var entries: [(word: String, definition: String)] = []
        let words = [
            "lantern", "meadow", "harbour", "kettle", "orchard", "saddle", "thimble", "quarry", "ledger", "anvil",
            "beacon", "cellar", "dagger", "ember", "falcon", "garland", "hamlet", "inkwell", "juniper", "kestrel",
            "lattice", "mantle", "nettle", "oyster", "pebble", "quill", "rampart", "satchel", "tinder", "umber",
            "vessel", "willow", "yarrow", "zither", "bramble", "cobble", "drizzle", "furrow", "gable", "hearth",
        ]
        for (i, word) in words.enumerated() {
            entries.append((word, "the first sense of \(word), number \(i)"))
            if i % 8 != 7 { entries.append((word, "another sense of \(word)")) }
        }
        entries.append((world.misconceptions[0].town, "a town people are often wrong about"))
        entries.append(("wanderer", "a traveller who passed through \(world.evaluationTowns[0].name)"))
        if let rare = world.verbs.first(where: { $0.group == .rare }) {
            entries.append((rare.past, "the past tense of a verb"))
        }
        if let heldOut = world.verbs.first(where: { $0.group == .heldOut }) {
            entries.append(("change", "to \(heldOut.base) something slowly"))
        }
        return entries
    }

    /// Every word a record shows, lowercased.
    static func words(_ record: InstructionRecord) -> [String] {
        (record.instruction + " " + record.input + " " + record.output)
            .split(whereSeparator: { !$0.isLetter }).map { $0.lowercased() }
    }

    /// The whole text of a record.
    static func text(_ record: InstructionRecord) -> String {
        record.instruction + "\n" + record.input + "\n" + record.output
    }

    /// The split key of a source as the tests see it: town, lowercased word, verb and argument, or triple.
    static func key(_ source: InstructionSet.Source) -> String {
        switch source {
        case .word(let word): "word:" + word.lowercased()
        case .fact(let town, _): "town:\(town)"
        case .verb(let base, let argument): "verb:\(base):\(argument)"
        case .problem(let problem): "triple:\(problem.triple)"
        case .imported(let index): "imported:\(index)"
        }
    }
}
