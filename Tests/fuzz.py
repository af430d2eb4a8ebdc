#!/usr/bin/env python3
"""Fuzzes the release binary with broken inputs: every one must end in an error message, never a crash.

    python3 Tests/fuzz.py .build/release/sweep [--inputs 300] [--seed 1] [--timeout 20] [--jobs 2]
        [--allow-status 64] [--verbose]

Builds a tiny valid base model with the binary itself (`sweep base --recipe Tests/fixtures/tiny-base.toml`),
then mutates, deterministically from the seed, four kinds of input:
  sweep       the tiny grid's TOML (delete/duplicate lines, flip bytes, huge/negative/wrong-type values, truncate)
  config      config.json (numbers → 0, -1, 2^31, 2^62, 1e308, strings, null; deleted keys; truncation)
  tokenizer   tokenizer.json (truncation, corrupt JSON, changed types, dropped merges and vocab entries)
  safetensors model.safetensors (truncation, flipped header bytes, huge header length, wrong dtype/shape/offsets)
Each input goes through a real command: `sweep plan FILE --json` for sweep files (pointing at the good base,
or at a mutated model directory), `sweep score --model DIR --ids 1,2,3 --json` and
`sweep score --model DIR --text hello --json` for model directories; HOME and TMPDIR are a scratch directory.

An input passes when the process exits by itself with status 0, 1 or 2 (no signal, no timeout), and, when
the status is not 0, stderr holds an `Error:` line. Prints `fuzz: N inputs, N passed, N failed`; on failure,
lists each failing input and keeps the failing files under a directory it names; exits 1.
Python 3 standard library only.
"""

import argparse
import concurrent.futures
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

TESTS = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(TESTS, "fixtures")
PASSING_STATUSES = (0, 1, 2)

# Values that have broken parsers before: zero, negative, 2^31, 2^62, 2^63, 2^64, huge floats, other types.
HOSTILE_JSON = [0, -1, 1, 2**31, 2**62, 2**63 - 1, -(2**63), 2**64, 1e308, -1e308, 1.5, "12", "", None, True,
                [], {}, [1, 2], {"a": 1}]
HOSTILE_TOML = ["0", "-1", "2147483648", "4611686018427387904", "9223372036854775807", "99999999999999999999",
                "-9223372036854775808", "1e308", "-1e308", "nan", "inf", "1.5", '"text"', '""', "true", "[]",
                "[1, [2]]", "{}", "{ a = 1 }", "[0, -1, 2147483648]", "1979-05-27", "'''", '"\\u0000"',
                "[" + ", ".join(str(i) for i in range(1, 40)) + "]"]


# MARK: Mutations (each takes the rng and the good bytes, returns (description, mutated bytes))

def truncate(rng, data):
    cut = rng.randrange(0, max(1, len(data)))
    return f"truncate at byte {cut} of {len(data)}", data[:cut]


def flip_byte(rng, data, limit=None):
    if not data:
        return "flip nothing (empty)", data
    at = rng.randrange(0, min(len(data), limit or len(data)))
    bit = 1 << rng.randrange(8)
    mutated = bytearray(data)
    mutated[at] ^= bit
    return f"flip bit {bit:#x} of byte {at}", bytes(mutated)


def mutate_lines(rng, data):
    lines = data.decode("utf-8", "replace").split("\n")
    i = rng.randrange(len(lines))
    how = rng.choice(["delete", "duplicate", "swap", "junk"])
    if how == "delete":
        del lines[i]
    elif how == "duplicate":
        lines.insert(i, lines[i])
    elif how == "swap":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines.insert(i, rng.choice(["[grid]", "[defaults]", "= 1", "x =", "[[a]]", "a.b.c = 1", "\x00", "\"", "[check.max_spread", "rank = 1"]))
    return f"{how} line {i + 1}", "\n".join(lines).encode()


