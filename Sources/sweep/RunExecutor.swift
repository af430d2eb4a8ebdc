import Adapters
import Evaluation
import Experiments
import Foundation
import Kernels
import Model
import ResultsStore
import TextData
import Training

/// One run of a sweep from start to finish, inside a worker process: load the base, fine-tune the
/// adapter the configuration describes, score the benchmarks and the held-out loss, and measure.
struct RunExecutor {
    /// Bumped whenever a change to the code changes what a run computes: it is part of every run id, so
    /// runs of an older version are trained again instead of mixed with new ones.
    static let numericsVersion = "lora-sweep-numerics-1"

    let baseDirectory: String
    let configuration: RunConfiguration

    /// What a worker hands back: everything the results store keeps of a run.
    struct Outcome: Codable {
        var error: String?
        var failedStep: Int?
        var metrics: [Metric]
        var curve: [CurvePoint]
        var trainableParameters: Int
        var machine: MachineFingerprint
    }

    func execute(progress: (TrainingProgress) -> Void) throws -> Outcome {
        let data = try RunData.load(dataset: configuration.dataset, baseDirectory: baseDirectory)
        let base = try quantization.prepare(loadModel(baseDirectory))
        var p = try parameters()
        p.eos = base.config.eosTokenID.map(Int32.init)
        let train = data.set.trainRecords.prefix(configuration.trainExamples ?? .max).map {
            InstructionExample(prompt: data.tokenizer.encode($0.prompt, addBOS: true), response: data.tokenizer.encode($0.response))
        }
        guard !train.isEmpty else { throw CommandError("the dataset \(configuration.dataset) has no training examples") }
        let T = FineTuning.sequenceLength(examples: train, parameters: p, model: base.config)
        let unlearnable = train.filter { $0.prompt.count >= T }.count
        if unlearnable == train.count {
            throw CommandError("every prompt is at least \(T) tokens long, the most the model takes: no response token is left to learn (a base model with a longer seq_len, or shorter prompts, help)")
        } else if unlearnable > 0 {
            FileHandle.standardError.write(Data("warning: \(unlearnable) of \(train.count) examples have prompts of \(T) tokens or more and teach nothing\n".utf8))
        }
        let adapter = LoRA(config: p.lora, modelConfig: base.config, capacityRows: p.microBatchSize * T, seed: p.seed)

        var curve: [CurvePoint] = []
        curve.reserveCapacity((train.count * p.passes + p.batchSize - 1) / p.batchSize)
        let summary = FineTuning.run(model: base, adapter: adapter, examples: train, parameters: p) { report in
            curve.append(CurvePoint(step: report.result.step, loss: Double(report.result.loss), lr: Double(report.result.learningRate)))
            progress(report)
            return true
        }
        let machine = MachineFingerprint(cpu: Self.cpuName, blas: BLAS.coreName, threads: BLAS.threads)
        if let step = summary.divergedAtStep {
            return Outcome(error: "diverged at step \(step + 1): loss \(summary.losses.last ?? .nan)", failedStep: step,
                           metrics: [], curve: curve, trainableParameters: adapter.trainableParameters, machine: machine)
        }

        var metrics = trainingMetrics(summary)
        metrics += try evaluate(base: base, trained: adapter, data: data)
        return Outcome(error: nil, failedStep: nil, metrics: metrics, curve: curve,
                       trainableParameters: adapter.trainableParameters, machine: machine)
    }

    var quantization: Quantization {
        switch configuration.quantization {
        case .none: .none
        case .nf4: .nf4
        case .nf4DoubleQuantized: .nf4DoubleQuant
        }
    }

    func parameters() throws -> FineTuning.Parameters {
        let c = configuration
        var p = FineTuning.Parameters()
        p.lora = LoRAConfig(rank: c.rank, alpha: Float(c.alpha), dropout: Float(c.dropout),
                            targets: try LoRAConfig.parseTargets(c.targets.joined(separator: ",")), useRSLoRA: c.rslora)
        p.optimizer = Trainer.OptimizerChoice(rawValue: c.optimizer.rawValue)!
        p.learningRate = Float(c.lr)
        p.schedule = LearningRateSchedule.Shape(rawValue: c.schedule.rawValue)!
        p.warmupSteps = c.warmup
        p.passes = c.passes
        p.batchSize = c.batch
        p.microBatchSize = c.microBatch
        p.weightDecay = c.weightDecay.map(Float.init)
        p.maxGradientNorm = c.clip > 0 ? Float(c.clip) : nil
        p.maxLength = c.maxLength
        p.seed = UInt64(c.seed)
        if let problem = p.problems().first { throw CommandError("invalid run configuration: \(problem)") }
        return p
    }

