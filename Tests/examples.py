#!/usr/bin/env python3
"""Runs every example of README.md and of `sweep help <command>` as written, on a tiny model.

    python3 Tests/examples.py .build/release/sweep              # every example but the cluster's
    python3 Tests/examples.py .build/release/sweep --cluster    # only the Slurm ones (a cluster must be up)

An example is a command line inside a ```sh block of README.md, or an indented line of a command's
help that starts with a command (`sweep`, `valgrind`, `strip`, `sqlite3`) or sets a VARIABLE=, with
its `\\` continuation lines, read from the help as a user's 80-column terminal prints it: a line
the help wraps loses its arguments, and fails here.

Examples that follow one another (a ```sh block, or consecutive lines of one help) run as one bash
script (set -euo pipefail) in one copy of a prepared directory, as a user pastes them; each block gets a
fresh copy, which holds what the examples name:
experiments/*.toml (the committed files, made tiny: experiments/base.toml is the tiny base recipe of
Tests/fixtures, and every other file trains on a few examples and scores a few items) with their
experiments/data, results/base (that recipe's model) with a results/runs.sqlite, corpus.txt,
instructions.jsonl, chat.jsonl, models/base, models/tiny, adapters/qv, models/merged, and a checkpoint of
one's own with its chat data (models/my-llama, my-chat.jsonl: Tests/byo's SmolLM-style one). `sweep` on PATH
is the binary under test.

Not run: `make …` lines (make test runs this script; make sweep, base and reproduce run the same sweep
commands on the committed base model and take minutes to half an hour) and the line that puts the
binary on PATH. Cluster examples (`--backend slurm`, `sweep collect`) run only with --cluster, in one
directory in the order they appear, since collect reads what the submission left.
Ends with "examples: N passed, M failed"; exit status 1 if anything failed.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TINY_DEFAULTS = {"train_examples": 16, "eval_limit": 8}
PER_EXAMPLE_SECONDS = 600
EXAMPLE = r"^\s{2,}(sweep |valgrind |strip |sqlite3 |[A-Z_]+=)"


def logical_lines(lines):
    """Joins lines that end in a backslash with the ones after them."""
    joined, pending = [], ""
    for line in lines:
        stripped = line.rstrip()
        if stripped.endswith("\\"):
            pending += stripped[:-1].strip() + " "
        else:
            joined.append((pending + stripped.strip()).strip())
            pending = ""
    if pending:
        joined.append(pending.strip())
    return joined


def readme_examples():
    """Each ```sh block of README.md, as a list of its commands."""
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    return [("README.md", [line for line in logical_lines(block.splitlines()) if line and not line.startswith("#")])
            for block in blocks]


def help_text(sweep, *arguments):
    environment = dict(os.environ, COLUMNS="80")
    return subprocess.run([sweep, *arguments], capture_output=True, text=True, check=True, env=environment,
                          stdin=subprocess.DEVNULL).stdout


def subcommands(sweep):
    listing = help_text(sweep, "--help").split("SUBCOMMANDS:", 1)[1]
    return [match.group(1) for match in re.finditer(r"^  ([a-z][a-z-]*)", listing, flags=re.M)]


def help_examples(sweep):
    """Each run of consecutive example lines of every command's help, as a list of its commands."""
    examples = []
    for command in [None] + subcommands(sweep):
        text = help_text(sweep, "help", command) if command else help_text(sweep, "--help")
        source = f"sweep help {command}" if command else "sweep --help"
        lines, index, block = text.splitlines(), 0, []
        while index < len(lines):
            if re.match(EXAMPLE, lines[index]):
                physical = [lines[index]]
                while physical[-1].rstrip().endswith("\\") and index + len(physical) < len(lines):
                    physical.append(lines[index + len(physical)])
                block.extend(logical_lines(physical))
                index += len(physical)
            else:
                if block:
                    examples.append((source, block))
                block, index = [], index + 1
        if block:
            examples.append((source, block))
    return examples


def is_skipped(example):
    first = example.split()[0]
    return first == "make" or example.startswith("export PATH=")


def needs_cluster(example):
    return "--backend slurm" in example or example.split()[:2] == ["sweep", "collect"]


def tiny_experiment(source: str) -> str:
    """The file with TINY_DEFAULTS in its [defaults] table (added, or replacing what it sets)."""
    table = tomllib.loads(source)
    lines = source.splitlines()
    lines = [line for line in lines if not any(re.match(rf"^{key}\s*=", line) for key in TINY_DEFAULTS)]
    settings = [f"{key} = {value}" for key, value in TINY_DEFAULTS.items()]
    if "defaults" in table:
        at = next(i for i, line in enumerate(lines) if re.match(r"^\[defaults\]", line))
        lines[at + 1:at + 1] = settings
    else:
        at = next((i for i, line in enumerate(lines) if line.startswith("[")), len(lines))
        lines[at:at] = ["[defaults]", *settings, ""]
    return "\n".join(lines) + "\n"


def run(command, directory, sweep_directory, timeout=PER_EXAMPLE_SECONDS):
    environment = dict(os.environ, PATH=f"{sweep_directory}:{os.environ['PATH']}")
    started = time.monotonic()
    try:
        finished = subprocess.run(["bash", "-c", command], cwd=directory, env=environment, capture_output=True,
                                  text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        status, output = finished.returncode, finished.stdout + finished.stderr
    except subprocess.TimeoutExpired as expired:
        status, output = "timeout", f"still running after {timeout} s: {expired.stderr or ''}"
    return status, output, time.monotonic() - started


def prepare(directory: Path, sweep_directory: str, cluster: bool):
    """What the examples name, made tiny, by the binary under test."""
    experiments = directory / "experiments"
    experiments.mkdir()
    for path in sorted((ROOT / "experiments").glob("*.toml")):
        if path.name != "base.toml":
            (experiments / path.name).write_text(tiny_experiment(path.read_text()))
    shutil.copy(ROOT / "Tests/fixtures/tiny-base.toml", experiments / "base.toml")
    if (ROOT / "experiments/data").is_dir():
        shutil.copytree(ROOT / "experiments/data", experiments / "data")
    (directory / "corpus.txt").write_text(
        "".join(f"the quick brown fox jumps over the lazy dog {i} times, and the dog sleeps.\n" for i in range(400)))
    animals = ["fox", "dog", "cat", "owl", "elk", "yak"]
    (directory / "instructions.jsonl").write_text("".join(
        f'{{"prompt": "which animal is number {i % 6}?", "response": " the {animals[i % 6]}."}}\n' for i in range(32)))
    (directory / "chat.jsonl").write_text("".join(json.dumps({"messages": [
        {"role": "user", "content": f"Which animal is number {i % 6}?"},
        {"role": "assistant", "content": f"The {animals[i % 6]}."}]}) + "\n" for i in range(32)))
    steps = [
        "sweep base --recipe experiments/base.toml --out results/base --report results/base.md",
        *([] if cluster else ["sweep experiments/alpha-rank.toml --jobs 2"]),  # the cluster examples train it
        "mkdir -p models && cp -r results/base models/base && cp -r results/base models/tiny",
        "sweep finetune --model models/base --data instructions.jsonl --out adapters/qv --rank 8 --alpha 16 --targets q,v",
        "sweep merge --model models/base --adapter adapters/qv --out models/merged",
        # A Hugging Face checkpoint of the user's own (a SmolLM-style one of Tests/byo) and their chat data.
        f"cp -r {ROOT / 'Tests/byo/smollm-style'} models/my-llama && cp {ROOT / 'Tests/byo/chat.jsonl'} my-chat.jsonl",
    ]
    for step in steps:
        status, output, _ = run(step, directory, sweep_directory)
        if status != 0:
            sys.exit(f"examples: preparing the directory failed at `{step}` ({status}):\n{output[-3000:]}")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sweep = str(Path(sys.argv[1]).resolve())
    cluster = "--cluster" in sys.argv[2:]
    sweep_directory = str(Path(sweep).parent)
    blocks = []
    for source, commands in readme_examples() + help_examples(sweep):
        chosen = [command for command in commands if not is_skipped(command) and needs_cluster(command) == cluster]
        if chosen:
            blocks.append((source, chosen))
    passed, failed = 0, 0
    with tempfile.TemporaryDirectory(prefix="lora-sweep-examples-") as work:
        prepared = Path(work) / "prepared"
        prepared.mkdir()
        prepare(prepared, sweep_directory, cluster)
        shared = Path(work) / "cluster"
        if cluster:
            shutil.copytree(prepared, shared)
        for number, (source, commands) in enumerate(blocks):
            # A block runs in one directory, in order, as a user pastes it; each block in a fresh copy.
            directory = shared if cluster else Path(work) / f"block-{number}"
            if not cluster:
                shutil.copytree(prepared, directory, symlinks=True)
            # One script, so that a variable one line sets is there for the next.
            status, output, seconds = run("set -euo pipefail\n" + "\n".join(commands), directory, sweep_directory)
            listing = "\n".join("    $ " + command for command in commands)
            if status == 0:
                passed += len(commands)
                print(f"ok ({seconds:.1f} s)  {source}:\n{listing}")
            else:
                failed += 1
                print(f"FAILED ({status}, {seconds:.1f} s)  {source}:\n{listing}\n" +
                      "\n".join("    | " + line for line in output.strip().splitlines()[-15:]))
            if not cluster:
                shutil.rmtree(directory, ignore_errors=True)
    print(f"examples: {passed} commands passed, {failed} blocks failed")
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main()
