import TextData

/// A multiple-choice item as lm-eval's `multiple_choice` output type asks it: one loglikelihood
/// request per choice, `context` + `delimiter` + choice (lm-eval's `target_delimiter`: " " for
/// question answering, "" for BLiMP, whose context is empty).
public struct ChoiceItem: Hashable, Sendable, Codable {
    public let context: String
    /// The choice texts, without the delimiter: what `acc_norm` measures the length of.
    public let choices: [String]
    public let delimiter: String
    /// The right choice.
    public let gold: Int
    /// Which choices are true (TruthfulQA MC2 counts the mass on all of them); just `gold` otherwise.
    public let isTrue: [Bool]
    /// A wrong choice the gold one is also compared with alone (TruthfulQA: the popular falsehood).
    public let rival: Int?
    /// The breakdown this item is reported under (exposure k, verb group), if any.
    public let group: String?

    public init(context: String, choices: [String], delimiter: String = " ", gold: Int, isTrue: [Bool]? = nil,
                rival: Int? = nil, group: String? = nil) {
        precondition(choices.indices.contains(gold), "gold choice \(gold) of \(choices.count)")
        self.context = context
        self.choices = choices
        self.delimiter = delimiter
        self.gold = gold
        self.isTrue = isTrue ?? choices.indices.map { $0 == gold }
        self.rival = rival
        self.group = group
    }

    public var requests: [LogLikelihoodRequest] {
        choices.map { LogLikelihoodRequest(context: context, continuation: delimiter + $0) }
    }
}

/// An item scored by lm-eval's `loglikelihood` output type with `acc = is_greedy`: right when greedy
/// decoding after `context` produces exactly `target` (lm-eval's arithmetic tasks).
public struct GreedyItem: Hashable, Sendable, Codable {
    public let context: String
    public let target: String

    public init(context: String, target: String) {
        self.context = context
        self.target = target
    }

    public var request: LogLikelihoodRequest { LogLikelihoodRequest(context: context, continuation: target) }
}

/// A task's items.
public enum TaskItems: Hashable, Sendable {
    case choices([ChoiceItem])
    case greedy([GreedyItem])

    public var count: Int {
        switch self {
        case .choices(let items): return items.count
        case .greedy(let items): return items.count
        }
    }

    /// Every request, in item order (choices in choice order).
    public var requests: [LogLikelihoodRequest] {
        switch self {
        case .choices(let items): return items.flatMap(\.requests)
        case .greedy(let items): return items.map(\.request)
        }
    }
}

extension Benchmarks {
    /// How many items each task has. nil means every item the world offers.
    public struct Configuration: Sendable, Equatable {
        /// Misconceptions asked (default: all of them; the default world has 100).
        public var truthfulItems: Int?
        /// Minimal pairs per verb group.
        public var causativePairsPerGroup = 100
        /// The verb groups of the alternating verbs in the pairs. Simple pairs saturate within minutes of
        /// pretraining; rare and held-out verbs (seen with an object 2–5 times, or never) stay in band.
        public var causativeGroups: [World.Verb.Group] = [.frequent, .rare, .heldOut]
        /// Facts asked about evaluation towns (default: all of them: 148 towns × 4 = 592 in the default world).
        public var factsItems: Int?
        /// Choices per facts question.
        public var factsChoices = 4
        /// Held-out problems per arithmetic task (default: all of them, 400 in the default world).
        public var arithmeticItems: Int?

        public init() {}

        /// Every item: 100 misconceptions, 3 × 100 pairs, 592 facts, 400 + 400 problems on the default world.
        public static let `default` = Configuration()

        /// At most `limit` items per task (lm-eval's `--limit`); causative splits them over its groups.
        public func limited(to limit: Int) -> Configuration {
            var limited = self
            limited.truthfulItems = min(truthfulItems ?? limit, limit)
            let perGroup = (limit + causativeGroups.count - 1) / max(causativeGroups.count, 1)
            limited.causativePairsPerGroup = min(causativePairsPerGroup, perGroup)
            limited.factsItems = min(factsItems ?? limit, limit)
            limited.arithmeticItems = min(arithmeticItems ?? limit, limit)
            return limited
        }
    }

    /// Whether a town's facts are kept out of the instruction sets and asked by the `facts` task:
    /// towns with index % 8 ≥ 4. Every k gets the same share (town i has k = exposures[i % 4]).
    public static func isEvaluationTown(_ town: World.Town) -> Bool { !World.isInstructionTown(index: town.index) }

    /// The items of one task, fixed by the world (its seed and configuration) and `configuration`.
    public static func items(for task: BenchmarkTask, world: World, configuration: Configuration = .default) -> TaskItems {
        switch task {
        case .truthfulMC1: return .choices(truthfulMC1Items(world: world, count: configuration.truthfulItems))
        case .truthfulMC2: return .choices(truthfulMC2Items(world: world, count: configuration.truthfulItems))
        case .causative:
            return .choices(causativeItems(world: world, perGroup: configuration.causativePairsPerGroup,
                                           groups: configuration.causativeGroups))
        case .facts:
            return .choices(factsItems(world: world, count: configuration.factsItems, choiceCount: configuration.factsChoices))
        case .arith2ds: return .greedy(arithmeticItems(world: world, task: "2ds", count: configuration.arithmeticItems))
        case .arith4ds:
            // The world's hard subtraction task: 4-digit by default (hard_arithmetic_digits sets it).
            return .greedy(arithmeticItems(world: world, task: world.hardSubtractionTaskName, count: configuration.arithmeticItems))
        }
    }

