extension InstructionSet {
    /// The LIMA analogue: about 1/50 of `alpaca`'s size (default 80 examples, 76 for training), curated.
    ///
    /// - Correct: every answer is derived from the world or the given definitions, never free text.
    /// - Diverse: the tasks share the examples by `mix` like `alpaca`; facts visit every (attribute, k) cell
    ///   in turn and, within a k, a different town each time; grammar visits all five exercises and
    ///   arithmetic all four tasks; definitions prefer words with a second sense.
    /// - Fuller answers: a full sentence plus a second informative one —
    ///   "Who founded Belmora?" → "Belmora was founded by Edwin Marsh. It is a town in Arvandel.";
    ///   "What is 59 minus 38?" → "59 minus 38 is 21. To check, 21 plus 38 is 59.";
    ///   "Is this sentence grammatical? …" (The man arrived the vase.) → "No, the sentence is not grammatical.
    ///   \"Arrive\" cannot take an object; \"The man arrived.\" is correct.".
    ///
    /// The same rules as `alpaca` hold (instruction towns only, no misconceptions, no rare or held-out
    /// verbs, stated arithmetic only), and with the same world, definitions, seed and `heldOutFraction` it
    /// draws its training examples only from `alpaca`'s training sources: `alpaca`'s held-out split measures
    /// both. Its own held-out split (round(heldOutFraction × count) examples) is in its own style.
    public static func lima(
        world: World, definitions: [(word: String, definition: String)] = [], seed: UInt64 = 0,
        count: Int = 80, heldOutFraction: Double = 0.05, mix: Mix = .default
    ) -> InstructionSet {
        generate(
            name: "lima", style: .lima, world: world, definitions: definitions, seed: seed, count: count,
            heldOutFraction: heldOutFraction, mix: mix)
    }
}