    /// Loss at the end (the mean of the last 10 steps: one step's loss on 8 examples is noisy), speed,
    /// time and memory.
    func trainingMetrics(_ s: FineTuning.Summary) -> [Metric] {
        let tail = s.losses.suffix(10).map(Double.init)
        var metrics = [
            Metric(name: "final-loss", value: tail.reduce(0, +) / Double(max(tail.count, 1)), stderr: nil, n: tail.count),
            Metric(name: "steps", value: Double(s.steps), stderr: nil, n: nil),
            Metric(name: "train-examples", value: Double(s.examplesSeen), stderr: nil, n: nil),
            Metric(name: "train-tokens", value: Double(s.tokens), stderr: nil, n: nil),
            Metric(name: "tokens-per-second", value: s.tokensPerSecond, stderr: nil, n: nil),
            Metric(name: "wall-seconds", value: s.wallSeconds, stderr: nil, n: nil),
            Metric(name: "peak-memory-bytes", value: Double(s.peakMemoryBytes), stderr: nil, n: nil),
            Metric(name: "peak-rss-bytes", value: Double(s.peakRSSBytes), stderr: nil, n: nil),
        ]
        for (category, bytes) in s.peakMemoryByCategory.sorted(by: { $0.key < $1.key }) {
            metrics.append(Metric(name: "peak-memory-bytes.\(category)", value: Double(bytes), stderr: nil, n: nil))
        }
        return metrics
    }

    /// The configuration's benchmarks and the held-out loss, with the trained adapter copied into one
    /// sized for scoring (training sized its buffers for one micro-batch).
    func evaluate(base: Llama, trained: LoRA, data: RunData) throws -> [Metric] {
        let started = Date()
        let rows = LlamaLanguageModel.adapterRows(maxLength: base.config.maxSeqLen)
        let scoring = LoRA(config: trained.config, modelConfig: base.config, capacityRows: rows, seed: 0)
        scoring.parameters.pointer.update(from: trained.parameters.pointer, count: trained.parameters.count)
        scoring.training = false
        base.adapter = scoring
        let language = LlamaLanguageModel(model: base, tokenizer: data.tokenizer)

        var metrics: [Metric] = []
        let tasks = configuration.benchmarks.compactMap(BenchmarkTask.init(rawValue:))
        if !tasks.isEmpty {
            var benchmarkConfiguration = Benchmarks.Configuration.default
            if let limit = configuration.evalLimit { benchmarkConfiguration = benchmarkConfiguration.limited(to: limit) }
            let results = Benchmarks.run(model: language, tasks: tasks, world: data.world, configuration: benchmarkConfiguration)
            for task in tasks {
                let score = results[task]!.score
                metrics.append(Metric(name: task.rawValue, value: score.score, stderr: score.stderr, n: score.n))
            }
        }
        let heldOut = data.set.heldOutRecords.prefix(configuration.evalLimit ?? .max)
            .map { $0.request(tokenizer: data.tokenizer, eos: base.config.eosTokenID.map(Int32.init)) }
        if !heldOut.isEmpty {
            let loss = HeldOutLoss.measure(model: language, examples: Array(heldOut))
            metrics.append(Metric(name: HeldOutLoss.taskName, value: loss.score, stderr: loss.stderr, n: loss.n))
        }
        metrics.append(Metric(name: "eval-seconds", value: Date().timeIntervalSince(started), stderr: nil, n: nil))
        return metrics
    }

    /// /proc/cpuinfo's model name, or the architecture when there is none.
    static var cpuName: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) }
            ?? ProcessInfo.processInfo.environment["HOSTTYPE"] ?? "unknown"
    }
}

/// A run's data: the base model's tokenizer and world, and the instruction set the configuration names.
struct RunData {
    let tokenizer: BPETokenizer
    let world: World
    let set: InstructionSet

    static func load(dataset: String, baseDirectory: String) throws -> RunData {
        let tokenizer = try BaseModel.tokenizer(baseDirectory)
        let world = World(seed: BaseModel.worldSeed(baseDirectory))
        let set: InstructionSet
        if let builtin = InstructionSet.Builtin(rawValue: dataset) {
            do { set = try InstructionSet.builtin(builtin, world: world) } catch let error as CustomStringConvertible {
                throw CommandError(error.description)
            }
        } else {
            do { set = InstructionSet.imported(try AlpacaFile.read(URL(fileURLWithPath: dataset))) } catch {
                throw CommandError(error.description)
            }
        }
        return RunData(tokenizer: tokenizer, world: world, set: set)
    }

    /// SHA-256 of the examples as fine-tuning and the held-out loss read them: a dataset's identity in run ids.
    var hash: String {
        let text = AlpacaFile.alpacaJSONLines(set.trainRecords) + "\n--\n" + AlpacaFile.alpacaJSONLines(set.heldOutRecords)
        return sha256Hex(Data(text.utf8))
    }
}
