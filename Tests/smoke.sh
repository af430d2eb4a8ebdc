#!/usr/bin/env bash
# End-to-end checks of the release binary: what a user runs, at a small size.
#   bash Tests/smoke.sh .build/release/sweep
# Ends with "smoke: N passed, M failed"; exit status 1 if anything failed.
set -uo pipefail
sweep=${1:-.build/release/sweep}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() {  # check "description" command…
    local description=$1; shift
    if "$@" >"$work/out" 2>&1; then
        passed=$((passed + 1)); echo "ok    $description"
    else
        failed=$((failed + 1)); echo "FAIL  $description"; sed 's/^/      /' "$work/out" | tail -20
    fi
}

for i in $(seq 1 400); do echo "the quick brown fox jumps over the lazy dog $i times, and the dog sleeps."; done > "$work/corpus.txt"
train() {  # train DIR THREADS
    "$sweep" pretrain --text "$work/corpus.txt" --dim 64 --layers 2 --heads 4 --kv-heads 2 --seq-len 64 --batch 4 \
        --steps 80 --lr 3e-3 --warmup 5 --seed 7 --threads "$2" --log-every 1000 --out "$1" --json 2>/dev/null
}
train "$work/a" 1 > "$work/a.json"
train "$work/b" 1 > "$work/b.json"
train "$work/c" 2 > "$work/c.json"

losses() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["losses"])' "$1"; }
check "pretraining twice with one seed gives identical losses" \
    cmp <(losses "$work/a.json") <(losses "$work/b.json")
check "1 and 2 BLAS threads give identical losses" \
    cmp <(losses "$work/a.json") <(losses "$work/c.json")
check "the saved weights are identical across runs" cmp "$work/a/model.safetensors" "$work/c/model.safetensors"
check "pretraining lowers the loss (first vs last step)" python3 -c '
import json, sys
losses = json.load(open(sys.argv[1]))["losses"]
assert losses[-1] < losses[0] - 1.0, losses' "$work/a.json"

ids=116,104,101,32,113,117,105,99,107,32,98,114,111,119,110
check "score prints n-1 finite log-probabilities, each <= 0" bash -c '
"$1" score --model "$2" --ids "$3" --json | python3 -c "
import json, math, sys
result = json.load(sys.stdin)
assert len(result[\"logprobs\"]) == len(result[\"ids\"]) - 1
assert all(math.isfinite(x) and x <= 0 for x in result[\"logprobs\"]), result"' _ "$sweep" "$work/a" "$ids"
check "the trained model finds the corpus likely (mean log p > -1.5)" bash -c '
"$1" score --model "$2" --ids "$3" --json | python3 -c "
import json, sys
lp = json.load(sys.stdin)[\"logprobs\"]
assert sum(lp) / len(lp) > -1.5, sum(lp) / len(lp)"' _ "$sweep" "$work/a" "$ids"
check "generate continues a prompt with 10 tokens" bash -c '
"$1" generate --model "$2" --ids 116,104,101 --max-new 10 --json | python3 -c "
import json, sys
assert len(json.load(sys.stdin)[\"generated\"]) == 10"' _ "$sweep" "$work/a"

mkdir -p "$work/broken" && cp "$work/a/config.json" "$work/broken/"
head -c 500 "$work/a/model.safetensors" > "$work/broken/model.safetensors"
check "a truncated checkpoint is a clear error (exit 1, names the file)" bash -c '
"$1" score --model "$2" --ids 1,2 2>&1; test $? -eq 1' _ "$sweep" "$work/broken"
grep -q "model.safetensors: header length .* runs past the end of the file" "$work/out" \
    || { failed=$((failed + 1)); echo "FAIL  the truncation message names the file and the problem"; }

if command -v valgrind >/dev/null; then
    heap_allocations() {  # allocations of a whole pretraining run of $1 steps
        valgrind --tool=memcheck "$sweep" pretrain --text "$work/corpus.txt" --dim 32 --layers 2 --heads 4 --batch 2 \
            --seq-len 16 --steps "$1" --log-every 1000 --threads 1 --out "$work/v$1" 2>&1 |
            sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p'
    }
    check "a training step allocates nothing on the heap (valgrind: 4 steps and 8 steps allocate alike)" \
        test "$(heap_allocations 4)" = "$(heap_allocations 8)"
else
    echo "skip  heap allocations per step: valgrind is not installed"
fi

if python3 -c "import torch, transformers" 2>/dev/null; then
    check "log-probabilities match transformers both ways (Tests/Parity/parity.py)" \
        python3 Tests/Parity/parity.py --sweep "$sweep"
else
    echo "skip  parity with transformers: torch is not importable here (make parity installs it)"
fi

echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
