import Testing
@testable import Reports

/// rank 4 and 8, two seeds each, scored on MC1 and arith-2ds, against one base evaluation: MC1 0.30
/// (chance 0.25), arith-2ds 0.10 (chance 0), held-out loss 3.0. The computed metrics are filled in as
/// `BaseComparison` computes them, by hand: normalised = mean of (mc1 − 0.25) / 0.75 and arith.
private enum BaseRowFixture {
    static let baseNormalized = ((0.30 - 0.25) / 0.75 + 0.10) / 2  // 0.0833…

    static func run(rank: String, seed: Int, mc1: Double, arith: Double) -> ReportRun {
        let normalized = ((mc1 - 0.25) / 0.75 + arith) / 2
        let metrics: [String: MetricValue] = [
            "truthful-mc1": MetricValue(value: mc1, stderr: 0.04), "arith-2ds": MetricValue(value: arith, stderr: 0.01),
            "heldout-loss": MetricValue(value: 2.5), "suite": MetricValue(value: (mc1 + arith) / 2),
            "normalized-average": MetricValue(value: normalized), "forgetting": MetricValue(value: baseNormalized - normalized),
            "forgetting.truthful-mc1": MetricValue(value: 0.30 - mc1), "forgetting.arith-2ds": MetricValue(value: 0.10 - arith),
        ]
        return ReportRun(id: "r\(rank)s\(seed)", status: "done", seed: seed, axisValues: ["rank": rank], metrics: metrics,
                         baselineID: "base0001")
    }

    static let baseline = ReportBaseline(
        id: "base0001",
        metrics: [
            "truthful-mc1": MetricValue(value: 0.30), "arith-2ds": MetricValue(value: 0.10), "heldout-loss": MetricValue(value: 3.0),
            "suite": MetricValue(value: 0.20), "normalized-average": MetricValue(value: baseNormalized),
        ],
        chance: ["truthful-mc1": 0.25, "arith-2ds": 0, "suite": 0.125, "normalized-average": 0])

    static var input: ExperimentReportInput {
        ExperimentReportInput(
            name: "ranks", purpose: "", sourcePath: "experiments/ranks.toml", base: "results/base", dataset: "alpaca",
            metric: "truthful-mc1", higherIsBetter: true, axes: ["rank", "seeds"], fixedKnobs: [],
            runs: [
                run(rank: "4", seed: 1, mc1: 0.40, arith: 0.00), run(rank: "4", seed: 2, mc1: 0.50, arith: 0.10),
                run(rank: "8", seed: 1, mc1: 0.25, arith: 0.05), run(rank: "8", seed: 2, mc1: 0.25, arith: 0.05),
            ],
            baselines: [baseline])
    }
}

