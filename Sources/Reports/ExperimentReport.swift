import Vocabulary

/// Renders an experiment's results as a Markdown report with SVG charts, in the manner of the article's
/// tables: a configuration block, the metric pivoted over the first two axes, one row of scores per
/// configuration, the failed runs, and the charts.
///
/// The output is a pure function of the input's values: runs may come in any order (configurations are
/// ordered by their axis values, runs by seed), and nothing depends on dates, locales or hash order.
public enum ExperimentReport {
    public static func render(_ input: ExperimentReportInput, chartDirectoryName: String) -> RenderedReport {
        let grid = ConfigurationGrid(input)
        var markdown = "# \(input.name)\n\n"
        let purpose = input.purpose.trimmingSpaces()
        if !purpose.isEmpty { markdown += purpose + "\n\n" }
        markdown += configurationSection(input, grid)
        markdown += pivotSection(input, grid)
        markdown += scoresSection(input, grid)
        markdown += forgettingSection(input, grid)
        markdown += failedRunsSection(input, grid)

        let charts = ReportCharts(input: input, grid: grid)
        let files = charts.files()
        markdown += "## Charts\n\n"
        for file in files {
            let alt = file.name == ReportCharts.lossFileName
                ? "loss curves" : "\(input.metric) vs \(file.axis ?? "")"
            markdown += "![\(escapeLinkText(alt))](\(chartDirectoryName)/\(file.name))\n\n"
        }
        markdown.removeLast()  // one newline at the end of the file
        return RenderedReport(markdown: markdown, files: files.map { ($0.name, $0.contents) })
    }

    // MARK: Sections

    static func configurationSection(_ input: ExperimentReportInput, _ grid: ConfigurationGrid) -> String {
        var text = "## Configuration\n\n"
        text += "- experiment file: `\(input.sourcePath)`\n"
        text += "- base model: \(input.base)\n"
        text += "- data: \(input.dataset)\n"
        text += "- metric: \(input.metric) (\(input.higherIsBetter ? "higher" : "lower") is better)\n"
        text += "- runs: \(statusCounts(input.runs))\n\n"

        text += "Varied:\n\n"
        let seeds = Array(Set(input.runs.map(\.seed))).sorted().map(String.init).joined(separator: ", ")
        var listedSeeds = false
        for axis in input.axes {
            if ConfigurationGrid.isSeedAxis(axis) {
                text += "- \(axis): \(seeds.isEmpty ? "—" : seeds)\n"
                listedSeeds = true
            } else if let index = grid.axes.firstIndex(of: axis) {
                let values = grid.values[index].map(display).joined(separator: ", ")
                text += "- \(axis): \(values.isEmpty ? "—" : values)\n"
            }
        }
        if !listedSeeds { text += "- seed: \(seeds.isEmpty ? "—" : seeds)\n" }
        text += "\n"

        if input.fixedKnobs.isEmpty {
            text += "Fixed knobs: none.\n\n"
        } else {
            // Three knob–value pairs per row keep the table short.
            let perRow = 3
            let pairs = min(perRow, input.fixedKnobs.count)
            var table = MarkdownTable(headers: Array(repeating: ["knob", "value"], count: pairs).flatMap { $0 })
            for start in stride(from: 0, to: input.fixedKnobs.count, by: perRow) {
                let slice = input.fixedKnobs[start..<min(start + perRow, input.fixedKnobs.count)]
                table.append(slice.flatMap { [$0.key, $0.value] })
            }
            text += "Fixed knobs:\n\n" + table.render() + "\n"
        }
        return text
    }

    /// "12 (9 done, 1 failed, 2 pending)"; running and any other status only when present.
    static func statusCounts(_ runs: [ReportRun]) -> String {
        var counts: [String: Int] = [:]
        for run in runs { counts[run.status, default: 0] += 1 }
        var parts = ["done", "failed", "pending"].map { "\(counts[$0] ?? 0) \($0)" }
        let others = counts.keys.filter { !["done", "failed", "pending"].contains($0) }
            .sorted { $0.unicodeScalars.map(\.value).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }
        parts += others.map { "\(counts[$0]!) \($0)" }
        return "\(runs.count) (\(parts.joined(separator: ", ")))"
    }

