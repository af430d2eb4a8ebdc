/// What a report is rendered from: an experiment's header and grid, and every run with its results.
///
/// Plain values, so that a report is a pure function of them: the caller reads the experiment file and
/// the results store, fills these in, and writes out what `ExperimentReport.render` returns.
public struct ExperimentReportInput: Sendable {
    public var name: String
    public var purpose: String
    /// The experiment file, as the report should name it (e.g. `experiments/f7-alpha-rank.toml`).
    public var sourcePath: String
    public var base: String
    public var dataset: String
    /// The metric the sweep optimises (e.g. "truthful-mc2"), and its direction.
    public var metric: String
    public var higherIsBetter: Bool
    /// The grid's axis names in file order, seeds included (e.g. ["rank", "alpha", "seeds"]).
    public var axes: [String]
    /// The values of each axis in file order. Optional: an axis missing here has its values sorted
    /// (numerically when they all are numbers, otherwise lexically); values missing from its list go
    /// after the listed ones, sorted the same way.
    public var axisValueOrder: [String: [String]]
    /// The knobs that do not vary, in file order, for the configuration section.
    public var fixedKnobs: [(key: String, value: String)]
    public var runs: [ReportRun]
    /// The base model's evaluations the runs compare with (`ReportRun.baselineID`), in the order the
    /// tables show them: each is a "base" row. Empty for a database older than base evaluations.
    public var baselines: [ReportBaseline]

    public init(
        name: String, purpose: String, sourcePath: String, base: String, dataset: String,
        metric: String, higherIsBetter: Bool, axes: [String],
        axisValueOrder: [String: [String]] = [:],
        fixedKnobs: [(key: String, value: String)], runs: [ReportRun], baselines: [ReportBaseline] = []
    ) {
        self.name = name
        self.purpose = purpose
        self.sourcePath = sourcePath
        self.base = base
        self.dataset = dataset
        self.metric = metric
        self.higherIsBetter = higherIsBetter
        self.axes = axes
        self.axisValueOrder = axisValueOrder
        self.fixedKnobs = fixedKnobs
        self.runs = runs
        self.baselines = baselines
    }
}

/// The base model scored with the evaluation settings of some runs: a table's "base" row, and the
/// chance level of each benchmark's items.
public struct ReportBaseline: Sendable {
    public var id: String
    /// "base"; "base (lima)" when a table compares with more than one.
    public var label: String
    /// Scores by metric key, as a run's (benchmarks, "heldout-loss", and the computed
    /// "normalized-average" and "suite").
    public var metrics: [String: MetricValue]
    /// Benchmark → the chance level of its items.
    public var chance: [String: Double]

    public init(id: String, label: String = "base", metrics: [String: MetricValue], chance: [String: Double]) {
        self.id = id
        self.label = label
        self.metrics = metrics
        self.chance = chance
    }
}

/// One run of the grid: one configuration (its axis values) with one seed.
public struct ReportRun: Sendable {
    public var id: String
    /// "done", "failed", "pending" or "running". Only done runs enter the tables and charts.
    public var status: String
    public var seed: Int
    /// The display value of each non-seed axis for this run.
    public var axisValues: [String: String]
    /// The resolved display values of all knobs.
    public var knobs: [String: String]
    /// Results by metric key ("truthful-mc1", "heldout-loss", "peak-memory-bytes", "wall-seconds", …).
    public var metrics: [String: MetricValue]
    /// Training loss by optimizer step.
    public var curve: [(step: Int, loss: Double)]
    public var trainableParameters: Int?
    public var error: String?
    /// The base evaluation this run compares with (`ExperimentReportInput.baselines`); nil: none.
    public var baselineID: String?

    public init(
        id: String, status: String, seed: Int, axisValues: [String: String], knobs: [String: String] = [:],
        metrics: [String: MetricValue] = [:], curve: [(step: Int, loss: Double)] = [],
        trainableParameters: Int? = nil, error: String? = nil, baselineID: String? = nil
    ) {
        self.id = id
        self.status = status
        self.seed = seed
        self.axisValues = axisValues
        self.knobs = knobs
        self.metrics = metrics
        self.curve = curve
        self.trainableParameters = trainableParameters
        self.error = error
        self.baselineID = baselineID
    }
}

/// A metric's value in one run, with the benchmark's own standard error over its items when it has one.
public struct MetricValue: Sendable, Equatable {
    public var value: Double
    public var stderr: Double?

    public init(value: Double, stderr: Double? = nil) {
        self.value = value
        self.stderr = stderr
    }
}

/// A report: Markdown, and the SVG files it links as `<chartDirectoryName>/<name>`.
public struct RenderedReport: Sendable {
    public var markdown: String
    /// File names (no directory) and contents, in a fixed order.
    public var files: [(name: String, contents: String)]
}
