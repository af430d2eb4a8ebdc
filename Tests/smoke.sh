#!/usr/bin/env bash
# End-to-end checks of the release binary: what a user runs, at a small size.
#   bash Tests/smoke.sh .build/release/sweep
# Ends with "smoke: N passed, M failed"; exit status 1 if anything failed.
set -uo pipefail
sweep=${1:-.build/release/sweep}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/check.sh"

for i in $(seq 1 400); do echo "the quick brown fox jumps over the lazy dog $i times, and the dog sleeps."; done > "$work/corpus.txt"
train() {  # train DIR THREADS
    "$sweep" pretrain --text "$work/corpus.txt" --dim 64 --layers 2 --heads 4 --kv-heads 2 --seq-len 64 --batch 4 \
        --steps 80 --lr 3e-3 --warmup 5 --seed 7 --threads "$2" --log-every 1000 --out "$1" --json 2>/dev/null
}
train "$work/a" 1 > "$work/a.json"
train "$work/b" 1 > "$work/b.json"
train "$work/c" 2 > "$work/c.json"
train "$work/d" 3 > "$work/d.json"

losses() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["losses"])' "$1"; }
check "pretraining twice with one seed gives identical losses" \
    cmp <(losses "$work/a.json") <(losses "$work/b.json")
check "1, 2 and 3 worker threads give identical losses (the same seed gives the same bits for any thread count)" \
    bash -c 'cmp <(python3 -c "$1" "$2") <(python3 -c "$1" "$3") && cmp <(python3 -c "$1" "$2") <(python3 -c "$1" "$4")' \
    _ 'import json,sys; print(json.load(open(sys.argv[1]))["losses"])' "$work/a.json" "$work/c.json" "$work/d.json"
check "the saved weights are identical across runs and thread counts" \
    bash -c 'cmp "$1/model.safetensors" "$2/model.safetensors" && cmp "$1/model.safetensors" "$3/model.safetensors"' \
    _ "$work/a" "$work/b" "$work/d"
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

python3 - "$work/instructions.jsonl" <<'PY'
import json, sys
animals = ["fox", "dog", "cat", "owl", "elk", "yak"]
with open(sys.argv[1], "w") as f:
    for i in range(48):
        a = animals[i % 6]
        f.write(json.dumps({"prompt": f"which animal is number {i % 6}?", "response": f" the {a}."}) + "\n")