    static func pivotSection(_ input: ExperimentReportInput, _ grid: ConfigurationGrid) -> String {
        let format = MetricFormat(metric: input.metric)
        let summaries = grid.configurations.map { $0.summary(input.metric) }
        let means = summaries.compactMap { $0?.mean }
        let best = input.higherIsBetter ? means.max() : means.min()
        func cell(_ values: [String]) -> String {
            guard let configuration = grid.configuration(values), let summary = configuration.summary(input.metric)
            else { return "—" }
            let text = format.format(summary) + " (\(summary.n))"
            return summary.mean == best ? "**\(text)**" : text
        }

        let baselines = BaseRows.used(input.baselines, by: input.runs).filter { $0.metrics[input.metric] != nil }
        let baseCell = { (baseline: ReportBaseline) in BaseRows.cell(input.metric, of: baseline) }
        var text = "## \(input.metric)"
        switch grid.axes.count {
        case 0: break
        case 1: text += " by \(grid.axes[0])"
        default: text += " by \(grid.axes[0]) and \(grid.axes[1])"
        }
        text += "\n\nMean ± sample standard deviation over seeds (number of done runs); "
        text += "\(input.higherIsBetter ? "higher" : "lower") is better, the best in bold"
        text += baselines.isEmpty ? ".\n\n" : "; the first row is the base model before fine-tuning, with the same evaluation settings.\n\n"

        switch grid.axes.count {
        case 0 where baselines.isEmpty:
            var table = MarkdownTable(headers: [input.metric], alignments: [.right])
            table.append([cell([])])
            text += table.render() + "\n"
        case 0:
            var table = MarkdownTable(headers: ["model", input.metric], alignments: [.left, .right])
            for baseline in baselines { table.append([baseline.label, baseCell(baseline)]) }
            table.append(["fine-tuned", cell([])])
            text += table.render() + "\n"
        case 1:
            var table = MarkdownTable(headers: [grid.axes[0], input.metric], alignments: [.left, .right])
            for baseline in baselines { table.append([baseline.label, baseCell(baseline)]) }
            for value in grid.values[0] { table.append([display(value), cell([value])]) }
            text += table.render() + "\n"
        default:
            // Further axes: one table per combination of their values, in configuration order.
            var rests: [[String]] = []
            for configuration in grid.configurations {
                let rest = Array(configuration.values.dropFirst(2))
                if !rests.contains(rest) { rests.append(rest) }
            }
            for rest in rests {
                if !rest.isEmpty {
                    let label = zip(grid.axes.dropFirst(2), rest).map { "\($0) = \(display($1))" }
                    text += "With " + label.joined(separator: ", ") + ":\n\n"
                }
                let columns = grid.values[1]
                var table = MarkdownTable(
                    headers: ["\(grid.axes[0]) ↓ \(grid.axes[1]) →"] + columns.map(display),
                    alignments: [.left] + Array(repeating: .right, count: columns.count))
                for baseline in baselines { table.append([baseline.label] + columns.map { _ in baseCell(baseline) }) }
                for row in grid.values[0] {
                    table.append([display(row)] + columns.map { cell([row, $0] + rest) })
                }
                text += table.render() + "\n"
            }
        }
        return text
    }

