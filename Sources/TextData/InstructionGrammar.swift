extension InstructionSet {
    /// One grammar exercise before it is worded: the sentence it is about, the short exact answer, and a
    /// sentence that explains it (for fuller answers).
    struct GrammarDraft {
        let exercise: Exercise
        let source: Source
        let sentence: String
        /// "Someone broke the vase.", "The vase broke.", "Yes", "No", "The girl broke the vase."
        let answer: String
        let explanation: String

        /// Alpaca-style: the answer alone.
        var shortAnswer: String { answer }

        /// LIMA-style: a full sentence and the explanation.
        var fullAnswer: String {
            switch exercise {
            case .grammatical: "Yes, the sentence is grammatical. " + explanation
            case .ungrammatical: "No, the sentence is not grammatical. " + explanation
            default: answer + " " + explanation
            }
        }
    }

    /// Endings that fit either tense ("yesterday" and "every day" would not survive a tense change).
    static let grammarTails = ["", "", "", " again", " quickly", " slowly", " in the morning", " at noon"]

    /// Instructions per exercise; each is given with the sentence as input, or (the last form) inline.
    static func grammarInstructions(_ exercise: Exercise) -> [String] {
        switch exercise {
        case .causative:
            ["Rewrite the sentence so that someone causes the action.", "Add someone who causes the action to this sentence."]
        case .anticausative:
            ["Rewrite the sentence without saying who causes the action.", "Rewrite the sentence so that the thing affected is the subject."]
        case .grammatical, .ungrammatical:
            ["Is this sentence grammatical? Answer yes or no.", "Is the following sentence correct English? Answer yes or no."]
        case .pastTense:
            ["Rewrite the sentence in the past tense.", "Change the sentence to the past tense."]
        default:
            preconditionFailure("\(exercise) is not a grammar exercise")
        }
    }

    /// The record for a draft: variant 0 and 1 put the sentence in the input, variant 2 after the
    /// instruction ("Rewrite the sentence in the past tense: The girl breaks the vase.").
    static func grammarRecord(_ draft: GrammarDraft, variant: Int, output: String) -> InstructionRecord {
        let instructions = grammarInstructions(draft.exercise)
        if variant < instructions.count {
            return InstructionRecord(instruction: instructions[variant], input: draft.sentence, output: output)
        }
        let first = instructions[0]
        // "Is this sentence grammatical? Answer yes or no." → "Is this sentence grammatical? … : <sentence>"
        let inline = first.hasSuffix(".") ? String(first.dropLast()) + ": " + draft.sentence : first + " " + draft.sentence
        return InstructionRecord(instruction: inline, output: output)
    }

    /// A grammar exercise about one source. `alternating` sources are (frequent verb, theme),
    /// `intransitive` ones (intransitive-only verb, agent); `objectThemes` are the nouns an ungrammatical
    /// sentence puts after an intransitive-only verb.
    static func draftGrammar(
        _ exercise: Exercise, alternating: (verb: World.Verb, theme: String)?,
        intransitive: (verb: World.Verb, agent: String)?, objectThemes: [String], using random: inout WorldRandom
    ) -> GrammarDraft {
        func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
        func quoted(_ word: String) -> String { "\"\(word)\"" }
        let isPast = exercise == .pastTense ? false : random.chance(0.5)
        let tail = random.element(of: grammarTails)

        if let (verb, theme) = alternating {
            let source = Source.verb(base: verb.base, argument: theme)
            let thing = random.element(of: World.themeDeterminers) + " " + theme
            let agent = random.element(of: World.agents)
            let form = verb.form(past: isPast)
            let transitive = capitalized("\(agent) \(form) \(thing)\(tail).")
            let intransitive = capitalized("\(thing) \(form)\(tail).")
            switch exercise {
            case .causative:
                return GrammarDraft(
                    exercise: exercise, source: source, sentence: intransitive, answer: "Someone \(form) \(thing)\(tail).",
                    explanation: "\(quoted(capitalized(verb.base))) can be used with or without an object: \(thing) can \(verb.base), and someone can \(verb.base) it.")
            case .anticausative:
                return GrammarDraft(
                    exercise: exercise, source: source, sentence: transitive, answer: intransitive,
                    explanation: "\(quoted(capitalized(verb.base))) can also be used without an object; then \(thing) is the subject.")
            case .grammatical:
                let withObject = random.chance(0.5)
                return GrammarDraft(
                    exercise: exercise, source: source, sentence: withObject ? transitive : intransitive, answer: "Yes",
                    explanation: withObject
                        ? "\(quoted(capitalized(verb.base))) can take an object, as it does here."
                        : "\(quoted(capitalized(verb.base))) can be used without an object, as it is here.")
            case .pastTense:
                let withObject = random.chance(0.5)
                let past = verb.form(past: true)
                return GrammarDraft(
                    exercise: exercise, source: source, sentence: withObject ? transitive : intransitive,
                    answer: withObject ? capitalized("\(agent) \(past) \(thing)\(tail).") : capitalized("\(thing) \(past)\(tail)."),
                    explanation: "\(quoted(capitalized(past))) is the past tense of \(quoted(verb.base)).")
            default:
                preconditionFailure("\(exercise) is not made from an alternating verb")
            }
        }

        guard let (verb, agent) = intransitive else { preconditionFailure("a grammar exercise needs a verb") }
        let source = Source.verb(base: verb.base, argument: agent)
        let form = verb.form(past: isPast)
        let plain = capitalized("\(agent) \(form)\(tail).")
        switch exercise {
        case .grammatical:
            return GrammarDraft(
                exercise: exercise, source: source, sentence: plain, answer: "Yes",
                explanation: "\(quoted(capitalized(verb.base))) does not take an object, and here it has none.")
        case .ungrammatical:
            let object = random.element(of: World.themeDeterminers) + " " + random.element(of: objectThemes)
            return GrammarDraft(
                exercise: exercise, source: source, sentence: capitalized("\(agent) \(form) \(object)\(tail)."),
                answer: "No",
                explanation: "\(quoted(capitalized(verb.base))) cannot take an object; \(quoted(plain)) is correct.")
        case .pastTense:
            let past = verb.form(past: true)
            return GrammarDraft(
                exercise: exercise, source: source, sentence: plain, answer: capitalized("\(agent) \(past)\(tail)."),
                explanation: "\(quoted(capitalized(past))) is the past tense of \(quoted(verb.base)).")
        default:
            preconditionFailure("\(exercise) is not made from an intransitive-only verb")
        }
    }
}
