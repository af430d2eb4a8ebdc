import Foundation
@_exported import Vocabulary

/// The knobs of a run that get their own columns, so that `sqlite3` can filter and group by them.
///
/// The whole configuration is stored besides, as JSON; these are copies of its most-queried fields.
public struct RunKnobs: Codable, Sendable, Equatable {
    public var rank: Int
    public var alpha: Double
    /// The adapter scale: alpha/rank, or alpha/√rank with rsLoRA.
    public var scale: Double
    /// Adapted projections, e.g. `["q", "v"]`; stored comma-joined.
    public var targets: [String]
    public var quantization: String
    public var optimizer: String
    public var lr: Double
    public var schedule: String
    public var passes: Int
    public var seed: Int

    public init(
        rank: Int, alpha: Double, scale: Double, targets: [String], quantization: String,
        optimizer: String, lr: Double, schedule: String, passes: Int, seed: Int
    ) {
        self.rank = rank
        self.alpha = alpha
        self.scale = scale
        self.targets = targets
        self.quantization = quantization
        self.optimizer = optimizer
        self.lr = lr
        self.schedule = schedule
        self.passes = passes
        self.seed = seed
    }
}

/// The machine a run was measured on: timings only compare within one fingerprint.
public struct MachineFingerprint: Codable, Sendable, Equatable {
    public var cpu: String
    /// The OpenBLAS core name, e.g. "SkylakeX" or "Haswell".
    public var blas: String
    /// Worker threads (each with one BLAS thread): they change a run's speed, not its numbers.
    public var threads: Int

    public init(cpu: String, blas: String, threads: Int) {
        self.cpu = cpu
        self.blas = blas
        self.threads = threads
    }
}

/// One row of `runs`.
public struct RunRecord: Codable, Sendable, Equatable {
    /// 16 hex digits derived from the configuration, so that the same configuration is the same run.
    public var id: String
    public var status: RunStatus
    public var configurationJSON: String
    public var knobs: RunKnobs
    public var trainableParameters: Int?
    public var codeVersion: String?
    public var machine: MachineFingerprint?
    /// `host:pid` of the process that claimed the run.
    public var worker: String?
    public var claimedAt: Date?
    public var finishedAt: Date?
    public var error: String?
    public var failedStep: Int?

    public init(
        id: String, status: RunStatus, configurationJSON: String, knobs: RunKnobs,
        trainableParameters: Int? = nil, codeVersion: String? = nil, machine: MachineFingerprint? = nil,
        worker: String? = nil, claimedAt: Date? = nil, finishedAt: Date? = nil,
        error: String? = nil, failedStep: Int? = nil
    ) {
        self.id = id
        self.status = status
        self.configurationJSON = configurationJSON
        self.knobs = knobs
        self.trainableParameters = trainableParameters
        self.codeVersion = codeVersion
        self.machine = machine
        self.worker = worker
        self.claimedAt = claimedAt
        self.finishedAt = finishedAt
        self.error = error
        self.failedStep = failedStep
    }
}

/// A named result of a run, e.g. "facts" (accuracy with its standard error over n items),
/// "final-loss", "tokens-per-second" or "peak-memory-bytes.adapter".
///
/// A NaN value (a diverged loss) is stored as NULL and read back as NaN.
public struct Metric: Codable, Sendable, Equatable {
    public var name: String
    public var value: Double
    public var stderr: Double?
    public var n: Int?

    public init(name: String, value: Double, stderr: Double? = nil, n: Int? = nil) {
        self.name = name
        self.value = value
        self.stderr = stderr
        self.n = n
    }
}

/// The training loss and learning rate at one optimizer step. A NaN loss is stored as NULL.
public struct CurvePoint: Codable, Sendable, Equatable {
    public var step: Int
    public var loss: Double
    public var lr: Double

    public init(step: Int, loss: Double, lr: Double) {
        self.step = step
        self.loss = loss
        self.lr = lr
    }
}

/// One experiment file as registered: its header, its source, and the names of its grid axes in order.
public struct ExperimentRecord: Codable, Sendable, Equatable {
    public var name: String
    public var purpose: String
    public var sourcePath: String
    /// The TOML text of the experiment file when it was registered.
    public var sourceText: String
    public var metric: String
    public var higherIsBetter: Bool
    public var axes: [String]
    /// Set by `register` when nil; read back from the store otherwise.
    public var updatedAt: Date?

    public init(
        name: String, purpose: String, sourcePath: String, sourceText: String, metric: String,
        higherIsBetter: Bool, axes: [String], updatedAt: Date? = nil
    ) {
        self.name = name
        self.purpose = purpose
        self.sourcePath = sourcePath
        self.sourceText = sourceText
        self.metric = metric
        self.higherIsBetter = higherIsBetter
        self.axes = axes
        self.updatedAt = updatedAt
    }
}

/// How many of an experiment's runs are in each state.
public struct StatusCounts: Codable, Sendable, Equatable, CustomStringConvertible {
    public var pending = 0
    public var running = 0
    public var done = 0
    public var failed = 0

    public init(pending: Int = 0, running: Int = 0, done: Int = 0, failed: Int = 0) {
        self.pending = pending
        self.running = running
        self.done = done
        self.failed = failed
    }

    public var total: Int { pending + running + done + failed }

    /// "12 runs: 7 done, 1 running, 3 pending, 1 failed".
    public var description: String {
        "\(total) runs: \(done) done, \(running) running, \(pending) pending, \(failed) failed"
    }
}

/// A store that cannot be opened or written, or an operation on a run it does not hold.
public struct ResultsStoreError: Error, Equatable, CustomStringConvertible {
    /// The database file (":memory:" for an in-memory store).
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "results store \(path): \(reason)" }
}
