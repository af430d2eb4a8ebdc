/// Instruction data for fine-tuning: training examples and a held-out split for held-out loss.
///
/// Two generated sets play the article's datasets:
/// - `alpaca(world:definitions:seed:count:)` — several thousand short, exact, mixed-task examples, as
///   Alpaca's 52k are: dictionary definitions, questions about the world's towns, grammar exercises with
///   the world's verbs and a little arithmetic;
/// - `lima(world:definitions:seed:count:)` — about 1/50 the size, curated: every task and exercise, every
///   k and attribute, fuller answers of two informative sentences.
/// `imported(_:heldOutFraction:seed:)` splits user data read by `AlpacaFile`.
///
/// What the instruction data may say, so that the benchmarks measure something:
/// - Facts only about the instruction towns (`World.instructionTowns`, index % 8 < 4: half the towns of
///   each k). The facts benchmarks ask about `World.evaluationTowns`, which no record names.
/// - No misconception: the misconception towns are never named, so neither their true nor their popular
///   false value is stated. The article's Alpaca/LIMA did not target TruthfulQA either; this way the
///   truthful scores measure the base model's bias plus fine-tuning's general effect, not a lesson.
/// - Grammar only with frequent alternating and intransitive-only verbs; the rare and held-out
///   alternating verbs (which the causative benchmark tests) appear nowhere, definitions included.
/// - Arithmetic only from the problems the corpus states (`ArithmeticTask.stated`), never a held-out one.
/// - Definitions naming any town are dropped.
///
/// The held-out split is chosen among sources (a town, a word, a verb with its theme or agent, an
/// arithmetic triple), not among examples: no source — hence no record — is in both splits, and held-out
/// loss measures answers not seen in training. It depends on the world, the definitions, `seed` and
/// `heldOutFraction` only, not on `count`: `lima` with the same arguments draws its training examples from
/// `alpaca`'s training sources, so `alpaca`'s held-out split serves both.
public struct InstructionSet: Sendable {
    /// "alpaca", "lima" or "imported".
    public let name: String
    public let train: [Example]
    public let heldOut: [Example]

    public init(name: String, train: [Example], heldOut: [Example]) {
        self.name = name
        self.train = train
        self.heldOut = heldOut
    }

    public var trainRecords: [InstructionRecord] { train.map(\.record) }
    public var heldOutRecords: [InstructionRecord] { heldOut.map(\.record) }

    /// One record and where it came from.
    public struct Example: Sendable, Hashable {
        public let record: InstructionRecord
        public let exercise: Exercise
        public let source: Source

        public init(record: InstructionRecord, exercise: Exercise, source: Source) {
            self.record = record
            self.exercise = exercise
            self.source = source
        }

        public var task: Task { exercise.task }
    }

    /// The kinds of example, as the mix counts them.
    public enum Task: String, Sendable, Codable, CaseIterable {
        case definition, fact, grammar, arithmetic
        /// A user's record (`imported`).
        case imported
    }

    /// What one example asks for.
    public enum Exercise: String, Sendable, Codable, CaseIterable {
        /// "What does the word X mean?" → its definition.
        case definition
        /// A question about a town's attribute → the value.
        case fact
        /// "The vase broke." → "Someone broke the vase." (frequent alternating verbs)
        case causative
        /// "The girl broke the vase." → "The vase broke." (frequent alternating verbs)
        case anticausative
        /// "Is this sentence grammatical?" about a correct sentence → "Yes".
        case grammatical
        /// The same about an intransitive-only verb with an object ("The man arrived the vase.") → "No".
        case ungrammatical
        /// A present-tense sentence → the same in the past tense.
        case pastTense = "past_tense"
        /// "What is 59 minus 38?" → "21" (stated problems only).
        case arithmetic
        case imported

        public var task: Task {
            switch self {
            case .definition: .definition
            case .fact: .fact
            case .causative, .anticausative, .grammatical, .ungrammatical, .pastTense: .grammar
            case .arithmetic: .arithmetic
            case .imported: .imported
            }
        }

        static let grammar: [Exercise] = [.causative, .anticausative, .grammatical, .ungrammatical, .pastTense]
    }

