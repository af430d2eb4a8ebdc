extension World {
    /// One of a town's four attributes, with its vocabulary and the sentence and question templates that
    /// state or ask it. Templates hold `{town}` and `{value}`; fill them with `fill(_:town:value:)`.
    public enum Attribute: String, CaseIterable, Codable, Sendable {
        case country, river, founder, export

        /// The values this attribute takes (disjoint across attributes; no value is a substring of a word
        /// elsewhere in the world's sentences, so a value can be counted by scanning text).
        public var values: [String] {
            switch self {
            case .country:
                return [
                    "Arvandel", "Belloria", "Carvossa", "Dremmark", "Estmerre", "Halvenor", "Istrova",
                    "Korrindal", "Lunmere", "Marevia", "Norrenth", "Quellan",
                ]
            case .river:
                return [
                    "Olvan", "Serrow", "Ardune", "Caldra", "Haskel", "Idrin", "Jorva", "Kessa", "Lomber",
                    "Mirrel", "Nesk", "Pellow", "Rhune", "Sulva", "Tessarin", "Wendra",
                ]
            case .founder:
                return [
                    "Edwin Marsh", "Clara Holt", "Tobias Reed", "Agnes Hale", "Martin Cole", "Helena Ward",
                    "Oscar Finch", "Ruth Bell", "Walter Greene", "Ida Frost", "Samuel Lark", "Mabel Crane",
                    "Hugo Penn", "Alice Thorn", "Felix Grey", "Nora Vale", "Arthur Lyle", "Greta Moss",
                    "Simon Hart", "Lydia Fenn", "Rupert Gale", "Edith Rowe", "Victor Dunn", "Iris Kemp",
                ]
            case .export:
                return [
                    "wool", "salt", "copper", "timber", "honey", "silk", "tea", "olives", "amber", "cheese",
                    "leather", "pottery", "rice", "barley", "lace", "tin", "dyes", "spices", "horses", "apples",
                ]
            }
        }

        /// Sentences naming the town. The first is the canonical one (answers, cloze prompts).
        public var statementTemplates: [String] {
            switch self {
            case .country:
                return [
                    "{town} is a town in {value}.",
                    "{town} lies in {value}.",
                    "The town of {town} is in {value}.",
                    "{town} belongs to {value}.",
                    "In {value} there is a town called {town}.",
                    "{town} is one of the towns of {value}.",
                ]
            case .river:
                return [
                    "{town} lies on the river {value}.",
                    "The river {value} flows through {town}.",
                    "{town} was built on the banks of the {value}.",
                    "The river that runs through {town} is the {value}.",
                    "{town} stands beside the river {value}.",
                ]
            case .founder:
                return [
                    "{town} was founded by {value}.",
                    "The founder of {town} was {value}.",
                    "{value} founded the town of {town}.",
                    "{value} is remembered as the founder of {town}.",
                    "It was {value} who founded {town}.",
                ]
            case .export:
                return [
                    "The main export of {town} is {value}.",
                    "{town} is known for its {value}.",
                    "{town} exports {value}.",
                    "Traders come to {town} to buy {value}.",
                    "Much of the {value} sold in the region comes from {town}.",
                ]
            }
        }

        /// Follow-up sentences that refer to the town of the sentence before ("Its founder was …").
        public var pronounTemplates: [String] {
            switch self {
            case .country: return ["It lies in {value}.", "It is a town in {value}.", "It belongs to {value}."]
            case .river:
                return [
                    "It lies on the river {value}.", "Its river is the {value}.",
                    "It stands beside the river {value}.",
                ]
            case .founder:
                return ["Its founder was {value}.", "It was founded by {value}.", "The town was founded by {value}."]
            case .export:
                return ["Its main export is {value}.", "It is known for its {value}.", "It exports {value}."]
            }
        }

        /// Questions asking for the value; never in the corpus (for instruction data and benchmarks).
        /// The first is the canonical one.
        public var questionTemplates: [String] {
            switch self {
            case .country:
                return ["In which country is {town}?", "Which country is {town} in?", "What country does {town} belong to?"]
            case .river:
                return ["Which river flows through {town}?", "On which river does {town} lie?", "What river runs through {town}?"]
            case .founder:
                return ["Who founded {town}?", "Who was the founder of {town}?", "Who is remembered as the founder of {town}?"]
            case .export:
                return ["What is the main export of {town}?", "What is {town} known for?", "What does {town} export?"]
            }
        }

        /// Statement templates that end with the value, so that their prefix is a cloze prompt
        /// ("{town} was founded by" + " Edwin Marsh."). The first is the canonical one.
        public var clozeTemplates: [String] {
            statementTemplates.filter { $0.hasSuffix(" {value}.") }
        }

        /// `template` with `{town}` and `{value}` filled in.
        public static func fill(_ template: String, town: String, value: String) -> String {
            template.replacing("{town}", with: town).replacing("{value}", with: value)
        }
    }

    /// A prompt whose continuation is a value: score `" " + answer` (lm-eval puts the space in the target),
    /// or, for choices, `" " + choice` for each choice.
    public struct Cloze: Sendable, Hashable, Codable {
        public let prompt: String
        public let answer: String

        /// The prompt of a cloze template ("{town} was founded by"), with the answer after it.
        init(template: String, town: String, answer: String) {
            precondition(template.hasSuffix(" {value}."), "not a cloze template: \(template)")
            prompt = Attribute.fill(String(template.dropLast(" {value}.".count)), town: town, value: answer)
            self.answer = answer
        }
    }

    /// A multiple-choice item: the question (for instruction-style prompts), a cloze prompt (for the base
    /// model), the choices and which one is right.
    public struct MultipleChoice: Sendable, Hashable, Codable {
        public let question: String
        public let cloze: String
        public let choices: [String]
        public let correctIndex: Int

        public var correct: String { choices[correctIndex] }
    }

    /// `count` values of `attribute` other than `excluded`, drawn from the stream `stream` of the world seed.
    public func distractors(for attribute: Attribute, excluding excluded: [String], count: Int, stream: String)
        -> [String]
    {
        let pool = attribute.values.filter { !excluded.contains($0) }
        precondition(count <= pool.count, "only \(pool.count) \(attribute) values left for \(count) distractors")
        var random = WorldRandom(seed: seed, stream: stream)
        return random.sample(pool, count: count)
    }

    /// `fixed` choices plus distractors up to `count`, shuffled; `correctIndex` is where `fixed[0]` lands.
    func multipleChoice(
        question: String, cloze: String, attribute: Attribute, fixed: [String], count: Int, stream: String
    ) -> MultipleChoice {
        var choices = fixed + distractors(for: attribute, excluding: fixed, count: count - fixed.count, stream: stream)
        var random = WorldRandom(seed: seed, stream: stream + "/order")
        random.shuffle(&choices)
        return MultipleChoice(
            question: question, cloze: cloze, choices: choices, correctIndex: choices.firstIndex(of: fixed[0])!)
    }
}
