@testable import Experiments

/// The experiment file from the module's specification, verbatim.
let alphaRankFile = #"""
name = "alpha-rank"
purpose = "How LoRA's rank and alpha trade off on the Alpaca analogue"
base = "results/base"          # base model directory (relative to the current directory)
dataset = "alpaca"             # alpaca | lima | a path to Alpaca JSON/JSONL
benchmarks = ["truthful-mc1", "truthful-mc2", "causative", "facts", "arith-2ds", "arith-4ds"]
metric = "facts"               # a benchmark name, or "heldout-loss"
higher_is_better = true

[defaults]
rank = 8
alpha = "2 * rank"             # a derived knob: an arithmetic expression over other knobs
dropout = 0.05
targets = ["q", "v"]
quantization = "none"
optimizer = "adamw"
lr = 3e-3
schedule = "cosine"
warmup = 10                    # optimizer steps
passes = 1
batch = 8
micro_batch = 1

[grid]
rank = [4, 8, 16]
alpha = ["rank / 2", "rank", "2 * rank"]
seeds = [1, 2, 3]

[[exclude]]
rank = 4
alpha = "rank / 2"

[[include]]
rank = 64
alpha = 128
targets = ["all"]

[check]
reproduce_seed = 1
[check.max_spread]             # largest allowed (max − min) across seeds, per metric
facts = 0.05
heldout-loss = 0.05
"""#

let fingerprint = Fingerprint(baseModelHash: "base-hash", datasetHash: "data-hash", codeVersion: "v1")

/// A small valid file: a header followed by `body`.
func experiment(_ body: String) -> String {
    "name = \"t\"\npurpose = \"testing\"\n" + body
}

func parse(_ source: String) throws(ExperimentFileError) -> ExperimentFile {
    try ExperimentFile.parse(source: source, path: "experiments/t.toml")
}

/// The error parsing and then expanding `source` gives, nil if both succeed.
func failure(_ source: String, maxRuns: Int = 500) -> ExperimentFileError? {
    do {
        _ = try parse(source).expand(maxRuns: maxRuns)
        return nil
    } catch {
        return error
    }
}