    static func scoresSection(_ input: ExperimentReportInput, _ grid: ConfigurationGrid) -> String {
        let done = input.runs.filter { $0.status == "done" }
        func present(_ metric: String) -> Bool { done.contains { $0.metrics[metric] != nil } }
        var scoreColumns = (ScoreColumns.suite + ScoreColumns.scores).filter { present($0.metric) }
        let known = Set((ScoreColumns.suite + ScoreColumns.scores + ScoreColumns.resources).map(\.metric))
        if !known.contains(input.metric) && present(input.metric) {
            scoreColumns.append((input.metric, input.metric))
        }
        let resourceColumns = ScoreColumns.resources.filter { present($0.metric) }
        let showsParameters = input.runs.contains { $0.trainableParameters != nil }
        let baselines = BaseRows.used(input.baselines, by: input.runs)
        // A grid without axes still needs a first column for the base row's name.
        let labelColumns = grid.axes.isEmpty && !baselines.isEmpty ? ["model"] : grid.axes

        var headers = labelColumns + ["seeds"]
        headers += scoreColumns.map(\.title) + resourceColumns.map(\.title)
        if showsParameters { headers.append("trainable parameters") }
        var table = MarkdownTable(
            headers: headers,
            alignments: labelColumns.map { _ in .left } + Array(repeating: .right, count: headers.count - labelColumns.count))

        let blanks = Array(repeating: "", count: max(labelColumns.count - 1, 0))
        let trailing = Array(repeating: "", count: resourceColumns.count + (showsParameters ? 1 : 0))
        for baseline in baselines {
            table.append([baseline.label] + blanks + ["—"]
                + scoreColumns.map { $0.metric == MetricName.forgetting.rawValue ? "" : BaseRows.cell($0.metric, of: baseline) } + trailing)
        }
        if !baselines.isEmpty {
            table.append(["chance"] + blanks + [""] + scoreColumns.map { BaseRows.chanceCell($0.metric, in: baselines) } + trailing)
        }

        var footnoteNeeded = false
        for configuration in grid.configurations {
            var row = grid.axes.isEmpty && !baselines.isEmpty ? ["fine-tuned"] : configuration.values.map(display)
            row.append("\(configuration.doneRuns.count)")
            for column in scoreColumns {
                guard let summary = configuration.summary(column.metric) else { row.append("—"); continue }
                var text = MetricFormat(metric: column.metric).format(summary)
                if summary.n == 1, let se = configuration.singleRunStandardError(column.metric), se.isFinite {
                    text += " (se \(NumberFormatting.fixed(se, decimals: 3)))"
                    footnoteNeeded = true
                }
                row.append(text)
            }
            for column in resourceColumns {
                guard let summary = configuration.summary(column.metric) else { row.append("—"); continue }
                row.append(MetricFormat(metric: column.metric).format(summary.mean))
            }
            if showsParameters {
                let parameters = (configuration.doneRuns + configuration.runs).lazy.compactMap(\.trainableParameters).first
                row.append(parameters.map(NumberFormatting.grouped) ?? "—")
            }
            table.append(row)
        }

        var text = "## Scores\n\n"
        text += "One row per configuration over its done runs (seeds): scores are mean ± sample standard deviation, "
        text += "memory and time the mean"
        text += footnoteNeeded ? "; for a single run, the benchmark's standard error over its items (se).\n\n" : ".\n\n"
        if !baselines.isEmpty {
            text += "The first row is the base model before fine-tuning, scored with the runs' own evaluation settings; "
            text += "the chance row is each benchmark's expected score under a uniform random choice among its items' answers "
            text += "(0 for arithmetic). The normalised average is the mean over benchmarks of (score − chance) / (1 − chance); "
            text += "forgetting is the base model's normalised average minus the run's (positive: fine-tuning lost ground); "
            text += "the benchmark average is the plain mean of the scores.\n\n"
        }
        return text + table.render() + "\n"
    }

    /// Base − fine-tuned per benchmark for each configuration (mean over its done runs, each against its
    /// own base evaluation), and the same for the normalised average; only when there are base evaluations.
    static func forgettingSection(_ input: ExperimentReportInput, _ grid: ConfigurationGrid) -> String {
        let done = input.runs.filter { $0.status == "done" }
        let tasks = BenchmarkTask.allCases.filter { task in done.contains { $0.metrics[MetricName.forgetting(of: task)] != nil } }
        guard !tasks.isEmpty else { return "" }
        let columns = [(MetricName.forgetting.rawValue, "normalised average")]
            + tasks.map { (MetricName.forgetting(of: $0), $0.articleName) }
        let labelColumns = grid.axes.isEmpty ? ["model"] : grid.axes
        var table = MarkdownTable(
            headers: labelColumns + ["seeds"] + columns.map(\.1),
            alignments: labelColumns.map { _ in .left } + Array(repeating: .right, count: columns.count + 1))
        for configuration in grid.configurations {
            var row = grid.axes.isEmpty ? ["fine-tuned"] : configuration.values.map(display)
            row.append("\(configuration.doneRuns.count)")
            for (metric, _) in columns {
                row.append(configuration.summary(metric).map { MetricFormat(metric: metric).format($0.mean) } ?? "—")
            }
            table.append(row)
        }
        var text = "## Forgetting\n\n"
        text += "The base model's score minus the fine-tuned one, per benchmark, mean over seeds (each run against the base "
        text += "model scored with its own evaluation settings): positive is lost by fine-tuning, negative gained. The first "
        text += "column is the same for the normalised average.\n\n"
        return text + table.render() + "\n"
    }

    static func failedRunsSection(_ input: ExperimentReportInput, _ grid: ConfigurationGrid) -> String {
        let failed = grid.configurations.flatMap { configuration in
            configuration.runs.filter { $0.status == "failed" }.map { (configuration, $0) }
        }
        let text = "## Failed runs\n\n"
        guard !failed.isEmpty else { return text + "None.\n\n" }
        var table = MarkdownTable(headers: ["run", "configuration", "seed", "error"],
                                  alignments: [.left, .left, .right, .left])
        for (configuration, run) in failed {
            table.append([run.id, configuration.label, "\(run.seed)", run.error ?? "—"])
        }
        return text + table.render() + "\n"
    }

    /// Alt text safe inside `![…]`.
    static func escapeLinkText(_ text: String) -> String {
        var result = ""
        for character in text {
            if character == "[" || character == "]" || character == "\\" { result.append("\\") }
            result.append(character == "\n" ? " " : character)
        }
        return result
    }
}
