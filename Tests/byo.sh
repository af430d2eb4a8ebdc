#!/usr/bin/env bash
# Bring your own model and data, end to end: a Llama-2-style and a SmolLM-style checkpoint of our own
# making (Tests/byo, made with transformers by make_models.py) go tokenize → score → sweep over a chat
# JSON Lines file with benchmarks = [] → best → export → merged, checked against transformers' ids and
# log-probabilities; with PEFT importable (PYTHON=.venv/bin/python after `make parity-setup`), the exported
# adapter is loaded by PeftModel.from_pretrained and scored against `sweep score --adapter`.
#   bash Tests/byo.sh .build/release/sweep
# Ends with "byo: N passed, M failed"; exit status 1 if anything failed.
set -uo pipefail
sweep=$(realpath "${1:-.build/release/sweep}")
tests=$(realpath "$(dirname "$0")")
python=${PYTHON:-python3}
[[ $python == */* ]] && python=$(cd "$(dirname "$python")" && pwd)/$(basename "$python")  # a venv's, not what it links to
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
source "$tests/check.sh"
export sweep python

# compare GOLDEN TEXT_INDEX TOLERANCE FILE: FILE's {"ids", "logprobs"} against the golden case's.
cat > compare.py <<'PY'
import json, sys
golden = json.load(open(sys.argv[1]))["cases"][int(sys.argv[2])]
ours = json.load(open(sys.argv[4]))
assert ours["ids"] == golden["ids"], f"ids {ours['ids']} != transformers' {golden['ids']}"
if "logprobs" in ours:
    worst = max(abs(a - b) for a, b in zip(ours["logprobs"], golden["logprobs"]))
    assert len(ours["logprobs"]) == len(golden["logprobs"]) and worst <= float(sys.argv[3]), f"worst {worst:.2e}"
    print(f"{len(ours['ids'])} ids equal, log-probabilities within {worst:.1e}")
PY

for family in llama2-style smollm-style; do
    cp -r "$tests/byo/$family" "$family"
    count=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["cases"]))' "$family/golden.json")
    for ((i = 0; i < count; i++)); do
        text=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["cases"][int(sys.argv[2])]["text"], end="")' "$family/golden.json" $i)
        "$sweep" tokenize --model "$family" --text "$text" --json > "$family-tokens-$i.json" 2>&1
        "$sweep" score --model "$family" --text "$text" --json > "$family-score-$i.json" 2>&1
        check "$family, text $i: sweep tokenize gives transformers' ids" python3 compare.py "$family/golden.json" $i 0 "$family-tokens-$i.json"
        check "$family, text $i: sweep score --text gives its log-probabilities within 1e-3 (bf16 weights)" \
            python3 compare.py "$family/golden.json" $i 1e-3 "$family-score-$i.json"
    done

    # The user's study: their checkpoint, their chat data beside the experiment file, the model's own
    # chat template, held-out loss only.
    mkdir -p "study-$family/data"
    cp "$tests/byo/chat.jsonl" "study-$family/data/chat.jsonl"
    cat > "study-$family/rank.toml" <<TOML
name = "rank-$family"
purpose = "LoRA's rank on our own conversations, with the checkpoint's chat template"
base = "$work/$family"
dataset = "data/chat.jsonl"
template = "model"
heldout_fraction = 0.25
benchmarks = []

[defaults]
lr = 1e-2
batch = 4
passes = 2
targets = ["all"]

[grid]
rank = [2, 4]
seeds = [1, 2]
TOML
    "$sweep" "study-$family/rank.toml" --db runs.sqlite --out reports --jobs 2 > "sweep-$family.log" 2>&1
    check "$family: the chat sweep trains its 4 runs, each with a held-out loss and no benchmark" bash -c '
    cat "sweep-$1.log" | grep -v "^  "
    test "$(sqlite3 runs.sqlite "select count(*) from runs r join experiment_runs e on e.run_id = r.id where e.experiment = '"'rank-\$1'"' and r.status = '"'done'"'")" = 4 &&
    test "$(sqlite3 runs.sqlite "select count(*) from metrics m join experiment_runs e on e.run_id = m.run_id where e.experiment = '"'rank-\$1'"' and m.name = '"'heldout-loss'"' and m.value > 0")" = 4 &&
    test "$(sqlite3 runs.sqlite "select count(*) from metrics m join experiment_runs e on e.run_id = m.run_id where e.experiment = '"'rank-\$1'"' and m.name in ('"'facts'"', '"'causative'"')")" = 0' _ "$family"

    "$sweep" best "rank-$family" --db runs.sqlite --out "best-$family" > "best-$family.log" 2>&1
    run=$("$sweep" best "rank-$family" --db runs.sqlite --ids 2>/dev/null | head -1)
    check "$family: sweep best ranks the arms by held-out loss and exports the best arm's adapters in PEFT's format" bash -c '
    cat "best-$1.log"; test -n "$2" && test -s "best-$1/$2/adapter_model.safetensors" &&
    python3 -c "
import json, sys
c = json.load(open(sys.argv[1]))
assert c[\"peft_type\"] == \"LORA\" and c[\"r\"] in (2, 4) and c[\"base_model_name_or_path\"], c
assert sorted(c[\"target_modules\"]) == sorted([\"q_proj\", \"k_proj\", \"v_proj\", \"o_proj\", \"gate_proj\", \"up_proj\", \"down_proj\", \"lm_head\"]), c[\"target_modules\"]
" "best-$1/$2/adapter_config.json"' _ "$family" "$run"

    text="What colour is the sea?"
    "$sweep" export "$run" --db runs.sqlite --merged --out "merged-$family" > "merged-$family.log" 2>&1
    "$sweep" score --model "merged-$family" --text "$text" --json > "merged-$family.json" 2>&1
    "$sweep" score --model "$family" --adapter "best-$family/$run" --text "$text" --json > "adapted-$family.json" 2>&1
    check "$family: the merged checkpoint scores as the base with the exported adapter (within 1e-4)" python3 -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert a["ids"] == b["ids"], "ids differ"
worst = max(abs(x - y) for x, y in zip(a["logprobs"], b["logprobs"]))
assert worst <= 1e-4, f"worst {worst:.2e}"
print(f"within {worst:.1e}")' "merged-$family.json" "adapted-$family.json"

    if "$python" -c "import peft, torch, transformers" 2>/dev/null; then
        check "$family: PEFT loads the exported adapter on the checkpoint; its log-probabilities equal sweep's within 1e-3" "$python" -c '
import json, sys, torch
from transformers import AutoTokenizer, LlamaForCausalLM
from peft import PeftModel
model_dir, adapter_dir, ours = sys.argv[1:4]
ours = json.load(open(ours))
base = LlamaForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
model = PeftModel.from_pretrained(base, adapter_dir).eval()
ids = AutoTokenizer.from_pretrained(model_dir)(sys.argv[4])["input_ids"]
assert ids == ours["ids"], "ids differ"
with torch.no_grad():
    logprobs = torch.log_softmax(model(torch.tensor([ids])).logits[0].double(), -1)
theirs = [logprobs[i, ids[i + 1]].item() for i in range(len(ids) - 1)]
worst = max(abs(a - b) for a, b in zip(theirs, ours["logprobs"]))
assert worst <= 1e-3, f"worst {worst:.2e}"
print(f"within {worst:.1e}")' "$family" "best-$family/$run" "adapted-$family.json" "$text"
    else
        echo "skip  $family: PEFT is not importable by $python (make parity-setup, then PYTHON=.venv/bin/python)"
    fi
done

echo "byo: $passed passed, $failed failed"
test "$failed" = 0