PY
finetune() {  # finetune OUT QUANT OPTIMIZER THREADS
    "$sweep" finetune --model "$work/a" --data "$work/instructions.jsonl" --out "$1" --quant "$2" --optimizer "$3" \
        --targets all --rank 4 --lr 1e-2 --batch 8 --micro-batch 2 --passes 2 --warmup 2 --seed 3 --threads "$4" \
        --log-every 1000 --json 2>/dev/null
}
finetune "$work/lora" none adamw 1 > "$work/lora.json"
finetune "$work/lora-again" none adamw 2 > "$work/lora-again.json"
finetune "$work/qlora" nf4-dq adamw 2 > "$work/qlora.json"
finetune "$work/qlora-again" nf4-dq adamw 3 > "$work/qlora-again.json"
check "LoRA fine-tuning lowers the loss, and 1 and 2 worker threads give the same losses" python3 -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["losses"] == b["losses"], "losses differ between thread counts"
assert a["losses"][-1] < 0.5 * a["losses"][0], a["losses"]' "$work/lora.json" "$work/lora-again.json"
check "LoRA on 1 and 2 threads and QLoRA on 2 and 3 threads write byte-identical adapters" bash -c '
cmp "$1/adapter_model.safetensors" "$2/adapter_model.safetensors" &&
cmp "$3/adapter_model.safetensors" "$4/adapter_model.safetensors"' _ "$work/lora" "$work/lora-again" "$work/qlora" "$work/qlora-again"
check "QLoRA (nf4-dq) needs less peak tensor memory than LoRA" python3 -c '
import json, sys
lora, qlora = (json.load(open(p)) for p in sys.argv[1:3])
assert qlora["peak_memory_bytes"] < lora["peak_memory_bytes"], (qlora["peak_memory_bytes"], lora["peak_memory_bytes"])
assert qlora["time"]["dequantization"] > 0 and lora["time"]["dequantization"] == 0' "$work/lora-again.json" "$work/qlora.json"
check "finetune --predict-memory equals the ledger a QLoRA run measures, category by category" bash -c '
predicted=$("$1" finetune --model "$2" --data "$3" --out "$4" --quant nf4-dq --targets all --batch 8 --micro-batch 2 --threads 2 --predict-memory --json) &&
measured=$("$1" finetune --model "$2" --data "$3" --out "$4" --quant nf4-dq --targets all --batch 8 --micro-batch 2 --threads 2 --json 2>/dev/null) &&
python3 -c "
import json, sys
predicted, measured = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ledger = {key: value for key, value in measured[\"peak_memory_by_category\"].items() if value}
assert predicted[\"peak_memory_by_category\"] == ledger, (predicted, ledger)
assert predicted[\"peak_memory_bytes\"] == measured[\"peak_memory_bytes\"] == measured[\"predicted_peak_memory_bytes\"], (predicted, measured)" "$predicted" "$measured"' _ "$sweep" "$work/a" "$work/instructions.jsonl" "$work/predicted"
check "an adapter merged into its base scores like the adapted model (|Δ log p| < 1e-5)" bash -c '
"$1" merge --model "$2" --adapter "$3" --out "$4" 2>/dev/null &&
python3 -c "
import json, sys
a, b = (json.loads(s)[\"logprobs\"] for s in sys.argv[1:3])
assert max(abs(x - y) for x, y in zip(a, b)) < 1e-5" \
  "$("$1" score --model "$2" --adapter "$3" --ids "$5" --json)" "$("$1" score --model "$4" --ids "$5" --json)"' \
    _ "$sweep" "$work/a" "$work/qlora" "$work/merged" "$ids"

check "pretraining with a BPE tokenizer saves tokenizer.json, and score --text encodes with it (<s> first)" bash -c '
"$1" pretrain --text "$2" --tokenizer bpe --vocab 400 --dim 32 --layers 1 --seq-len 32 --steps 5 --out "$3" --log-every 1000 2>/dev/null &&
test -f "$3/tokenizer.json" &&
"$1" score --model "$3" --text "the quick brown fox" --json | python3 -c "
import json, sys
result = json.load(sys.stdin)
assert result[\"ids\"][0] == 1 and len(result[\"ids\"]) > 2, result"' _ "$sweep" "$work/corpus.txt" "$work/bpe"

python3 -c '
import json, sys
records = [{"instruction": "Which animal is number %d?" % (i % 6), "input": "", "output": "The %s." % a}
           for i, a in enumerate(["fox", "dog", "cat", "owl", "elk", "yak"] * 4)]
json.dump(records, open(sys.argv[1], "w"))' "$work/alpaca.json"
check "finetune reads Alpaca JSON through the BPE tokenizer of the model and lowers the loss" bash -c '
"$1" pretrain --text "$2" --tokenizer bpe --vocab 400 --dim 32 --layers 1 --seq-len 256 --steps 20 --lr 3e-3 --out "$3" --log-every 1000 2>/dev/null &&
"$1" finetune --model "$3" --data "$4" --out "$5" --lr 1e-2 --batch 8 --passes 4 --json 2>/dev/null | python3 -c "
import json, sys
summary = json.load(sys.stdin)
assert summary[\"tokens\"] > 0 and summary[\"losses\"][-1] < summary[\"losses\"][0], summary[\"losses\"]"' \
    _ "$sweep" "$work/corpus.txt" "$work/bpe-alpaca" "$work/alpaca.json" "$work/alpaca-adapter"

mkdir -p "$work/broken" && cp "$work/a/config.json" "$work/broken/"
head -c 500 "$work/a/model.safetensors" > "$work/broken/model.safetensors"
check "a truncated checkpoint is a clear error (exit 2, names the file)" bash -c '
"$1" score --model "$2" --ids 1,2 2>&1; test $? -eq 2' _ "$sweep" "$work/broken"
grep -q "model.safetensors: header length .* runs past the end of the file" "$work/out" \
    || { failed=$((failed + 1)); echo "FAIL  the truncation message names the file and the problem"; }

fixtures="$(dirname "${BASH_SOURCE[0]}")/TokenizationTests/fixtures"
check "tokenize prints AutoTokenizer's ids for every text of the Llama 3 and Llama 2 style fixtures" python3 - "$sweep" "$fixtures" "$work/text" <<'PY'
import json, subprocess, sys
sweep, fixtures, text_file = sys.argv[1:]
for family in ["llama3", "llama2"]:
    for case in json.load(open(f"{fixtures}/{family}/cases.json"))["cases"]:
        open(text_file, "w", encoding="utf-8").write(case["text"])  # a file, since some texts hold U+0000
        out = subprocess.run([sweep, "tokenize", "--model", f"{fixtures}/{family}", "--file", text_file, "--json"],
                             capture_output=True, text=True, check=True).stdout
        assert json.loads(out)["ids"] == case["ids"], (family, case["text"], out)
PY
"$sweep" pretrain --text "$work/corpus.txt" --vocab 700 --dim 32 --layers 1 --heads 2 --seq-len 256 --batch 1 \
    --steps 1 --log-every 1000 --out "$work/vocab-700" >/dev/null 2>&1
check "score --text encodes as tokenize does (special tokens included) for the Llama 2, Mistral, GPT-2, SmolLM and Llama 3 fixtures" \
    python3 - "$sweep" "$fixtures" "$work/vocab-700" "$work/scored" <<'PY'
import json, shutil, subprocess, sys
sweep, fixtures, model, scored = sys.argv[1:]
for family in ["llama2", "mistral", "gpt2", "smollm", "llama3"]:
    shutil.rmtree(scored, ignore_errors=True)
    shutil.copytree(model, scored)  # a 700-token model: every fixture's ids fit
    for name in ["tokenizer.json", "tokenizer_config.json"]:
        shutil.copy(f"{fixtures}/{family}/{name}", scored)
    for case in json.load(open(f"{fixtures}/{family}/cases.json"))["cases"]:
        if "\0" in case["text"] or not 2 <= len(case["ids"]) <= 256:
            continue  # an argument cannot hold U+0000; scoring needs 2 to 256 tokens
        run = lambda *args: json.loads(subprocess.run([sweep, *args, "--model", scored, "--text", case["text"], "--json"],
                                                      capture_output=True, text=True, check=True).stdout)["ids"]
        ids = run("score")
        assert ids == run("tokenize") == case["ids"], (family, case["text"], ids)
PY
check "detokenize gives back the text tokenize encoded (special tokens left out)" bash -c '
ids=$("$1" tokenize --model "$2/llama3" --text "Hello, world: 12345 🙂")
test "$("$1" detokenize --model "$2/llama3" --ids "$ids")" = "Hello, world: 12345 🙂"' _ "$sweep" "$fixtures"
mkdir -p "$work/whitespace-tokenizer"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d["pre_tokenizer"] = {"type": "Whitespace"}; json.dump(d, open(sys.argv[2], "w"))' \
    "$fixtures/gpt2/tokenizer.json" "$work/whitespace-tokenizer/tokenizer.json"
"$sweep" tokenize --model "$work/whitespace-tokenizer" --text hi 2>"$work/whitespace.err"
status=$?
if [ "$status" -eq 2 ] && grep -q 'pre_tokenizer.type: "Whitespace" is not supported (supported: ' "$work/whitespace.err"; then
    passed=$((passed + 1)); echo "ok    an unsupported pre-tokenizer exits 2 with an error naming the field"
else
    failed=$((failed + 1)); echo "FAIL  an unsupported pre-tokenizer exits 2 with an error naming the field (status $status)"; cat "$work/whitespace.err"
fi

if command -v valgrind >/dev/null; then
    # Valgrind gives up on the debug info swiftc writes ("Possibly corrupted debuginfo file"), and an
    # empty count would match an empty count: it runs a copy without debug info, and a count must exist.
    valgrind_sweep="$work/sweep-without-debug-info"
    objcopy --strip-debug "$sweep" "$valgrind_sweep" 2>/dev/null || cp "$sweep" "$valgrind_sweep"
    heap_allocations() {  # allocations of a whole pretraining run of $1 steps
        valgrind --tool=memcheck "$valgrind_sweep" pretrain --text "$work/corpus.txt" --dim 32 --layers 2 --heads 4 --batch 2 \
            --seq-len 16 --steps "$1" --log-every 1000 --threads 1 --out "$work/v$1" 2>&1 |
            sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p'
    }
    four=$(heap_allocations 4) eight=$(heap_allocations 8)
    check "a training step allocates nothing on the heap (valgrind: 4 steps and 8 steps allocate alike: $four, $eight)" \
        test -n "$four" -a "$four" = "$eight"
    finetune_allocations() {  # allocations of a whole QLoRA run whose steps have 8 / $1 micro-batches in 4 shards
        SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=memcheck "$valgrind_sweep" finetune --model "$work/a" \
            --data "$work/instructions.jsonl" --quant nf4-dq --targets all --dropout 0.1 --batch 8 --micro-batch "$1" \
            --threads 1 --out "$work/f$1" 2>&1 | sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p'
    }
    eight=$(finetune_allocations 1) four=$(finetune_allocations 2)
    # 48 examples in steps of 8: 48 passes against 24. One allocation per pass would add 24 or more;
    # the few that differ otherwise come from lora_sweep.json, whose timings vary in length.
    check "a QLoRA forward/backward pass allocates nothing (48 or 24 passes allocate within 24: $eight, $four)" \
        bash -c 'test -n "$1" -a -n "$2" && difference=$(( ${1//,/} - ${2//,/} )) && test ${difference#-} -lt 24' _ "$eight" "$four"
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
