import TextData

/// A benchmark's chance level: the expected score of a model that picks among each item's choices
/// uniformly at random, from the items themselves (so a limit on the items, or a world with other
/// choice counts, has its own level). The one definition `Benchmarks.run`, `sweep eval`, the base
/// evaluations of a sweep and the normalised suite average read.
///
/// | task | chance of one item |
/// |---|---|
/// | truthful-mc1, facts, causative | 1 / choices (a minimal pair: 1/2) |
/// | truthful-mc2 | the true answers' share of the choices: uniform probabilities put mass true/choices on them |
/// | arith-2ds, arith-4ds | 0: exact match of a generated answer |
public enum ChanceLevel {
    /// The mean over the items of each item's chance score; NaN for no items.
    public static func of(_ task: BenchmarkTask, items: TaskItems) -> Double {
        switch items {
        case .greedy: return 0
        case .choices(let items):
            guard !items.isEmpty else { return .nan }
            let perItem = items.map { item -> Double in
                task == .truthfulMC2
                    ? Double(item.isTrue.count { $0 }) / Double(item.choices.count)
                    : 1 / Double(item.choices.count)
            }
            return perItem.reduce(0, +) / Double(perItem.count)
        }
    }

    /// Each task's chance level on the items `world` and `configuration` give it.
    public static func levels(
        tasks: [BenchmarkTask], world: World, configuration: Benchmarks.Configuration = .default
    ) -> [BenchmarkTask: Double] {
        Dictionary(uniqueKeysWithValues: tasks.map { ($0, of($0, items: Benchmarks.items(for: $0, world: world, configuration: configuration))) })
    }
}
