import ArgumentParser
import Evaluation
import Experiments
import Foundation
import Sweeps
import Kernels
import Model
import TextData
import Training

struct Base: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pretrain the base model from its recipe, score it, and write it with its report.",
        discussion: """
            Builds the pretraining corpus (WordNet glosses and examples beside the generated world of \
            the recipe's seed), trains the byte-level BPE tokenizer on it, pretrains the Llama the recipe \
            describes, and writes config.json, model.safetensors, tokenizer.json, recipe.json (the \
            recipe's hash), training.json (the loss curve) and evaluation.json (the benchmark suite and \
            its unigram floors) to --out. `make base` runs it; `sweep base --report-only` re-renders \
            the report from those files.

              sweep base --recipe experiments/base.toml --out results/base --report results/base.md
            """)

    @Option(help: "The recipe (TOML).") var recipe = "experiments/base.toml"
    @Option(help: "Directory to write the model to.") var out = "results/base"
    @Option(help: "Markdown report to write (its chart goes beside it, under <report name>/).")
    var report = "results/base.md"
    @Option(help: "Stop after this many steps (a quick trial of the recipe; the schedule still spans the recipe's steps).")
    var maxSteps: Int?
    @Option(name: .customLong("log-every"), help: "Print progress every N steps.") var logEvery = 50
    @Flag(name: .customLong("report-only"), help: "Only re-render the report from the files in --out.")
    var reportOnly = false

    @OptionGroup var threads: TrainingThreadOptions

    func run() throws {
        if reportOnly { return try BaseReport.write(modelDirectory: out, to: report) }
        let workers = threads.workers()
        let recipe: BaseRecipe
        do { recipe = try BaseRecipe.load(path: self.recipe) } catch let error as RecipeError { throw CommandError(error.description) }

        let clock = Date()
        var corpusConfiguration = PretrainingCorpus.Configuration.default
        corpusConfiguration.wordNetBytes = recipe.wordNetBytes
        let corpus = try PretrainingCorpus.build(seed: recipe.worldSeed, configuration: corpusConfiguration)
        printProgress("corpus: \(corpus.summary)")
        let tokenizer = corpus.trainTokenizer(vocabularySize: recipe.vocabularySize)
        let stream = corpus.texts.flatMap { tokenizer.encode($0, addBOS: true, addEOS: true) }
        let preparationSeconds = Date().timeIntervalSince(clock)
        printProgress(String(format: "tokenizer: %d tokens; the corpus is %d tokens (%.1f s to build both)",
                             tokenizer.vocabularySize, stream.count, preparationSeconds))

        var config = LlamaConfig(
            dim: recipe.dim, hiddenDim: recipe.resolvedHidden, nLayers: recipe.layers, nHeads: recipe.heads,
            nKVHeads: recipe.kvHeads, vocabSize: tokenizer.vocabularySize, maxSeqLen: recipe.sequenceLength,
            ropeTheta: recipe.ropeTheta, tiedEmbeddings: recipe.tied)
        config.bosTokenID = Int(SpecialToken.bos.id)
        config.eosTokenID = Int(SpecialToken.eos.id)
        if let problem = config.problems().first { throw CommandError("\(self.recipe): invalid model shape: \(problem)") }
        let model = Llama(config: config)
        model.initialize(seed: recipe.seed)

        var parameters = Pretraining.Parameters(
            batchSize: recipe.batch, sequenceLength: recipe.sequenceLength, steps: recipe.steps, learningRate: Float(recipe.lr))
        parameters.accumulation = recipe.accumulation
        guard let schedule = ScheduleShape(rawValue: recipe.schedule) else {
            throw BadInput("\(self.recipe): training.schedule: expected one of \(ScheduleShape.allCases.map(\.rawValue).joined(separator: ", ")), got \(recipe.schedule)")
        }
        parameters.schedule = schedule
        parameters.warmupSteps = recipe.warmup
        parameters.minimumLearningRateFactor = Float(recipe.minimumLRFactor)
        parameters.weightDecay = Float(recipe.weightDecay)
        parameters.maxGradientNorm = recipe.clip > 0 ? Float(recipe.clip) : nil
        parameters.seed = recipe.seed
        parameters.threads = workers
        let stopAt = min(maxSteps ?? recipe.steps, recipe.steps)

        printProgress("pretraining \(model.parameterCount) parameters (dim \(config.dim), \(config.nLayers) layers, vocab \(config.vocabSize)) for \(stopAt) steps of \(parameters.tokensPerStep) tokens (\(String(format: "%.1f", Double(stopAt * parameters.tokensPerStep) / Double(stream.count))) passes), \(workerThreadsDescription(workers))")
        let summary = Pretraining.run(model: model, tokens: stream, parameters: parameters) { progress in
            let step = progress.result.step + 1
            if step % logEvery == 0 || step == stopAt || step == 1 {
                printProgress(TrainingProgress(result: progress.result, totalSteps: stopAt, elapsedSeconds: progress.elapsedSeconds,
                                               tokensPerSecond: progress.tokensPerSecond).description)
            }
            return progress.result.loss.isFinite && step < stopAt
        }
        guard summary.finalLoss.isFinite else {
            throw CommandError("pretraining diverged at step \(summary.steps) (loss \(summary.finalLoss)); lower the recipe's lr")
        }
        let directory = URL(fileURLWithPath: out)
        try model.save(to: directory)
        try tokenizer.savePretrained(to: directory, modelMaxLength: config.maxSeqLen)
        try BaseRecord.Recipe(path: self.recipe, sha256: recipe.hash, settings: recipe.canonicalText)
            .write(to: directory.appendingPathComponent(BaseRecord.recipeFile))
        let training = BaseRecord.Training(
            parameters: model.parameterCount, corpusTokens: stream.count, steps: summary.steps, plannedSteps: recipe.steps,
            tokens: summary.tokens, passes: Double(summary.tokens) / Double(stream.count), finalLoss: summary.finalLoss,
            trainingSeconds: summary.wallSeconds, preparationSeconds: preparationSeconds,
            tokensPerSecond: summary.tokensPerSecond, blas: workerThreadsDescription(workers), losses: summary.losses)
        try training.write(to: directory.appendingPathComponent(BaseRecord.trainingFile))
        printProgress(String(format: "wrote %@: final loss %.4f, %.0f tokens/s, %@", out, summary.finalLoss,
                             summary.tokensPerSecond, formatDuration(summary.wallSeconds)))

        printProgress("scoring the benchmark suite and its unigram floors")
        let world = World(seed: recipe.worldSeed)
        let (results, _, evaluation) = try SuiteEvaluation.run(
            model: model, tokenizer: tokenizer, world: world, tasks: BenchmarkTask.allCases, configuration: .default,
            floor: true, heldOut: .alpaca)
        try jsonEncoder().encode(evaluation).write(to: directory.appendingPathComponent(BaseRecord.evaluationFile))
        printProgress(String(format: "scored in %.1f s", results.seconds))
        try BaseReport.write(modelDirectory: out, to: report)
    }
}
