extension World {
    /// How big the world is and how often each thing is stated.
    ///
    /// Decodes from snake_case keys (`town_count = 300` in a TOML recipe); a missing key keeps its default,
    /// and an invalid value is rejected with a message naming the key. The size knob is `scaled(by:)`:
    /// it multiplies how many towns, misconceptions, verb sentences and arithmetic statements there are,
    /// never how often one fact is stated (k stays in `exposures`).
    public struct Configuration: Sendable, Equatable, Codable {
        // Facts: `townCount` towns × 4 attributes; town i states each fact exposures[i % count] times.
        public var townCount = 300
        public var exposures = [5, 10, 20, 40]
        /// Share of follow-up sentences in a paragraph that say "It …"/"Its …" instead of the town's name.
        public var pronounFraction = 0.4

        // Misconceptions: separate towns, one attribute each, false value stated more often than the true one.
        public var misconceptionCount = 100
        public var misconceptionTrueExposures = 5
        public var misconceptionFalseExposures = 15
        /// Per-item (true, false) exposure pairs, `[[true, false], …]`: item i gets pair i % count, so the
        /// base model can prefer the truth on some items and the myth on others. Empty (the default): every
        /// item gets (misconceptionTrueExposures, misconceptionFalseExposures).
        public var misconceptionExposures: [[Int]] = []
        /// Share of those statements framed as hearsay ("Many people believe that …") when false, or as
        /// record ("In fact, …") when true; the rest are plain statements like any fact's.
        public var framedFraction = 0.3

        // Verbs: every verb appears in `sentencesPerVerb` sentences, so no verb is more frequent than another.
        public var sentencesPerVerb = 400
        /// Alternating verbs seen transitively in `frequentTransitiveFraction` of their sentences.
        public var frequentVerbs = 13
        /// Alternating verbs seen transitively only `rareTransitiveExposures` times.
        public var rareVerbs = 6
        /// Alternating verbs never seen transitively in the corpus (only "The sugar dissolved.").
        public var heldOutVerbs = 6
        /// Verbs that never take an object ("The man arrived.").
        public var intransitiveOnlyVerbs = 20
        public var frequentTransitiveFraction = 0.5
        public var rareTransitiveExposures = 2...5

        // Arithmetic: distinct problems stated once each; `heldOutProblems` per task are never stated.
        public var twoDigitSubtractions = 2400
        public var twoDigitAdditions = 1200
        public var fourDigitSubtractions = 400
        public var fourDigitAdditions = 400
        public var heldOutProblems = 400
        /// Share stated as "Question: What is 59 minus 38?\nAnswer: 21", the rest as plain sentences.
        public var questionAnswerFraction = 0.3
        /// How many times each stated problem is stated (each repetition picks its own form and template).
        public var arithmeticRepeats = 1
        /// Digits of the operands of the hard tasks ("4ds" and "4da" at the default 4; 3 makes them "3ds" and
        /// "3da"). The `four_digit_*` counts size them whatever their digits; the arith-4ds benchmark asks the
        /// hard subtraction task.
        public var hardArithmeticDigits = 4

        public init() {}

        /// 300 towns (1,200 facts), 100 misconceptions, 45 verbs × 400 sentences, 4,400 arithmetic statements.
        public static let `default` = Configuration()

        /// A world small enough for unit tests in a debug build: 8 towns, 8 misconceptions (2 per attribute),
        /// 40 sentences per verb, a few dozen arithmetic problems.
        public static let tiny: Configuration = {
            var tiny = Configuration()
            tiny.townCount = 8
            tiny.misconceptionCount = 8
            tiny.sentencesPerVerb = 40
            tiny.twoDigitSubtractions = 60
            tiny.twoDigitAdditions = 30
            tiny.fourDigitSubtractions = 20
            tiny.fourDigitAdditions = 20
            tiny.heldOutProblems = 20
            return tiny
        }()

        /// The same world shape with `factor` times as many towns, misconceptions, verb sentences and
        /// arithmetic statements (each at least 1). Per-fact exposures k are unchanged.
        public func scaled(by factor: Double) -> Configuration {
            func scale(_ n: Int) -> Int { max(1, Int((Double(n) * factor).rounded())) }
            var scaled = self
            scaled.townCount = scale(townCount)
            scaled.misconceptionCount = scale(misconceptionCount)
            scaled.sentencesPerVerb = max(scale(sentencesPerVerb), rareTransitiveExposures.upperBound + 1)
            scaled.twoDigitSubtractions = scale(twoDigitSubtractions)
            scaled.twoDigitAdditions = scale(twoDigitAdditions)
            scaled.fourDigitSubtractions = scale(fourDigitSubtractions)
            scaled.fourDigitAdditions = scale(fourDigitAdditions)
            scaled.heldOutProblems = scale(heldOutProblems)
            return scaled
        }

