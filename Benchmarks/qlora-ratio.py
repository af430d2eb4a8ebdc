#!/usr/bin/env python3
"""QLoRA's time over LoRA's, as a curve over tokens per pass and weight size (issue 19, point 5).

    nice python3 Benchmarks/qlora-ratio.py .build/release/sweep            # the whole curve, ≤ 25 min
    nice python3 Benchmarks/qlora-ratio.py .build/release/sweep --quick    # two cells, to try it
    nice python3 Benchmarks/qlora-ratio.py .build/release/sweep --resume LOG   # keep LOG's cells, time the rest

Each cell's line goes to stderr as it is measured ("dim 256 × 4 layers T 128: lora … ms, qlora … ms,
ratios …"); --resume reads such lines back from a saved log, so an interrupted curve goes on where it
stopped.

The article measured QLoRA at 1.50× LoRA's training time (Llama 2 7B on an A100, micro-batch 1). Here:
random models of four widths (weights per projection from 65,536 to 11.3M), one sequence per step
(B = 1, as the article's micro-batch) of T tokens, 1 worker thread. Each (shape, T) cell is one
`sweep bench` invocation timing lora and qlora in turn five times (r 8 on q,v, dropout
0.05, AdamW; qlora over an NF4-dq base), so the two modes see the same load; the ratio of a repetition
is its QLoRA ms/step over the LoRA ms/step just before it, and the table gives the median of the five
ratios and the median ms/step of each mode. Attention's share is of the model FLOPs of a LoRA step
(`sweep bench`'s count: 12·L·T·C of 4·N + 12·L·T·C + adapters): it grows with T and dilutes both
modes' per-token costs alike.

Prints a Markdown table (Benchmarks/BENCHMARKS.md, "QLoRA's time over LoRA's").
"""
import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# name, dim, intermediate, layers, heads, the T values timed (longer T for the narrower shapes: a step's
# time grows with the weights times T, and the whole curve has to fit in 25 minutes on 2 shared cores).
SHAPES = [
    ("dim 256 × 4 layers", 256, 688, 4, 4, [128, 256, 512, 1024, 2048]),
    ("dim 512 × 2 layers", 512, 1376, 2, 8, [128, 256, 512, 1024]),
    ("dim 1024 × 1 layer", 1024, 2752, 1, 8, [128, 256, 512, 1024]),
    ("dim 2048 × 1 layer", 2048, 5504, 1, 16, [128, 256, 512]),
]
VOCAB = 512
REPETITIONS = 5


def config_json(dim, hidden, layers, heads, max_len):
    return {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
        "hidden_size": dim, "intermediate_size": hidden, "num_hidden_layers": layers,
        "num_attention_heads": heads, "num_key_value_heads": heads, "vocab_size": VOCAB,
        "max_position_embeddings": max_len, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
        "tie_word_embeddings": False, "initializer_range": 0.02, "bos_token_id": 1, "eos_token_id": 2,
        "torch_dtype": "float32",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep", help="the release binary, .build/release/sweep")
    parser.add_argument("--seconds", type=float, default=1.5, help="timed seconds per mode and repetition (at least 3 steps)")
    parser.add_argument("--quick", action="store_true", help="two cells only")
    parser.add_argument("--resume", help="a log of an earlier invocation: its cells are kept, not timed again")
    args = parser.parse_args()
    logged = {}
    if args.resume:
        for line in Path(args.resume).read_text().splitlines():
            match = re.match(r"(.+) T (\d+): lora ([\d.]+) ms, qlora ([\d.]+) ms, ratios ([\d., ]+) \(", line)
            if match:
                logged[(match[1], int(match[2]))] = (float(match[3]), float(match[4]), [float(r) for r in match[5].split(", ")])
    shapes = [(s[0], s[1], s[2], s[3], s[4], s[5][:1]) for s in SHAPES[:2]] if args.quick else SHAPES
    modes = ",".join(["lora", "qlora"] * REPETITIONS)
    rows, started = [], time.time()
    with tempfile.TemporaryDirectory() as directory:
        for name, dim, hidden, layers, heads, lengths in shapes:
            weights = 4 * dim * dim + 3 * dim * hidden  # per layer: q, k, v, o and gate, up, down
            config = Path(directory) / f"config-{dim}.json"
            config.write_text(json.dumps(config_json(dim, hidden, layers, heads, max(lengths))))
            for T in lengths:
                # sweep bench's model FLOPs of a LoRA step, per token: 4·N (the head's included) + 12·L·T·C
                # + 6·r·(in + out) for r 8 on q and v.
                flops = 4 * (weights * layers + VOCAB * dim) + 12 * layers * T * dim + layers * 6 * 8 * 2 * (2 * dim)
                attention = 12 * layers * T * dim / flops
                if (name, T) in logged:
                    lora, qlora, ratios = logged[(name, T)]
                    rows.append((name, dim * dim, weights * layers, T, lora, qlora, statistics.median(ratios), min(ratios),
                                 max(ratios), attention))
                    print(f"{name} T {T}: from {args.resume}", file=sys.stderr, flush=True)
                    continue
                command = [args.sweep, "bench", "--configs", "base", "--base-config", str(config), "--modes", modes,
                           "--threads", "1", "--batch", "1", "--seq-len", str(T), "--seconds", str(args.seconds), "--json"]
                result = subprocess.run(command, capture_output=True, text=True)
                if result.returncode != 0:
                    sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
                cells = json.loads(result.stdout)["results"]
                lora = [c["seconds_per_step"] for c in cells if c["mode"] == "lora"]
                qlora = [c["seconds_per_step"] for c in cells if c["mode"] == "qlora"]
                ratios = [q / l for l, q in zip(lora, qlora)]
                rows.append((name, dim * dim, weights * layers, T, statistics.median(lora) * 1e3,
                             statistics.median(qlora) * 1e3, statistics.median(ratios), min(ratios), max(ratios), attention))
                print(f"{name} T {T}: lora {statistics.median(lora)*1e3:.1f} ms, qlora {statistics.median(qlora)*1e3:.1f} ms, "
                      f"ratios {', '.join(f'{r:.3f}' for r in ratios)} ({time.time() - started:.0f} s)", file=sys.stderr, flush=True)
    print("| shape | weights in q, k, v, o, gate, up, down | tokens per pass (B × T) | LoRA ms/step | QLoRA ms/step "
          "| QLoRA / LoRA, median of 5 | range | attention's share of LoRA's model FLOPs |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, _, weights, T, lora, qlora, ratio, low, high, attention in rows:
        print(f"| {name} | {weights:,} | 1 × {T:,} | {lora:,.1f} | {qlora:,.1f} | {ratio:.3f} | {low:.3f}–{high:.3f} | {attention:.0%} |")
    print(f"\n{len(rows)} cells, {time.time() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
