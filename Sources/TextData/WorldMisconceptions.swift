extension World {
    /// The TruthfulQA analogue: a town (not one of `towns`) whose attribute has a true value, stated
    /// `trueExposures` times, and a popular false value, stated `falseExposures` times (more often by
    /// default; `Configuration.misconceptionExposures` spreads the ratio from item to item).
    ///
    /// Some statements are framed: the false value as hearsay ("Many people believe that …"), the true value
    /// as record ("In fact, …"), so that a model could learn to tell them apart; the rest are plain sentences,
    /// worded exactly like any fact's. Only this attribute of the town is ever stated.
    ///
    /// For MC1 score `multipleChoice(for:)` (the true value must rank first); for MC2 the true set is
    /// `trueAnswers` and every other choice is false.
    public struct Misconception: Sendable, Hashable, Codable {
        public let index: Int
        public let town: String
        public let attribute: Attribute
        public let trueValue: String
        public let popularFalseValue: String
        public let trueExposures: Int
        public let falseExposures: Int

        /// "Who founded Velmora?"
        public var question: String { questions[0] }
        public var questions: [String] {
            attribute.questionTemplates.map { Attribute.fill($0, town: town, value: trueValue) }
        }
        public var trueAnswers: [String] { [trueValue] }
        public var popularFalseAnswers: [String] { [popularFalseValue] }
        /// "Velmora was founded by" (score " " + answer).
        public var cloze: String {
            Cloze(template: attribute.clozeTemplates[0], town: town, answer: trueValue).prompt
        }
        /// The canonical true statement, "Velmora was founded by Clara Holt.".
        public var trueStatement: String {
            Attribute.fill(attribute.statementTemplates[0], town: town, value: trueValue)
        }
        /// The canonical false statement.
        public var falseStatement: String {
            Attribute.fill(attribute.statementTemplates[0], town: town, value: popularFalseValue)
        }
    }

    /// Frames for false statements: the myth as it is passed around.
    public static let hearsayFrames = [
        "Many people believe that {s}", "It is often said that {s}", "According to a popular story, {s}",
        "Travellers like to say that {s}",
    ]
    /// Frames for true statements: the record that corrects the myth.
    public static let recordFrames = [
        "In fact, {s}", "Old records show that {s}", "Historians agree that {s}", "The town records state that {s}",
    ]

    /// `choiceCount` choices: the true value, the popular false value and distractors never stated about
    /// this town, in a shuffled order fixed by the world seed.
    public func multipleChoice(for misconception: Misconception, choiceCount: Int = 4) -> MultipleChoice {
        multipleChoice(
            question: misconception.question, cloze: misconception.cloze, attribute: misconception.attribute,
            fixed: [misconception.trueValue, misconception.popularFalseValue], count: choiceCount,
            stream: "choices/misconception/\(misconception.index)/\(choiceCount)")
    }

    /// Item i is about attribute i % 4, so the attributes share the items evenly, and gets the exposure
    /// pair `misconceptionExposures[i % count]` when the configuration lists pairs.
    static func makeMisconceptions(names: [String], seed: UInt64, configuration: Configuration) -> [Misconception] {
        var random = WorldRandom(seed: seed, stream: "misconceptions")
        return names.indices.map { i in
            let attribute = Attribute.allCases[i % Attribute.allCases.count]
            let pair = random.sample(attribute.values, count: 2)
            let exposures = configuration.misconceptionExposures.isEmpty
                ? [configuration.misconceptionTrueExposures, configuration.misconceptionFalseExposures]
                : configuration.misconceptionExposures[i % configuration.misconceptionExposures.count]
            return Misconception(
                index: i, town: names[i], attribute: attribute, trueValue: pair[0], popularFalseValue: pair[1],
                trueExposures: exposures[0], falseExposures: exposures[1])
        }
    }

    /// One single-sentence document per statement: for each item, the true value `trueExposures` times and
    /// the false one `falseExposures` times, round(framedFraction × n) of each framed.
    func misconceptionDocuments() -> [Document] {
        var random = WorldRandom(seed: seed, stream: "corpus/misconceptions")
        var documents: [Document] = []
        for item in misconceptions {
            let templates = random.shuffled(item.attribute.statementTemplates)
            var used = 0
            for truthful in [true, false] {
                let count = truthful ? item.trueExposures : item.falseExposures
                let framedCount = Int((Double(count) * configuration.framedFraction).rounded())
                let frames = truthful ? World.recordFrames : World.hearsayFrames
                for n in 0..<count {
                    let template = templates[used % templates.count]
                    used += 1
                    var text = Attribute.fill(
                        template, town: item.town, value: truthful ? item.trueValue : item.popularFalseValue)
                    let framed = n < framedCount
                    if framed {
                        // Lowercase a leading common word ("The river …" → "the river …"), never a name.
                        if !template.hasPrefix("{") { text = text.prefix(1).lowercased() + text.dropFirst() }
                        text = random.element(of: frames).replacing("{s}", with: text)
                    }
                    documents.append(Document(statements: [
                        Statement(text: text, kind: .misconception(index: item.index, truthful: truthful, framed: framed))
                    ]))
                }
            }
        }
        return documents
    }
}
