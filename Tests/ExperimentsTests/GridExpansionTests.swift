import Testing
@testable import Experiments

@Suite("Grid expansion: product, derived knobs, exclusions, inclusions")
struct GridExpansionTests {
    @Test("The example expands to 3 × 3 × 3 runs, less 3 excluded, plus 3 included")
    func exampleCount() throws {
        let runs = try parse(alphaRankFile).expand()
        #expect(runs.count == 27)
        #expect(runs.filter { $0.includeIndex == 0 }.count == 3)
    }

    @Test("The first axis varies slowest and the seed fastest")
    func productOrder() throws {
        let runs = try parse(alphaRankFile).expand()
        let firstFour = runs.prefix(4).map { [$0.configuration.rank, Int($0.configuration.alpha), $0.configuration.seed] }
        #expect(firstFour == [[4, 4, 1], [4, 4, 2], [4, 4, 3], [4, 8, 1]])
        #expect(runs[3].axisValues == ["rank": "4", "alpha": "2 * rank", "seed": "1"])
    }

    @Test("Derived knobs are evaluated from the run's other knobs")
    func derivedKnobs() throws {
        let runs = try parse(alphaRankFile).expand()
        let rank16 = runs.filter { $0.configuration.rank == 16 && $0.configuration.seed == 1 }
        #expect(rank16.map(\.configuration.alpha) == [8, 16, 32])
        #expect(rank16.map { $0.axisValues["alpha"] } == ["rank / 2", "rank", "2 * rank"])
    }

    @Test("An exclusion removes every combination whose resolved values match it, and only those")
    func exclusion() throws {
        let runs = try parse(alphaRankFile).expand()
        #expect(!runs.contains { $0.configuration.rank == 4 && $0.configuration.alpha == 2 })
        #expect(runs.contains { $0.configuration.rank == 4 && $0.configuration.alpha == 4 })
    }

    @Test("An exclusion compares resolved values, so a literal matches a derived value that equals it")
    func exclusionByResolvedValue() throws {
        let runs = try parse(experiment("""
            [grid]
            rank = [4, 8]
            alpha = ["2 * rank", 16]
            [[exclude]]
            alpha = 16
            """)).expand()
        #expect(runs.map(\.configuration.rank) == [4])
        #expect(runs.map(\.configuration.alpha) == [8])
    }

    @Test("An inclusion is the defaults overridden by its table, per seed, with targets groups expanded")
    func inclusion() throws {
        let included = try parse(alphaRankFile).expand().filter { $0.includeIndex != nil }
        #expect(included.map(\.configuration.seed) == [1, 2, 3])
        let configuration = try #require(included.first?.configuration)
        #expect(configuration.rank == 64)
        #expect(configuration.alpha == 128)
        #expect(configuration.targets == ProjectionSite.allCases)
        #expect(configuration.warmup == 10)
        #expect(included.first?.axisValues == ["rank": "64", "alpha": "128", "seed": "1"])
    }

    @Test("An inclusion that repeats a grid run is not planned twice; one with its own seed is planned once")
    func inclusionDeduplication() throws {
        let runs = try parse(experiment("""
            [grid]
            rank = [4, 8]
            seeds = [1, 2]
            [[include]]
            rank = 8
            [[include]]
            rank = 32
            seed = 9
            """)).expand()
        #expect(runs.count == 5)
        #expect(runs.last?.configuration.seed == 9)
        #expect(runs.last?.configuration.rank == 32)
    }

    @Test("A file without [defaults] or [grid] plans one run with the built-in defaults")
    func builtInDefaults() throws {
        let runs = try parse(experiment("")).expand()
        #expect(runs.map(\.configuration) == [RunConfiguration()])
        let configuration = RunConfiguration()
        #expect(configuration.rank == 8 && configuration.alpha == 16 && configuration.dropout == 0.05)
        #expect(configuration.targets == [.q, .v] && configuration.quantization == .none && configuration.lr == 3e-3)
        #expect(configuration.schedule == .cosine && configuration.warmup == 0 && configuration.batch == 8)
        #expect(configuration.microBatch == 1 && configuration.clip == 1 && configuration.seed == 1)
        #expect(configuration.weightDecay == nil && configuration.maxLength == nil && configuration.evalLimit == nil)
    }

    @Test("Integer knobs may be derived when the expression gives a whole number")
    func integerExpression() throws {
        let runs = try parse(experiment("[defaults]\nbatch = \"(rank + 1) * 2\"\nrank = 7\n")).expand()
        #expect(runs.first?.configuration.batch == 16)
    }

    @Test("Targets accept projections and groups and come out in the model's order; the head only when named")
    func targetsNormalization() throws {
        let runs = try parse(experiment("""
            [grid]
            targets = [["v", "q"], "attention", ["mlp", "head"], "all"]
            """)).expand()
        #expect(runs.map(\.configuration.targets) == [
            [.q, .v], [.q, .k, .v, .o], [.gate, .up, .down, .head], [.q, .k, .v, .o, .gate, .up, .down, .head],
        ])
        #expect(runs.map { $0.axisValues["targets"] } == ["v,q", "attention", "mlp,head", "all"])
    }

    @Test("allowLarge lets a grid past the run limit expand")
    func allowLarge() throws {
        let file = try parse(experiment("[grid]\nrank = [1, 2, 3, 4]\nseeds = [1, 2, 3]\n"))
        #expect(try file.expand(maxRuns: 10, allowLarge: true).count == 12)
    }
}
