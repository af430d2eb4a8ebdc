/// One run an experiment file plans, before its id is computed.
public struct PlannedRun: Hashable, Sendable {
    public var configuration: RunConfiguration
    /// How each grid axis, and "seed", was written for this run, e.g. "alpha": "2 * rank", for reports.
    public var axisValues: [String: String]
    /// The `[[include]]` table (from 0, in file order) that added the run; nil for grid runs.
    public var includeIndex: Int?

    public init(configuration: RunConfiguration, axisValues: [String: String], includeIndex: Int? = nil) {
        self.configuration = configuration
        self.axisValues = axisValues
        self.includeIndex = includeIndex
    }
}

extension ExperimentFile {
    /// The runs the file declares, in order: the grid's cartesian product (first axis slowest, seeds
    /// fastest) less the excluded combinations, then each `[[include]]` table per seed.
    ///
    /// An exclusion matches a run when every key it gives equals the run's resolved value (an expression
    /// is evaluated with the run's knobs: `alpha = "rank / 2"` matches rank 4 with alpha 2, however alpha
    /// was written). Exclusions apply to grid runs only. A run whose configuration is already planned is
    /// not planned again. More than `maxRuns` runs is an error unless `allowLarge`.
    public func expand(maxRuns: Int = 500, allowLarge: Bool = false) throws(ExperimentFileError) -> [PlannedRun] {
        var base: [Knob: Setting] = [:]
        for knob in Knob.allCases {
            if let value = defaults[knob] ?? knob.builtInDefault { base[knob] = Setting(value: value, key: "defaults." + knob.rawValue) }
        }
        let seedKey = sourceMap.lines["grid.seeds"] != nil ? "grid.seeds" : sourceMap.lines["grid.seed"] != nil ? "grid.seed" : "defaults.seed"

        var runs: [PlannedRun] = []
        var planned = Set<RunConfiguration>()
        func add(_ run: PlannedRun) throws(ExperimentFileError) {
            guard planned.insert(run.configuration).inserted else { return }
            runs.append(run)
            if runs.count > maxRuns, !allowLarge {
                let counts = axes.map(\.values.count) + [seeds.count]
                let sizes = zip(counts, axes.map(\.knob.rawValue) + ["seeds"]).map { "\($0) \($1)" }
                let product = counts.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? .max : $0 * $1 }
                throw sourceMap.error(in: path, at: axes.isEmpty ? nil : "grid",
                    "expected at most \(maxRuns) runs, got more: the grid alone is "
                        + "\(sizes.joined(separator: " × ")) = \(product == .max ? "too many" : "\(product)") combinations; "
                        + "narrow it, split the experiment, or allow large grids explicitly")
            }
        }

        var indices = [Int](repeating: 0, count: axes.count)
        combinations: while true {
            var settings = base
            var written: [String: String] = [:]
            for (axis, index) in zip(axes, indices) {
                settings[axis.knob] = Setting(value: axis.values[index], key: "grid." + axis.knob.rawValue)
                written[axis.knob.rawValue] = axis.values[index].description
            }
            for seed in seeds {
                settings[.seed] = Setting(value: .integer(seed), key: seedKey)
                written["seed"] = "\(seed)"
                let resolved = try resolve(settings)
                if try !isExcluded(resolved) {
                    try add(PlannedRun(configuration: resolved.configuration, axisValues: written))
                }
            }
            var axis = axes.count - 1
            while axis >= 0 {
                indices[axis] += 1
                if indices[axis] < axes[axis].values.count { continue combinations }
                indices[axis] = 0
                axis -= 1
            }
            break
        }

        for (index, include) in includes.enumerated() {
            var settings = base
            for (knob, value) in include { settings[knob] = Setting(value: value, key: "include[\(index)].\(knob.rawValue)") }
            let includeSeeds: [Int?] = include[.seed] == nil ? seeds.map { $0 } : [nil]
            for seed in includeSeeds {
                if let seed { settings[.seed] = Setting(value: .integer(seed), key: seedKey) }
                var written: [String: String] = [:]
                for axis in axes { written[axis.knob.rawValue] = settings[axis.knob]?.value.description }
                written["seed"] = settings[.seed]?.value.description
                try add(PlannedRun(configuration: try resolve(settings).configuration, axisValues: written, includeIndex: index))
            }
        }
        return runs
    }

    private func isExcluded(_ run: ResolvedRun) throws(ExperimentFileError) -> Bool {
        exclusions: for (index, exclude) in excludes.enumerated() {
            for knob in Knob.allCases {
                guard let value = exclude[knob] else { continue }
                if try !run.matches(knob, value, key: "exclude[\(index)].\(knob.rawValue)", file: self) { continue exclusions }
            }
            return true
        }
        return false
    }
}

/// A knob's value for one run and the key that gave it, for errors.
struct Setting {
    var value: KnobValue
    var key: String
}

/// A run's configuration with its numeric knobs, for matching exclusions.
struct ResolvedRun {
    var configuration: RunConfiguration
    var numbers: [Knob: Double]

    func matches(_ knob: Knob, _ value: KnobValue, key: String, file: ExperimentFile) throws(ExperimentFileError) -> Bool {
        switch value {
        case .integer(let int): return numbers[knob] == Double(int)
        case .number(let number): return numbers[knob] == number
        case .expression(let text):
            let expression: Expression
            do {
                expression = try Expression(text)
            } catch {
                throw file.sourceMap.error(in: file.path, at: key, "expected an arithmetic expression, got \"\(text)\": \(error.message)")
            }
            for name in expression.names where Knob(rawValue: name).flatMap({ numbers[$0] }) == nil {
                throw file.sourceMap.error(in: file.path, at: key, "\"\(text)\" reads \(name), which this run does not set")
            }
            do {
                return try numbers[knob] == expression.evaluate { name in Knob(rawValue: name).flatMap { numbers[$0] } ?? .nan }
            } catch {
                throw file.sourceMap.error(in: file.path, at: key, "cannot evaluate \"\(text)\": \(error.message)")
            }
        case .flag(let flag): return knob == .rslora && configuration.rslora == flag
        case .choice(let choice): return configuration.formatted(knob) == choice
        case .names(let names): return knob == .targets && (try? ProjectionSite.targets(names)) == configuration.targets
        }
    }
}

extension ExperimentFile {
    /// The run `settings` describe: derived knobs evaluated (each after the knobs it reads), every value
    /// checked against its knob's range, micro_batch checked to divide batch.
    func resolve(_ settings: [Knob: Setting]) throws(ExperimentFileError) -> ResolvedRun {
        var values = SettingValues(settings: settings, file: self)
        let configuration = try values.configuration()
        try checkMicroBatchDividesBatch(configuration, settings: settings)
        return ResolvedRun(configuration: configuration, numbers: values.numbers)
    }

    private func checkMicroBatchDividesBatch(_ configuration: RunConfiguration, settings: [Knob: Setting]) throws(ExperimentFileError) {
        guard configuration.batch % configuration.microBatch == 0 else {
            throw sourceMap.error(in: path, at: settings[.microBatch]?.key,
                "expected a divisor of batch (\(configuration.batch)), got \(configuration.microBatch)")
        }
    }
}
