#!/usr/bin/env bash
# The two front doors agree: one configuration given as `sweep finetune` flags and as a one-run sweep
# file (run by `sweep worker`, as a sweep runs it) trains the same adapter, byte for byte, with the same
# trainable parameter count — `targets all` included, which means every linear layer and the head.
#   bash Tests/front-doors.sh .build/release/sweep
# Ends with "front doors: N passed, M failed"; exit status 1 if anything failed.
set -uo pipefail
sweep=$(realpath "${1:-.build/release/sweep}")
tests=$(realpath "$(dirname "$0")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
source "$tests/check.sh"

tiny_base

# door_pair TARGETS_FLAG TARGETS_TOML: trains through both doors into flags-<name>/ and file-<name>/.
door_pair() {
    local name=$1 flag=$2 toml=$3
    "$sweep" finetune --model base --data alpaca --out "flags-$name" --rank 2 --alpha 4 --targets "$flag" \
        --lr 0.01 --train-examples 24 --batch 4 --seed 3 --threads 1 --json > "flags-$name.json" 2> "flags-$name.log" || return 1
    cat > "file-$name.toml" <<TOML
name = "front-door-$name"
purpose = "the same run as the finetune flags"
base = "$work/base"
benchmarks = ["facts"]
[defaults]
rank = 2
alpha = 4
targets = $toml
lr = 0.01
train_examples = 24
batch = 4
eval_limit = 4
[grid]
seeds = [3]
TOML
    local config
    config=$("$sweep" plan "file-$name.toml" --json | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["runs"][0]["config"]))') || return 1
    "$sweep" worker --base base --config "$config" --adapter-out "file-$name" --threads 1 > "file-$name.out" 2> "file-$name.log"
}

trainable_from_flags() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["trainable_parameters"])' "$1"; }
trainable_from_worker() {
    python3 -c 'import json, sys
for line in open(sys.argv[1]):
    message = json.loads(line)
    if "outcome" in message: print(message["outcome"]["trainable_parameters"])' "$1"
}

check "q,v: both doors train" door_pair qv "q,v" '["q", "v"]'
check "q,v: the adapters are byte-identical" cmp flags-qv/adapter_model.safetensors file-qv/adapter_model.safetensors
check "all: both doors train" door_pair all "all" '["all"]'
check "all: the adapters are byte-identical" cmp flags-all/adapter_model.safetensors file-all/adapter_model.safetensors
check "all: the same trainable parameter count through both doors" \
    test "$(trainable_from_flags flags-all.json)" = "$(trainable_from_worker file-all.out)"
check "all: the head is adapted (lm_head in the adapter)" grep -q lm_head flags-all/adapter_model.safetensors
check "all is every linear layer with the head: the same adapter as naming all eight" bash -c '
"$1" finetune --model base --data alpaca --out eight --rank 2 --alpha 4 --targets q,k,v,o,gate,up,down,head \
    --lr 0.01 --train-examples 24 --batch 4 --seed 3 --threads 1 2>/dev/null && cmp eight/adapter_model.safetensors flags-all/adapter_model.safetensors' _ "$sweep"

echo "front doors: $passed passed, $failed failed"
test "$failed" = 0
