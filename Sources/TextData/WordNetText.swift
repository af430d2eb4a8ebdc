extension WordNet {
    /// One synset said in English: a definitional sentence, its other words, and its examples as they are.
    ///
    ///     A dog is a member of the genus Canis (probably descended from the common wolf) that has been
    ///     domesticated by man since prehistoric times; occurs in many breeds. Other words for dog are
    ///     domestic dog and Canis familiaris.
    ///     the dog barked all night
    ///
    /// The first line holds the sentences; each example follows on a line of its own.
    public struct Document: Sendable, Hashable {
        public let synset: SynsetID
        public let text: String
        public let exampleCount: Int
    }

    /// Which synsets a byte budget takes first.
    public enum Selection: String, CaseIterable, Codable, Sendable {
        /// The most tagged in SemCor first (``Synset/tagCount``: common words in their common senses),
        /// ties and untagged synsets in an order fixed by the seed. Without tag counts, the same as `random`.
        case frequentFirst = "frequent_first"
        /// All synsets in an order fixed by the seed.
        case random
    }

    /// Documents in selection order, as many as fit in `byteBudget` UTF-8 bytes (all when nil).
    ///
    /// Synsets without a definition, and documents `isIncluded` rejects, are skipped. Documents are taken
    /// in order until the next one would not fit, so the total is at most the budget and within one
    /// document of it. The same seed gives the same documents; a synset's wording depends only on the seed
    /// and the synset, not on what else is taken.
    public func documents(seed: UInt64, byteBudget: Int? = nil, selection: Selection = .frequentFirst,
                          where isIncluded: (Document) -> Bool = { _ in true }) -> [Document] {
        var random = WorldRandom(seed: seed, stream: "wordnet/selection")
        var order = Array(synsets.indices)
        random.shuffle(&order)
        if selection == .frequentFirst {
            var position = [Int](repeating: 0, count: synsets.count)
            for (p, index) in order.enumerated() { position[index] = p }
            order.sort { a, b in
                synsets[a].tagCount != synsets[b].tagCount
                    ? synsets[a].tagCount > synsets[b].tagCount : position[a] < position[b]
            }
        }
        var documents: [Document] = []
        var bytes = 0
        for index in order {
            guard let document = Self.document(for: synsets[index], seed: seed), isIncluded(document) else { continue }
            let size = document.text.utf8.count
            if let byteBudget, bytes + size > byteBudget { break }
            documents.append(document)
            bytes += size
        }
        return documents
    }

    /// The document of one synset, or nil when it has no definition. Its wording (which template) is drawn
    /// from stream "wordnet/text/<id>" of the seed.
    public static func document(for synset: Synset, seed: UInt64) -> Document? {
        let definition = synset.definition
        guard let head = synset.words.first, !definition.isEmpty else { return nil }
        var random = WorldRandom(seed: seed, stream: "wordnet/text/\(synset.id)")
        var sentences = [definitionSentence(head: head, definition: definition, partOfSpeech: synset.partOfSpeech,
                                            using: &random)]
        var others: [String] = []
        for word in synset.words.dropFirst() where !others.contains(word) && word.lowercased() != head.lowercased() {
            others.append(word)
        }
        others = Array(others.prefix(4))
        if others.count == 1 {
            sentences.append("Another word for \(head) is \(others[0]).")
        } else if others.count > 1 {
            sentences.append("Other words for \(head) are \(others.dropLast().joined(separator: ", ")) and \(others.last!).")
        }
        let lines = [sentences.joined(separator: " ")] + synset.examples
        return Document(synset: synset.id, text: lines.joined(separator: "\n"), exampleCount: synset.examples.count)
    }

    /// "A dog is …", "To breathe is to …", "Something handy is …", "Handy means …" or "dog: …".
    static func definitionSentence(head: String, definition: String, partOfSpeech: PartOfSpeech,
                                   using random: inout WorldRandom) -> String {
        let end = definition.last.map { ".!?".contains($0) } == true ? "" : "."
        let labelled = definition.hasPrefix("(")  // "(of a person) …", "(astronomy) …"
        let dictionary = "\(head): \(definition)\(end)"
        var choices: [String]
        switch partOfSpeech {
        case .noun:
            let means = "The word \"\(head)\" means \(definition)\(end)"
            if labelled {
                choices = [dictionary, means]
            } else if definition.hasPrefix("a ") || definition.hasPrefix("an ") {
                let subject = isProperName(head) ? head : capitalized("\(article(for: head)) \(head)")
                let sentence = "\(subject) is \(definition)\(end)"
                choices = [sentence, sentence, sentence, dictionary, means]
            } else if ["the ", "any ", "one ", "someone ", "something ", "that "].contains(where: definition.hasPrefix) {
                let sentence = "\(capitalized(head)) is \(definition)\(end)"
                choices = [sentence, sentence, dictionary, means]
            } else {
                choices = [dictionary, means]
            }
        case .verb:
            choices = labelled
                ? [dictionary]
                : ["To \(head) is to \(definition)\(end)", "To \(head) means to \(definition)\(end)", dictionary]
        case .adjective:
            let means = "\(capitalized(head)) means \(definition)\(end)"
            choices = labelled ? [dictionary, means] : ["Something \(head) is \(definition)\(end)", means, dictionary]
        case .adverb:
            choices = ["\(capitalized(head)) means \(definition)\(end)", dictionary]
        }
        return random.element(of: choices)
    }

    /// "a" or "an", by the first letters (a few common exceptions: "a unit", "an hour").
    static func article(for word: String) -> String {
        let lower = word.lowercased()
        if ["uni", "use", "usu", "uti", "ure", "eu", "one", "once", "ewe"].contains(where: lower.hasPrefix) { return "a" }
        if ["hour", "honest", "honor", "honour", "heir"].contains(where: lower.hasPrefix) { return "an" }
        return lower.first.map { "aeiou".contains($0) } == true ? "an" : "a"
    }

    /// Names keep their capital and take no article ("Paris is …").
    static func isProperName(_ word: String) -> Bool {
        word.first?.isUppercase == true
    }

    static func capitalized(_ text: String) -> String {
        guard let first = text.first, first.isLowercase else { return text }
        return first.uppercased() + text.dropFirst()
    }
}
