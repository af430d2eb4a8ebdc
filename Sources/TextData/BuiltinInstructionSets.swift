extension InstructionSet {
    /// The instruction sets the project ships, built from the world and WordNet's definitions.
    public enum Builtin: String, CaseIterable, Sendable {
        /// ~4,000 short-answer examples (3,800 to train on, 200 held out): the Alpaca analogue.
        case alpaca
        /// 80 curated, fuller answers (76 + 4): the LIMA analogue, drawn from Alpaca's training sources.
        case lima
    }

    /// The built-in set `name` for `world`: definitions from WordNet (most frequent sense first), the
    /// world's seed for the draw. Throws `WordNet.LoadError` when WordNet is missing.
    public static func builtin(_ name: Builtin, world: World,
                               wordNetDirectory: String = WordNet.defaultDirectory) throws -> InstructionSet {
        let definitions = try WordNet(directory: wordNetDirectory).definitions()
        switch name {
        case .alpaca: return alpaca(world: world, definitions: definitions, seed: world.seed)
        case .lima: return lima(world: world, definitions: definitions, seed: world.seed)
        }
    }
}
