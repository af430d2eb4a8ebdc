#!/usr/bin/env python3
"""Swift ÷ PyTorch training speed, measured side by side in one invocation.

    python3 Benchmarks/compare.py [--sweep .build-perf/release/sweep] [--configs base,3.4m] [--seconds 2]

For each config and thread count it runs `sweep bench --json` and Benchmarks/peer/peer.py in turn,
twice in the order Swift, PyTorch, PyTorch, Swift (so drift in the machine's load falls on both
alike), and prints the mean tokens/s of each and their ratio per mode, with Swift's MFU and
QLoRA's time over LoRA's. --json prints the rows instead.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(command):
    result = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(result.stdout)["results"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sweep", default=".build-perf/release/sweep", help="the sweep binary (release build)")
    parser.add_argument("--python", default=sys.executable, help="the Python with torch, transformers and peft")
    parser.add_argument("--configs", default="base,3.4m")
    parser.add_argument("--threads", default=None, help="comma-separated (default: 1 and every core)")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=2, help="Swift/PyTorch pairs per cell, in ABBA order")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    cores = os.cpu_count() or 1
    threads = [int(t) for t in args.threads.split(",")] if args.threads else sorted({1, cores})
    swift_runs, torch_runs = {}, {}

    def add(table, rows):
        for row in rows:
            table.setdefault((row["config"], row["threads"], row["mode"]), []).append(row)

    for config in args.configs.split(","):
        for n in threads:
            common = ["--configs", config, "--threads", str(n), "--seconds", str(args.seconds)]
            swift = [args.sweep, "bench", "--json"] + common
            torch = [args.python, os.path.join(HERE, "peer", "peer.py")] + common
            for round in range(args.rounds):
                order = [swift, torch] if round % 2 == 0 else [torch, swift]
                for command in order:
                    add(swift_runs if command is swift else torch_runs, run_json(command))

    rows = []
    for key in sorted(swift_runs, key=lambda k: (k[0], k[1], ["full", "lora", "qlora"].index(k[2]))):
        config, n, mode = key
        s = swift_runs[key]
        swift_tps = statistics.mean(r["tokens_per_second"] for r in s)
        row = dict(config=config, threads=n, mode=mode, dim=s[0]["dim"], layers=s[0]["layers"],
                   swift_tokens_per_second=swift_tps, mfu=statistics.mean(r["mfu"] for r in s))
        if key in torch_runs:
            torch_tps = statistics.mean(r["tokens_per_second"] for r in torch_runs[key])
            row.update(torch_tokens_per_second=torch_tps, ratio=swift_tps / torch_tps)
        lora = swift_runs.get((config, n, "lora"))
        if mode == "qlora" and lora:
            row["qlora_time_over_lora"] = statistics.mean(r["seconds_per_step"] for r in s) / \
                statistics.mean(r["seconds_per_step"] for r in lora)
        rows.append(row)

    if args.json:
        print(json.dumps(dict(results=rows), indent=2))
        return
    print("| config | threads | mode  | Swift tokens/s | PyTorch tokens/s | Swift ÷ PyTorch | Swift MFU |")
    print("|--------|--------:|-------|---------------:|-----------------:|----------------:|----------:|")
    for r in rows:
        torch_tps = f"{r['torch_tokens_per_second']:.0f}" if "ratio" in r else "—"
        ratio = f"{r['ratio']:.2f}×" if "ratio" in r else "—"
        print(f"| {r['config']:6} | {r['threads']:7} | {r['mode']:5} | {r['swift_tokens_per_second']:14.0f} | "
              f"{torch_tps:>16} | {ratio:>15} | {100 * r['mfu']:8.1f}% |")
    for r in rows:
        if "qlora_time_over_lora" in r:
            print(f"{r['config']}, {r['threads']} thread(s): QLoRA time ÷ LoRA time = {r['qlora_time_over_lora']:.2f}")


if __name__ == "__main__":
    main()
