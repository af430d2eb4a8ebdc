extension InstructionSet {
    /// The Alpaca analogue: `count` short, exact, mixed-task examples, `round(heldOutFraction × count)` of
    /// them held out (from sources never used in training), the rest for training.
    ///
    /// Tasks share the examples by `mix` (default 30% definitions, 40% town facts, 22% grammar,
    /// 8% arithmetic), as do the held-out examples; a task with nothing to draw from gets none (no
    /// definitions given: the others fill in). Within a task every source is used once before any is
    /// used twice, and the examples are balanced: facts over k (counts per k differ by at most one) and
    /// attributes, grammar over its five exercises, arithmetic over the four tasks (2ds, 2da, 4ds, 4da).
    ///
    /// | task | instruction (input) | output |
    /// |---|---|---|
    /// | definition | What does the word sugar mean? | a white crystalline carbohydrate … |
    /// | fact | Who founded Belmora? | Edwin Marsh |
    /// | causative | Rewrite the sentence so that someone causes the action. (The vase broke.) | Someone broke the vase. |
    /// | ungrammatical | Is this sentence grammatical? Answer yes or no. (The man arrived the vase.) | No |
    /// | arithmetic | What is 59 minus 38? | 21 |
    ///
    /// `definitions` are (word, definition) pairs, e.g. WordNet's lemmas and glosses; the first definition
    /// given for a word is the one used. Deterministic: the same arguments give the same set.
    public static func alpaca(
        world: World, definitions: [(word: String, definition: String)] = [], seed: UInt64 = 0,
        count: Int = 4_000, heldOutFraction: Double = 0.05, mix: Mix = .default
    ) -> InstructionSet {
        generate(
            name: "alpaca", style: .alpaca, world: world, definitions: definitions, seed: seed, count: count,
            heldOutFraction: heldOutFraction, mix: mix)
    }

    /// Short exact answers (Alpaca) or curated, fuller ones (LIMA).
    enum Style: String {
        case alpaca, lima
    }

    static func generate(
        name: String, style: Style, world: World, definitions: [(word: String, definition: String)], seed: UInt64,
        count: Int, heldOutFraction: Double, mix: Mix
    ) -> InstructionSet {
        precondition(count >= 0, "count cannot be negative, got \(count)")
        let sources = InstructionSources(
            world: world, definitions: definitions, seed: seed, heldOutFraction: heldOutFraction)
        let heldOutCount = Int((heldOutFraction * Double(count)).rounded())
        let train = draw(
            count - heldOutCount, from: sources.train, sources: sources, style: style, mix: mix, seed: seed,
            stream: "\(name)/train")
        let heldOut = draw(
            heldOutCount, from: sources.heldOut, sources: sources, style: style, mix: mix, seed: seed,
            stream: "\(name)/held_out")
        return InstructionSet(name: name, train: train, heldOut: heldOut)
    }

    /// `count` examples from one side of the split, shared among the tasks by `mix`, in a shuffled order.
    static func draw(
        _ count: Int, from side: InstructionSources.Side, sources: InstructionSources, style: Style, mix: Mix,
        seed: UInt64, stream: String
    ) -> [Example] {
        let counts = InstructionSources.apportion(
            count, weights: Mix.tasks.map { side.has($0) ? max(0, mix.weight(of: $0)) : 0 })
        var examples: [Example] = []
        for (task, n) in zip(Mix.tasks, counts) where n > 0 {
            var random = WorldRandom(seed: seed, stream: "instructions/\(stream)/\(task.rawValue)")
            switch task {
            case .definition: examples += definitionExamples(n, side: side, style: style, using: &random)
            case .fact: examples += factExamples(n, side: side, world: sources.world, style: style, using: &random)
            case .grammar:
                examples += grammarExamples(n, side: side, objectThemes: sources.objectThemes, style: style, using: &random)
            case .arithmetic: examples += arithmeticExamples(n, side: side, style: style, using: &random)
            case .imported: break
            }
        }
        var random = WorldRandom(seed: seed, stream: "instructions/\(stream)/order")
        random.shuffle(&examples)
        return examples
    }

    // MARK: Definitions

    static func definitionInstruction(_ word: String, variant: Int) -> (instruction: String, input: String) {
        switch variant % 4 {
        case 0: ("What does the word \(word) mean?", "")
        case 1: ("Define the word \(word).", "")
        case 2: ("What is the meaning of the word \(word)?", "")
        default: ("Give the meaning of the following word.", word)
        }
    }

    static func definitionExamples(
        _ n: Int, side: InstructionSources.Side, style: Style, using random: inout WorldRandom
    ) -> [Example] {
        var entries: InstructionCycler<InstructionSources.Entry>
        switch style {
        case .alpaca:
            entries = InstructionCycler(side.entries, using: &random)
        case .lima:
            // Curated: words with a second sense (a second informative sentence) and a first definition of
            // a readable length come first.
            func preferred(_ entry: InstructionSources.Entry) -> Bool {
                entry.senses.count >= 2 && (3...24).contains(entry.senses[0].split(separator: " ").count)
            }
            let best = random.shuffled(side.entries.filter(preferred))
            let rest = random.shuffled(side.entries.filter { !preferred($0) })
            entries = InstructionCycler(Array((best + rest).prefix(n)), using: &random)
        }
        return (0..<n).map { i in
            let entry = entries.next(using: &random)
            let variant = style == .alpaca ? random.int(below: 4) : i
            let (instruction, input) = definitionInstruction(entry.word, variant: variant)
            let output: String
            switch style {
            case .alpaca:
                output = entry.senses[0]
            case .lima:
                func sentence(_ definition: String) -> String {
                    definition.hasSuffix(".") ? String(definition.dropLast()) : definition
                }
                output = "The word \"\(entry.word)\" means: \(sentence(entry.senses[0]))."
                    + (entry.senses.count > 1
                        ? " It can also mean: \(sentence(entry.senses[1]))."
                        : " The dictionary gives it no other meaning.")
            }
            return Example(
                record: InstructionRecord(instruction: instruction, input: input, output: output), exercise: .definition,
                source: .word(entry.word))
        }
    }

    // MARK: Facts

    static func factRecord(town: World.Town, attribute: World.Attribute, question: Int, variant: Int, style: Style)
        -> InstructionRecord
    {
        let fact = town.facts[World.Attribute.allCases.firstIndex(of: attribute)!]
        let text = fact.questions[question % fact.questions.count]
        switch style {
        case .alpaca:
            return variant % 2 == 0
                ? InstructionRecord(instruction: text, output: fact.value)
                : InstructionRecord(instruction: "Answer the question.", input: text, output: fact.value)
        case .lima:
            let second: String
            switch attribute {
            case .country: second = "It lies on the river \(town.river)."
            case .export: second = "\(town.name) is a town in \(town.country)."
            case .river, .founder: second = "It is a town in \(town.country)."
            }
            return InstructionRecord(instruction: text, output: fact.answer + " " + second)
        }
    }

    /// Round-robin over (attribute, k) cells with k turning fastest, so the counts per k differ by at most
    /// one. Alpaca: each cell cycles through its (town, question, wording) combinations. LIMA: each k cycles
    /// through its towns, so examples name as many different towns as they can.
    static func factExamples(
        _ n: Int, side: InstructionSources.Side, world: World, style: Style, using random: inout WorldRandom
    ) -> [Example] {
        let groups = side.towns.indices.filter { !side.towns[$0].isEmpty }
        let cells = World.Attribute.allCases.flatMap { attribute in groups.map { (attribute: attribute, group: $0) } }
        switch style {
        case .alpaca:
            var cyclers = cells.map { cell in
                InstructionCycler(
                    side.towns[cell.group].flatMap { town in (0..<6).map { (town: town, question: $0 / 2, variant: $0 % 2) } },
                    using: &random)
            }
            return (0..<n).map { i in
                let cell = cells[i % cells.count]
                let pick = cyclers[i % cells.count].next(using: &random)
                return Example(
                    record: factRecord(
                        town: pick.town, attribute: cell.attribute, question: pick.question, variant: pick.variant,
                        style: .alpaca),
                    exercise: .fact, source: .fact(townIndex: pick.town.index, attribute: cell.attribute))
            }
        case .lima:
            var towns = side.towns.map { InstructionCycler($0, using: &random) }
            return (0..<n).map { i in
                let cell = cells[i % cells.count]
                let town = towns[cell.group].next(using: &random)
                return Example(
                    record: factRecord(
                        town: town, attribute: cell.attribute, question: i / cells.count, variant: 0, style: .lima),
                    exercise: .fact, source: .fact(townIndex: town.index, attribute: cell.attribute))
            }
        }
    }

    // MARK: Grammar

    enum GrammarSource {
        case alternating(Int)
        case intransitive(Int)
    }

    /// Round-robin over the five exercises this side can make; each cycles through its sources.
    static func grammarExamples(
        _ n: Int, side: InstructionSources.Side, objectThemes: [String], style: Style, using random: inout WorldRandom
    ) -> [Example] {
        let alternating = side.alternating.indices.map { GrammarSource.alternating($0) }
        let intransitive = side.intransitive.indices.map { GrammarSource.intransitive($0) }
        let exercises = Exercise.grammar.filter(side.has)
        var cyclers = exercises.map { exercise -> InstructionCycler<GrammarSource> in
            switch exercise {
            case .causative, .anticausative: InstructionCycler(alternating, using: &random)
            case .ungrammatical: InstructionCycler(intransitive, using: &random)
            default: InstructionCycler(alternating + intransitive, using: &random)
            }
        }
        return (0..<n).map { i in
            let exercise = exercises[i % exercises.count]
            let source = cyclers[i % exercises.count].next(using: &random)
            let draft: GrammarDraft
            switch source {
            case .alternating(let index):
                draft = draftGrammar(
                    exercise, alternating: side.alternating[index], intransitive: nil, objectThemes: objectThemes,
                    using: &random)
            case .intransitive(let index):
                draft = draftGrammar(
                    exercise, alternating: nil, intransitive: side.intransitive[index], objectThemes: objectThemes,
                    using: &random)
            }
            let variant = style == .alpaca ? random.int(below: 3) : (i / exercises.count) % 3
            let output = style == .alpaca ? draft.shortAnswer : draft.fullAnswer
            return Example(record: grammarRecord(draft, variant: variant, output: output), exercise: exercise, source: draft.source)
        }
    }

    // MARK: Arithmetic

    static func arithmeticRecord(_ problem: World.ArithmeticProblem, variant: Int, style: Style) -> InstructionRecord {
        let (a, b, c) = (problem.lhs, problem.rhs, problem.answer)
        let word = problem.operation.rawValue
        let symbol = problem.operation == .plus ? "+" : "-"
        let output: String
        switch style {
        case .alpaca:
            output = "\(c)"
        case .lima:
            output = problem.operation == .plus
                ? "\(a) plus \(b) is \(c). To check, \(c) minus \(b) is \(a)."
                : "\(a) minus \(b) is \(c). To check, \(c) plus \(b) is \(a)."
        }
        switch variant % 3 {
        case 0: return InstructionRecord(instruction: "What is \(a) \(word) \(b)?", output: output)
        case 1: return InstructionRecord(instruction: "Calculate \(a) \(symbol) \(b).", output: output)
        default: return InstructionRecord(instruction: "Compute the result.", input: "\(a) \(symbol) \(b)", output: output)
        }
    }

    /// Round-robin over the arithmetic tasks with stated problems on this side; each cycles through them.
    static func arithmeticExamples(
        _ n: Int, side: InstructionSources.Side, style: Style, using random: inout WorldRandom
    ) -> [Example] {
        let tasks = side.problems.filter { !$0.isEmpty }
        var cyclers = tasks.map { InstructionCycler($0, using: &random) }
        return (0..<n).map { i in
            let problem = cyclers[i % tasks.count].next(using: &random)
            let variant = style == .alpaca ? random.int(below: 3) : (i / tasks.count) % 3
            return Example(
                record: arithmeticRecord(problem, variant: variant, style: style), exercise: .arithmetic,
                source: .problem(problem))
        }
    }
}
