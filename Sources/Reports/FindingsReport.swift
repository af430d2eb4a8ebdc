import Vocabulary

/// What results/FINDINGS.md is rendered from: every finding with its arms' runs and its evaluated
/// expectations, and the whole suite's totals. Plain values; the caller evaluates the findings.
public struct FindingsReportInput: Sendable {
    public var database: String
    public var findings: [FindingSection]
    public var suite: SuiteTotals
    /// The runs of the findings repeated at another scale (not part of the suite), when there are any.
    public var repeats: SuiteTotals?
    /// How long `make reproduce` took from an empty database, when it recorded that.
    public var reproduceWallTime: ReproduceWallTime?

    public init(database: String, findings: [FindingSection], suite: SuiteTotals, repeats: SuiteTotals? = nil,
                reproduceWallTime: ReproduceWallTime? = nil) {
        self.database = database
        self.findings = findings
        self.suite = suite
        self.repeats = repeats
        self.reproduceWallTime = reproduceWallTime
    }
}

public struct FindingSection: Sendable {
    public var id: String
    public var title: String
    public var claim: String
    public var article: String
    public var setting: String?
    /// The experiment that declares the finding: its report is results/<experiment>.md.
    public var experiment: String
    public var sourcePath: String
    /// The base model the arms fine-tune, as the experiment names it ("results/base").
    public var base: String
    /// The id of the finding this one repeats at another scale.
    public var repeats: String?
    /// "reproduced", "not reproduced", "mixed" or "incomplete".
    public var verdict: String
    public var arms: [ArmRuns]
    public var expectations: [ExpectationRow]
    /// The base model's evaluations the arms' runs compare with: the score table's first rows.
    public var baselines: [ReportBaseline]
    /// How many of the runs the finding reads are done, failed, or still to train.
    public var progress: RunProgress

    public init(
        id: String, title: String, claim: String, article: String, setting: String?, experiment: String,
        sourcePath: String, base: String = "results/base", repeats: String? = nil, verdict: String, arms: [ArmRuns],
        expectations: [ExpectationRow], baselines: [ReportBaseline] = [], progress: RunProgress = RunProgress(planned: 0, done: 0, failed: 0)
    ) {
        self.id = id
        self.title = title
        self.claim = claim
        self.article = article
        self.setting = setting
        self.experiment = experiment
        self.sourcePath = sourcePath
        self.base = base
        self.repeats = repeats
        self.verdict = verdict
        self.arms = arms
        self.expectations = expectations
        self.baselines = baselines
        self.progress = progress
    }
}

/// The runs a finding reads, by state: its verdict waits until none is left to train. A failed run
/// (one that diverged, say) is not retried and counts as missing from its arm.
public struct RunProgress: Sendable, Equatable {
    public var planned: Int
    public var done: Int
    public var failed: Int

    public init(planned: Int, done: Int, failed: Int) {
        self.planned = planned
        self.done = done
        self.failed = failed
    }

    public var toTrain: Int { planned - done - failed }

    /// "37 of 130 runs done", with the failed ones when there are any.
    public var description: String {
        "\(done) of \(planned) runs done" + (failed > 0 ? ", \(failed) failed" : "")
    }
}

/// An arm's done runs, each as metric → value, and each metric's 95% interval half-width over them.
public struct ArmRuns: Sendable {
    public var name: String
    public var runs: [[String: Double]]
    /// Metric → the half-width of the 95% Student t interval of the mean over the runs,
    /// t(0.975, n − 1) · s / √n; absent below two runs.
    public var halfWidths: [String: Double]

    public init(name: String, runs: [[String: Double]], halfWidths: [String: Double] = [:]) {
        self.name = name
        self.runs = runs
        self.halfWidths = halfWidths
    }
}

public struct ExpectationRow: Sendable {
    public var what: String
    public var test: String
    public var left: Double?
    public var comparison: String
    public var right: Double?
    /// The Welch interval of a difference test.
    public var interval: ClosedRange<Double>?
    /// Nil when the test could not be evaluated (`problem` says why).
    public var result: TestResult?
    public var problem: String?

    public init(what: String, test: String, left: Double?, comparison: String, right: Double?,
                interval: ClosedRange<Double>? = nil, result: TestResult?, problem: String?) {
        self.what = what
        self.test = test
        self.left = left
        self.comparison = comparison
        self.right = right
        self.interval = interval
        self.result = result
        self.problem = problem
    }
}

