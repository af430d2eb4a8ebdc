import Foundation
import Reports
import Testing

@Suite("Experiment reports")
struct ExperimentReportTests {
    let input = ReportFixtures.rankAlpha()

    @Test("Rendering the same input twice gives identical bytes")
    func deterministic() {
        let first = ExperimentReport.render(input, chartDirectoryName: "f7")
        let second = ExperimentReport.render(input, chartDirectoryName: "f7")
        #expect(first.markdown == second.markdown)
        #expect(first.files.map(\.name) == second.files.map(\.name))
        #expect(first.files.map(\.contents) == second.files.map(\.contents))
    }

    @Test("Runs given in another order give the same report")
    func orderIndependent() {
        let runs = ReportFixtures.allRuns
        let shuffled = runs.enumerated().sorted { ($0.offset * 7) % runs.count < ($1.offset * 7) % runs.count }.map(\.element)
        let orders = [Array(runs.reversed()), shuffled, Array(runs[5...] + runs[..<5])]
        let expected = ExperimentReport.render(input, chartDirectoryName: "f7")
        for order in orders {
            let other = ExperimentReport.render(ReportFixtures.rankAlpha(runs: order), chartDirectoryName: "f7")
            #expect(other.markdown == expected.markdown)
            #expect(other.files.map(\.contents) == expected.files.map(\.contents))
        }
    }

    @Test("Axis values are ordered numerically, not lexically nor by first appearance")
    func numericOrder() {
        let markdown = ExperimentReport.render(input, chartDirectoryName: "f7").markdown
        #expect(markdown.contains("- rank: 4, 8, 16, 64\n"))
        #expect(markdown.contains("- alpha: 16, 32\n"))
        #expect(markdown.contains("- seeds: 1, 2, 3\n"))
        let pivot = ReportFixtures.section("truthful-mc2 by rank and alpha", of: markdown)
        let rows = pivot.filter { $0.hasPrefix("| ") }.dropFirst(2).map { ReportFixtures.cells($0)[0] }
        #expect(rows == ["4", "8", "16", "64"])
    }

    @Test("An experiment's own value order wins over sorting")
    func fileOrder() {
        var custom = input
        custom.axisValueOrder = ["rank": ["64", "16", "8", "4"]]
        let markdown = ExperimentReport.render(custom, chartDirectoryName: "f7").markdown
        #expect(markdown.contains("- rank: 64, 16, 8, 4\n"))
    }

    @Test("Pivot cells are the mean ± sample std over seeds, with n; the one-run std is omitted")
    func pivotCells() throws {
        let markdown = ExperimentReport.render(input, chartDirectoryName: "f7").markdown
        let pivot = ReportFixtures.section("truthful-mc2 by rank and alpha", of: markdown)
        let table = pivot.filter { $0.hasPrefix("| ") }.map(ReportFixtures.cells)
        #expect(table[0] == ["rank ↓ alpha →", "16", "32"])
        // 0.30, 0.35, 0.43: mean 0.36; deviations −0.06, −0.01, 0.07; Σd² = 0.0086; std = √(0.0086 / 2) = 0.0656.
        #expect(table[2] == ["4", "0.360 ± 0.066 (3)", "0.420 ± 0.100 (3)"])
        #expect(table[3] == ["8", "0.450 ± 0.100 (3)", "0.470 ± 0.100 (3)"])
        // Rank 16 / alpha 32 lost seed 3 (pending): 0.42 and 0.52 → mean 0.47, std 0.0707.
        #expect(table[4] == ["16", "0.500 ± 0.100 (3)", "0.470 ± 0.071 (2)"])
        // Rank 64 / alpha 16 lost seed 3 (failed): 0.45, 0.55.
        #expect(table[5] == ["64", "0.500 ± 0.071 (2)", "**0.570 ± 0.100 (3)**"])
    }

    @Test("A configuration with one done run shows its mean alone, and one with none a dash")
    func singleAndEmptyCells() {
        let runs = [
            ReportFixtures.run(rank: "4", alpha: "16", seed: 2),
            ReportFixtures.run(rank: "64", alpha: "16", seed: 3),  // failed
            ReportFixtures.run(rank: "4", alpha: "32", seed: 1),
        ]
        let markdown = ExperimentReport.render(ReportFixtures.rankAlpha(runs: runs), chartDirectoryName: "c").markdown
        let table = ReportFixtures.section("truthful-mc2 by", of: markdown).filter { $0.hasPrefix("| ") }
            .map(ReportFixtures.cells)
        #expect(table[2] == ["4", "**0.350 (1)**", "0.320 (1)"])
        #expect(table[3] == ["64", "—", "—"])
    }

