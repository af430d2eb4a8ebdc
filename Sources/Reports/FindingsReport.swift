import Vocabulary

/// What results/FINDINGS.md is rendered from: every finding with its arms' runs and its evaluated
/// expectations, and the whole suite's totals. Plain values; the caller evaluates the findings.
public struct FindingsReportInput: Sendable {
    public var database: String
    public var findings: [FindingSection]
    public var suite: SuiteTotals

    public init(database: String, findings: [FindingSection], suite: SuiteTotals) {
        self.database = database
        self.findings = findings
        self.suite = suite
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
    /// "reproduced", "not reproduced", "mixed" or "incomplete".
    public var verdict: String
    public var arms: [ArmRuns]
    public var expectations: [ExpectationRow]

    public init(
        id: String, title: String, claim: String, article: String, setting: String?, experiment: String,
        sourcePath: String, verdict: String, arms: [ArmRuns], expectations: [ExpectationRow]
    ) {
        self.id = id
        self.title = title
        self.claim = claim
        self.article = article
        self.setting = setting
        self.experiment = experiment
        self.sourcePath = sourcePath
        self.verdict = verdict
        self.arms = arms
        self.expectations = expectations
    }
}

/// An arm's done runs, each as metric → value, and its effect sizes against the finding's first arm.
public struct ArmRuns: Sendable {
    public var name: String
    public var runs: [[String: Double]]
    /// Metric → Cohen's d of this arm against the first arm (nil entries: not computable).
    public var effects: [String: Double]

