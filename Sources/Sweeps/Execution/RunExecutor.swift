import Adapters
import Evaluation
import Experiments
import Foundation
import Kernels
import Model
import ResultsStore
import TextData
import Training

/// One run of a sweep from start to finish: load the base, fine-tune the adapter the configuration
/// describes, score the benchmarks and the held-out loss, and measure. Runs inside a worker process
/// (or a Slurm task), so a crash takes only that run and its peak RSS is its own.
public struct RunExecutor {
    /// Bumped whenever a change to the code changes what a run computes: it is part of every run id, so
    /// runs of an older version are trained again instead of mixed with new ones.
    public static let numericsVersion = "lora-sweep-numerics-2"

    public let baseDirectory: String
    public let configuration: RunConfiguration
    /// Worker threads of the training steps: how fast the run trains, never what.
    public let threads: Int
    /// Where the configuration's relative data paths resolve from (the experiment file's directory);
    /// nil: the current directory.
    public let dataDirectory: String?

    public init(baseDirectory: String, configuration: RunConfiguration, threads: Int = 1, dataDirectory: String? = nil) {
        self.baseDirectory = baseDirectory
        self.configuration = configuration
        self.threads = threads
        self.dataDirectory = dataDirectory
    }

    /// Trains, scores and measures; `adapterDirectory`, when given, receives the trained adapter in PEFT's format.
    public func execute(adapterDirectory: URL? = nil, progress: (TrainingProgress) -> Void) throws -> RunOutcome {
        let data: RunData
        do { data = try RunData.load(configuration: configuration, baseDirectory: baseDirectory, dataDirectory: dataDirectory) }
        catch let problem as RunDataset.Problem { throw BadInput(problem.description) }
        let base = configuration.quantization.prepare(try ModelDirectory.load(baseDirectory))
        let examples = data.trainingExamples(limit: configuration.trainExamples)
        let trained = try AdapterTraining.train(base: base, configuration: configuration, examples: examples, threads: threads,
                                                progress: progress)
        if let adapterDirectory { try trained.adapter.save(to: adapterDirectory, baseModel: baseDirectory) }
        let machine = MachineFingerprint(cpu: Self.cpuName, blas: BLAS.coreName, threads: threads)
        let trainable = trained.adapter.trainableParameters
        if let step = trained.summary.divergedAtStep {
            return RunOutcome(error: "diverged at step \(step + 1): loss \(trained.summary.losses.last ?? .nan)", failedStep: step,
                              metrics: [], curve: trained.curve, trainableParameters: trainable, machine: machine)
        }
        let metrics = Self.trainingMetrics(trained.summary) + evaluate(base: base, trained: trained.adapter, data: data)
        return RunOutcome(error: nil, failedStep: nil, metrics: metrics, curve: trained.curve,
                          trainableParameters: trainable, machine: machine)
    }

    /// Loss at the end (the mean of the last 10 steps: one step's loss on 8 examples is noisy), speed,
    /// time and memory.
    static func trainingMetrics(_ s: FineTuning.Summary) -> [Metric] {
        let tail = s.losses.suffix(10).map(Double.init)
        var metrics = [
            Metric(name: MetricName.finalLoss.rawValue, value: tail.reduce(0, +) / Double(max(tail.count, 1)), n: tail.count),
            Metric(name: MetricName.steps.rawValue, value: Double(s.steps)),
            Metric(name: MetricName.trainExamples.rawValue, value: Double(s.examplesSeen)),
            Metric(name: MetricName.trainTokens.rawValue, value: Double(s.tokens)),
            Metric(name: MetricName.tokensPerSecond.rawValue, value: s.tokensPerSecond),
            Metric(name: MetricName.wallSeconds.rawValue, value: s.wallSeconds),
            Metric(name: MetricName.peakMemoryBytes.rawValue, value: Double(s.peakMemoryBytes)),
            Metric(name: MetricName.peakRSSBytes.rawValue, value: Double(s.peakRSSBytes)),
        ]
        for (category, bytes) in s.peakMemoryByCategory.sorted(by: { $0.key < $1.key }) {
            metrics.append(Metric(name: MetricName.peakMemoryBytes(category: category), value: Double(bytes)))
        }
        return metrics
    }

    /// The configuration's benchmarks and the held-out loss, with the trained adapter attached out of
    /// training (no dropout).
    func evaluate(base: Llama, trained: LoRA, data: RunData) -> [Metric] {
        trained.training = false
        base.adapter = trained
        return Self.evaluate(model: base, configuration: configuration, data: data).metrics
    }

    /// `configuration`'s benchmarks (with its item limit) and held-out loss of `model` as it is, and
    /// each benchmark's chance level on its items: what a run measures after training, and what the
    /// base model's evaluation with the same settings measures before (`BaseEvaluating`).
    static func evaluate(model: Llama, configuration: RunConfiguration, data: RunData) -> (metrics: [Metric], chance: [String: Double]) {
        let started = Date()
        let language = LlamaLanguageModel(model: model, encoding: data.encoding)

        var metrics: [Metric] = []
        var chance: [String: Double] = [:]
        let tasks = configuration.benchmarks
        if !tasks.isEmpty {
            var benchmarkConfiguration = data.benchmarks
            if let limit = configuration.evalLimit { benchmarkConfiguration = benchmarkConfiguration.limited(to: limit) }
            let results = Benchmarks.run(model: language, tasks: tasks, world: data.world, configuration: benchmarkConfiguration)
            for task in tasks {
                guard let result = results[task] else { continue }
                metrics.append(Metric(name: task.rawValue, value: result.score.score, stderr: result.score.stderr, n: result.score.n))
                chance[task.rawValue] = result.chance
            }
        }
        let heldOut = data.heldOutReplies(limit: configuration.evalLimit, eos: model.config.eosTokenID.map(Int32.init),
                                          maxLength: language.maxLength)
        if heldOut.contains(where: { !$0.isEmpty }) {
            let loss = HeldOutLoss.measure(model: language, exampleReplies: heldOut)
            metrics.append(Metric(name: MetricName.heldoutLoss.rawValue, value: loss.score, stderr: loss.stderr, n: loss.n))
        }
        metrics.append(Metric(name: MetricName.evalSeconds.rawValue, value: Date().timeIntervalSince(started)))
        return (metrics, chance)
    }

    /// /proc/cpuinfo's model name, or the architecture when there is none.
    static var cpuName: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) }
            ?? ProcessInfo.processInfo.environment["HOSTTYPE"] ?? "unknown"
    }
}

/// Everything the results store keeps of a run, as a worker or a Slurm task hands it back.
public struct RunOutcome: Codable, Sendable, Equatable {
    public var error: String?
    public var failedStep: Int?
    public var metrics: [Metric]
    public var curve: [CurvePoint]
    public var trainableParameters: Int
    public var machine: MachineFingerprint

    public init(error: String?, failedStep: Int?, metrics: [Metric], curve: [CurvePoint], trainableParameters: Int,
                machine: MachineFingerprint) {
        self.error = error
        self.failedStep = failedStep
        self.metrics = metrics
        self.curve = curve
        self.trainableParameters = trainableParameters
        self.machine = machine
    }

    /// The final loss, for progress lines.
    public var finalLoss: Double? { metrics.first { $0.name == MetricName.finalLoss.rawValue }?.value }
}
