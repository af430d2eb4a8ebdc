import ArgumentParser
import Foundation
import Sweeps

struct Base: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pretrain the base model from its recipe, score it, and write it with its report.",
        discussion: """
            Builds the pretraining corpus (WordNet glosses and examples beside the generated world of \
            the recipe's seed), trains the byte-level BPE tokenizer on it, pretrains the Llama the recipe \
            describes, and writes config.json, model.safetensors, tokenizer.json, recipe.json (the \
            recipe's hash), training.json (the loss curve) and evaluation.json (the benchmark suite and \
            its unigram floors) to --out. Every --checkpoint-minutes of training, and when --max-steps \
            stops it, the run saves pretraining-checkpoint.safetensors in --out; started again with the \
            same recipe and --out, it resumes from there and ends with the same bits as an uninterrupted \
            run; the checkpoint is removed once the whole recipe is trained. `make base` runs it; \
            `sweep base --report-only` re-renders the report from those files.

              sweep base --recipe experiments/base.toml --out results/base \\
                --report results/base.md
            """)

    @Option(help: "The recipe (TOML).") var recipe = "experiments/base.toml"
    @Option(help: "Directory to write the model to.") var out = "results/base"
    @Option(help: "Markdown report to write (its chart goes beside it, under <report name>/). Default: <out>.md, beside --out.")
    var report: String?
    @Option(help: "Stop after this many steps (a quick trial of the recipe; the schedule still spans the recipe's steps).")
    var maxSteps: Int?
    @Option(name: .customLong("log-every"), help: "Print progress every N steps.") var logEvery = 50
    @Option(name: .customLong("checkpoint-minutes"), help: "Minutes of training between two checkpoints in --out: an interrupted run, started again with the same recipe and --out, resumes from the last one, bit for bit.")
    var checkpointMinutes = 5.0
    @Flag(name: .customLong("report-only"), help: "Only re-render the report from the files in --out.")
    var reportOnly = false

    @OptionGroup var threads: TrainingThreadOptions

    /// The report's path: --report, or the model directory's name with .md beside it, so that a trial
    /// into /tmp/trial never overwrites results/base.md.
    var reportPath: String {
        if let report { return report }
        let directory = String(out.reversed().drop { $0 == "/" }.reversed())
        return (directory.isEmpty || directory.hasSuffix(".") ? "base" : directory) + ".md"
    }

    func run() throws {
        let report = reportPath
        if reportOnly { return try BaseReport.write(modelDirectory: out, to: report) }
        var pretraining = try BasePretraining(recipePath: recipe, out: out)
        pretraining.threads = threads.workers()
        pretraining.maxSteps = maxSteps
        pretraining.logEvery = logEvery
        pretraining.checkpointMinutes = checkpointMinutes
        try pretraining.run(report: report)
    }
}