    @Test("The best cell is bold: the largest when higher is better")
    func bestHigher() {
        let markdown = ExperimentReport.render(input, chartDirectoryName: "f7").markdown
        let pivot = ReportFixtures.section("truthful-mc2 by", of: markdown).joined(separator: "\n")
        #expect(pivot.components(separatedBy: "**").count == 3)  // exactly one bold cell
        #expect(pivot.contains("**0.570 ± 0.100 (3)**"))
    }

    @Test("The best cell is bold: the smallest when lower is better")
    func bestLower() {
        let lossInput = ReportFixtures.rankAlpha(metric: "heldout-loss", higherIsBetter: false)
        let markdown = ExperimentReport.render(lossInput, chartDirectoryName: "f7").markdown
        let pivot = ReportFixtures.section("heldout-loss by", of: markdown).joined(separator: "\n")
        #expect(pivot.components(separatedBy: "**").count == 3)
        // Held-out loss is 2.5 − mc2: smallest where mc2 is largest, rank 64 / alpha 32.
        #expect(pivot.contains("| **1.930 ± 0.100 (3)** |"))
        #expect(pivot.contains("lower is better"))
    }

    @Test("The scores table has one row per configuration and omits metrics no run has")
    func scoresTable() {
        let markdown = ExperimentReport.render(input, chartDirectoryName: "f7").markdown
        let table = ReportFixtures.section("Scores", of: markdown).filter { $0.hasPrefix("| ") }.map(ReportFixtures.cells)
        #expect(table[0] == [
            "rank", "alpha", "seeds", "TruthfulQA MC1", "TruthfulQA MC2", "held-out loss", "peak memory", "time",
            "trainable parameters",
        ])
        #expect(table.count == 2 + 8)
        // rank 8, alpha 16: memory 50 MB + 8 × 0.25 MB; time mean of 159, 160, 161 s; 8 × 1024 parameters.
        #expect(table[4] == ["8", "16", "3", "0.250 ± 0.100", "0.450 ± 0.100", "2.050 ± 0.100", "52.0 MB", "2.7 min", "8,192"])
        #expect(!markdown.contains("BLiMP causative"))
        #expect(!markdown.contains("arithmetic 2ds"))
    }

    @Test("A single seed shows the benchmark's own standard error")
    func singleSeedStandardError() {
        let runs = [ReportFixtures.run(rank: "8", alpha: "16", seed: 1)]
        let markdown = ExperimentReport.render(ReportFixtures.rankAlpha(runs: runs), chartDirectoryName: "c").markdown
        let table = ReportFixtures.section("Scores", of: markdown).filter { $0.hasPrefix("| ") }.map(ReportFixtures.cells)
        #expect(table[2][3] == "0.150 (se 0.015)")
        #expect(table[2][5] == "2.150")  // held-out loss has no standard error
    }

    @Test("Failed runs are listed with their configuration and error, pipes escaped, lines folded")
    func failedRuns() {
        let markdown = ExperimentReport.render(input, chartDirectoryName: "f7").markdown
        let section = ReportFixtures.section("Failed runs", of: markdown)
        let rows = section.filter { $0.hasPrefix("| ") }
        #expect(rows.count == 3)
        #expect(ReportFixtures.cells(rows[2]) == ["r64-a16-s3", "rank=64, alpha=16", "3", "loss diverged \\| NaN at step 12 stopped"])
        #expect(markdown.contains("- runs: 24 (22 done, 1 failed, 1 pending)\n"))
    }

    @Test("Without failures the section says so")
    func noFailures() {
        let runs = ReportFixtures.allRuns.filter { $0.status != "failed" }
        let markdown = ExperimentReport.render(ReportFixtures.rankAlpha(runs: runs), chartDirectoryName: "f7").markdown
        #expect(ReportFixtures.section("Failed runs", of: markdown).contains("None."))
    }

    @Test("The charts are linked relative to the chart directory, one per non-seed axis")
    func chartLinks() {
        let report = ExperimentReport.render(input, chartDirectoryName: "f7-charts")
        #expect(report.files.map(\.name) == ["loss.svg", "truthful-mc2-vs-rank.svg", "truthful-mc2-vs-alpha.svg"])
        #expect(report.markdown.contains("![loss curves](f7-charts/loss.svg)"))
        #expect(report.markdown.contains("![truthful-mc2 vs rank](f7-charts/truthful-mc2-vs-rank.svg)"))
        #expect(report.markdown.contains("![truthful-mc2 vs alpha](f7-charts/truthful-mc2-vs-alpha.svg)"))
        #expect(report.markdown.hasSuffix(")\n"))
    }

    @Test("Rank 4, 8, 16, 64 is charted on a log₂ axis, alpha 16, 32 by category")
    func chartScales() {
        let files = ExperimentReport.render(input, chartDirectoryName: "f7").files
        #expect(files[1].contents.contains("rank (log₂ scale)"))
        #expect(!files[2].contents.contains("log₂"))
        // One series per alpha on the rank chart, labelled by it.
        #expect(files[1].contents.contains(">alpha=16</text>"))
        #expect(files[1].contents.contains(">alpha=32</text>"))
    }

    @Test("One axis gives a single-column pivot, no axis a single cell")
    func fewerAxes() {
        let oneAxisRuns = ReportFixtures.allRuns.filter { $0.axisValues["alpha"] == "16" }.map { run -> ReportRun in
            var run = run
            run.axisValues["alpha"] = nil
            return run
        }
        var oneAxis = ReportFixtures.rankAlpha(runs: oneAxisRuns)
        oneAxis.axes = ["rank", "seeds"]
        let markdown = ExperimentReport.render(oneAxis, chartDirectoryName: "c").markdown
        let table = ReportFixtures.section("truthful-mc2 by rank", of: markdown).filter { $0.hasPrefix("| ") }
            .map(ReportFixtures.cells)
        #expect(table[0] == ["rank", "truthful-mc2"])
        #expect(table[2] == ["4", "0.360 ± 0.066 (3)"])

        let noAxisRuns = (1...3).map { seed in
            ReportRun(id: "s\(seed)", status: "done", seed: seed, axisValues: [:],
                      metrics: ["truthful-mc2": MetricValue(value: [0.4, 0.5, 0.6][seed - 1])])
        }
        var noAxis = ReportFixtures.rankAlpha(runs: noAxisRuns)
        noAxis.axes = ["seeds"]
        let report = ExperimentReport.render(noAxis, chartDirectoryName: "c")
        let cell = ReportFixtures.section("truthful-mc2", of: report.markdown).filter { $0.hasPrefix("| ") }
            .map(ReportFixtures.cells)
        #expect(cell.count == 3)
        #expect(cell.first == ["truthful-mc2"])
        #expect(cell.last == ["**0.500 ± 0.100 (3)**"])
        #expect(report.files.map(\.name) == ["loss.svg"])
    }

    @Test("Pipes in axis values are escaped in tables and < & in chart labels")
    func escapedLabels() throws {
        let runs = [
            ReportRun(id: "a", status: "done", seed: 1, axisValues: ["targets": "q|v"],
                      metrics: ["truthful-mc2": MetricValue(value: 0.4)]),
            ReportRun(id: "b", status: "done", seed: 1, axisValues: ["targets": "a<b & c"],
                      metrics: ["truthful-mc2": MetricValue(value: 0.5)]),
        ]
        var escaped = ReportFixtures.rankAlpha(runs: runs)
        escaped.axes = ["targets", "seeds"]
        let report = ExperimentReport.render(escaped, chartDirectoryName: "c")
        #expect(report.markdown.contains("| q\\|v "))
        let chart = try #require(report.files.first { $0.name == "truthful-mc2-vs-targets.svg" }).contents
        #expect(chart.contains(">a&lt;b &amp; c</text>"))
        #expect(!chart.contains("a<b"))
        #expect(XMLCheck.isWellFormed(chart))
    }

    @Test("Every chart of a report is well-formed XML")
    func chartsAreXML() {
        for file in ExperimentReport.render(input, chartDirectoryName: "f7").files {
            #expect(XMLCheck.isWellFormed(file.contents), "\(file.name)")
        }
    }
}