/// Every distinct run of every finding: how many, their summed training and evaluation time, the
/// number of jobs they shared the machine with, and the largest peak memory of any of them.
public struct SuiteTotals: Sendable {
    public var runs: Int
    public var runSeconds: Double
    public var jobs: Int
    public var largestPeakMemoryBytes: Double?
    public var largestPeakRSSBytes: Double?

    public init(runs: Int, runSeconds: Double, jobs: Int, largestPeakMemoryBytes: Double?, largestPeakRSSBytes: Double?) {
        self.runs = runs
        self.runSeconds = runSeconds
        self.jobs = jobs
        self.largestPeakMemoryBytes = largestPeakMemoryBytes
        self.largestPeakRSSBytes = largestPeakRSSBytes
    }
}

/// results/FINDINGS.md: a verdict table, the suite's totals, then one section per finding with the
/// article's claim beside ours, the base model and our arms' scores (mean ± 95% interval over seeds),
/// their resources, each test with its values and margin, and a chart of the benchmark scores by arm.
public enum FindingsReport {
    public static let chartDirectory = "findings"

    /// The score table's columns: the suite's averages and forgetting, the benchmarks, the held-out loss.
    static let scoreColumns: [(metric: String, title: String)] = ScoreColumns.suite + ScoreColumns.scores
    /// The resource table's columns.
    static let resourceColumns: [(metric: String, title: String)] = [
        (MetricName.peakMemoryBytes.rawValue, "peak memory (ledger)"),
        (MetricName.peakRSSBytes.rawValue, "peak RSS (process)"),
        (MetricName.wallSeconds.rawValue, "training time"),
        ("trainable-parameters", "trainable parameters"),
    ]

    public static func render(_ input: FindingsReportInput) -> RenderedReport {
        var md = "# Findings: the article's LoRA tips on small Llamas on one CPU\n\n"
        md += "Rendered by `sweep report` from `\(input.database)`; `make reproduce` trains every run (experiments/f1-…f9-*.toml, the repeats at the second scale among them) "
        md += "and renders this file. The article's score tables are images, so verdicts compare directions and ratios, "
        md += "each decided by the tests declared in the finding's experiment file before its runs were trained. "
        md += "An arm's cell is the mean over its seeds ± the half-width of the 95% Student t interval of that mean. "
        md += "The first row, *base*, is the base model before fine-tuning, scored with the arms' own evaluation settings; "
        md += "the *chance* row is each benchmark's expected score under a uniform random choice among its items' answers "
        md += "(0 for arithmetic). The benchmark average is the mean of the six benchmark scores of a run, as "
        md += "lm-evaluation-harness tables average them; the normalised average is the mean over benchmarks of "
        md += "(score − chance) / (1 − chance), so that no benchmark dominates by its range; forgetting is the base "
        md += "model's normalised average minus the run's (positive: fine-tuning lost ground; per benchmark in the "
        md += "experiment's report). The findings' tests were fixed before these averages existed and read what they "
        md += "name. A difference test reads Welch's interval of "
        md += "mean(first) − mean(second) over seeds: a direction holds when the 95% interval excludes 0 on its side and "
        md += "fails when it excludes 0 on the other; an equivalence holds by two one-sided tests at its declared margin "
        md += "(the 90% interval inside ±margin) and fails when the 95% interval lies beyond it; a one-sided margin "
        md += "(\"> −m\": not worse by m or more) holds when the 90% interval lies on its side of the bound and fails when "
        md += "the 95% interval lies on the other; otherwise the test is *inconclusive*. A finding is *reproduced* when every test holds, *not reproduced* when tests fail and none "
        md += "holds, *mixed* when some hold and some fail, and *inconclusive* when none fails but not all hold. "
        md += "A finding repeated on a larger base model (a second scale) has a section of its own, with its tests "
        md += "beside the first scale's, one for one.\n\n"

        var summary = MarkdownTable(headers: ["finding", "the article's claim", "verdict", "tests held"])
        for finding in input.findings {
            let held = finding.expectations.filter { $0.result == .holds }.count
            summary.append([
                "[\(finding.id) \(finding.title)](#\(anchor(finding)))", finding.claim, "**\(finding.verdict)**",
                finding.progress.toTrain > 0 ? "— (\(finding.progress.description))" : "\(held) of \(finding.expectations.count)",
            ])
        }
        md += summary.render() + "\n"
        md += suiteLine(input.suite) + "\n\n"
        if let repeats = input.repeats { md += repeatsLine(repeats) + "\n\n" }
        md += reproduceLine(input.reproduceWallTime) + "\n\n"

        var files: [(name: String, contents: String)] = []
        for finding in input.findings {
            md += "## \(finding.id) — \(finding.title): \(finding.verdict)\n\n"
            md += claimTable(finding).render() + "\n"
            if let setting = finding.setting { md += "- **Our setting differs:** \(setting)\n" }
            md += "- **Base model:** `\(finding.base)`\n"
            for repetition in input.findings where repetition.repeats == finding.id {
                md += "- **At another scale:** [\(repetition.id)](#\(anchor(repetition))) repeats these tests on `\(repetition.base)`: **\(repetition.verdict)**\n"
            }
            md += "- **Experiment:** [\(finding.sourcePath)](../\(finding.sourcePath)); every run and chart in "
            md += "[\(finding.experiment).md](\(finding.experiment).md)\n\n"
            md += scoreTable(finding).render() + "\n"
            if let resources = resourceTable(finding) { md += resources.render() + "\n" }
            md += expectationTable(finding).render() + "\n"
            if let original = finding.repeats { md += acrossScales(finding, original: input.findings.first { $0.id == original }, named: original) }
            if let chart = scoreChart(finding) {
                let name = "\(Escaping.fileName(finding.id.lowercased()))-scores.svg"
                files.append((name, chart.render()))
                md += "![\(finding.id): benchmark scores by arm](\(chartDirectory)/\(name))\n\n"
            }
        }
        return RenderedReport(markdown: md, files: files)
    }