    public init(name: String, runs: [[String: Double]], effects: [String: Double] = [:]) {
        self.name = name
        self.runs = runs
        self.effects = effects
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
/// article's claim and numbers, our arms' results (mean ± std over seeds, Cohen's d against the first
/// arm), each expectation with the values it compared, and a chart of the benchmark scores by arm.
public enum FindingsReport {
    public static let chartDirectory = "findings"

    /// The metrics of an arm table, with their row titles.
    static let rows: [(metric: String, title: String)] = [
        ("suite", "benchmark average")] + ScoreColumns.scores + [
        (MetricName.peakMemoryBytes.rawValue, "peak memory (ledger)"),
        (MetricName.peakRSSBytes.rawValue, "peak RSS (process)"),
        (MetricName.wallSeconds.rawValue, "training time"),
        ("trainable-parameters", "trainable parameters"),
    ]

    public static func render(_ input: FindingsReportInput) -> RenderedReport {
        var md = "# Findings: the article's LoRA tips at 2M parameters on one CPU\n\n"
        md += "Rendered by `sweep report` from `\(input.database)`; `make reproduce` trains every run (experiments/f1…f9) "
        md += "and renders this file. The article's score tables are images, so verdicts compare directions and ratios, "
        md += "each decided by the tests declared in the finding's experiment file before its runs were trained. "
        md += "Scores are the mean ± sample std over seeds; **d** is an arm's difference from the table's first arm in "
        md += "units of the pooled seed std (Cohen's d). The benchmark average is the mean of the six benchmark scores "
        md += "of a run, as lm-evaluation-harness tables average them. A difference test reads Welch's interval of "
        md += "mean(first) − mean(second) over seeds: a direction holds when the 95% interval excludes 0 on its side and "
        md += "fails when it excludes 0 on the other; an equivalence holds by two one-sided tests at its declared margin "
        md += "(the 90% interval inside ±margin) and fails when the 95% interval lies beyond it; otherwise the test is "
        md += "*inconclusive*. A finding is *reproduced* when every test holds, *not reproduced* when tests fail and none "
        md += "holds, *mixed* when some hold and some fail, and *inconclusive* when none fails but not all hold.\n\n"

        var summary = MarkdownTable(headers: ["finding", "the article's claim", "verdict", "tests held"])
        for finding in input.findings {
            let held = finding.expectations.filter { $0.result == .holds }.count
            summary.append([
                "[\(finding.id) \(finding.title)](#\(anchor(finding)))", finding.claim, "**\(finding.verdict)**",
                "\(held) of \(finding.expectations.count)",
            ])
        }
        md += summary.render() + "\n"
        md += suiteLine(input.suite) + "\n\n"

        var files: [(name: String, contents: String)] = []
        for finding in input.findings {
            md += "## \(finding.id) — \(finding.title): \(finding.verdict)\n\n"
            md += "- **The article:** \(finding.claim) (\(finding.article))\n"
            if let setting = finding.setting { md += "- **Our setting differs:** \(setting)\n" }
            md += "- **Experiment:** [\(finding.sourcePath)](../\(finding.sourcePath)); every run and chart in "
            md += "[\(finding.experiment).md](\(finding.experiment).md)\n"
            md += "- **Reading:** \(reading(finding))\n\n"
            md += armTable(finding).render() + "\n"
            md += expectationTable(finding).render() + "\n"
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
        var line = "**The whole suite** (F9's analogue): \(suite.runs) distinct runs, "
        line += "\(NumberFormatting.duration(suite.runSeconds)) of training and evaluation summed over runs, "
        line += "≈ \(NumberFormatting.duration(suite.runSeconds / Double(max(suite.jobs, 1)))) on this machine with \(suite.jobs) jobs"
        if let ledger = suite.largestPeakMemoryBytes { line += "; largest peak memory \(NumberFormatting.megabytes(ledger)) (tensor ledger)" }
        if let rss = suite.largestPeakRSSBytes { line += ", largest peak RSS \(NumberFormatting.megabytes(rss)) (whole process)" }
        return line + "."
    }

    /// One line: how many tests hold, and which fail.
    static func reading(_ finding: FindingSection) -> String {
        let held = finding.expectations.filter { $0.result == .holds }
        let failed = finding.expectations.filter { $0.result == .fails }
        let undecided = finding.expectations.filter { $0.result == .inconclusive }
        let open = finding.expectations.filter { $0.result == nil }
        var parts: [String] = []
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

    static func armTable(_ finding: FindingSection) -> MarkdownTable {
        var table = MarkdownTable(
            headers: ["metric"] + finding.arms.map { "\($0.name) (\($0.runs.count) run\($0.runs.count == 1 ? "" : "s"))" },
            alignments: [.left] + finding.arms.map { _ in .right })
        for (metric, title) in rows {
            let cells = finding.arms.map { arm -> String in
                guard let summary = Summary(arm.runs.compactMap { $0[metric] }) else { return "—" }
                var cell = metric == "trainable-parameters"
                    ? NumberFormatting.grouped(Int(summary.mean)) : MetricFormat(metric: metric).format(summary)
                if let d = arm.effects[metric] { cell += " (d \(d >= 0 ? "+" : "−")\(NumberFormatting.fixed(abs(d), decimals: 1)))" }
                return cell
            }
            guard cells.contains(where: { $0 != "—" }) else { continue }
            table.append([title] + cells)
        }
        return table
    }

    static func expectationTable(_ finding: FindingSection) -> MarkdownTable {
        var table = MarkdownTable(headers: ["test", "declared as", "ours", "holds"])
        for row in finding.expectations {
            let ours: String
            if let left = row.left, let interval = row.interval {
                ours = "\(signed(left)), interval \(signed(interval.lowerBound)) … \(signed(interval.upperBound))"
                    + (row.right.map { $0 == 0 ? "" : "; margin ±\(number($0))" } ?? "")
            } else if let left = row.left, let right = row.right {
                // Sides that differ only beyond four digits get seven, so the verdict can be read off.
                let digits = number(left) == number(right) && left != right ? 7 : 4
                ours = "\(number(left, digits: digits)) \(row.comparison) \(number(right, digits: digits))"
            } else {
                ours = row.problem ?? "—"
            }
            let result = switch row.result {
            case .holds: "yes"
            case .fails: "**no**"
            case .inconclusive: "inconclusive"
            case nil: "not evaluated"
            }
            table.append([row.what, "`\(row.test)`", ours, result])
        }
        return table
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
