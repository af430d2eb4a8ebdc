#!/usr/bin/env python3
"""`sweep memory`'s prediction against real runs: the memory ledger's peak and the process's RSS.

    python3 Benchmarks/memory-check.py .build/release/sweep                       # SmolLM2-135M's shape
    python3 Benchmarks/memory-check.py .build/release/sweep --shape results/base  # any shape sweep memory takes

Writes a random model of the shape (`sweep init-model`), 8 examples of token ids whose longest fills
--seq-len positions, then for LoRA and QLoRA (nf4-dq): `sweep memory` (the prediction) and `sweep
finetune` on the same settings (a few steps), and prints one table. Measured per run:

- ledger: the tensor ledger's peak while training (lora_sweep.json's peak_memory_bytes), which the
  prediction must equal to the byte, and the prediction the run recorded itself;
- RSS training: VmHWM from the start of training (peak_rss_bytes: the high-water mark is reset once the
  base is loaded and quantized), against the predicted tensors plus the estimated runtime;
- RSS whole run: the largest RSS sampled from /proc/PID/smaps every 10 ms over the whole process (loading
  and QLoRA's quantization included), against the predicted process peak, without and with the pages
  of the memory-mapped checkpoint while it is read: page cache the kernel can reclaim, not memory
  the run needs.

Exit status 1 if a prediction differs from its ledger or an estimate is off by more than 10%.

make memory-check runs it; Benchmarks/BENCHMARKS.md has its output.
"""
import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def sample(command, checkpoint):
    """Runs `command`, reading /proc/PID/smaps every 10 ms. Returns its stdout, the peak RSS, and the peak
    RSS without the pages of `checkpoint` (the memory-mapped model.safetensors), in bytes."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, peak_without = 0, 0
    smaps = Path(f"/proc/{process.pid}/smaps")
    while process.poll() is None:
        try:
            total, mapped, current = 0, 0, ""
            for line in smaps.read_text().splitlines():
                if line.startswith("Rss:"):
                    kilobytes = int(line.split()[1])
                    total += kilobytes
                    mapped += kilobytes if current.endswith(checkpoint) else 0
                elif not line[:1].isupper():  # a mapping's header: address range, …, path
                    current = line.strip()
            peak, peak_without = max(peak, total * 1024), max(peak_without, (total - mapped) * 1024)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
        time.sleep(0.01)
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-3000:]}")
    return stdout, peak, peak_without


def mb(value):
    return f"{value / 1e6:,.1f} MB"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep", help="the sweep binary (a release build)")
    parser.add_argument("--shape", default="smollm2-135m", help="a published shape, a config.json or a model directory")
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--micro-batch", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--examples", type=int, default=8, help="training examples: examples / batch steps")
    parser.add_argument("--modes", default="lora,qlora")
    parser.add_argument("--targets", default="q,v")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON too")
    arguments = parser.parse_args()
    sweep = str(Path(arguments.sweep).resolve())

    with tempfile.TemporaryDirectory(prefix="memory-check-") as work:
        model = f"{work}/model"
        subprocess.run([sweep, "init-model", arguments.shape, "--out", model], check=True, stderr=subprocess.DEVNULL)
        config = json.loads(Path(model, "config.json").read_text())
        vocab, eos = config["vocab_size"], config.get("eos_token_id") is not None
        # T = prompt + response (+ eos) - 1 positions: the longest example fills --seq-len.
        generator = random.Random(1)
        with open(f"{work}/data.jsonl", "w") as data:
            for i in range(arguments.examples):
                length = arguments.seq_len + (0 if eos else 1) - (i % 3) * 8
                prompt = length // 2
                ids = [generator.randrange(vocab) for _ in range(length)]
                data.write(json.dumps({"prompt_ids": ids[:prompt], "response_ids": ids[prompt:]}) + "\n")

        rows = []
        for mode in arguments.modes.split(","):
            settings = ["--targets", arguments.targets, "--batch", str(arguments.batch), "--micro-batch",
                        str(arguments.micro_batch), "--threads", str(arguments.threads)]
            quantization = ["--quantization", "nf4-dq"] if mode == "qlora" else []
            predicted = json.loads(subprocess.run(
                [sweep, "memory", model, "--mode", mode, *quantization, "--seq-len", str(arguments.seq_len), *settings, "--json"],
                check=True, capture_output=True, text=True).stdout)
            stdout, whole_rss, whole_without = sample(
                [sweep, "finetune", "--model", model, "--data", f"{work}/data.jsonl", "--out", f"{work}/{mode}", *quantization,
                 *settings, "--log-every", "1000", "--json"], checkpoint=f"{model}/model.safetensors")
            measured = json.loads(stdout)
            rows.append({
                "mode": mode + (" (nf4-dq)" if mode == "qlora" else ""),
                "predicted_tensors": predicted["peak_memory_bytes"],
                "recorded_prediction": measured.get("predicted_peak_memory_bytes"),
                "ledger": measured["peak_memory_bytes"],
                "categories_match": {k: v for k, v in measured["peak_memory_by_category"].items() if v}
                == predicted["peak_memory_by_category"],
                "predicted_training_rss": predicted["peak_memory_bytes"] + predicted["runtime_bytes"],
                "training_rss": measured["peak_rss_bytes"],
                "predicted_loading": predicted["loading_peak_bytes"],
                "predicted_process": predicted["process_peak_bytes"],
                "whole_rss": whole_rss,
                "whole_rss_without_checkpoint": whole_without,
                "steps": measured["steps"],
                "tokens_per_second": measured["tokens_per_second"],
            })

    print(f"shape {arguments.shape}: {arguments.examples} examples, steps of {arguments.batch} in micro-batches of "
          f"{arguments.micro_batch}, T = {arguments.seq_len}, targets {arguments.targets}, {arguments.threads} worker threads")
    print()
    print("| run | predicted tensors | ledger peak | predicted tensors + runtime | peak RSS, training | error "
          "| predicted process peak | peak RSS, whole run, without the mapped checkpoint | error | peak RSS, whole run |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    failed = False
    for r in rows:
        training_error = r["predicted_training_rss"] / r["training_rss"] - 1
        whole_error = r["predicted_process"] / r["whole_rss_without_checkpoint"] - 1
        print(f"| {r['mode']} | {mb(r['predicted_tensors'])} | {mb(r['ledger'])} | {mb(r['predicted_training_rss'])} | "
              f"{mb(r['training_rss'])} | {training_error:+.1%} | {mb(r['predicted_process'])} | "
              f"{mb(r['whole_rss_without_checkpoint'])} | {whole_error:+.1%} | {mb(r['whole_rss'])} |")
        exact = r["predicted_tensors"] == r["ledger"] == r["recorded_prediction"] and r["categories_match"]
        failed |= not exact or abs(training_error) > 0.10 or abs(whole_error) > 0.10
    print("(MB: 10⁶ bytes)")
    print()
    for r in rows:
        print(f"{r['mode']}: prediction {'equals' if r['predicted_tensors'] == r['ledger'] else 'DIFFERS FROM'} the ledger "
              f"({r['predicted_tensors']:,} and {r['ledger']:,} bytes; by category: {'equal' if r['categories_match'] else 'DIFFERENT'}); "
              f"{r['steps']} steps at {r['tokens_per_second']:,.0f} tokens/s")
    if arguments.json:
        print(json.dumps(rows, indent=1))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
