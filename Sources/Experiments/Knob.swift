/// A fine-tuning setting that [defaults], [grid], [[include]] and [[exclude]] may give.
///
/// Every knob has a built-in default, so an experiment states only what differs; the optional ones
/// (weight_decay, max_length, train_examples, eval_limit) default to absent.
public enum Knob: String, CaseIterable, Sendable, Hashable, Codable {
    case rank, alpha, dropout, rslora, targets, quantization, optimizer, lr, schedule, warmup, passes, batch
    case microBatch = "micro_batch"
    case weightDecay = "weight_decay"
    case clip
    case maxLength = "max_length"
    case trainExamples = "train_examples"
    case evalLimit = "eval_limit"
    case seed


    enum Kind {
        case integer(minimum: Int)
        case number(NumberRange)
        case flag
        case choice([String])
        case targets
    }

    enum NumberRange {
        case positive, nonNegative, unitInterval

        func contains(_ x: Double) -> Bool {
            switch self {
            case .positive: x > 0 && x.isFinite
            case .nonNegative: x >= 0 && x.isFinite
            case .unitInterval: x >= 0 && x < 1
            }
        }

        var phrase: String {
            switch self {
            case .positive: "> 0"
            case .nonNegative: "≥ 0"
            case .unitInterval: "in [0, 1)"
            }
        }
    }

    var kind: Kind {
        switch self {
        case .rank, .passes, .batch, .microBatch, .maxLength, .trainExamples, .evalLimit: .integer(minimum: 1)
        case .warmup, .seed: .integer(minimum: 0)
        case .alpha, .lr: .number(.positive)
        case .dropout: .number(.unitInterval)
        case .weightDecay, .clip: .number(.nonNegative)
        case .rslora: .flag
        case .targets: .targets
        case .quantization: .choice(Quantization.allCases.map(\.rawValue))
        case .optimizer: .choice(OptimizerKind.allCases.map(\.rawValue))
        case .schedule: .choice(ScheduleShape.allCases.map(\.rawValue))
        }
    }

    /// Whether the knob holds a number, and so may be given by an expression or named in one.
    var isNumeric: Bool {
        switch kind {
        case .integer, .number: true
        case .flag, .choice, .targets: false
        }
    }

    /// What a run gets when nothing sets the knob (`RunConfiguration`'s defaults); nil: absent.
    public var builtInDefault: KnobValue? { RunConfiguration.defaults.value(of: self) }

    /// The knob as a command-line flag: `--micro-batch` for micro_batch.
    public var flag: String { "--" + rawValue.replacingOccurrences(of: "_", with: "-") }

    /// What the knob does, for `--help`, `sweep knobs` and the docs.
    public var help: String {
        switch self {
        case .rank: "LoRA rank r: the inner width of the update B·A."
        case .alpha: "LoRA alpha: the update is scaled by alpha/r (alpha/√r with rslora)."
        case .dropout: "Dropout on the adapter branch's input."
        case .rslora: "Scale by alpha/√r (rsLoRA) instead of alpha/r."
        case .targets: "Projections that get an adapter: q, k, v, o, gate, up, down, head, or the groups attention (q,k,v,o), mlp (gate,up,down) and all (every linear layer, the output head included)."
        case .quantization: "How the frozen base is stored: none (fp32, LoRA), nf4 or nf4-dq (QLoRA; nf4-dq also double-quantizes the block statistics)."
        case .optimizer: "adamw (weight decay 0.01 unless given) or sgd (momentum 0.9, weight decay 0 unless given)."
        case .lr: "Peak learning rate."
        case .schedule: "Learning-rate schedule after the warmup: constant, cosine or linear decay."
        case .warmup: "Linear warmup, in optimizer steps."
        case .passes: "Passes over the training examples (epochs), each in a new shuffled order."
        case .batch: "Examples per optimizer step."
        case .microBatch: "Examples per forward/backward pass; batch / micro_batch micro-batches are accumulated per step."
        case .weightDecay: "Weight decay (default: the optimizer's own, 0.01 for adamw and 0 for sgd)."
        case .clip: "Clip gradients to this global norm (0: no clipping)."
        case .maxLength: "Truncate examples to this many tokens (default: the model's maximum)."
        case .trainExamples: "Train on the first N examples only (default: all)."
        case .evalLimit: "Items per benchmark and held-out examples scored (default: all)."
        case .seed: "Seed of adapter initialisation, data order and dropout (separate streams)."
        }
    }

    /// "an integer ≥ 1", "a number in [0, 1)", "one of adamw, sgd", … for error messages.
    public var expected: String {
        switch kind {
        case .integer(let minimum): "an integer ≥ \(minimum)"
        case .number(let range): "a number \(range.phrase)"
        case .flag: "true or false"
        case .choice(let names): "one of " + names.joined(separator: ", ")
        case .targets: "a non-empty list of " + ProjectionSite.targetNames.joined(separator: ", ")
        }
    }

    /// Whether a string may give the knob as an arithmetic expression (seeds must be written as integers).
    var acceptsExpression: Bool { isNumeric && self != .seed }
}