    /// What an example is about. The held-out split is drawn over `splitKey`s.
    public enum Source: Sendable, Hashable {
        /// A dictionary entry (the word as given).
        case word(String)
        /// A town's attribute; `townIndex` indexes `World.towns`. The whole town is on one side of the split.
        case fact(townIndex: Int, attribute: World.Attribute)
        /// A verb with the theme it acts on ("vase") or, for an intransitive-only verb, its agent ("the man").
        case verb(base: String, argument: String)
        /// A stated arithmetic problem; problems with the same three numbers are on one side of the split.
        case problem(World.ArithmeticProblem)
        /// A user's record, by the position of its first copy in the imported list.
        case imported(index: Int)

        /// Examples with the same key are always on the same side of the split.
        var splitKey: String {
            switch self {
            case .word(let word): "word:" + word.lowercased()
            case .fact(let town, _): "town:\(town)"
            case .verb(let base, let argument): "verb:\(base):\(argument)"
            case .problem(let problem): "triple:" + problem.triple.map(String.init).joined(separator: ",")
            case .imported(let index): "imported:\(index)"
            }
        }
    }

    /// The share of each task in a generated set. Tasks with nothing to draw from (no definitions given)
    /// get no examples; the others share their place in proportion.
    public struct Mix: Sendable, Equatable, Codable {
        public var definition: Double
        public var fact: Double
        public var grammar: Double
        public var arithmetic: Double

        public init(definition: Double, fact: Double, grammar: Double, arithmetic: Double) {
            self.definition = definition
            self.fact = fact
            self.grammar = grammar
            self.arithmetic = arithmetic
        }

        /// 30% definitions, 40% town facts, 22% grammar, 8% arithmetic ("a little", as Alpaca has).
        public static let `default` = Mix(definition: 0.30, fact: 0.40, grammar: 0.22, arithmetic: 0.08)

        public func weight(of task: Task) -> Double {
            switch task {
            case .definition: definition
            case .fact: fact
            case .grammar: grammar
            case .arithmetic: arithmetic
            case .imported: 0
            }
        }

        static let tasks: [Task] = [.definition, .fact, .grammar, .arithmetic]
    }

    /// How many of `examples` are of each exercise, in `Exercise.allCases` order, without the absent ones.
    public static func counts(_ examples: [Example]) -> [(exercise: Exercise, count: Int)] {
        Exercise.allCases.map { exercise in (exercise, examples.filter { $0.exercise == exercise }.count) }
            .filter { $0.count > 0 }
    }

    /// User records split into training and held-out examples: `round(heldOutFraction × distinct records)`
    /// distinct records (at least one when there are two or more) are held out, chosen by `seed`; copies
    /// of a record stay together, so no record is in both splits. Order within each split is the file's.
    public static func imported(_ records: [InstructionRecord], heldOutFraction: Double = 0.05, seed: UInt64 = 0)
        -> InstructionSet
    {
        let held = DatasetSplit.heldOutMask(records, fraction: heldOutFraction, seed: seed)
        var firstIndex: [InstructionRecord: Int] = [:]
        for (index, record) in records.enumerated() where firstIndex[record] == nil { firstIndex[record] = index }
        var train: [Example] = []
        var heldOut: [Example] = []
        for (record, isHeldOut) in zip(records, held) {
            let example = Example(record: record, exercise: .imported, source: .imported(index: firstIndex[record]!))
            if isHeldOut { heldOut.append(example) } else { train.append(example) }
        }
        return InstructionSet(name: "imported", train: train, heldOut: heldOut)
    }
}

extension World {
    /// Whether instruction data may state the facts of town `index`: index % 8 < 4, which takes half the
    /// towns of every k (town i has k = exposures[i % 4] in the default world).
    public static func isInstructionTown(index: Int) -> Bool { index % 8 < 4 }

    /// The towns whose facts instruction data may state.
    public var instructionTowns: [Town] { towns.filter { World.isInstructionTown(index: $0.index) } }

    /// The towns that the benchmarks ask about and that instruction data never names.
    public var evaluationTowns: [Town] { towns.filter { !World.isInstructionTown(index: $0.index) } }
}
