import Evaluation
import Experiments
import Foundation
import Kernels
import Model
import TextData
import Tokenization
import Training

/// `sweep base`: pretrains the base model from its recipe and writes the model directory every
/// experiment fine-tunes — config.json, model.safetensors, tokenizer.json, recipe.json,
/// training.json, evaluation.json — then its report.
public struct BasePretraining {
    public let recipePath: String
    public let recipe: BaseRecipe
    /// The model directory as given: the report names it so.
    public let out: String
    public let directory: URL
    /// Stop after this many steps (a trial of the recipe; the schedule still spans all its steps).
    public var maxSteps: Int?
    public var logEvery = 50
    /// Worker threads of the data-parallel steps: how fast the base trains, never what.
    public var threads = 1
    /// Minutes of training between two checkpoints in --out, from which an interrupted run resumes.
    public var checkpointMinutes = 5.0

    /// Where an unfinished pretraining keeps its checkpoint: inside --out, removed once the model is saved.
    public var checkpointURL: URL { directory.appendingPathComponent(PretrainingCheckpoint.fileName) }

    public init(recipePath: String, out: String) throws {
        self.recipePath = recipePath
        do { recipe = try BaseRecipe.load(path: recipePath) } catch let error as RecipeError { throw BadInput(error.description) }
        self.out = out
        directory = URL(fileURLWithPath: out)
    }

    /// The whole recipe: corpus and tokenizer, pretraining, the files, the benchmark suite, the report.
    public func run(report: String) throws {
        let clock = Date()
        let (tokenizer, stream) = try corpusAndTokenizer()
        let preparationSeconds = Date().timeIntervalSince(clock)
        printProgress(String(format: "tokenizer: %d tokens; the corpus is %d tokens (%.1f s to build both)",
                             tokenizer.vocabularySize, stream.count, preparationSeconds))
        let model = try initialModel(vocabularySize: tokenizer.vocabularySize)
        let summary = try pretrain(model, on: stream)
        try save(model, tokenizer: tokenizer, summary: summary, corpusTokens: stream.count, preparationSeconds: preparationSeconds)
        if summary.steps == recipe.steps { try? FileManager.default.removeItem(at: checkpointURL) }
        try score(model, tokenizer: tokenizer)
        try BaseReport.write(modelDirectory: out, to: report)
    }

    /// The pretraining corpus of the recipe's world, the tokenizer trained on it, and the corpus as one
    /// token stream (each document between BOS and EOS).
    func corpusAndTokenizer() throws -> (BPETokenizer, [Int32]) {
        var configuration = PretrainingCorpus.Configuration.default
        configuration.wordNetBytes = recipe.wordNetBytes
        let corpus = try PretrainingCorpus.build(seed: recipe.worldSeed, world: recipe.world, configuration: configuration)
        printProgress("corpus: \(corpus.summary)")
        let tokenizer = corpus.trainTokenizer(vocabularySize: recipe.vocabularySize)
        return (tokenizer, corpus.texts.flatMap { tokenizer.encode($0, addBOS: true, addEOS: true) })
    }

    func initialModel(vocabularySize: Int) throws -> Llama {
        var config = LlamaConfig(
            dim: recipe.dim, hiddenDim: recipe.resolvedHidden, nLayers: recipe.layers, nHeads: recipe.heads,
            nKVHeads: recipe.kvHeads, vocabSize: vocabularySize, maxSeqLen: recipe.sequenceLength,
            ropeTheta: recipe.ropeTheta, tiedEmbeddings: recipe.tied)
        config.bosTokenID = Int(SpecialToken.bos.id)
        config.eosTokenID = Int(SpecialToken.eos.id)
        if let problem = config.problems().first { throw BadInput("\(recipePath): invalid model shape: \(problem)") }
        let model = Llama(config: config)
        model.initialize(seed: recipe.seed)
        return model
    }

    func trainingParameters() throws -> Pretraining.Parameters {
        var parameters = Pretraining.Parameters(
            batchSize: recipe.batch, sequenceLength: recipe.sequenceLength, steps: recipe.steps, learningRate: Float(recipe.lr))
        parameters.accumulation = recipe.accumulation
        guard let schedule = ScheduleShape(rawValue: recipe.schedule) else {
            throw BadInput("\(recipePath): training.schedule: expected one of \(ScheduleShape.allCases.map(\.rawValue).joined(separator: ", ")), got \(recipe.schedule)")
        }
        parameters.schedule = schedule
        parameters.warmupSteps = recipe.warmup
        parameters.minimumLearningRateFactor = Float(recipe.minimumLRFactor)
        parameters.weightDecay = Float(recipe.weightDecay)
        parameters.maxGradientNorm = recipe.clip > 0 ? Float(recipe.clip) : nil
        parameters.seed = recipe.seed
        parameters.threads = threads
        return parameters
    }

