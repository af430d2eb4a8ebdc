import JSON
@_exported import Vocabulary

/// Every setting of one fine-tuning run, resolved: what a run's id is computed from.
///
/// `targets` holds projections in the model's order (q, k, v, o, gate, up, down, head) with the groups
/// expanded as `ProjectionSite.targets` expands them; `benchmarks` keeps `BenchmarkTask`'s order. The
/// initialiser's defaults are every knob's built-in default (`Knob.builtInDefault` reads them).
public struct RunConfiguration: Codable, Hashable, Sendable, CustomStringConvertible {
    public var rank: Int
    public var alpha: Double
    public var dropout: Double
    public var rslora: Bool
    public var targets: [ProjectionSite]
    public var quantization: Quantization
    public var optimizer: OptimizerKind
    public var lr: Double
    public var schedule: ScheduleShape
    /// Optimizer steps.
    public var warmup: Int
    public var passes: Int
    public var batch: Int
    public var microBatch: Int
    /// nil: the optimizer's default.
    public var weightDecay: Double?
    /// Largest global gradient norm; 0: no clipping.
    public var clip: Double
    public var maxLength: Int?
    /// Train on the first N examples only; nil: all.
    public var trainExamples: Int?
    /// Items per benchmark task; nil: all.
    public var evalLimit: Int?
    public var seed: Int
    /// A built-in set's name, or a dataset file's path as the experiment file writes it.
    public var dataset: String
    /// How examples are laid out; nil: alpaca, the default (left out of the canonical JSON, so that
    /// configurations from before templates keep their ids).
    public var template: PromptTemplate?
    /// A file of held-out examples, as the experiment file writes its path; nil: a share of the dataset.
    public var heldout: String?
    /// The share of a dataset file held out; nil: `heldout`'s file, or the default share.
    public var heldoutFraction: Double?
    public var benchmarks: [BenchmarkTask]

    public init(
        rank: Int = 8, alpha: Double = 16, dropout: Double = 0.05, rslora: Bool = false, targets: [ProjectionSite] = [.q, .v],
        quantization: Quantization = .none, optimizer: OptimizerKind = .adamw, lr: Double = 3e-3,
        schedule: ScheduleShape = .cosine, warmup: Int = 0, passes: Int = 1, batch: Int = 8, microBatch: Int = 1,
        weightDecay: Double? = nil, clip: Double = 1, maxLength: Int? = nil, trainExamples: Int? = nil,
        evalLimit: Int? = nil, seed: Int = 1, dataset: String = "alpaca", template: PromptTemplate? = nil,
        heldout: String? = nil, heldoutFraction: Double? = nil, benchmarks: [BenchmarkTask] = BenchmarkTask.allCases
    ) {
        self.rank = rank
        self.alpha = alpha
        self.dropout = dropout
        self.rslora = rslora
        self.targets = ProjectionSite.allCases.filter(targets.contains)
        self.quantization = quantization
        self.optimizer = optimizer
        self.lr = lr
        self.schedule = schedule
        self.warmup = warmup
        self.passes = passes
        self.batch = batch
        self.microBatch = microBatch
        self.weightDecay = weightDecay
        self.clip = clip
        self.maxLength = maxLength
        self.trainExamples = trainExamples
        self.evalLimit = evalLimit
        self.seed = seed
        self.dataset = dataset
        self.template = template == .alpaca ? nil : template
        self.heldout = heldout
        self.heldoutFraction = heldoutFraction
        self.benchmarks = BenchmarkTask.allCases.filter(benchmarks.contains)
    }

    enum CodingKeys: String, CodingKey {
        case rank, alpha, dropout, rslora, targets, quantization, optimizer, lr, schedule, warmup, passes, batch
        case microBatch = "micro_batch"
        case weightDecay = "weight_decay"
        case clip
        case maxLength = "max_length"
        case trainExamples = "train_examples"
        case evalLimit = "eval_limit"
        case seed, dataset, template, heldout
        case heldoutFraction = "heldout_fraction"
        case benchmarks
    }

    /// The template examples are laid out with: alpaca unless one is named.
    public var promptTemplate: PromptTemplate { template ?? .alpaca }