        /// Throws a `ConfigurationError` naming the first invalid key and what would fix it.
        public func validate() throws {
            func check(_ ok: Bool, _ key: CodingKeys, _ advice: String) throws {
                if !ok { throw ConfigurationError(key: key.stringValue, message: advice) }
            }
            try check(townCount >= 1, .townCount, "needs at least 1 town, got \(townCount)")
            try check(!exposures.isEmpty && exposures.allSatisfy { $0 >= 1 }, .exposures,
                "needs one or more positive counts, got \(exposures)")
            try check((0...1).contains(pronounFraction), .pronounFraction,
                "is a share between 0 and 1, got \(pronounFraction)")
            try check(misconceptionCount >= 0, .misconceptionCount,
                "cannot be negative, got \(misconceptionCount)")
            try check(misconceptionTrueExposures >= 1, .misconceptionTrueExposures,
                "needs the truth stated at least once, got \(misconceptionTrueExposures)")
            if misconceptionExposures.isEmpty {
                try check(misconceptionFalseExposures > misconceptionTrueExposures, .misconceptionFalseExposures,
                    "must exceed misconception_true_exposures (\(misconceptionTrueExposures)), got \(misconceptionFalseExposures)")
            }
            try check(misconceptionExposures.allSatisfy { $0.count == 2 && $0.allSatisfy { $0 >= 1 } }, .misconceptionExposures,
                "is a list of [true, false] pairs of positive counts, e.g. [[2, 10], [6, 6], [10, 2]]; got \(misconceptionExposures)")
            try check((0...1).contains(framedFraction), .framedFraction,
                "is a share between 0 and 1, got \(framedFraction)")
            try check(frequentVerbs >= 1 && rareVerbs >= 0 && heldOutVerbs >= 0, .frequentVerbs,
                "frequent_verbs needs at least 1, rare_verbs and held_out_verbs at least 0")
            try check(frequentVerbs + rareVerbs + heldOutVerbs <= World.alternatingLexicon.count, .heldOutVerbs,
                "frequent + rare + held-out verbs can use at most the \(World.alternatingLexicon.count) alternating verbs, got \(frequentVerbs + rareVerbs + heldOutVerbs)")
            try check((1...World.intransitiveLexicon.count).contains(intransitiveOnlyVerbs), .intransitiveOnlyVerbs,
                "must be between 1 and \(World.intransitiveLexicon.count), got \(intransitiveOnlyVerbs)")
            try check(rareTransitiveExposures.lowerBound >= 1, .rareTransitiveExposures,
                "rare verbs are seen transitively at least once; use held_out_verbs for never, got \(rareTransitiveExposures)")
            try check(sentencesPerVerb > rareTransitiveExposures.upperBound, .sentencesPerVerb,
                "must exceed the largest rare_transitive_exposures (\(rareTransitiveExposures.upperBound)), got \(sentencesPerVerb)")
            try check(frequentTransitiveFraction > 0 && frequentTransitiveFraction < 1, .frequentTransitiveFraction,
                "is a share strictly between 0 and 1, got \(frequentTransitiveFraction)")
            try check((0...1).contains(questionAnswerFraction), .questionAnswerFraction,
                "is a share between 0 and 1, got \(questionAnswerFraction)")
            try check(arithmeticRepeats >= 1, .arithmeticRepeats, "needs at least 1, got \(arithmeticRepeats)")
            try check((3...6).contains(hardArithmeticDigits), .hardArithmeticDigits,
                "must be between 3 and 6 (2 digits are the easy tasks), got \(hardArithmeticDigits)")
            try check(heldOutProblems >= 1, .heldOutProblems, "needs at least 1, got \(heldOutProblems)")
            let counts: [(CodingKeys, Int, Int)] = [
                (.twoDigitSubtractions, twoDigitSubtractions, World.problemSpace(digits: 2, operation: .minus)),
                (.twoDigitAdditions, twoDigitAdditions, World.problemSpace(digits: 2, operation: .plus)),
                (.fourDigitSubtractions, fourDigitSubtractions, World.problemSpace(digits: hardArithmeticDigits, operation: .minus)),
                (.fourDigitAdditions, fourDigitAdditions, World.problemSpace(digits: hardArithmeticDigits, operation: .plus)),
            ]
            for (key, count, space) in counts {
                // Each held-out problem can bar a few related problems from being stated (same three numbers).
                let room = space - 4 * heldOutProblems
                try check(count >= 0 && count <= room, key,
                    "must be between 0 and \(room) (\(space) problems minus room for \(heldOutProblems) held out), got \(count)")
            }
        }

        /// The snake_case keys, as a recipe's `[world]` section spells them.
        public static var keyNames: [String] { CodingKeys.allCases.map(\.stringValue) }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case townCount = "town_count", exposures, pronounFraction = "pronoun_fraction"
            case misconceptionCount = "misconception_count"
            case misconceptionTrueExposures = "misconception_true_exposures"
            case misconceptionFalseExposures = "misconception_false_exposures"
            case misconceptionExposures = "misconception_exposures"
            case framedFraction = "framed_fraction"
            case sentencesPerVerb = "sentences_per_verb", frequentVerbs = "frequent_verbs"
            case rareVerbs = "rare_verbs", heldOutVerbs = "held_out_verbs"
            case intransitiveOnlyVerbs = "intransitive_only_verbs"
            case frequentTransitiveFraction = "frequent_transitive_fraction"
            case rareTransitiveExposures = "rare_transitive_exposures"
            case twoDigitSubtractions = "two_digit_subtractions", twoDigitAdditions = "two_digit_additions"
            case fourDigitSubtractions = "four_digit_subtractions", fourDigitAdditions = "four_digit_additions"
            case heldOutProblems = "held_out_problems", questionAnswerFraction = "question_answer_fraction"
            case arithmeticRepeats = "arithmetic_repeats"
            case hardArithmeticDigits = "hard_arithmetic_digits"
        }

