import ArgumentParser
import Foundation
import Sweeps

/// `sweep export RUN_ID`: a run's kept adapter, out of the results directory.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a done run's adapter in PEFT's format, or merged into its base model.",
        discussion: """
            Every run a sweep trains keeps its adapter beside the database, in adapters/<run id>, \
            and the database records it. This writes it out: adapter_config.json (r, lora_alpha, \
            target_modules as Hugging Face module names, use_rslora, base_model_name_or_path) and \
            adapter_model.safetensors, which PEFT's PeftModel.from_pretrained loads; with \
            --merged, the base model with the adapter folded in (over the NF4 weights it was \
            trained with, for QLoRA), which transformers loads as a plain LlamaForCausalLM. Run \
            ids are in `sweep plan`, the reports and the runs table.

              RUN=$(sweep best alpha-rank --ids | head -1)
              sweep export $RUN --out adapters/one
              sweep export $RUN --merged --out models/merged
            """)

    @Argument(help: ArgumentHelp("The run's id (16 hex digits).", valueName: "run-id")) var runID: String
    @Option(help: "The results database.") var db = ExperimentSession.defaultDatabase
    @Option(help: "Directory to write to.") var out: String
    @Flag(help: "Write the base model with the adapter merged instead of the adapter.") var merged = false

    func run() throws {
        let store = try ExperimentSession.openForReading(db)
        try AdapterExport(store: store, runID: runID).write(to: URL(fileURLWithPath: out), merged: merged)
        printProgress("wrote \(out): run \(runID)'s \(merged ? "base model with its adapter merged" : "adapter")")
    }
}

/// `sweep best EXPERIMENT`: the arm with the best mean over its seeds, and its adapters.
struct Best: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Name an experiment's best configuration by its mean over seeds, and export its runs' adapters.",
        discussion: """
            Runs that differ only in their seed form an arm; arms are ranked by the mean of \
            --metric over their seeds (default: the experiment's metric, in its direction). \
            Prints the ranking (with --ids, only the best arm's run ids, one per line); with \
            --out, writes each of the best arm's runs' adapters to <out>/<run id>, as `sweep \
            export` does.

              sweep best alpha-rank
              sweep best alpha-rank --metric facts --out adapters/best
            """)

    @Argument(help: "The experiment's name.") var experiment: String
    @Option(help: "The metric to rank by (default: the experiment's).") var metric: String?
    @Option(help: "The results database.") var db = ExperimentSession.defaultDatabase
    @Option(help: "Directory to export the best arm's adapters to.") var out: String?
    @Flag(help: "Print only the best arm's run ids, one per line.") var ids = false

    func run() throws {
        let store = try ExperimentSession.openForReading(db)
        let ranking = try BestArm(experiment: experiment, metric: metric, store: store)
        if ids { ranking.best.runIDs.forEach { print($0) } } else { printRanking(ranking) }
        guard let out else { return }
        for id in ranking.best.runIDs {
            try AdapterExport(store: store, runID: id).write(to: URL(fileURLWithPath: out).appendingPathComponent(id), merged: false)
            printProgress("wrote \(out)/\(id)")
        }
    }

    func printRanking(_ ranking: BestArm) {
        print("\(experiment): arms by mean \(ranking.metric) over seeds (\(ranking.higherIsBetter ? "higher" : "lower") is better)")
        for (place, arm) in ranking.ranking.enumerated() {
            print(String(format: "%2d. %.4f over %d seed(s)  %@  runs %@", place + 1, arm.mean, arm.values.count,
                         arm.label, arm.runIDs.joined(separator: ",")))
        }
    }
}
