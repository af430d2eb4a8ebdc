import Foundation
import TOMLKit

/// An experiment file: a study's header, its default knobs, and the grid of runs it declares.
///
/// ```toml
/// name = "alpha-rank"                 # [A-Za-z0-9_-]+, names files under results/
/// purpose = "How rank and alpha trade off"
/// dataset = "chat.jsonl"             # alpaca, lima, or a file (relative: to this file's directory)
/// template = "chatml"                 # alpaca (default), chatml, llama-2, or model (the model's own)
/// heldout_fraction = 0.1              # or heldout = "heldout.jsonl"; default 0.05 of a dataset file
/// benchmarks = []                     # none: held-out loss only (default: every benchmark)
/// metric = "facts"                    # a listed benchmark, or "heldout-loss" (the default without benchmarks)
/// [defaults]
/// alpha = "2 * rank"                  # a derived knob
/// [grid]                              # cartesian product, first axis slowest, in the order written
/// rank = [4, 8, 16]
/// seeds = [1, 2, 3]
/// [[exclude]]                         # drop the combinations matching every key (resolved values)
/// [[include]]                         # one more run (per seed): defaults overridden by the table
/// [check]
/// reproduce_seed = 1
/// [check.max_spread]
/// facts = 0.05
/// [finding]                           # the article's finding it tests: see `Finding`
/// ```
/// Parsing checks everything that can be checked without expanding the grid; cycles among derived knobs,
/// division by zero and other per-run problems are found by `expand`.
public struct ExperimentFile: Sendable {
    private static let allBenchmarks = BenchmarkTask.allCases.map(\.rawValue)
    /// The metric measured on held-out training data rather than by a benchmark.
    private static let heldoutLoss = MetricName.heldoutLoss.rawValue

    public var path: String
    public var name: String
    public var purpose: String
    /// The base model's directory, relative to the current directory.
    public var base: String
    /// alpaca, lima, or a dataset file's path as written (a relative one resolves from the experiment
    /// file's directory: `DataPath`).
    public var dataset: String
    /// The prompt template; nil: alpaca.
    public var template: PromptTemplate?
    /// A file of held-out examples, as written; nil: `heldoutFraction` of the dataset.
    public var heldout: String?
    /// The share of a dataset file held out; nil: `heldout`, or the default share.
    public var heldoutFraction: Double?
    public var benchmarks: [BenchmarkTask]
    public var metric: String
    public var higherIsBetter: Bool
    /// The knobs [defaults] sets; the others keep their built-in defaults.
    public var defaults: [Knob: KnobValue]
    /// The grid's axes in the order written, the seed axis excepted.
    public var axes: [GridAxis]
    /// The seed axis (`seeds` in [grid]), else the default seed alone.
    public var seeds: [Int]
    public var excludes: [[Knob: KnobValue]]
    public var includes: [[Knob: KnobValue]]
    public var check: ExperimentCheck
    /// The article's finding the experiment tests, if it tests one.
    public var finding: Finding?

    let sourceMap: SourceMap

    /// An error about the value at `key` ("base", "grid.rank"), with the line it is written on.
    public func problem(at key: String, _ message: String) -> ExperimentFileError {
        sourceMap.error(in: path, at: key, message)
    }

    public static func load(path: String) throws(ExperimentFileError) -> ExperimentFile {
        let source: String
        do {
            source = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ExperimentFileError(path: path, line: nil, key: nil, message: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(source: source, path: path)
    }

    /// Parses and checks `source`; `path` names the file in errors.
    public static func parse(source: String, path: String) throws(ExperimentFileError) -> ExperimentFile {
        let map = SourceMap(text: source)
        let reader = TOMLReader(path: path, map: map)
        if let line = tableHeaderWithoutKey(in: source) {
            throw ExperimentFileError(path: path, line: line, key: nil, message: "not valid TOML: a table header must start with a key, as in [grid] or [[include]]")
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: source)
        } catch let error as TOMLParseError {
            throw ExperimentFileError(path: path, line: error.source.begin.line, key: nil, message: "not valid TOML: \(error.description)")
        } catch {
            throw ExperimentFileError(path: path, line: nil, key: nil, message: "not valid TOML: \(error)")
        }
        try reader.checkKeys(of: root, at: "", allowed: headerKeys, place: "at the top level")

        let name = try reader.string(root, "name", at: "name", expected: "a name of letters, digits, '-' and '_'", default: nil)
        guard name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }) else {
            throw reader.fail("name", "expected a name of letters, digits, '-' and '_' (it names files under results/), got \"\(name)\"")
        }
        let purpose = try reader.string(root, "purpose", at: "purpose", expected: "a sentence saying what the experiment finds out", default: nil)
        let base = try reader.string(root, "base", at: "base", expected: "a model directory", default: "results/base")
        let dataset = try reader.string(root, "dataset", at: "dataset", expected: "alpaca, lima or a path to a dataset file (Alpaca, chat or prompt/completion JSON Lines)", default: "alpaca")
        let (template, heldout, heldoutFraction) = try readDataSettings(root, reader)
        let benchmarks = try readBenchmarks(root, reader)
        let metrics = benchmarks.map(\.rawValue) + [heldoutLoss]
        let metric = try reader.string(root, "metric", at: "metric", expected: "a benchmark name or \(heldoutLoss)",
                                       default: benchmarks.isEmpty ? heldoutLoss : "facts")
        guard metrics.contains(metric) else {
            throw reader.fail("metric", "expected one of the listed benchmarks or \(heldoutLoss), got \"\(metric)\"" + suggestionSuffix(for: metric, among: metrics))
        }
        let higherIsBetter = try reader.bool(root, "higher_is_better", at: "higher_is_better", default: metric != heldoutLoss)

