#!/usr/bin/env bash
# End-to-end checks of bring-your-own data: a sweep over a chat JSON Lines file beside its experiment
# file (a relative path), laid out by ChatML, with benchmarks = [] so that the runs report held-out loss
# only; bad data and templates refused up front; `sweep finetune` reading the same file. Run by `make test`:
#   bash Tests/datasets-e2e.sh .build/release/sweep
# Ends with "datasets e2e: N passed, M failed"; exit status 1 if anything failed.
set -uo pipefail
sweep=$(realpath "${1:-.build/release/sweep}")
tests=$(realpath "$(dirname "$0")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
source "$tests/check.sh"

tiny_base

# 48 conversations: one or two exchanges, every third with a system message.
mkdir -p study/data
python3 - study/data/chat.jsonl <<'PY'
import json, sys
animals = ["fox", "dog", "cat", "owl", "elk", "yak"]
with open(sys.argv[1], "w") as out:
    for i in range(48):
        messages = [{"role": "system", "content": "Answer in a few words."}] if i % 3 == 0 else []
        messages += [{"role": "user", "content": f"Which animal is number {i % 6}?"},
                     {"role": "assistant", "content": f"The {animals[i % 6]}, number {i}."}]
        if i % 2:
            messages += [{"role": "user", "content": "And the next one?"},
                         {"role": "assistant", "content": f"The {animals[(i + 1) % 6]}."}]
        out.write(json.dumps({"messages": messages}) + "\n")
PY
cat > study/chat.toml <<TOML
# Held-out loss of LoRA ranks on a chat dataset of our own: \`sweep study/chat.toml\`
name = "chat"
purpose = "Ranks on our own conversations, laid out by ChatML, held-out loss only"
base = "$work/base"
dataset = "data/chat.jsonl"    # beside this file
template = "chatml"
heldout_fraction = 0.25        # 12 of the 48 conversations
benchmarks = []

[defaults]
lr = 1e-2
batch = 4

[grid]
rank = [2, 4]
TOML

"$sweep" study/chat.toml --db runs.sqlite --out results --jobs 2 >chat.log 2>&1
check "a chat sweep with benchmarks = [] trains every run, from another directory than the experiment file's" bash -c '
cat chat.log; test "$(sqlite3 runs.sqlite "select count(*) from runs where status = '"'"'done'"'"'")" = 2'
check "each run reports the held-out loss over the 12 held-out conversations, and no benchmark" bash -c '
test "$(sqlite3 runs.sqlite "select count(*) from metrics where name = '"'"'heldout-loss'"'"' and n = 12 and value > 0")" = 2 &&
test "$(sqlite3 runs.sqlite "select count(*) from metrics where name in ('"'"'facts'"'"', '"'"'causative'"'"', '"'"'arith-2ds'"'"', '"'"'truthful-mc1'"'"')")" = 0 &&
test "$(sqlite3 runs.sqlite "select count(*) from metrics where name = '"'"'train-examples'"'"' and value = 36")" = 2'
check "the report has a held-out loss column and no benchmark columns" bash -c '
cat results/chat.md; grep -q "held-out loss" results/chat.md && ! grep -qi "truthfulqa\|causative" results/chat.md && test -s results/chat/loss.svg'
check "the recorded configuration names the data as the file writes it, its template and held-out share" bash -c '
sqlite3 runs.sqlite "select configuration_json from runs" | grep -F "\"dataset\":\"data/chat.jsonl\"" | grep -F "\"template\":\"chatml\"" | grep -qF "\"heldout_fraction\":0.25"'

ids() { "$sweep" plan "$1" --json | python3 -c 'import json, sys; print(" ".join(sorted(r["id"] for r in json.load(sys.stdin)["runs"])))'; }
check "run ids do not depend on the directory the sweep is started from" bash -c '
test "$(ids study/chat.toml)" = "$(cd study && ids chat.toml)"'
export -f ids
export sweep
check "changing one conversation changes every run id (the data is trained again)" bash -c '
before=$(ids study/chat.toml); cp study/data/chat.jsonl chat.backup
sed -i "1s/Answer in a few words./Answer briefly./" study/data/chat.jsonl; after=$(ids study/chat.toml); cp chat.backup study/data/chat.jsonl
test -n "$before" && test "$before" != "$after" && test "$(ids study/chat.toml)" = "$before"'
check "a second invocation trains nothing" bash -c '
"$1" study/chat.toml --db runs.sqlite --out results > again.log 2>&1; cat again.log; grep -q "nothing to train" again.log && ! grep -q ": started" again.log' _ "$sweep"

# A held-out file instead of a share: every conversation trains, the file's two are scored.
head -2 study/data/chat.jsonl > study/data/dev.jsonl
sed 's/^name = "chat"/name = "chat-dev"/; s/^heldout_fraction = .*/heldout = "data\/dev.jsonl"/; s/^rank = \[2, 4\]/rank = [2]/' study/chat.toml > study/chat-dev.toml
"$sweep" study/chat-dev.toml --db runs.sqlite --out results >dev.log 2>&1
check "heldout = a file: the run trains on all 48 conversations and scores the file's 2" bash -c '
cat dev.log; test "$(sqlite3 runs.sqlite "select count(*) from metrics join experiment_runs using (run_id) where experiment = '"'"'chat-dev'"'"' and name = '"'"'heldout-loss'"'"' and n = 2")" = 1 &&
test "$(sqlite3 runs.sqlite "select count(*) from metrics join experiment_runs using (run_id) where experiment = '"'"'chat-dev'"'"' and name = '"'"'train-examples'"'"' and value = 48")" = 1'

# Refused up front: status 2, one line naming the file, the line and what was expected; no database.
refused() {  # refused DESCRIPTION PATTERN FILE
    check "$1" bash -c '
        "$sweep" "$2" --db refused.sqlite --out refused > refused.out 2>&1; status=$?; cat refused.out
        test $status = 2 && test "$(wc -l < refused.out)" = 1 && grep -qF -- "$3" refused.out && test ! -e refused.sqlite' _ "$3" "$2"
}
variant() {  # variant NAME SED-EXPRESSION: study/NAME.toml from study/chat.toml
    sed "s/^name = \"chat\"/name = \"$1\"/; $2" study/chat.toml > "study/$1.toml"
}
{ head -3 study/data/chat.jsonl; echo '{"messages": [{"role": "user", "content": "Hi"}, {"role": "tool", "content": "x"}]}'; } > study/data/bad-role.jsonl
variant bad-role 's/chat.jsonl/bad-role.jsonl/'
refused "a chat line with an unknown role names the file, the line and the field" study/bad-role.toml \
    "data/bad-role.jsonl:4: \"messages[1].role\" is \"tool\", expected one of system, user, assistant"
{ head -1 study/data/chat.jsonl; echo '{"prompt": "Hi", "completion": "Yo"}'; } > study/data/mixed.jsonl
variant mixed 's/chat.jsonl/mixed.jsonl/'
refused "a prompt/completion line in a chat file is refused, naming the line" study/mixed.toml \
    "data/mixed.jsonl:2: is a prompt/completion object"
variant alpaca-template 's/^template = .*/template = "alpaca"/'
refused "the alpaca template on a conversation with a system message names the line and the templates that hold it" study/alpaca-template.toml \
    "data/chat.jsonl:1: the alpaca template holds one user message and the assistant's reply"
variant model-template 's/^template = .*/template = "model"/'
refused "template = model on a model without a chat template asks for an explicit one" study/model-template.toml \
    "has no chat template (tokenizer_config.json's chat_template or chat_template.jinja): give template = \"chatml\", \"llama-2\" or \"alpaca\" instead of \"model\""
variant missing-data 's/chat.jsonl/none.jsonl/'
refused "a dataset that is not there names the key and where it was looked for" study/missing-data.toml \
    "dataset data/none.jsonl: no such file (looked for $work/study/data/none.jsonl)"

# The model's own template, once it has one: ChatML's, recognised.
cp -r base chat-base
python3 - chat-base/tokenizer_config.json <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["chat_template"] = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
json.dump(config, open(sys.argv[1], "w"), indent=2)
PY
sed "s/^name = \"chat\"/name = \"chat-model\"/; s/^template = .*/template = \"model\"/; s|^base = .*|base = \"$work/chat-base\"|" study/chat.toml > study/chat-model.toml
check "template = model recognises a ChatML chat template and plans the runs" bash -c '
"$1" plan study/chat-model.toml --json > model.plan; status=$?; cat model.plan; test $status = 0 &&
python3 -c "import json, sys; runs = json.load(open(sys.argv[1]))[\"runs\"]; assert [r[\"config\"][\"template\"] for r in runs] == [\"model\"] * 2, runs" model.plan' _ "$sweep"

check "sweep finetune reads the same chat file through --template chatml" bash -c '
"$1" finetune --model base --data study/data/chat.jsonl --template chatml --out adapters/chat --rank 2 --batch 4 --train-examples 8 2>finetune.log
status=$?; cat finetune.log; test $status = 0 && test -s adapters/chat/adapter_model.safetensors && grep -q "8 examples" finetune.log' _ "$sweep"
check "sweep finetune refuses a conversation the alpaca template cannot hold, naming the line (status 2)" bash -c '
"$1" finetune --model base --data study/data/chat.jsonl --out adapters/alpaca > refused-finetune.out 2>&1; status=$?; cat refused-finetune.out
test $status = 2 && grep -qF "study/data/chat.jsonl:1: the alpaca template holds one user message" refused-finetune.out' _ "$sweep"

echo "datasets e2e: $passed passed, $failed failed"
test "$failed" -eq 0
