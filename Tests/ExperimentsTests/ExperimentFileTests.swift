import Testing
@testable import Experiments

@Suite("Experiment files: header, defaults, axes, check")
struct ExperimentFileTests {
    @Test("The specification's example parses into its header, defaults, axes, exclusions, inclusions and check")
    func specificationExample() throws {
        let file = try parse(alphaRankFile)
        #expect(file.name == "alpha-rank")
        #expect(file.purpose == "How LoRA's rank and alpha trade off on the Alpaca analogue")
        #expect(file.base == "results/base")
        #expect(file.dataset == "alpaca")
        #expect(file.benchmarks == BenchmarkTask.allCases)
        #expect(file.metric == "facts")
        #expect(file.higherIsBetter)
        #expect(file.defaults[.alpha] == .expression("2 * rank"))
        #expect(file.defaults[.lr] == .number(3e-3))
        #expect(file.defaults[.targets] == .names(["q", "v"]))
        #expect(file.axes == [
            GridAxis(knob: .rank, values: [.integer(4), .integer(8), .integer(16)]),
            GridAxis(knob: .alpha, values: [.expression("rank / 2"), .expression("rank"), .expression("2 * rank")]),
        ])
        #expect(file.seeds == [1, 2, 3])
        #expect(file.excludes == [[.rank: .integer(4), .alpha: .expression("rank / 2")]])
        #expect(file.includes == [[.rank: .integer(64), .alpha: .number(128), .targets: .names(["all"])]])
        #expect(file.check.reproduceSeed == 1)
        #expect(file.check.maxSpread.map(\.metric) == ["facts", "heldout-loss"])
        #expect(file.check.maxSpread.map(\.tolerance) == [0.05, 0.05])
    }

    @Test("Axes keep the order the file writes them in, not toml++'s sorted order")
    func axisOrder() throws {
        let file = try parse(experiment("[grid]\nschedule = [\"constant\", \"cosine\"]\nrank = [4, 8]\nalpha = [8, 16]\n"))
        #expect(file.axes.map(\.knob) == [.schedule, .rank, .alpha])
    }

    @Test("A file with only a name and a purpose gets every default: the six benchmarks, facts, higher is better")
    func headerDefaults() throws {
        let file = try parse(experiment(""))
        #expect(file.base == "results/base")
        #expect(file.dataset == "alpaca")
        #expect(file.benchmarks == BenchmarkTask.allCases)
        #expect(file.metric == "facts")
        #expect(file.higherIsBetter)
        #expect(file.axes.isEmpty)
        #expect(file.seeds == [1])
    }

    @Test("With heldout-loss as the metric, lower is better unless the file says otherwise")
    func heldoutLossDirection() throws {
        #expect(try !parse(experiment("metric = \"heldout-loss\"\n")).higherIsBetter)
        #expect(try parse(experiment("metric = \"heldout-loss\"\nhigher_is_better = true\n")).higherIsBetter)
    }

    @Test("The default seed stands in for a seed axis the grid does not have")
    func defaultSeed() throws {
        #expect(try parse(experiment("[defaults]\nseed = 7\n")).seeds == [7])
    }

    @Test("The source map finds keys under headers, array tables, dotted keys and quoted keys, skipping multi-line strings")
    func sourceMap() {
        let map = SourceMap(text: """
            a = 1
            [grid]
            rank = [4,
              8]
            "alpha" = [1]
            [[include]]
            rank = 2
            [[include]]
            note = \"\"\"
            fake = 3
            \"\"\"
            x.y = 4
            """)
        #expect(map.line(of: "grid.rank") == 3)
        #expect(map.line(of: "grid.alpha") == 5)
        #expect(map.line(of: "include[0].rank") == 7)
        #expect(map.line(of: "include[1].fake") == 8)
        #expect(map.line(of: "include[1].x.y") == 12)
        #expect(map.orderedKeys(of: "grid", present: ["alpha", "rank", "other"]) == ["rank", "alpha", "other"])
    }
}