        var defaults: [Knob: KnobValue] = [:]
        if let value = root["defaults"] {
            defaults = try reader.knobs(try reader.table(value, at: "defaults"), at: "defaults", place: "in [defaults]")
        }
        var defaultSeed = 1
        if case .integer(let seed) = defaults[.seed] { defaultSeed = seed }
        var axes: [GridAxis] = []
        var seeds = [defaultSeed]
        if let value = root["grid"] {
            (axes, seeds) = try readGrid(try reader.table(value, at: "grid"), reader, defaultSeed: defaultSeed)
        }

        var excludes: [[Knob: KnobValue]] = []
        for (index, table) in try reader.tables(root, "exclude").enumerated() {
            let knobs = try reader.knobs(table, at: "exclude[\(index)]", place: "in [[exclude]]")
            guard !knobs.isEmpty else { throw reader.fail("exclude[\(index)]", "expected at least one knob to match on, got an empty table") }
            excludes.append(knobs)
        }
        var includes: [[Knob: KnobValue]] = []
        for (index, table) in try reader.tables(root, "include").enumerated() {
            let knobs = try reader.knobs(table, at: "include[\(index)]", place: "in [[include]]")
            guard !knobs.isEmpty else { throw reader.fail("include[\(index)]", "expected at least one knob that differs from [defaults], got an empty table") }
            includes.append(knobs)
        }

        var check = ExperimentCheck(reproduceSeed: nil, maxSpread: [])
        if let value = root["check"] {
            check = try readCheck(try reader.table(value, at: "check"), reader, seeds: seeds, metrics: metrics)
        }

        let finding = try root["finding"].map { value throws(ExperimentFileError) in
            try readFinding(try reader.table(value, at: "finding"), reader)
        }

