#!/usr/bin/env python3
"""Groups a `perf record` profile of `sweep bench --steps N` into where a training step's time goes.

    perf record -e cpu-clock -o step.data .build/release/sweep bench --steps 40 --modes lora --configs 3.4m --threads 1
    python3 Benchmarks/profile/perf_groups.py step.data

Only the busiest thread (the one running the steps) counts; set-up (random initialisation, the RoPE
table, page faults) is set apart, and the rest is shown as shares of the steps' samples:
OpenBLAS's micro-kernel, its packing copies, the rest of OpenBLAS, memset, the binary's own code.
"""
import subprocess
import sys
from collections import defaultdict

SETUP = ("fillNormal", "__cos", "__ieee754_log", "exc_page_fault")


def samples(path):
    report = subprocess.run(
        ["perf", "report", "-i", path, "--no-children", "--sort", "pid,dso,symbol",
         "-F", "overhead,pid,dso,sym", "--field-separator=|"],
        check=True, capture_output=True, text=True).stdout
    for line in report.splitlines():
        if line.startswith("#") or "%" not in line:
            continue
        overhead, pid, dso, symbol = (field.strip() for field in line.split("|")[:4])
        yield float(overhead.rstrip("%")), pid, dso, symbol.removeprefix("[.] ").removeprefix("[k] ")


def group(dso, symbol):
    if any(name in symbol for name in SETUP):
        return "set-up"
    if "openblas" in dso:
        if "sgemm_kernel" in symbol:
            return "OpenBLAS micro-kernel"
        if "copy" in symbol:
            return "OpenBLAS packing copies"
        return "OpenBLAS, the rest"
    if "memset" in symbol:
        return "memset"
    if dso == "sweep":
        return "the binary's own code"
    return "other"


def main():
    rows = list(samples(sys.argv[1]))
    by_thread = defaultdict(float)
    for overhead, pid, _, _ in rows:
        by_thread[pid] += overhead
    steps_thread = max(by_thread, key=by_thread.get)
    groups, symbols = defaultdict(float), defaultdict(float)
    for overhead, pid, dso, symbol in rows:
        if pid == steps_thread:
            groups[group(dso, symbol)] += overhead
            if group(dso, symbol) == "the binary's own code":
                symbols[symbol] += overhead
    steps = sum(value for name, value in groups.items() if name != "set-up")
    print(f"thread {steps_thread}: {by_thread[steps_thread]:.1f}% of all samples, set-up {groups['set-up']:.1f}%\n")
    print("| where | share of the steps |\n|---|---:|")
    for name, value in sorted(groups.items(), key=lambda item: -item[1]):
        if name != "set-up":
            print(f"| {name} | {100 * value / steps:.1f}% |")
    print("\n| the binary's own code, by function | share of the steps |\n|---|---:|")
    for symbol, value in sorted(symbols.items(), key=lambda item: -item[1])[:12]:
        name = subprocess.run(["swift", "demangle", "--simplified", "--compact", symbol],
                              capture_output=True, text=True).stdout.strip()
        print(f"| `{name.split('(')[0] or symbol}` | {100 * value / steps:.1f}% |")


if __name__ == "__main__":
    main()