    static func anchor(_ finding: FindingSection) -> String {
        "\(finding.id) — \(finding.title): \(finding.verdict)".lowercased()
            .filter { $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" || $0 == "_" }
            .replacingOccurrences(of: " ", with: "-")
    }

    static func suiteLine(_ suite: SuiteTotals) -> String {
        totalsLine(suite, heading: "**The whole suite** (F9's analogue)", machine: " on this machine")
    }

    static func repeatsLine(_ repeats: SuiteTotals) -> String {
        totalsLine(repeats, heading: "**The second scale** (findings repeated on a larger base model, not part of the suite)", machine: "")
    }

    /// The wall time of `make reproduce` from an empty database: its sum over segments once it finished,
    /// the time so far while it is under way, or that it was not measured.
    static func reproduceLine(_ time: ReproduceWallTime?) -> String {
        let heading = "**`make reproduce` from an empty database** (the release build, any missing base model's pretraining, and every finding's runs at both scales, two at a time)"
        guard let time else {
            return "\(heading): wall time not measured; a `make reproduce` started without a database records it in "
                + "`\(ReproduceWallTime.fileName)` beside the database."
        }
        let segments = time.segments.count == 1 ? "1 segment" : "\(time.segments.count) segments"
        let duration = NumberFormatting.duration(Double(time.seconds))
        guard let first = time.segments.first else { return "\(heading): under way, no segment finished yet." }
        guard time.finished else { return "\(heading): under way, \(duration) of wall time so far in \(segments)." }
        let cores = Set(time.segments.map(\.cores)).sorted().map(String.init).joined(separator: " and ")
        let commits = time.segments.map(\.commit).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        var line = "\(heading): \(duration) of wall time (\(NumberFormatting.grouped(time.seconds)) s) on \(cores) cores, "
        line += time.segments.count == 1 ? "in one go" : "in \(segments) (each interruption resumed by the next)"
        line += ", started \(first.started) at commit\(commits.count == 1 ? "" : "s") \(commits.joined(separator: ", "))."
        return line
    }

    /// "heading: N distinct runs, their summed time, the time per job and the largest peaks."
    static func totalsLine(_ totals: SuiteTotals, heading: String, machine: String) -> String {
        var line = "\(heading): \(totals.runs) distinct runs, "
        line += "\(NumberFormatting.duration(totals.runSeconds)) of training and evaluation summed over runs, "
        line += "≈ \(NumberFormatting.duration(totals.runSeconds / Double(max(totals.jobs, 1))))\(machine) with \(totals.jobs) jobs"
        if let ledger = totals.largestPeakMemoryBytes { line += "; largest peak memory \(NumberFormatting.megabytes(ledger)) (tensor ledger)" }
        if let rss = totals.largestPeakRSSBytes { line += ", largest peak RSS \(NumberFormatting.megabytes(rss)) (whole process)" }
        return line + "."
    }

    /// A repeat's tests beside the repeated finding's, one for one: each one's result at both scales,
    /// and whether it points the same way (a direction: the same sign of the mean difference; an
    /// equivalence or another test: the same result).
    static func acrossScales(_ finding: FindingSection, original: FindingSection?, named id: String) -> String {
        var md = "**Across scales.** "
        guard let original else { return md + "The repeated finding \(id) is not in this database.\n\n" }
        guard original.expectations.count == finding.expectations.count else {
            return md + "\(finding.id) declares \(finding.expectations.count) tests and \(id) \(original.expectations.count), "
                + "so they cannot be set side by side.\n\n"
        }
        if let waiting = [original, finding].first(where: { $0.progress.toTrain > 0 }) {
            return md + "Set beside \(id)'s tests once \(waiting.id)'s runs are in (\(waiting.progress.description)).\n\n"
        }
        md += "\(id) on `\(original.base)` beside \(finding.id) on `\(finding.base)`, test by test:\n\n"
        var table = MarkdownTable(headers: ["test (\(finding.id))", "\(id): ours", "holds", "\(finding.id): ours", "holds", "same direction"])
        for (first, second) in zip(original.expectations, finding.expectations) {
            table.append([second.what, oursCell(first), resultCell(first.result), oursCell(second), resultCell(second.result),
                          sameDirection(first, second).map { $0 ? "yes" : "**no**" } ?? "—"])
        }
        return md + table.render() + "\n"
    }

    /// Whether two results of one test point the same way; nil when either was not evaluated.
    static func sameDirection(_ first: ExpectationRow, _ second: ExpectationRow) -> Bool? {
        guard let firstResult = first.result, let secondResult = second.result else { return nil }
        let directions = [first, second].allSatisfy { $0.interval != nil && $0.comparison != "±" }
        if directions, let a = first.left, let b = second.left { return (a < 0) == (b < 0) }
        return firstResult == secondResult
    }

    /// One line: how many tests hold, and which fail.
    static func reading(_ finding: FindingSection) -> String {
        let held = finding.expectations.filter { $0.result == .holds }
        let failed = finding.expectations.filter { $0.result == .fails }
        let undecided = finding.expectations.filter { $0.result == .inconclusive }
        let open = finding.expectations.filter { $0.result == nil }
        var parts: [String] = []
        if finding.progress.toTrain > 0 {
            return "\(finding.progress.description); the tests below read the runs done so far and decide nothing until the rest are trained."
        }
        if finding.progress.failed > 0 { parts.append("\(finding.progress.description) (a failed run is missing from its arm).") }
        if held.count == finding.expectations.count {
            parts.append("All \(held.count) tests hold.")
        } else {
            parts.append("\(held.count) of \(finding.expectations.count) tests hold.")
            if !failed.isEmpty { parts.append("Not in our setting: " + failed.map(\.what).joined(separator: "; ") + ".") }
            if !undecided.isEmpty { parts.append("Inconclusive (the interval decides neither way): " + undecided.map(\.what).joined(separator: "; ") + ".") }
            if !open.isEmpty { parts.append("Not evaluated: " + open.map { "\($0.what) (\($0.problem ?? "?"))" }.joined(separator: "; ") + ".") }
        }
        return parts.joined(separator: " ")
    }

    /// The article's claim and numbers beside our verdict and what it rests on.
    static func claimTable(_ finding: FindingSection) -> MarkdownTable {
        var table = MarkdownTable(headers: ["the article", "ours"])
        table.append(["\(finding.claim) (\(finding.article))", "**\(finding.verdict)**: \(reading(finding))"])
        return table
    }

    /// An arm's cell: the mean over its runs ± the 95% half-width; a dash without runs.
    static func armCell(_ arm: ArmRuns, _ metric: String) -> String? {
        guard let summary = Summary(arm.runs.compactMap { $0[metric] }) else { return nil }
        if metric == "trainable-parameters" { return NumberFormatting.grouped(Int(summary.mean)) }
        return MetricFormat(metric: metric).format(summary.mean, plusMinus: summary.n > 1 ? arm.halfWidths[metric] : nil)
    }

    /// One row per base evaluation, the chance levels, then one per arm; a column per score any of them has.
    static func scoreTable(_ finding: FindingSection) -> MarkdownTable {
        let columns = scoreColumns.filter { column in
            finding.arms.contains { armCell($0, column.metric) != nil }
                || finding.baselines.contains { $0.metrics[column.metric] != nil }
        }
        var table = MarkdownTable(
            headers: ["arm", "runs"] + columns.map(\.title), alignments: [.left] + Array(repeating: .right, count: columns.count + 1))
        for baseline in finding.baselines {
            table.append([baseline.label, "—"]
                + columns.map { $0.metric == MetricName.forgetting.rawValue ? "" : BaseRows.cell($0.metric, of: baseline) })
        }
        if !finding.baselines.isEmpty {
            table.append(["chance", ""] + columns.map { BaseRows.chanceCell($0.metric, in: finding.baselines) })
        }
        for arm in finding.arms {
            table.append([arm.name, "\(arm.runs.count)"] + columns.map { armCell(arm, $0.metric) ?? "—" })
        }
        return table
    }

    /// One row per arm with its memory, time and trainable parameters; nil when no arm has any.
    static func resourceTable(_ finding: FindingSection) -> MarkdownTable? {
        let columns = resourceColumns.filter { column in finding.arms.contains { armCell($0, column.metric) != nil } }
        guard !columns.isEmpty else { return nil }
        var table = MarkdownTable(
            headers: ["arm"] + columns.map(\.title), alignments: [.left] + Array(repeating: .right, count: columns.count))
        for arm in finding.arms { table.append([arm.name] + columns.map { armCell(arm, $0.metric) ?? "—" }) }
        return table
    }

    static func expectationTable(_ finding: FindingSection) -> MarkdownTable {
        var table = MarkdownTable(headers: ["test", "declared as", "ours", "margin", "holds"])
        for row in finding.expectations {
            var margin = "—"
            if row.left != nil, row.interval != nil {
                if let right = row.right, right != 0 {
                    margin = row.comparison == "±" ? "±\(number(right))" : "\(row.comparison) \(signed(right))"
                } else {
                    margin = "0 (direction)"
                }
            }
            table.append([row.what, "`\(row.test)`", oursCell(row), margin, resultCell(row.result)])
        }
        return table
    }

    /// What a test read: a difference with its interval, or the two sides of a comparison.
    static func oursCell(_ row: ExpectationRow) -> String {
        if let left = row.left, let interval = row.interval {
            return "\(signed(left)), interval \(signed(interval.lowerBound)) … \(signed(interval.upperBound))"
        }
        if let left = row.left, let right = row.right {
            // Sides that differ only beyond four digits get seven, so the verdict can be read off.
            let digits = number(left) == number(right) && left != right ? 7 : 4
            return "\(number(left, digits: digits)) \(row.comparison) \(number(right, digits: digits))"
        }
        return row.problem ?? "—"
    }

    static func resultCell(_ result: TestResult?) -> String {
        switch result {
        case .holds: "yes"
        case .fails: "**no**"
        case .inconclusive: "inconclusive"
        case nil: "not evaluated"
        }
    }

    /// A difference with its sign: +0.0123, −0.0456.
    static func signed(_ value: Double) -> String {
        (value < 0 ? "−" : "+") + number(abs(value))
    }

    /// `digits` significant digits, plainly (four: 0.6512, 1.203, 5,736, 2.10e+8).
    static func number(_ value: Double, digits: Int = 4) -> String {
        let magnitude = abs(value)
        guard magnitude != 0, magnitude.isFinite else { return NumberFormatting.fixed(value, decimals: 0) }
        var exponent = 0, scale = 1.0  // scale = 10^exponent ≤ magnitude < 10^(exponent + 1)
        while magnitude >= scale * 10 { scale *= 10; exponent += 1 }
        while magnitude < scale { scale /= 10; exponent -= 1 }
        if exponent >= 6 || exponent < -3 {
            return NumberFormatting.fixed(value / scale, decimals: digits - 2) + "e" + (exponent < 0 ? "-" : "+") + String(abs(exponent))
        }
        return NumberFormatting.fixed(value, decimals: max(0, digits - 1 - exponent), grouping: true)
    }

    /// Each benchmark's mean ± std across the arms, and the average: where the arms differ, at a glance.
    static func scoreChart(_ finding: FindingSection) -> SVGChart? {
        guard finding.arms.count > 1 else { return nil }
        let metrics = [("suite", "benchmark average")] + ScoreColumns.scores.filter { $0.metric != MetricName.heldoutLoss.rawValue }
        let series = metrics.compactMap { metric, title -> SVGChart.Series? in
            let points = finding.arms.enumerated().compactMap { index, arm -> SVGChart.Point? in
                guard let summary = Summary(arm.runs.compactMap { $0[metric] }) else { return nil }
                return SVGChart.Point(x: Double(index), y: summary.mean, error: summary.std)
            }
            return points.isEmpty ? nil : SVGChart.Series(label: title, points: points, markers: true)
        }
        guard !series.isEmpty else { return nil }
        return SVGChart(
            title: "\(finding.id) \(finding.title): benchmark scores by arm (mean ± std over seeds)",
            xLabel: "arm", yLabel: "score, higher is better",
            xAxis: .categorical(finding.arms.map(\.name)), series: series)
    }
}