        return ExperimentFile(
            path: path, name: name, purpose: purpose, base: base, dataset: dataset, template: template, heldout: heldout,
            heldoutFraction: heldoutFraction, benchmarks: benchmarks,
            metric: metric, higherIsBetter: higherIsBetter, defaults: defaults, axes: axes, seeds: seeds,
            excludes: excludes, includes: includes, check: check, finding: finding, sourceMap: map)
    }

    static let headerKeys = [
        "name", "purpose", "base", "dataset", "template", "heldout", "heldout_fraction", "benchmarks", "metric", "higher_is_better",
        "defaults", "grid", "exclude", "include", "check", "finding",
    ]

    /// `template`, and the held-out set: `heldout` (a file) or `heldout_fraction` (a share), not both.
    private static func readDataSettings(_ root: TOMLTable, _ reader: TOMLReader)
        throws(ExperimentFileError) -> (PromptTemplate?, heldout: String?, heldoutFraction: Double?)
    {
        var template: PromptTemplate?
        if root["template"] != nil {
            let names = PromptTemplate.allCases.map(\.rawValue)
            let name = try reader.string(root, "template", at: "template", expected: "one of " + names.joined(separator: ", "), default: nil)
            guard let known = PromptTemplate(rawValue: name) else {
                throw reader.fail("template", "expected one of \(names.joined(separator: ", ")), got \"\(name)\"" + suggestionSuffix(for: name, among: names))
            }
            template = known
        }
        var heldout: String?
        if root["heldout"] != nil {
            heldout = try reader.string(root, "heldout", at: "heldout", expected: "a path to a file of held-out examples", default: nil)
        }
        var heldoutFraction: Double?
        if let value = root["heldout_fraction"] {
            guard let fraction = value.int.map({ Double($0) }) ?? value.double, fraction > 0, fraction < 1 else {
                throw reader.fail("heldout_fraction", "expected a share of the dataset in (0, 1), such as 0.1, got \(TOMLReader.describe(value))")
            }
            guard heldout == nil else {
                throw reader.fail("heldout_fraction", "give either heldout (a file) or heldout_fraction (a share of the dataset), not both")
            }
            heldoutFraction = fraction
        }
        return (template, heldout, heldoutFraction)
    }

    /// The listed benchmarks, in the order given; `[]` for none (the runs report held-out loss only).
    private static func readBenchmarks(_ root: TOMLTable, _ reader: TOMLReader) throws(ExperimentFileError) -> [BenchmarkTask] {
        guard let value = root["benchmarks"] else { return BenchmarkTask.allCases }
        let expected = "a list of " + allBenchmarks.joined(separator: ", ") + " ([] for none: held-out loss only)"
        guard let array = value.array, array.allSatisfy({ $0.string != nil }) else {
            throw reader.fail("benchmarks", "expected \(expected), got \(TOMLReader.describe(value))")
        }
        var benchmarks: [BenchmarkTask] = []
        for name in array.compactMap(\.string) {
            guard let benchmark = BenchmarkTask(rawValue: name) else {
                throw reader.fail("benchmarks", "unknown benchmark '\(name)'" + suggestionSuffix(for: name, among: allBenchmarks))
            }
            guard !benchmarks.contains(benchmark) else { throw reader.fail("benchmarks", "'\(name)' is listed twice") }
            benchmarks.append(benchmark)
        }
        return benchmarks
    }

    private static func readGrid(_ grid: TOMLTable, _ reader: TOMLReader, defaultSeed: Int)
        throws(ExperimentFileError) -> (axes: [GridAxis], seeds: [Int])
    {
        let allowed = ["seeds"] + Knob.allCases.map(\.rawValue)
        try reader.checkKeys(of: grid, at: "grid", allowed: allowed, place: "in [grid]")
        var axes: [GridAxis] = []
        var seeds: [Int]?
        for key in reader.map.orderedKeys(of: "grid", present: grid.keys) {
            let path = "grid." + key
            guard let value = grid[key] else { continue }
            guard let array = value.array, !array.isEmpty else {
                throw reader.fail(path, "expected a non-empty array of values for the \(key) axis, got \(TOMLReader.describe(value))")
            }
            if key == "seeds" || key == "seed" {
                guard seeds == nil else {
                    throw reader.fail(path, "duplicate seed axis: [grid] has both 'seed' and 'seeds'; keep 'seeds'")
                }
                var values: [Int] = []
                for element in array {
                    guard let seed = element.int, seed >= 0 else {
                        throw reader.fail(path, "expected integers ≥ 0, got \(TOMLReader.describe(element))")
                    }
                    guard !values.contains(seed) else { throw reader.fail(path, "seed \(seed) appears twice") }
                    values.append(seed)
                }
                seeds = values
                continue
            }
            guard let knob = Knob(rawValue: key) else { continue }
            var values: [KnobValue] = []
            for element in array {
                let knobValue = try reader.knobValue(knob, element, at: path)
                guard !values.contains(knobValue) else {
                    throw reader.fail(path, "the value \(knobValue) appears twice on the \(key) axis")
                }
                values.append(knobValue)
            }
            axes.append(GridAxis(knob: knob, values: values))
        }
        return (axes, seeds ?? [defaultSeed])
    }

    private static func readCheck(_ table: TOMLTable, _ reader: TOMLReader, seeds: [Int], metrics: [String])
        throws(ExperimentFileError) -> ExperimentCheck
    {
        try reader.checkKeys(of: table, at: "check", allowed: ["reproduce_seed", "max_spread"], place: "in [check]")
        var check = ExperimentCheck(reproduceSeed: nil, maxSpread: [])
        if let value = table["reproduce_seed"] {
            guard let seed = value.int, seeds.contains(seed) else {
                throw reader.fail("check.reproduce_seed", "expected one of the experiment's seeds (\(seeds.map(String.init).joined(separator: ", "))), got \(TOMLReader.describe(value))")
            }
            check.reproduceSeed = seed
        }
        if let value = table["max_spread"] {
            let spreads = try reader.table(value, at: "check.max_spread")
            for metric in reader.map.orderedKeys(of: "check.max_spread", present: spreads.keys) {
                let path = "check.max_spread." + metric
                guard metrics.contains(metric) else {
                    throw reader.fail(path, "unknown metric '\(metric)' in [check.max_spread]" + suggestionSuffix(for: metric, among: metrics))
                }
                guard let element = spreads[metric], let tolerance = element.int.map({ Double($0) }) ?? element.double, tolerance >= 0, tolerance.isFinite else {
                    throw reader.fail(path, "expected a number ≥ 0, got \(spreads[metric].map(TOMLReader.describe) ?? "nothing")")
                }
                check.maxSpread.append((metric, tolerance))
            }
        }
        return check
    }
}

/// One axis of the grid: a knob and the values it takes, as written.
public struct GridAxis: Hashable, Sendable {
    public var knob: Knob
    public var values: [KnobValue]

    public init(knob: Knob, values: [KnobValue]) {
        self.knob = knob
        self.values = values
    }
}

/// The checks of a finished sweep that the file asks for.
public struct ExperimentCheck: Sendable {
    /// A seed whose runs are trained again to confirm that they reproduce.
    public var reproduceSeed: Int?
    /// Largest allowed (max − min) of a metric across seeds, in the order written.
    public var maxSpread: [(metric: String, tolerance: Double)]

    public init(reproduceSeed: Int?, maxSpread: [(metric: String, tolerance: Double)]) {
        self.reproduceSeed = reproduceSeed
        self.maxSpread = maxSpread
    }
}
