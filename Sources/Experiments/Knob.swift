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

    /// The names a `targets` list may hold: projections and the groups attention, mlp and all.
    public static let targetNames = ["q", "k", "v", "o", "gate", "up", "down", "head", "attention", "mlp", "all"]

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
        case .quantization: .choice(RunConfiguration.Quantization.allCases.map(\.rawValue))
        case .optimizer: .choice(RunConfiguration.Optimizer.allCases.map(\.rawValue))
        case .schedule: .choice(RunConfiguration.Schedule.allCases.map(\.rawValue))
        }
    }

    /// Whether the knob holds a number, and so may be given by an expression or named in one.
    var isNumeric: Bool {
        switch kind {
        case .integer, .number: true
        case .flag, .choice, .targets: false
        }
    }

    /// What a run gets when nothing sets the knob; nil: absent.
    var builtInDefault: KnobValue? {
        switch self {
        case .rank: .integer(8)
        case .alpha: .number(16)
        case .dropout: .number(0.05)
        case .rslora: .flag(false)
        case .targets: .names(["q", "v"])
        case .quantization: .choice("none")
        case .optimizer: .choice("adamw")
        case .lr: .number(3e-3)
        case .schedule: .choice("cosine")
        case .warmup: .integer(0)
        case .passes: .integer(1)
        case .batch: .integer(8)
        case .microBatch: .integer(1)
        case .clip: .number(1)
        case .seed: .integer(1)
        case .weightDecay, .maxLength, .trainExamples, .evalLimit: nil
        }
    }

    /// "an integer ≥ 1", "a number in [0, 1)", "one of adamw, sgd", … for error messages.
    var expected: String {
        switch kind {
        case .integer(let minimum): "an integer ≥ \(minimum)"
        case .number(let range): "a number \(range.phrase)"
        case .flag: "true or false"
        case .choice(let names): "one of " + names.joined(separator: ", ")
        case .targets: "a non-empty list of " + Self.targetNames.joined(separator: ", ")
        }
    }

    /// Whether a string may give the knob as an arithmetic expression (seeds must be written as integers).
    var acceptsExpression: Bool { isNumeric && self != .seed }
}