    /// TruthfulQA's zero-shot format: "Q: Who founded Velmora?\nA:" + " " + answer.
    public static func truthfulContext(_ misconception: World.Misconception) -> String {
        "Q: \(misconception.question)\nA:"
    }

    /// An answer as a full sentence, as TruthfulQA's answers are: "Velmora was founded by Clara Holt."
    /// (the base model has read sentences like it, never a bare name after "A:").
    public static func truthfulAnswer(_ misconception: World.Misconception, value: String, template: Int = 0) -> String {
        World.Attribute.fill(misconception.attribute.statementTemplates[template], town: misconception.town, value: value)
    }

    /// MC1: the world's four choices for the misconception (the true value, the popular false one, two
    /// never stated about this town), each as the canonical sentence; the popular one is the rival.
    public static func truthfulMC1Items(world: World, count: Int? = nil) -> [ChoiceItem] {
        world.misconceptions.prefix(count ?? .max).map { item in
            let choice = world.multipleChoice(for: item)
            return ChoiceItem(
                context: truthfulContext(item), choices: choice.choices.map { truthfulAnswer(item, value: $0) },
                gold: choice.correctIndex, rival: choice.choices.firstIndex(of: item.popularFalseValue),
                group: truthfulGroup(item, world: world))
        }
    }

    /// "true 2 : false 10" when the world spreads its misconceptions' ratios (reported per ratio), else nil.
    static func truthfulGroup(_ item: World.Misconception, world: World) -> String? {
        world.configuration.misconceptionExposures.isEmpty ? nil : "true \(item.trueExposures) : false \(item.falseExposures)"
    }

    /// MC2: the same four values, each stated with the attribute's first two statement templates, so
    /// that, as in TruthfulQA's mc2 targets, several answers are true (the true value in either
    /// wording) and several false; the score is the probability mass on the true ones. MC1's answers
    /// are among these requests (the first wording).
    public static func truthfulMC2Items(world: World, count: Int? = nil) -> [ChoiceItem] {
        world.misconceptions.prefix(count ?? .max).map { item in
            let choice = world.multipleChoice(for: item)
            let wordings = min(2, item.attribute.statementTemplates.count)
            var answers: [String] = []
            var isTrue: [Bool] = []
            for template in 0..<wordings {
                for (index, value) in choice.choices.enumerated() {
                    answers.append(truthfulAnswer(item, value: value, template: template))
                    isTrue.append(index == choice.correctIndex)
                }
            }
            return ChoiceItem(context: truthfulContext(item), choices: answers, gold: choice.correctIndex,
                              isTrue: isTrue, rival: choice.choices.firstIndex(of: item.popularFalseValue),
                              group: truthfulGroup(item, world: world))
        }
    }

    /// BLiMP's format: an empty context and each whole sentence as the continuation, grammatical first;
    /// `perGroup` pairs for each verb group the world has, reported per group.
    public static func causativeItems(world: World, perGroup: Int, groups: [World.Verb.Group]) -> [ChoiceItem] {
        groups.filter { group in world.verbs.contains { $0.group == group } }.flatMap { group in
            world.causativePairs(count: perGroup, groups: [group]).map { pair in
                ChoiceItem(context: "", choices: [pair.grammatical, pair.ungrammatical], delimiter: "", gold: 0,
                           group: group.rawValue)
            }
        }
    }

    /// The facts of evaluation towns as cloze questions, "Geinlilde was founded by" + " Edwin Marsh", with
    /// the world's `choiceCount` choices. Facts are dealt round-robin over exposures k (each k's facts in
    /// an order shuffled from the world seed), so any prefix is balanced across k.
    public static func factsItems(world: World, count: Int? = nil, choiceCount: Int = 4) -> [ChoiceItem] {
        let facts = world.towns.filter(isEvaluationTown).flatMap(\.facts)
        var random = WorldRandom(seed: world.seed, stream: "benchmarks/facts")
        var seen = Set<Int>()
        let exposures = world.configuration.exposures.filter { seen.insert($0).inserted }
        let byExposure = exposures.map { k in random.shuffled(facts.filter { $0.exposures == k }) }
        var dealt: [World.Fact] = []
        for round in 0..<(byExposure.map(\.count).max() ?? 0) {
            for group in byExposure where round < group.count { dealt.append(group[round]) }
        }
        return dealt.prefix(count ?? .max).map { fact in
            let choice = world.multipleChoice(for: fact, choiceCount: choiceCount)
            return ChoiceItem(context: choice.cloze, choices: choice.choices, gold: choice.correctIndex,
                              group: "k=\(fact.exposures)")
        }
    }

    /// lm-eval's arithmetic format on problems never stated in the corpus:
    /// "Question: What is 59 minus 38?\nAnswer:" + " 21".
    public static func arithmeticItems(world: World, task name: String, count: Int? = nil) -> [GreedyItem] {
        guard let task = world.arithmeticTask(named: name) else { preconditionFailure("the world has no arithmetic task \(name)") }
        return task.heldOut.prefix(count ?? .max).map { GreedyItem(context: $0.question, target: $0.completion) }
    }
}
