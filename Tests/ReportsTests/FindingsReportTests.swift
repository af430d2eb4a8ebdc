import Testing
import Vocabulary
@testable import Reports

/// A two-arm finding: qlora against lora, three seeds each, one test held and one failed.
private func qloraFinding(verdict: String = "mixed") -> FindingSection {
    func runs(memory: Double, facts: [Double]) -> [[String: Double]] {
        facts.map { ["peak-memory-bytes": memory, "facts": $0, "suite": $0 / 2, "trainable-parameters": 24_576] }
    }
    return FindingSection(
        id: "F2", title: "QLoRA", claim: "Less memory, same scores.", article: "×0.665",
        setting: "fp32 base", experiment: "f2-qlora", sourcePath: "experiments/f2-qlora.toml", verdict: verdict,
        arms: [
            // t(0.975, 2) · 0.02 / √3 = 0.0497: the facts' half-width; memory does not vary.
            ArmRuns(name: "lora", runs: runs(memory: 20e6, facts: [0.70, 0.72, 0.74]), halfWidths: ["facts": 0.0497, "peak-memory-bytes": 0]),
            ArmRuns(name: "qlora", runs: runs(memory: 12e6, facts: [0.66, 0.68, 0.70]), halfWidths: ["facts": 0.0497]),
        ],
        expectations: [
            ExpectationRow(what: "less memory", test: "qlora.peak_memory / lora.peak_memory < 0.8",
                           left: 0.6, comparison: "<", right: 0.8, result: .holds, problem: nil),
            ExpectationRow(what: "same facts", test: "abs(effect(qlora.facts, lora.facts)) < 1",
                           left: 2, comparison: "<", right: 1, result: .fails, problem: nil),
        ])
}

private let suite = SuiteTotals(runs: 6, runSeconds: 600, jobs: 2, largestPeakMemoryBytes: 20e6, largestPeakRSSBytes: 110e6)

@Suite("FINDINGS.md: verdicts, arms with their intervals, and the tests with their values and margins")
struct FindingsReportTests {
    @Test("The verdict table links each finding's section and counts the tests that hold")
    func verdictTable() {
        let markdown = FindingsReport.render(FindingsReportInput(database: "results/runs.sqlite", findings: [qloraFinding()], suite: suite)).markdown
        #expect(markdown.contains("| [F2 QLoRA](#f2--qlora-mixed) | Less memory, same scores. | **mixed** | 1 of 2     |"))
        #expect(markdown.contains("## F2 — QLoRA: mixed\n"))
    }

    @Test("A finding with runs still to train says how many are done and decides nothing yet")
    func incompleteFindingCountsItsRuns() {
        var finding = qloraFinding(verdict: "incomplete")
        finding.progress = RunProgress(planned: 20, done: 6, failed: 1)
        let markdown = FindingsReport.render(FindingsReportInput(database: "db", findings: [finding], suite: suite)).markdown
        let summary = markdown.split(separator: "\n").map(String.init).first { $0.hasPrefix("| [F2 QLoRA]") }.map(ReportFixtures.cells)
        #expect(summary?.last == "— (6 of 20 runs done, 1 failed)")
        let claim = markdown.split(separator: "\n").map(String.init).first { $0.hasPrefix("| Less memory") }.map(ReportFixtures.cells)
        #expect(claim?.last == "**incomplete**: 6 of 20 runs done, 1 failed; the tests below read the runs done so far and decide nothing until the rest are trained.")
    }

    @Test("Once nothing is left to train, failed runs are named beside the tests' reading")
    func failedRunsAreNamed() {
        var finding = qloraFinding()
        finding.progress = RunProgress(planned: 7, done: 6, failed: 1)
        let markdown = FindingsReport.render(FindingsReportInput(database: "db", findings: [finding], suite: suite)).markdown
        #expect(markdown.contains("**mixed**: 6 of 7 runs done, 1 failed (a failed run is missing from its arm). 1 of 2 tests hold."))
        #expect(markdown.contains("| **mixed** | 1 of 2"))
    }