    func pretrain(_ model: Llama, on stream: [Int32]) throws -> Pretraining.Summary {
        let parameters = try trainingParameters()
        let stopAt = min(maxSteps ?? recipe.steps, recipe.steps)
        let passes = Double(stopAt * parameters.tokensPerStep) / Double(stream.count)
        printProgress("pretraining \(model.parameterCount) parameters (dim \(model.config.dim), \(model.config.nLayers) layers, vocab \(model.config.vocabSize)) for \(stopAt) steps of \(parameters.tokensPerStep) tokens (\(String(format: "%.1f", passes)) passes), \(workerThreadsDescription(threads))")
        let checkpointing = Pretraining.Checkpointing(url: checkpointURL, identity: "recipe \(recipe.hash)",
                                                      intervalSeconds: checkpointMinutes * 60)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: checkpointURL.path) {
            printProgress("resuming from the checkpoint \(checkpointURL.path)")
        }
        let summary: Pretraining.Summary
        do {
            summary = try Pretraining.run(model: model, tokens: stream, parameters: parameters, checkpointing: checkpointing) { progress in
                let step = progress.result.step + 1
                if step % logEvery == 0 || step == stopAt || step == 1 {
                    printProgress(TrainingProgress(result: progress.result, totalSteps: stopAt, elapsedSeconds: progress.elapsedSeconds,
                                                   tokensPerSecond: progress.tokensPerSecond,
                                                   stepsThisSession: progress.stepsThisSession).description)
                }
                return progress.result.loss.isFinite && step < stopAt
            }
        } catch let error as CheckpointError {
            throw BadInput(error.description)  // a checkpoint in --out that cannot be resumed from: the user's to fix
        }
        if summary.resumedFrom > 0 { printProgress("resumed at step \(summary.resumedFrom) of \(recipe.steps)") }
        guard summary.finalLoss.isFinite else {
            throw CommandError("pretraining diverged at step \(summary.steps) (loss \(summary.finalLoss)); lower the recipe's lr")
        }
        return summary
    }

    func save(_ model: Llama, tokenizer: BPETokenizer, summary: Pretraining.Summary, corpusTokens: Int,
              preparationSeconds: Double) throws {
        try model.save(to: directory)
        try tokenizer.savePretrained(to: directory, modelMaxLength: model.config.maxSeqLen)
        try BaseRecord.Recipe(path: recipePath, sha256: recipe.hash, settings: recipe.canonicalText)
            .write(to: directory.appendingPathComponent(BaseRecord.recipeFile))
        let training = BaseRecord.Training(
            parameters: model.parameterCount, corpusTokens: corpusTokens, steps: summary.steps, plannedSteps: recipe.steps,
            tokens: summary.tokens, passes: Double(summary.tokens) / Double(corpusTokens), finalLoss: summary.finalLoss,
            trainingSeconds: summary.wallSeconds, preparationSeconds: preparationSeconds,
            tokensPerSecond: summary.tokensPerSecond, blas: workerThreadsDescription(threads), losses: summary.losses)
        try training.write(to: directory.appendingPathComponent(BaseRecord.trainingFile))
        printProgress(String(format: "wrote %@: final loss %.4f, %.0f tokens/s, %@", out, summary.finalLoss,
                             summary.tokensPerSecond, formatDuration(summary.wallSeconds)))
    }

    /// The benchmark suite and its unigram floors, into evaluation.json.
    func score(_ model: Llama, tokenizer: BPETokenizer) throws {
        printProgress("scoring the benchmark suite and its unigram floors")
        let (results, _, evaluation) = try SuiteEvaluation.run(
            model: model, encoding: .project(tokenizer), world: World(seed: recipe.worldSeed, configuration: recipe.world),
            tasks: BenchmarkTask.allCases, configuration: Benchmarks.Configuration(recipe.benchmarks), floor: true, heldOut: .alpaca)
        try jsonEncoder().encode(evaluation).write(to: directory.appendingPathComponent(BaseRecord.evaluationFile))
        printProgress(String(format: "scored in %.1f s", results.seconds))
    }
}
