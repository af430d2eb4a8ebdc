#!/usr/bin/env python3
"""`sweep memory`'s prediction at the article's configurations beside the article's measured peak memory.

    python3 Benchmarks/article-memory.py .build/release/sweep Benchmarks/article-memory.toml

make article-memory runs it. The assumptions are the TOML file's, declared (and committed) before the
comparison was made; this script only reads them, asks `sweep memory … --json` for each configuration at
each declared sequence length, and prints Markdown tables in GB (10⁹ bytes, as torch's numbers were
printed):

- one table per sequence length: the prediction by component, the article's measurement, the
  difference (predicted − measured) and the ratio (predicted / measured);
- one table of the sequence length at which each prediction would equal its measurement (with a
  fused attention kernel and one row per pass every component is linear in T, so two lengths give
  it exactly). It is a diagnostic of what the prediction leaves out, not an input: the table above
  it is at the declared lengths only.

Components, summed from `sweep memory`'s: weights (the base, bf16 and NF4), trained (the adapter, its
gradient, the optimizer's buffers), saved activations (what the forward pass keeps for the backward
pass: activations, attention statistics, logits, the adapter's inputs), working buffers (the backward
pass's activation gradients, the adapter's scratch, one dequantized weight).
"""
import json
import subprocess
import sys
import tomllib
from pathlib import Path

GROUPS = {
    "weights": ["weights", "quantized weights"],
    "trained": ["adapter", "gradients", "optimizer state"],
    "saved activations": ["activations", "attention statistics", "attention probabilities", "logits", "adapter activations"],
    "working buffers": ["activation gradients", "adapter scratch", "dequantization scratch"],
}


def predict(sweep, spec, configuration, T):
    command = [sweep, "memory", spec["shape"], "--mode", configuration["mode"], "--rank", str(configuration["rank"]),
               "--targets", configuration["targets"], "--dropout", str(spec["dropout"]),
               "--optimizer", configuration["optimizer"], "--batch", str(spec["batch"]),
               "--micro-batch", str(spec["micro_batch"]), "--threads", str(spec["threads"]), "--seq-len", str(T),
               "--precision", spec["precision"], "--attention", spec["attention"], "--json"]
    if configuration["mode"] == "qlora":
        command += ["--quantization", spec["quantization"]] + (["--quantize-head"] if spec["quantize_head"] else [])
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    report = json.loads(result.stdout)
    names = {c["name"] for c in report["components"]}
    known = {name for group in GROUPS.values() for name in group}
    if names - known:
        sys.exit(f"components this script does not group: {sorted(names - known)}")
    grouped = {group: sum(c["bytes"] for c in report["components"] if c["name"] in members) for group, members in GROUPS.items()}
    return grouped, report["peak_memory_bytes"], report["trained_parameters"]


def gb(value):
    return f"{value / 1e9:.2f}"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sweep, path = sys.argv[1], Path(sys.argv[2])
    spec = tomllib.loads(path.read_text())
    configurations = spec["configuration"]
    print(f"Predicted by `sweep memory {spec['shape']} --precision {spec['precision']} --attention {spec['attention']}"
          f" --batch {spec['batch']} --micro-batch {spec['micro_batch']} --threads {spec['threads']}"
          f" --dropout {spec['dropout']}` (QLoRA: --quantization {spec['quantization']}"
          f"{' --quantize-head' if spec['quantize_head'] else ''}), assumptions in {path}. GB are 10⁹ bytes.")
    totals = {}
    for T in spec["seq_lens"]:
        print(f"\nT = {T:,} positions (one row per pass):\n")
        print("| configuration | trained parameters | weights | trained | saved activations | working buffers "
              "| predicted | measured | predicted − measured | predicted / measured |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for configuration in configurations:
            grouped, total, trained = predict(sweep, spec, configuration, T)
            totals[(configuration["name"], T)] = total
            measured = configuration["measured_gb"] * 1e9
            print(f"| {configuration['name']} | {trained:,} | " + " | ".join(gb(grouped[g]) for g in GROUPS)
                  + f" | {gb(total)} | {configuration['measured_gb']:.2f} | {(total - measured) / 1e9:+.2f} | {total / measured:.2f} |")
    first, second = spec["seq_lens"][0], spec["seq_lens"][1]
    print("\nThe sequence length at which the prediction would equal the measurement (a diagnostic, not an input):\n")
    print("| configuration | predicted at T = 0 (no activations) | predicted per position | measured | T |")
    print("|---|---:|---:|---:|---:|")
    for configuration in configurations:
        name = configuration["name"]
        slope = (totals[(name, second)] - totals[(name, first)]) / (second - first)
        fixed = totals[(name, first)] - slope * first
        implied = (configuration["measured_gb"] * 1e9 - fixed) / slope
        print(f"| {name} | {gb(fixed)} | {slope / 1e6:.3f} MB | {configuration['measured_gb']:.2f} | {implied:,.0f} |")


if __name__ == "__main__":
    main()