def replace_toml_value(rng, data):
    lines = data.decode().split("\n")
    candidates = [i for i, line in enumerate(lines) if "=" in line and not line.lstrip().startswith("#")]
    i = rng.choice(candidates)
    key = lines[i].split("=", 1)[0].strip()
    value = rng.choice(HOSTILE_TOML)
    lines[i] = f"{key} = {value}"
    return f"{key} = {value}", "\n".join(lines).encode()


def mutate_sweep(rng, data):
    kind = rng.choices(["lines", "value", "flip", "truncate"], weights=[3, 6, 2, 1])[0]
    if kind == "lines":
        return mutate_lines(rng, data)
    if kind == "value":
        return replace_toml_value(rng, data)
    if kind == "flip":
        return flip_byte(rng, data)
    return truncate(rng, data)


def mutate_config(rng, data):
    config = json.loads(data)
    kind = rng.choices(["number", "delete", "truncate", "flip", "type"], weights=[8, 2, 1, 1, 2])[0]
    if kind == "number":
        numeric = sorted(k for k, v in config.items() if isinstance(v, (int, float)) and not isinstance(v, bool))
        key = rng.choice(numeric)
        config[key] = rng.choice(HOSTILE_JSON)
        return f"{key} = {json.dumps(config[key])}", json.dumps(config).encode()
    if kind == "type":
        key = rng.choice(sorted(config))
        config[key] = rng.choice(HOSTILE_JSON)
        return f"{key} = {json.dumps(config[key])}", json.dumps(config).encode()
    if kind == "delete":
        key = rng.choice(sorted(config))
        del config[key]
        return f"delete {key}", json.dumps(config).encode()
    if kind == "flip":
        return flip_byte(rng, data)
    return truncate(rng, data)


def json_paths(value, path=()):
    """Every (path, value) in a JSON tree, capped so huge vocabularies do not dominate."""
    yield path, value
    if isinstance(value, dict):
        for key in list(value)[:40]:
            yield from json_paths(value[key], path + (key,))
    elif isinstance(value, list):
        for index in range(min(len(value), 40)):
            yield from json_paths(value[index], path + (index,))


def set_path(tree, path, value):
    for step in path[:-1]:
        tree = tree[step]
    tree[path[-1]] = value


def mutate_tokenizer(rng, data):
    tokenizer = json.loads(data)
    model = tokenizer.get("model", {})
    kind = rng.choices(["truncate", "flip", "type", "merges", "vocab", "delete", "ids"], weights=[1, 1, 4, 2, 2, 2, 2])[0]
    if kind == "truncate":
        return truncate(rng, data)
    if kind == "flip":
        return flip_byte(rng, data)
    if kind == "type":
        path, _ = rng.choice([p for p in json_paths(tokenizer) if p[0]])
        value = rng.choice(HOSTILE_JSON)
        set_path(tokenizer, path, value)
        return f"{'.'.join(map(str, path))} = {json.dumps(value)}", json.dumps(tokenizer).encode()
    if kind == "merges" and isinstance(model.get("merges"), list):
        merges = model["merges"]
        how = rng.choice(["all", "half", "reverse", "junk"])
        if how == "all":
            model["merges"] = []
        elif how == "half":
            model["merges"] = [m for m in merges if rng.random() < 0.5]
        elif how == "reverse":
            model["merges"] = merges[::-1]
        else:
            model["merges"] = merges + [rng.choice(["a", "a b c", "zz qq", ["x"], [1, 2], "Ġ", " "])]
        return f"merges: {how}", json.dumps(tokenizer).encode()
    if kind == "vocab" and isinstance(model.get("vocab"), dict):
        vocab = model["vocab"]
        how = rng.choice(["drop-some", "drop-all-bytes", "empty"])
        if how == "drop-some":
            model["vocab"] = {k: v for k, v in vocab.items() if rng.random() < 0.9}
        elif how == "drop-all-bytes":
            model["vocab"] = {k: v for k, v in vocab.items() if len(k) > 1}
        else:
            model["vocab"] = {}
        return f"vocab: {how}", json.dumps(tokenizer).encode()
    if kind == "ids" and isinstance(model.get("vocab"), dict) and model["vocab"]:
        token = rng.choice(sorted(model["vocab"]))
        value = rng.choice([-1, 2**31, 2**62, 10**6, 0, 1e308, "7", None])
        model["vocab"][token] = value
        return f"vocab[{token!r}] = {json.dumps(value)}", json.dumps(tokenizer).encode()
    path, _ = rng.choice([p for p in json_paths(tokenizer) if p[0]])
    parent = tokenizer
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]
    return f"delete {'.'.join(map(str, path))}", json.dumps(tokenizer).encode()