@Suite("The base model's row, the chance row, the normalised average and forgetting in the tables")
struct BaseRowTests {
    @Test("The scores table starts with the base row, then the chance row, then the configurations")
    func scoresTable() {
        let markdown = ExperimentReport.render(BaseRowFixture.input, chartDirectoryName: "ranks").markdown
        let table = ReportFixtures.section("Scores", of: markdown).filter { $0.hasPrefix("|") }.joined(separator: "\n")
        #expect(table == """
            | rank   | seeds | normalised average |     forgetting | benchmark average | TruthfulQA MC1 | arithmetic 2ds | held-out loss |
            | ------ | ----: | -----------------: | -------------: | ----------------: | -------------: | -------------: | ------------: |
            | base   |     — |              0.083 |                |             0.200 |          0.300 |          0.100 |         3.000 |
            | chance |       |              0.000 |                |             0.125 |          0.250 |          0.000 |               |
            | 4      |     2 |      0.158 ± 0.082 | −0.075 ± 0.082 |     0.250 ± 0.071 |  0.450 ± 0.071 |  0.050 ± 0.071 | 2.500 ± 0.000 |
            | 8      |     2 |      0.025 ± 0.000 | +0.058 ± 0.000 |     0.150 ± 0.000 |  0.250 ± 0.000 |  0.050 ± 0.000 | 2.500 ± 0.000 |
            """)
    }

    @Test("The forgetting table: base − fine-tuned per benchmark, and for the normalised average")
    func forgettingTable() {
        let markdown = ExperimentReport.render(BaseRowFixture.input, chartDirectoryName: "ranks").markdown
        let table = ReportFixtures.section("Forgetting", of: markdown).filter { $0.hasPrefix("|") }.joined(separator: "\n")
        #expect(table == """
            | rank | seeds | normalised average | TruthfulQA MC1 | arithmetic 2ds |
            | ---- | ----: | -----------------: | -------------: | -------------: |
            | 4    |     2 |             −0.075 |         −0.150 |         +0.050 |
            | 8    |     2 |             +0.058 |         +0.050 |         +0.050 |
            """)
    }

    @Test("The pivot's first row is the base model")
    func pivot() {
        let markdown = ExperimentReport.render(BaseRowFixture.input, chartDirectoryName: "ranks").markdown
        let rows = ReportFixtures.section("truthful-mc1", of: markdown).filter { $0.hasPrefix("| ") }.map(ReportFixtures.cells)
        #expect(rows[2] == ["base", "0.300"])  // after the header and its rule
        #expect(rows[3] == ["4", "**0.450 ± 0.071 (2)**"])
    }

    @Test("Without base evaluations the tables are as they were: no base, chance or forgetting")
    func withoutBaselines() {
        var input = BaseRowFixture.input
        input.baselines = []
        let markdown = ExperimentReport.render(input, chartDirectoryName: "ranks").markdown
        #expect(!markdown.contains("| base"))
        #expect(!markdown.contains("| chance"))
    }

    @Test("A finding's score table: base, chance, then each arm's mean ± 95% half-width")
    func findingSection() {
        let runs = BaseRowFixture.input.runs
        func values(_ run: ReportRun) -> [String: Double] { run.metrics.mapValues(\.value) }
        let section = FindingSection(
            id: "F7", title: "Rank", claim: "Larger rank is better.", article: "r=256 best", setting: nil, experiment: "ranks",
            sourcePath: "experiments/ranks.toml", verdict: "inconclusive",
            arms: [
                // t(0.975, 1) · 0.0707 / √2 = 0.635 for MC1; the others left out show the mean alone.
                ArmRuns(name: "r4", runs: runs.prefix(2).map(values), halfWidths: ["truthful-mc1": 0.635, "suite": 0.1]),
                ArmRuns(name: "r8", runs: runs.suffix(2).map(values), halfWidths: ["truthful-mc1": 0]),
            ],
            expectations: [ExpectationRow(what: "r4 beats r8", test: "r4.suite − r8.suite > 0 (Welch, 95%)", left: 0.1, comparison: ">",
                                          right: 0, interval: -0.2 ... 0.4, result: .inconclusive, problem: nil)],
            baselines: [BaseRowFixture.baseline])
        let markdown = FindingsReport.render(FindingsReportInput(
            database: "db", findings: [section],
            suite: SuiteTotals(runs: 4, runSeconds: 60, jobs: 2, largestPeakMemoryBytes: nil, largestPeakRSSBytes: nil))).markdown
        let body = String(markdown[markdown.range(of: "## F7")!.lowerBound...])
        #expect(body.hasPrefix("""
            ## F7 — Rank: inconclusive
            
            | the article                         | ours                                                                                               |
            | ----------------------------------- | -------------------------------------------------------------------------------------------------- |
            | Larger rank is better. (r=256 best) | **inconclusive**: 0 of 1 tests hold. Inconclusive (the interval decides neither way): r4 beats r8. |
            
            - **Base model:** `results/base`
            - **Experiment:** [experiments/ranks.toml](../experiments/ranks.toml); every run and chart in [ranks.md](ranks.md)
            
            | arm    | runs | normalised average | forgetting | benchmark average | TruthfulQA MC1 | arithmetic 2ds | held-out loss |
            | ------ | ---: | -----------------: | ---------: | ----------------: | -------------: | -------------: | ------------: |
            | base   |    — |              0.083 |            |             0.200 |          0.300 |          0.100 |         3.000 |
            | chance |      |              0.000 |            |             0.125 |          0.250 |          0.000 |               |
            | r4     |    2 |              0.158 |     −0.075 |     0.250 ± 0.100 |  0.450 ± 0.635 |          0.050 |         2.500 |
            | r8     |    2 |              0.025 |     +0.058 |             0.150 |  0.250 ± 0.000 |          0.050 |         2.500 |
            
            | test        | declared as                            | ours                                | margin        | holds        |
            | ----------- | -------------------------------------- | ----------------------------------- | ------------- | ------------ |
            | r4 beats r8 | `r4.suite − r8.suite > 0 (Welch, 95%)` | +0.1000, interval −0.2000 … +0.4000 | 0 (direction) | inconclusive |

            """))
    }
}