    /// Every knob at its built-in default, the dataset alpaca and every benchmark.
    public static let defaults = RunConfiguration()

    /// The knob's value as `description` and plan tables show it; nil when absent.
    public func formatted(_ knob: Knob) -> String? {
        switch knob {
        case .rank: "\(rank)"
        case .alpha: formatNumber(alpha)
        case .dropout: formatNumber(dropout)
        case .rslora: "\(rslora)"
        case .targets: targets.map(\.rawValue).joined(separator: ",")
        case .quantization: quantization.rawValue
        case .optimizer: optimizer.rawValue
        case .lr: formatNumber(lr)
        case .schedule: schedule.rawValue
        case .warmup: "\(warmup)"
        case .passes: "\(passes)"
        case .batch: "\(batch)"
        case .microBatch: "\(microBatch)"
        case .weightDecay: weightDecay.map(formatNumber)
        case .clip: formatNumber(clip)
        case .maxLength: maxLength.map { "\($0)" }
        case .trainExamples: trainExamples.map { "\($0)" }
        case .evalLimit: evalLimit.map { "\($0)" }
        case .seed: "\(seed)"
        }
    }

    /// The knob's value as an experiment file would give it; nil when absent.
    public func value(of knob: Knob) -> KnobValue? {
        switch knob {
        case .rank: .integer(rank)
        case .alpha: .number(alpha)
        case .dropout: .number(dropout)
        case .rslora: .flag(rslora)
        case .targets: .names(targets.map(\.rawValue))
        case .quantization: .choice(quantization.rawValue)
        case .optimizer: .choice(optimizer.rawValue)
        case .lr: .number(lr)
        case .schedule: .choice(schedule.rawValue)
        case .warmup: .integer(warmup)
        case .passes: .integer(passes)
        case .batch: .integer(batch)
        case .microBatch: .integer(microBatch)
        case .weightDecay: weightDecay.map(KnobValue.number)
        case .clip: .number(clip)
        case .maxLength: maxLength.map(KnobValue.integer)
        case .trainExamples: trainExamples.map(KnobValue.integer)
        case .evalLimit: evalLimit.map(KnobValue.integer)
        case .seed: .integer(seed)
        }
    }

    /// `rank=8 alpha=16 dropout=0.05 … seed=1 dataset=alpaca`: every knob that has a value, then the
    /// dataset and the data settings that are given.
    public var description: String {
        let data = ["dataset=\(dataset)"] + [
            template.map { "template=\($0.rawValue)" }, heldout.map { "heldout=\($0)" },
            heldoutFraction.map { "heldout_fraction=\(formatNumber($0))" },
        ].compactMap { $0 }
        return (Knob.allCases.compactMap { knob in formatted(knob).map { "\(knob.rawValue)=\($0)" } } + data)
            .joined(separator: " ")
    }

    /// The configuration as a JSON object with the `CodingKeys` names, its evaluation settings
    /// (`evaluationFields`) among them; absent optional knobs are left out.
    var jsonObject: JSONValue {
        var object = evaluationFields
        object.merge([
            "rank": .int(rank), "alpha": .double(alpha), "dropout": .double(dropout), "rslora": .bool(rslora),
            "targets": .array(targets.map { .string($0.rawValue) }), "quantization": .string(quantization.rawValue),
            "optimizer": .string(optimizer.rawValue), "lr": .double(lr), "schedule": .string(schedule.rawValue),
            "warmup": .int(warmup), "passes": .int(passes), "batch": .int(batch), "micro_batch": .int(microBatch),
            "clip": .double(clip), "seed": .int(seed),
        ]) { evaluation, _ in evaluation }
        if let weightDecay { object["weight_decay"] = .double(weightDecay) }
        if let maxLength { object["max_length"] = .int(maxLength) }
        if let trainExamples { object["train_examples"] = .int(trainExamples) }
        return .object(object)
    }

    /// The configuration as canonical JSON: keys sorted, no whitespace, numbers formatted one way.
    public var canonicalJSON: String { CanonicalJSON.render(jsonObject) }
}
