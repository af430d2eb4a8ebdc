/// One run's knob settings turned into values: expressions evaluated after the knobs they read, each
/// value checked against its knob's kind, errors naming the file, line and key that set it.
struct SettingValues {
    let settings: [Knob: Setting]
    let file: ExperimentFile
    /// Every numeric knob evaluated so far, derived ones included.
    private(set) var numbers: [Knob: Double] = [:]

    init(settings: [Knob: Setting], file: ExperimentFile) {
        self.settings = settings
        self.file = file
    }

    /// The run's configuration: each knob's setting, or its default when unset.
    mutating func configuration() throws(ExperimentFileError) -> RunConfiguration {
        let defaults = RunConfiguration.defaults
        return RunConfiguration(
            rank: try integer(.rank) ?? defaults.rank, alpha: try real(.alpha) ?? defaults.alpha,
            dropout: try real(.dropout) ?? defaults.dropout, rslora: flag(.rslora) ?? defaults.rslora,
            targets: targets() ?? defaults.targets,
            quantization: Quantization(rawValue: choice(.quantization)) ?? defaults.quantization,
            optimizer: OptimizerKind(rawValue: choice(.optimizer)) ?? defaults.optimizer,
            lr: try real(.lr) ?? defaults.lr,
            schedule: ScheduleShape(rawValue: choice(.schedule)) ?? defaults.schedule,
            warmup: try integer(.warmup) ?? defaults.warmup, passes: try integer(.passes) ?? defaults.passes,
            batch: try integer(.batch) ?? defaults.batch, microBatch: try integer(.microBatch) ?? defaults.microBatch,
            weightDecay: try real(.weightDecay), clip: try real(.clip) ?? defaults.clip,
            maxLength: try integer(.maxLength), trainExamples: try integer(.trainExamples),
            evalLimit: try integer(.evalLimit), seed: try integer(.seed) ?? defaults.seed, dataset: file.dataset,
            template: file.template, heldout: file.heldout, heldoutFraction: file.heldoutFraction, benchmarks: file.benchmarks)
    }

    /// An integer knob's value, at least its minimum; nil when unset.
    mutating func integer(_ knob: Knob) throws(ExperimentFileError) -> Int? {
        guard let value = try number(knob, chain: []), let setting = settings[knob] else { return nil }
        guard case .integer(let minimum) = knob.kind, let int = Int(exactly: value), int >= minimum else {
            throw outOfRange(knob, value, setting)
        }
        return int
    }

    /// A real knob's value, within its range; nil when unset.
    mutating func real(_ knob: Knob) throws(ExperimentFileError) -> Double? {
        guard let value = try number(knob, chain: []), let setting = settings[knob] else { return nil }
        guard case .number(let range) = knob.kind, range.contains(value) else { throw outOfRange(knob, value, setting) }
        return value
    }

    /// A choice knob's name: the setting's, else the knob's built-in default.
    func choice(_ knob: Knob) -> String {
        if case .choice(let name) = settings[knob]?.value { return name }
        if case .choice(let name) = knob.builtInDefault { return name }
        return ""
    }

    func flag(_ knob: Knob) -> Bool? {
        if case .flag(let flag) = settings[knob]?.value { return flag }
        return nil
    }

    func targets() -> [ProjectionSite]? {
        if case .names(let names) = settings[.targets]?.value { return try? ProjectionSite.targets(names) }
        return nil
    }

    /// A numeric knob's value, evaluating an expression after the knobs it reads; `chain` holds the
    /// knobs being evaluated, to report a cycle.
    private mutating func number(_ knob: Knob, chain: [Knob]) throws(ExperimentFileError) -> Double? {
        if let known = numbers[knob] { return known }
        guard let setting = settings[knob] else { return nil }
        let value: Double
        switch setting.value {
        case .integer(let int): value = Double(int)
        case .number(let number): value = number
        case .expression(let text): value = try evaluate(text, of: knob, setting: setting, chain: chain)
        default: return nil
        }
        numbers[knob] = value
        return value
    }

    private mutating func evaluate(_ text: String, of knob: Knob, setting: Setting, chain: [Knob]) throws(ExperimentFileError) -> Double {
        if chain.contains(knob) {
            let cycle = (chain.drop { $0 != knob } + [knob]).map(\.rawValue).joined(separator: " → ")
            throw error(at: setting, "derived knobs form a cycle: \(cycle)")
        }
        let expression: Expression
        do {
            expression = try Expression(text)
        } catch {
            throw self.error(at: setting, "expected an arithmetic expression, got \"\(text)\": \(error.message)")
        }
        var inputs: [String: Double] = [:]
        for name in expression.names {
            guard let input = Knob(rawValue: name), input.isNumeric, let inputValue = try number(input, chain: chain + [knob]) else {
                throw error(at: setting, "\"\(text)\" reads \(name), which is not set in this run")
            }
            inputs[name] = inputValue
        }
        do {
            return try expression.evaluate { inputs[$0]! }
        } catch {
            throw self.error(at: setting, "cannot evaluate \"\(text)\": \(error.message)")
        }
    }

    private func outOfRange(_ knob: Knob, _ value: Double, _ setting: Setting) -> ExperimentFileError {
        var derivation = ""
        if case .expression(let text) = setting.value { derivation = " from \"\(text)\"" }
        return error(at: setting, "expected \(knob.expected), got \(formatNumber(value))\(derivation)")
    }

    private func error(at setting: Setting, _ message: String) -> ExperimentFileError {
        file.sourceMap.error(in: file.path, at: setting.key, message)
    }
}