        public init(from decoder: any Decoder) throws {
            self.init()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func read<T: Decodable>(_ key: CodingKeys, into value: inout T) throws {
                if let decoded = try c.decodeIfPresent(T.self, forKey: key) { value = decoded }
            }
            try read(.townCount, into: &townCount)
            try read(.exposures, into: &exposures)
            try read(.pronounFraction, into: &pronounFraction)
            try read(.misconceptionCount, into: &misconceptionCount)
            try read(.misconceptionTrueExposures, into: &misconceptionTrueExposures)
            try read(.misconceptionFalseExposures, into: &misconceptionFalseExposures)
            try read(.misconceptionExposures, into: &misconceptionExposures)
            try read(.framedFraction, into: &framedFraction)
            try read(.sentencesPerVerb, into: &sentencesPerVerb)
            try read(.frequentVerbs, into: &frequentVerbs)
            try read(.rareVerbs, into: &rareVerbs)
            try read(.heldOutVerbs, into: &heldOutVerbs)
            try read(.intransitiveOnlyVerbs, into: &intransitiveOnlyVerbs)
            try read(.frequentTransitiveFraction, into: &frequentTransitiveFraction)
            if let range = try c.decodeIfPresent([Int].self, forKey: .rareTransitiveExposures) {
                guard range.count == 2, range[0] <= range[1] else {
                    throw ConfigurationError(
                        key: CodingKeys.rareTransitiveExposures.stringValue,
                        message: "is [lowest, highest], e.g. [2, 5]; got \(range)")
                }
                rareTransitiveExposures = range[0]...range[1]
            }
            try read(.twoDigitSubtractions, into: &twoDigitSubtractions)
            try read(.twoDigitAdditions, into: &twoDigitAdditions)
            try read(.fourDigitSubtractions, into: &fourDigitSubtractions)
            try read(.fourDigitAdditions, into: &fourDigitAdditions)
            try read(.heldOutProblems, into: &heldOutProblems)
            try read(.questionAnswerFraction, into: &questionAnswerFraction)
            try read(.arithmeticRepeats, into: &arithmeticRepeats)
            try read(.hardArithmeticDigits, into: &hardArithmeticDigits)
            try validate()
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(townCount, forKey: .townCount)
            try c.encode(exposures, forKey: .exposures)
            try c.encode(pronounFraction, forKey: .pronounFraction)
            try c.encode(misconceptionCount, forKey: .misconceptionCount)
            try c.encode(misconceptionTrueExposures, forKey: .misconceptionTrueExposures)
            try c.encode(misconceptionFalseExposures, forKey: .misconceptionFalseExposures)
            try c.encode(misconceptionExposures, forKey: .misconceptionExposures)
            try c.encode(framedFraction, forKey: .framedFraction)
            try c.encode(sentencesPerVerb, forKey: .sentencesPerVerb)
            try c.encode(frequentVerbs, forKey: .frequentVerbs)
            try c.encode(rareVerbs, forKey: .rareVerbs)
            try c.encode(heldOutVerbs, forKey: .heldOutVerbs)
            try c.encode(intransitiveOnlyVerbs, forKey: .intransitiveOnlyVerbs)
            try c.encode(frequentTransitiveFraction, forKey: .frequentTransitiveFraction)
            try c.encode(
                [rareTransitiveExposures.lowerBound, rareTransitiveExposures.upperBound],
                forKey: .rareTransitiveExposures)
            try c.encode(twoDigitSubtractions, forKey: .twoDigitSubtractions)
            try c.encode(twoDigitAdditions, forKey: .twoDigitAdditions)
            try c.encode(fourDigitSubtractions, forKey: .fourDigitSubtractions)
            try c.encode(fourDigitAdditions, forKey: .fourDigitAdditions)
            try c.encode(heldOutProblems, forKey: .heldOutProblems)
            try c.encode(questionAnswerFraction, forKey: .questionAnswerFraction)
            try c.encode(arithmeticRepeats, forKey: .arithmeticRepeats)
            try c.encode(hardArithmeticDigits, forKey: .hardArithmeticDigits)
        }
    }

    /// An invalid configuration value: `key` is its snake_case name, `message` says what would be valid.
    public struct ConfigurationError: Error, Equatable, CustomStringConvertible {
        public let key: String
        public let message: String
        public var description: String { "world configuration: \(key) \(message)" }

        public init(key: String, message: String) {
            self.key = key
            self.message = message
        }
    }
}