def split_safetensors(data):
    (length,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8:8 + length]), data[8 + length:]


def join_safetensors(header, body):
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + body


def mutate_safetensors(rng, data):
    header, body = split_safetensors(data)
    (length,) = struct.unpack("<Q", data[:8])
    names = sorted(k for k in header if k != "__metadata__")
    name = rng.choice(names)
    entry = header[name]
    kind = rng.choices(["truncate", "flip", "length", "dtype", "shape", "offsets", "drop", "rename", "metadata"],
                       weights=[2, 3, 2, 2, 3, 3, 1, 1, 1])[0]
    if kind == "truncate":
        return truncate(rng, data)
    if kind == "flip":
        return flip_byte(rng, data, limit=8 + length)
    if kind == "length":
        value = rng.choice([0, 1, 7, length - 1, length + 1, len(data), 100_000_001, 2**31, 2**62, 2**63, 2**64 - 1])
        return f"header length {value}", struct.pack("<Q", value) + data[8:]
    if kind == "dtype":
        entry["dtype"] = rng.choice(["I32", "F64", "F16", "BF16", "BOOL", "U8", "F4", "F8_E4M3", "X", "", 5, None])
        description = f"{name}.dtype = {json.dumps(entry['dtype'])}"
    elif kind == "shape":
        shape = entry["shape"]
        entry["shape"] = rng.choice([shape[::-1], [shape[0] + 1] + shape[1:], [], [0], shape + [1], [-1] * len(shape),
                                     [2**31, 2**31], [2**62, 4], [2**63], ["a"], None, [1.5], [1] * 64])
        description = f"{name}.shape = {json.dumps(entry['shape'])}"
    elif kind == "offsets":
        begin, end = entry["data_offsets"]
        entry["data_offsets"] = rng.choice([[end, begin], [begin, end + 4], [begin + 4, end], [0, end - begin],
                                            [begin, 2**62], [2**63, 2**63 + 4], [-4, end], [begin], [begin, end, 0],
                                            [begin, len(body) + 4], None, "0"])
        description = f"{name}.data_offsets = {json.dumps(entry['data_offsets'])}"
    elif kind == "drop":
        del header[name]
        description = f"drop {name}"
    elif kind == "rename":
        header[name + ".x"] = header.pop(name)
        description = f"rename {name}"
    else:
        header["__metadata__"] = rng.choice([None, 1, [], {"format": 1}, {"a": None}, "pt"])
        description = f"__metadata__ = {json.dumps(header['__metadata__'])}"
    return description, join_safetensors(header, body)


MODEL_FILES = {"config": "config.json", "tokenizer": "tokenizer.json", "safetensors": "model.safetensors"}
MUTATORS = {"sweep": mutate_sweep, "config": mutate_config, "tokenizer": mutate_tokenizer,
            "safetensors": mutate_safetensors}


# MARK: Running

