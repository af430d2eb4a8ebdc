#!/usr/bin/env bash
# `make test-slurm`: a real one-node Slurm on loopback runs a small grid as a job array; the collected
# results must be identical to the same grid run locally (same run ids, same metrics and loss curves bit
# for bit; only wall-clock measurements differ).
#   bash Tests/slurm/test-slurm.sh .build/release/sweep
set -uo pipefail
[ "$(id -u)" -eq 0 ] || exec sudo bash "$0" "$@"   # the Slurm daemons run as root
sweep=$(realpath "${1:-.build/release/sweep}")
tests=$(realpath "$(dirname "$0")/..")
work=$(mktemp -d)
cluster=$work/cluster
trap 'bash "$tests/slurm/cluster.sh" stop "$cluster"; rm -rf "$work"' EXIT
bash "$tests/slurm/cluster.sh" start "$cluster" || exit 1
export SLURM_CONF=$cluster/slurm.conf
cd "$work" || exit 1
source "$tests/check.sh"

tiny_base
sed "s|BASE|$work/base|" "$tests/fixtures/tiny-grid.toml" > grid.toml

start=$(date +%s%N)
"$sweep" grid.toml --db local.sqlite --out local --jobs 2 >local.log 2>&1
middle=$(date +%s%N)
"$sweep" grid.toml --db slurm.sqlite --out slurm --backend slurm --max-parallel 2 --slurm-dir shared >slurm.log 2>&1
end=$(date +%s%N)
echo "the same 8-run grid: local --jobs 2 took $(( (middle - start) / 1000000 )) ms; the Slurm array (%2) took $(( (end - middle) / 1000000 )) ms from submission to collected"

# Everything a run computes, to the last bit; not what a clock measures.
results() {
    sqlite3 "$1" "select id, status, trainable_parameters from runs order by id;
      select run_id, name, quote(value), quote(stderr), n from metrics
        where name not in ('tokens-per-second', 'wall-seconds', 'eval-seconds', 'peak-rss-bytes') order by run_id, name;
      select run_id, step, quote(loss), quote(lr) from curves order by run_id, step"
}
check "the array ran one task per run and collected every result" bash -c '
grep -q "submitted job" slurm.log && grep -q "collected 8 new result" slurm.log &&
test "$(sqlite3 slurm.sqlite "select count(*) from runs where status = '"'"'done'"'"'")" = 8 &&
test "$(ls shared/*/shards/*.json | wc -l)" = 8 && test "$(ls shared/*/logs/*.out | wc -l)" = 8'
check "Slurm and local runs have the same ids, metrics and loss curves, bit for bit" \
    cmp <(results local.sqlite) <(results slurm.sqlite)
check "the job script is readable: #SBATCH lines, the array range, one sweep shard call" bash -c '
grep -q "^#SBATCH --array=0-7%2$" shared/*/job.sh && grep -q "shard --plan" shared/*/job.sh'
check "every collected run keeps its adapter beside the database, as a local run does" bash -c '
test "$(sqlite3 slurm.sqlite "select count(*) from adapters")" = 8 && test "$(sqlite3 local.sqlite "select count(*) from adapters")" = 8 &&
for id in $(sqlite3 slurm.sqlite "select run_id from adapters"); do test -s adapters/$id/adapter_model.safetensors || exit 1; done'
check "collecting again records nothing twice" bash -c '
"$1" collect shared/* --db slurm.sqlite --out slurm 2>&1 | grep -q "collected 0 new result(s); 8 already recorded" &&
cmp <(results slurm.sqlite) <(results local.sqlite)' _ "$sweep"
check "a partial shard from a killed task is skipped with a warning, not merged" bash -c '
victim=$(sqlite3 slurm.sqlite "select id from runs order by id limit 1")
sqlite3 slurm.sqlite "pragma foreign_keys = on; delete from runs where id = '"'"'$victim'"'"'"
"$1" plan grid.toml >/dev/null && "$1" grid.toml --db slurm.sqlite --no-report --backend slurm --detach --slurm-dir shared2 >resubmit.log 2>&1
grep -q "submitted job" resubmit.log && test "$(python3 -c "import json,glob; print(len(json.load(open(glob.glob(\"shared2/*/plan.json\")[0]))[\"runs\"]))")" = 1 &&
for _ in $(seq 1 100); do test -z "$(squeue -h)" && break; sleep 0.3; done
dir=$(ls -d shared2/*); echo "{\"id\": \"$victim\", \"task\": 0" > $dir/shards/$victim.json
"$1" collect $dir --db slurm.sqlite --out slurm > partial.log 2>&1 && grep -q "not a complete shard" partial.log &&
test "$(sqlite3 slurm.sqlite "select status from runs where id = '"'"'$victim'"'"'")" = pending' _ "$sweep"

check "the Slurm examples of README.md and sweep help collect run as written (partition cpu)" \
    python3 "$tests/examples.py" "$sweep" --cluster

echo "test-slurm: $passed passed, $failed failed"
test "$failed" -eq 0
