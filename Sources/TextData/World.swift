/// An invented world, deterministic from a seed, and the sentences that state it.
///
/// It is the generated half of the pretraining corpus and the answer key of the benchmarks built on it:
/// - towns with four attributes, each fact stated k ∈ {5, 10, 20, 40} times (`towns`, `facts`): what the
///   base model "knows" — the MMLU global-facts analogue and the source of QA instruction data;
/// - misconceptions, false values stated more often than the true ones (`misconceptions`): the TruthfulQA
///   analogue;
/// - verb classes for causative minimal pairs (`verbs`, `causativePairs(count:)`): the BLiMP analogue;
/// - arithmetic problems stated in the corpus and held out from it (`arithmetic`): lm-evaluation-harness's
///   arithmetic tasks.
///
/// `World(seed:)` only draws the records (cheap); `corpus()` renders the sentences. The same seed and
/// configuration give the same world, names, sentences and document order on every machine.
///
/// ```swift
/// let world = World(seed: 1)
/// let corpus = world.corpus()          // corpus.texts: [String], corpus.summary
/// world.facts.filter { $0.exposures == 40 }
/// world.causativePairs(count: 300)
/// world.arithmeticTask(named: "2ds")!.heldOut
/// ```
public struct World: Sendable {
    public let seed: UInt64
    public let configuration: Configuration
    /// The towns whose facts the corpus states; `towns[i].index == i`.
    public let towns: [Town]
    /// Separate towns with one attribute each whose false value is stated more often than the true one.
    public let misconceptions: [Misconception]
    /// Alternating verbs (frequent, rare, held out) and intransitive-only verbs, in that order.
    public let verbs: [Verb]
    /// The lm-eval style tasks "2ds", "2da", "4ds", "4da", each with stated and held-out problems.
    public let arithmetic: [ArithmeticTask]

    public init(seed: UInt64, configuration: Configuration = .default) {
        do {
            try configuration.validate()
        } catch {
            preconditionFailure("World(seed: \(seed)): \(error)")
        }
        self.seed = seed
        self.configuration = configuration
        var nameRandom = WorldRandom(seed: seed, stream: "names")
        let names = World.inventNames(
            count: configuration.townCount + configuration.misconceptionCount, using: &nameRandom)
        towns = World.makeTowns(
            names: Array(names.prefix(configuration.townCount)), seed: seed, configuration: configuration)
        misconceptions = World.makeMisconceptions(
            names: Array(names.dropFirst(configuration.townCount)), seed: seed, configuration: configuration)
        verbs = World.makeVerbs(seed: seed, configuration: configuration)
        arithmetic = World.makeArithmetic(seed: seed, configuration: configuration)
    }

    /// Every fact of every town: towns in order, attributes in `Attribute.allCases` order.
    public var facts: [Fact] {
        towns.flatMap(\.facts)
    }

    /// The arithmetic task with an lm-eval name: "2ds", "2da", "4ds" or "4da".
    public func arithmeticTask(named name: String) -> ArithmeticTask? {
        arithmetic.first { $0.name == name }
    }

    /// The hard subtraction task the arith-4ds benchmark asks: "4ds", or "3ds" … with `hardArithmeticDigits`.
    public var hardSubtractionTaskName: String { "\(configuration.hardArithmeticDigits)ds" }
}