def run(command, env, timeout, cwd):
    """(status or None, signal name or None, timed out, stderr text)."""
    try:
        result = subprocess.run(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        return None, None, True, (expired.stderr or b"").decode("utf-8", "replace")
    stderr = result.stderr.decode("utf-8", "replace")
    if result.returncode < 0:
        return None, signal.Signals(-result.returncode).name, False, stderr
    return result.returncode, None, False, stderr


def verdict(status, signal_name, timed_out, stderr, passing=PASSING_STATUSES):
    """None when the run passes, else why it failed."""
    if timed_out:
        return "timed out"
    if signal_name:
        return f"killed by {signal_name}"
    if status not in passing:
        return f"exit status {status}"
    if status != 0 and not any(line.startswith("Error:") for line in stderr.splitlines()):
        return f"exit status {status} without an Error: line"
    return None


def build_base(sweep, work, env):
    """A tiny valid base model (config.json, model.safetensors, tokenizer.json and its data), made by the binary."""
    base = os.path.join(work, "base")
    result = subprocess.run([sweep, "base", "--recipe", os.path.join(FIXTURES, "tiny-base.toml"), "--out", base,
                             "--report", os.path.join(work, "base.md")],
                            env=env, cwd=work, stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    if result.returncode != 0:
        sys.exit(f"fuzz: could not build the tiny base model:\n{result.stderr.decode('utf-8', 'replace')}")
    return base


def grid_text(base):
    with open(os.path.join(FIXTURES, "tiny-grid.toml")) as f:
        return f.read().replace('"BASE"', json.dumps(base)).encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sweep", help="the sweep binary (release build)")
    parser.add_argument("--inputs", type=int, default=300, help="how many mutated inputs (default 300)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the mutations (default 1)")
    parser.add_argument("--timeout", type=float, default=20, help="seconds per command (default 20)")
    parser.add_argument("--allow-status", type=int, action="append", default=[], metavar="STATUS",
                        help="also pass this exit status (with an Error: line); repeatable. 64 is ArgumentParser's "
                             "status for a ValidationError, which `score` throws for an input longer than "
                             "max_position_embeddings")
    parser.add_argument("--verbose", action="store_true", help="print every input's outcome")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="commands at once (default: cores)")
    args = parser.parse_args()
    sweep = os.path.abspath(args.sweep)
    started = time.monotonic()

    work = tempfile.mkdtemp(prefix="sweep-fuzz-")
    for scratch in ("home", "tmp"):
        os.makedirs(os.path.join(work, scratch))
    env = dict(os.environ, HOME=os.path.join(work, "home"), TMPDIR=os.path.join(work, "tmp"))

    # Given: a valid base model and a valid grid on it, which must pass as they are.
    base = build_base(sweep, work, env)
    if args.verbose:
        print(f"fuzz: base model built in {time.monotonic() - started:.1f} s")
    good_grid = grid_text(base)
    good = {kind: open(os.path.join(base, name), "rb").read() for kind, name in MODEL_FILES.items()}
    good["sweep"] = good_grid

    # When: each input is one mutation of one kind, run through one command.
    rng = random.Random(args.seed)
    kinds = sorted(MUTATORS)
    cases = []
    for index in range(args.inputs):
        kind = kinds[index % len(kinds)]
        description, data = MUTATORS[kind](rng, good[kind])
        if rng.random() < 0.25:  # one input in four stacks a second mutation, when the first left it parseable
            try:
                second, twice = MUTATORS[kind](rng, data)
                description, data = f"{description}; {second}", twice
            except (ValueError, KeyError, IndexError, TypeError, AttributeError, struct.error):
                pass
        directory = os.path.join(work, "inputs", f"{index:04d}-{kind}")
        os.makedirs(directory)
        if kind == "sweep":
            target = os.path.join(directory, "grid.toml")
            with open(target, "wb") as f:
                f.write(data)
            command = [sweep, "plan", target, "--json"]
        else:
            model = os.path.join(directory, "model")
            shutil.copytree(base, model, symlinks=True)
            target = os.path.join(model, MODEL_FILES[kind])
            with open(target, "wb") as f:
                f.write(data)
            # score takes 0.1 s, plan (which builds the run data) 1 s: plan gets one model in five.
            # score --ids reads no tokenizer.json: a broken tokenizer goes through --text or plan.
            weights = [0, 4, 1] if kind == "tokenizer" else [2, 2, 1]
            choice = rng.choices(["ids", "text", "plan"], weights=weights)[0]
            if choice == "ids":
                command = [sweep, "score", "--model", model, "--ids", "1,2,3", "--json"]
            elif choice == "text":
                command = [sweep, "score", "--model", model, "--text", "hello", "--json"]
            else:
                grid = os.path.join(directory, "grid.toml")
                with open(grid, "wb") as f:
                    f.write(grid_text(model))
                command = [sweep, "plan", grid, "--json"]
        cases.append((index, kind, description, directory, target, command))

    baseline = [(-1, "baseline", "unchanged", work, base, c) for c in (
        [sweep, "score", "--model", base, "--ids", "1,2,3", "--json"],
        [sweep, "score", "--model", base, "--text", "hello", "--json"])]
    with open(os.path.join(work, "grid.toml"), "wb") as f:
        f.write(good_grid)
    baseline.append((-1, "baseline", "unchanged", work, base, [sweep, "plan", os.path.join(work, "grid.toml"), "--json"]))
    for _, _, _, _, _, command in baseline:
        status, signal_name, timed_out, stderr = run(command, env, args.timeout, work)
        if (status, signal_name, timed_out) != (0, None, False):
            sys.exit(f"fuzz: the unmutated input fails ({' '.join(command)}):\n{stderr}")

    def attempt(case):
        index, kind, description, directory, target, command = case
        return case, run(command, env, args.timeout, directory)

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = list(pool.map(attempt, cases))

    # Then: every input ended in a clean exit, with an Error: line when it failed.
    failures = []
    for case, (status, signal_name, timed_out, stderr) in outcomes:
        why = verdict(status, signal_name, timed_out, stderr, PASSING_STATUSES + tuple(args.allow_status))
        if args.verbose:
            errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
            print(f"#{case[0]} {case[1]}: {case[2]} [{case[5][1]} {case[5][-2]}] -> {status if signal_name is None else signal_name}"
                  f"{' TIMEOUT' if timed_out else ''} {errors[0][:160] if errors else ''}")
        if why:
            failures.append((case, why, stderr))

    kept = None
    if failures:
        kept = tempfile.mkdtemp(prefix="sweep-fuzz-failures-")
        shutil.copytree(base, os.path.join(kept, "base"), symlinks=True)
        for (index, kind, description, directory, target, command), why, stderr in failures:
            destination = os.path.join(kept, os.path.basename(directory))
            shutil.copytree(directory, destination, symlinks=True)
            grid = os.path.join(destination, "grid.toml")
            if os.path.exists(grid):  # point the kept sweep file at the kept model directories
                with open(grid, "rb") as f:
                    text = f.read()
                text = text.replace(base.encode(), os.path.join(kept, "base").encode())
                text = text.replace(os.path.join(work, "inputs").encode(), kept.encode())
                with open(grid, "wb") as f:
                    f.write(text)
            tail = "\n      ".join(stderr.strip().splitlines()[-4:]) or "(no stderr)"
            print(f"FAIL #{index} {kind}: {description}: {why}\n    command: {' '.join(command)}\n"
                  f"    input: {os.path.join(destination, os.path.relpath(target, directory))}\n    stderr: {tail}")
    shutil.rmtree(work, ignore_errors=True)
    passed = len(cases) - len(failures)
    print(f"fuzz: seed {args.seed}, {time.monotonic() - started:.1f} s")
    print(f"fuzz: {len(cases)} inputs, {passed} passed, {len(failures)} failed")
    if kept:
        print(f"fuzz: the failing inputs are kept in {kept}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
