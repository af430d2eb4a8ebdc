/// The runs of an experiment grouped into configurations (one per combination of non-seed axis
/// values), in an order that depends only on the values, never on the order the runs came in.
struct ConfigurationGrid {
    /// The grid's axes other than the seeds, in file order.
    let axes: [String]
    /// Each axis's values in display order (file order when given, else sorted).
    let values: [[String]]
    /// Configurations ordered by their axis values, axis by axis.
    let configurations: [Configuration]

    static func isSeedAxis(_ name: String) -> Bool { name == "seeds" || name == "seed" }

    init(_ input: ExperimentReportInput) {
        axes = input.axes.filter { !Self.isSeedAxis($0) }
        let axes = axes
        func key(_ run: ReportRun) -> [String] { axes.map { run.axisValues[$0] ?? "" } }
        values = axes.enumerated().map { index, axis in
            ValueOrder.ordered(input.runs.map { key($0)[index] }, preferred: input.axisValueOrder[axis] ?? [])
        }
        var groups: [[String]: [ReportRun]] = [:]
        for run in input.runs { groups[key(run), default: []].append(run) }
        let ranks = values.map { list in Dictionary(uniqueKeysWithValues: list.enumerated().map { ($1, $0) }) }
        configurations = groups.map { values, runs in
            Configuration(
                axes: axes, values: values,
                positions: values.enumerated().map { ranks[$0.offset][$0.element]! },
                runs: runs.sorted(by: Self.before))
        }
        .sorted { $0.positions.lexicographicallyPrecedes($1.positions) }
    }

    /// Runs by seed, then by id.
    static func before(_ a: ReportRun, _ b: ReportRun) -> Bool {
        if a.seed != b.seed { return a.seed < b.seed }
        return a.id.unicodeScalars.map(\.value).lexicographicallyPrecedes(b.id.unicodeScalars.map(\.value))
    }

    /// The configuration with these values on every axis, if any run has them.
    func configuration(_ values: [String]) -> Configuration? {
        configurations.first { $0.values == values }
    }
}

/// One configuration of the grid and its runs, ordered by seed.
struct Configuration {
    let axes: [String]
    /// The value of each non-seed axis ("" when a run does not give one).
    let values: [String]
    /// The index of each value in its axis's display order: the sort key.
    let positions: [Int]
    let runs: [ReportRun]

    var doneRuns: [ReportRun] { runs.filter { $0.status == "done" } }

    /// "rank=8, alpha=16"; "all runs" for a grid without axes.
    var label: String {
        axes.isEmpty ? "all runs" : zip(axes, values).map { "\($0)=\(display($1))" }.joined(separator: ", ")
    }

    /// The metric over the done runs that have it.
    func summary(_ metric: String) -> Summary? {
        Summary(doneRuns.compactMap { $0.metrics[metric]?.value })
    }

    /// The benchmark's own standard error, when exactly one done run has the metric.
    func singleRunStandardError(_ metric: String) -> Double? {
        let values = doneRuns.compactMap { $0.metrics[metric] }
        return values.count == 1 ? values[0].stderr : nil
    }

    /// The mean training loss at each step over the done runs that logged that step.
    var meanCurve: [(step: Int, loss: Double)] {
        var sums: [Int: (total: Double, count: Int)] = [:]
        for run in doneRuns {
            for point in run.curve where point.loss.isFinite {
                let current = sums[point.step] ?? (0, 0)
                sums[point.step] = (current.total + point.loss, current.count + 1)
            }
        }
        return sums.keys.sorted().map { step in (step, sums[step]!.total / Double(sums[step]!.count)) }
    }
}

/// An axis value as shown: "—" for a missing one.
func display(_ value: String) -> String { value.isEmpty ? "—" : value }
