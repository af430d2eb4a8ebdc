extension World {
    /// An invented town and its four attributes. Each of its facts is stated `exposures` (k) times.
    public struct Town: Sendable, Hashable, Codable {
        public let index: Int
        public let name: String
        public let country: String
        public let river: String
        public let founder: String
        public let export: String
        /// k: how many times the corpus states each of this town's facts.
        public let exposures: Int

        public subscript(attribute: Attribute) -> String {
            switch attribute {
            case .country: return country
            case .river: return river
            case .founder: return founder
            case .export: return export
            }
        }

        /// Its four facts, in `Attribute.allCases` order.
        public var facts: [Fact] {
            Attribute.allCases.map {
                Fact(townIndex: index, town: name, attribute: $0, value: self[$0], exposures: exposures)
            }
        }
    }

    /// One (town, attribute, value) triple and how often the corpus states it.
    public struct Fact: Sendable, Hashable, Codable {
        public let townIndex: Int
        public let town: String
        public let attribute: Attribute
        public let value: String
        /// k: how many sentences of the corpus state this fact (named or pronoun).
        public let exposures: Int

        /// The canonical question, "Who founded Belmora?".
        public var question: String { questions[0] }
        public var questions: [String] {
            attribute.questionTemplates.map { Attribute.fill($0, town: town, value: value) }
        }
        /// The canonical statement, "Belmora was founded by Edwin Marsh." (a full-sentence answer).
        public var answer: String {
            Attribute.fill(attribute.statementTemplates[0], town: town, value: value)
        }
        /// The canonical cloze, "Belmora was founded by" → "Edwin Marsh".
        public var cloze: Cloze { clozes[0] }
        public var clozes: [Cloze] {
            attribute.clozeTemplates.map { Cloze(template: $0, town: town, answer: value) }
        }
    }

    /// A 4-choice item (or `choiceCount`) for a fact: the true value and distractors from the same
    /// attribute's vocabulary, the same for a given world, fact and count.
    public func multipleChoice(for fact: Fact, choiceCount: Int = 4) -> MultipleChoice {
        multipleChoice(
            question: fact.question, cloze: fact.cloze.prompt, attribute: fact.attribute, fixed: [fact.value],
            count: choiceCount, stream: "choices/fact/\(fact.townIndex)/\(fact.attribute.rawValue)/\(choiceCount)")
    }

    /// Town i gets k = exposures[i % count], so every k has the same number of towns (± 1). Within each k,
    /// every attribute's values are dealt out evenly, so no value is more frequent in the corpus than another
    /// by more than one town's worth — a model cannot score by guessing the commonest value.
    static func makeTowns(names: [String], seed: UInt64, configuration: Configuration) -> [Town] {
        let exposures = configuration.exposures
        var random = WorldRandom(seed: seed, stream: "towns")
        var values = [[String]](repeating: [], count: names.count)  // per town, per attribute
        for group in exposures.indices {
            let members = Array(stride(from: group, to: names.count, by: exposures.count))
            for attribute in Attribute.allCases {
                let vocabulary = random.shuffled(attribute.values)
                var dealt = members.indices.map { vocabulary[$0 % vocabulary.count] }
                random.shuffle(&dealt)
                for (member, value) in zip(members, dealt) { values[member].append(value) }
            }
        }
        return names.indices.map { i in
            Town(
                index: i, name: names[i], country: values[i][0], river: values[i][1], founder: values[i][2],
                export: values[i][3], exposures: exposures[i % exposures.count])
        }
    }

    /// The fact paragraphs: for each town, k rounds; each round states the four facts once, in random order,
    /// split into 1–4 paragraphs. A paragraph's first sentence names the town; later ones name it or say
    /// "It"/"Its" (`pronounFraction`). Each fact cycles through its templates in a shuffled order.
    func factDocuments() -> [Document] {
        var random = WorldRandom(seed: seed, stream: "corpus/facts")
        var documents: [Document] = []
        for town in towns {
            var named = Attribute.allCases.map { random.shuffled($0.statementTemplates) }
            let pronoun = Attribute.allCases.map { random.shuffled($0.pronounTemplates) }
            var namedUsed = [Int](repeating: 0, count: Attribute.allCases.count)
            var pronounUsed = namedUsed
            for _ in 0..<town.exposures {
                let order = random.shuffled(Array(Attribute.allCases.indices))
                var paragraph: [Statement] = []
                for (position, a) in order.enumerated() {
                    if position > 0 && random.chance(0.4) {
                        documents.append(Document(statements: paragraph))
                        paragraph = []
                    }
                    let attribute = Attribute.allCases[a]
                    let usePronoun = !paragraph.isEmpty && random.chance(configuration.pronounFraction)
                    let template: String
                    if usePronoun {
                        template = pronoun[a][pronounUsed[a] % pronoun[a].count]
                        pronounUsed[a] += 1
                    } else {
                        template = named[a][namedUsed[a] % named[a].count]
                        namedUsed[a] += 1
                        if namedUsed[a] % named[a].count == 0 { random.shuffle(&named[a]) }
                    }
                    paragraph.append(Statement(
                        text: Attribute.fill(template, town: town.name, value: town[attribute]),
                        kind: .fact(townIndex: town.index, attribute: attribute, pronoun: usePronoun)))
                }
                documents.append(Document(statements: paragraph))
            }
        }
        return documents
    }
}