    @Test("An arm's cell is its mean ± the 95% half-width over seeds; without one, the mean alone")
    func armCells() {
        let markdown = FindingsReport.render(FindingsReportInput(database: "db", findings: [qloraFinding()], suite: suite)).markdown
        let rows = markdown.split(separator: "\n").map(String.init).filter { $0.hasPrefix("| lora") || $0.hasPrefix("| qlora") }
            .map(ReportFixtures.cells)
        #expect(rows.count == 4)  // the score table, then the resource table
        #expect(rows[0] == ["lora", "3", "0.360", "0.720 ± 0.050"])
        #expect(rows[1] == ["qlora", "3", "0.340", "0.680 ± 0.050"])
        #expect(rows[2] == ["lora", "20.0 ± 0.0 MB", "24,576"])
        #expect(rows[3] == ["qlora", "12.0 MB", "24,576"])
    }

    @Test("The article's claim stands beside our verdict and what it rests on")
    func claimBesideOurs() {
        let markdown = FindingsReport.render(FindingsReportInput(database: "db", findings: [qloraFinding()], suite: suite)).markdown
        let row = markdown.split(separator: "\n").map(String.init).first { $0.hasPrefix("| Less memory") }.map(ReportFixtures.cells)
        #expect(row == ["Less memory, same scores. (×0.665)", "**mixed**: 1 of 2 tests hold. Not in our setting: same facts."])
    }

    @Test("Each test shows both sides' values and whether it holds; the reading names what failed")
    func tests() {
        let markdown = FindingsReport.render(FindingsReportInput(database: "db", findings: [qloraFinding()], suite: suite)).markdown
        #expect(markdown.contains("| 0.6000 < 0.8000 | —      | yes    |"))
        #expect(markdown.contains("| 2.000 < 1.000   | —      | **no** |"))
    }

    @Test("The suite line gives the summed time, the time per job and the largest peaks")
    func suiteLine() {
        #expect(FindingsReport.suiteLine(suite) == "**The whole suite** (F9's analogue): 6 distinct runs, 10.0 min of training and evaluation summed over runs, ≈ 5.0 min on this machine with 2 jobs; largest peak memory 20.0 MB (tensor ledger), largest peak RSS 110.0 MB (whole process).")
    }

    @Test("Numbers show four significant digits, large and small ones with an exponent", arguments: [
        (0.65123, "0.6512"), (1.2034, "1.203"), (5736.4, "5,736"), (2.1e8, "2.10e+8"), (0.000123, "1.23e-4"), (0, "0"), (-0.5, "-0.5000"),
    ])
    func numbers(value: Double, text: String) {
        #expect(FindingsReport.number(value) == text)
    }

    @Test("Sides that agree to four digits are shown with seven, so a failed test can be read off")
    func closeSides() {
        var finding = qloraFinding()
        finding.expectations = [ExpectationRow(what: "more", test: "a.m / b.m > 1.05", left: 1.04973, comparison: ">", right: 1.05, result: .fails, problem: nil)]
        let markdown = FindingsReport.render(FindingsReportInput(database: "db", findings: [finding], suite: suite)).markdown
        #expect(markdown.contains("| 1.049730 > 1.050000 |"))
    }

    @Test("A difference test shows the difference, its interval and the margin; an undecided one reads inconclusive")
    func differenceRow() {
        var finding = qloraFinding(verdict: "inconclusive")
        finding.expectations = [ExpectationRow(
            what: "scores barely change", test: "|qlora.suite − lora.suite| < 0.02 (TOST, α = 0.05)", left: -0.004,
            comparison: "±", right: 0.02, interval: -0.031 ... 0.023, result: .inconclusive, problem: nil)]
        let markdown = FindingsReport.render(FindingsReportInput(database: "db", findings: [finding], suite: suite)).markdown
        #expect(markdown.contains("| −0.004000, interval −0.03100 … +0.02300 | ±0.02000 | inconclusive |"))
        #expect(markdown.contains("Inconclusive (the interval decides neither way): scores barely change."))
    }

    @Test("A one-sided margin shows its side and its signed bound")
    func oneSidedRow() {
        var finding = qloraFinding()
        finding.expectations = [ExpectationRow(
            what: "scores no worse", test: "qlora.suite − lora.suite > −0.02 (one-sided, α = 0.05)", left: -0.004,
            comparison: ">", right: -0.02, interval: -0.015 ... 0.007, result: .holds, problem: nil)]
        let markdown = FindingsReport.render(FindingsReportInput(database: "db", findings: [finding], suite: suite)).markdown
        #expect(markdown.contains("| −0.004000, interval −0.01500 … +0.007000 | > −0.02000 | yes   |"))
    }

    @Test("A repeat at another scale sets each test beside the first scale's and says whether it points the same way")
    func repeatAcrossScales() {
        var first = qloraFinding()
        first.expectations.append(ExpectationRow(
            what: "lower loss", test: "qlora.heldout_loss − lora.heldout_loss < 0", left: -0.05, comparison: "<", right: 0,
            interval: -0.08 ... -0.02, result: .holds, problem: nil))
        var large = qloraFinding()
        large.id = "F2-large"
        large.base = "results/base-large"
        large.repeats = "F2"
        large.expectations[0].result = .fails
        large.expectations.append(ExpectationRow(
            what: "lower loss", test: "qlora.heldout_loss − lora.heldout_loss < 0", left: 0.01, comparison: "<", right: 0,
            interval: -0.02 ... 0.04, result: .inconclusive, problem: nil))
        let markdown = FindingsReport.render(FindingsReportInput(database: "db", findings: [first, large], suite: suite, repeats: suite)).markdown
        #expect(markdown.contains("- **At another scale:** [F2-large](#f2-large--qlora-mixed) repeats these tests on `results/base-large`: **mixed**"))
        #expect(markdown.contains("F2 on `results/base` beside F2-large on `results/base-large`, test by test:"))
        let rows = markdown.split(separator: "\n").map(String.init).filter { $0.contains("| yes") || $0.contains("| **no**") }
            .map(ReportFixtures.cells).filter { $0.count == 6 }
        #expect(rows.map(\.first) == ["less memory", "same facts", "lower loss"])
        #expect(rows.map(\.last) == ["**no**", "yes", "**no**"])  // held then failed; failed twice; −0.05 then +0.01
        #expect(markdown.contains("**The second scale** (findings repeated on a larger base model, not part of the suite): 6 distinct runs"))
    }

    @Test("An equivalence points the same way at two scales when its result is the same, whatever the sign")
    func equivalenceAcrossScales() {
        func row(_ difference: Double, _ result: TestResult) -> ExpectationRow {
            ExpectationRow(what: "same scores", test: "|a − b| < 0.02", left: difference, comparison: "±", right: 0.02,
                           interval: (difference - 0.01)...(difference + 0.01), result: result, problem: nil)
        }
        #expect(FindingsReport.sameDirection(row(-0.004, .holds), row(0.003, .holds)) == true)
        #expect(FindingsReport.sameDirection(row(0.004, .holds), row(0.004, .inconclusive)) == false)
    }

    @Test("A repeat is set beside its finding only once both have their runs and the same number of tests")
    func repeatWaitsAndMatches() {
        var large = qloraFinding(verdict: "incomplete")
        large.id = "F2-large"
        large.repeats = "F2"
        large.progress = RunProgress(planned: 10, done: 4, failed: 0)
        func render(_ findings: [FindingSection]) -> String {
            FindingsReport.render(FindingsReportInput(database: "db", findings: findings, suite: suite)).markdown
        }
        #expect(render([qloraFinding(), large]).contains("**Across scales.** Set beside F2's tests once F2-large's runs are in (4 of 10 runs done)."))
        #expect(render([large]).contains("**Across scales.** The repeated finding F2 is not in this database."))
        large.progress = RunProgress(planned: 10, done: 10, failed: 0)
        large.expectations.removeLast()
        #expect(render([qloraFinding(), large]).contains("F2-large declares 1 tests and F2 2, so they cannot be set side by side."))
    }

    @Test("The score chart is well-formed SVG with one series per benchmark the arms have")
    func chart() throws {
        let report = FindingsReport.render(FindingsReportInput(database: "db", findings: [qloraFinding()], suite: suite))
        let file = try #require(report.files.first)
        #expect(file.name == "f2-scores.svg")
        #expect(XMLCheck.isWellFormed(file.contents))
        #expect(report.markdown.contains("![F2: benchmark scores by arm](findings/f2-scores.svg)"))
    }
}
