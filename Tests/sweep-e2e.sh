#!/usr/bin/env bash
# End-to-end checks of the sweep harness: the real binary, a tiny base model, a tiny grid, a temporary
# database. Run by `make test`:
#   bash Tests/sweep-e2e.sh .build/release/sweep
# Ends with "sweep e2e: N passed, M failed"; exit status 1 if anything failed.
set -uo pipefail
sweep=$(realpath "${1:-.build/release/sweep}")
tests=$(realpath "$(dirname "$0")")
fixtures=$tests/fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
source "$tests/check.sh"

tiny_base
sed "s|BASE|$work/base|" "$fixtures/tiny-grid.toml" > grid.toml

check "plan --json lists 8 runs with ids and resolved configurations (alpha = 2 * rank resolved)" python3 -c '
import json, subprocess, sys
plan = json.loads(subprocess.run([sys.argv[1], "plan", "grid.toml", "--json"], check=True, capture_output=True).stdout)
runs = plan["runs"]
assert len(runs) == 8 and len({r["id"] for r in runs}) == 8, runs
assert sorted({(r["config"]["rank"], r["config"]["alpha"]) for r in runs}) == [(2, 2), (2, 4), (4, 4), (4, 8)], runs' "$sweep"

check "the same run in two files has the same id" bash -c '
sed "s/name = \"tiny-grid\"/name = \"other\"/; s/rank = \[2, 4\]/rank = [4, 8]/" grid.toml > other.toml
comm -12 <("$1" plan grid.toml --json | python3 -c "import json,sys; [print(r[\"id\"]) for r in json.load(sys.stdin)[\"runs\"]]" | sort) \
         <("$1" plan other.toml --json | python3 -c "import json,sys; [print(r[\"id\"]) for r in json.load(sys.stdin)[\"runs\"]]" | sort) | wc -l | grep -qx 4' _ "$sweep"

"$sweep" grid.toml other.toml --db pooled.sqlite --out pooled --jobs 2 >pooled.log 2>&1
check "two files in one invocation share one pool of jobs: 12 distinct runs, each trained once, both reports" bash -c '
test "$(sqlite3 pooled.sqlite "select count(*) from runs where status = '"'"'done'"'"'")" = 12 &&
test "$(grep -c ": started" pooled.log)" = 12 && grep -q "^other: 8 runs, 0 done, 0 failed, 4 to train (4 shared with an earlier file)" pooled.log &&
grep -q "^12 run(s) to train; 2 job(s)" pooled.log && test -s pooled/tiny-grid.md && test -s pooled/other.md'

"$sweep" grid.toml --db runs.sqlite --out results --jobs 2 >first.log 2>&1
check "a sweep trains every run once, records them done and renders the report" bash -c '
test "$(sqlite3 runs.sqlite "select count(*) from runs where status = '"'"'done'"'"'")" = 8 &&
test "$(grep -c ": started" first.log)" = 8 && grep -q "^| 4 " results/tiny-grid.md && test -s results/tiny-grid/loss.svg'
check "every run has its benchmark scores with standard errors, held-out loss, curve and memory" bash -c '
test "$(sqlite3 runs.sqlite "select count(*) from metrics where name in ('"'"'facts'"'"', '"'"'arith-2ds'"'"', '"'"'heldout-loss'"'"') and stderr is not null")" = 24 &&
test "$(sqlite3 runs.sqlite "select count(distinct run_id) from curves")" = 8 &&
test "$(sqlite3 runs.sqlite "select count(*) from metrics where name = '"'"'peak-memory-bytes'"'"' and value > 0")" = 8'
check "the base model is scored once for the grid's evaluation setting, and every table starts with its row" bash -c '
test "$(sqlite3 runs.sqlite "select count(*) from base_evaluations")" = 1 &&
test "$(sqlite3 runs.sqlite "select count(distinct evaluation_id) || '"'"' '"'"' || count(*) from run_base_evaluations")" = "1 8" &&
test "$(sqlite3 runs.sqlite "select count(*) from base_metrics where chance is not null")" -ge 1 &&
test "$(grep -c "evaluating the base model" first.log)" = 1 && grep -q "^| base " results/tiny-grid.md && grep -q "^| chance " results/tiny-grid.md'

cp runs.sqlite runs-before-second.sqlite
"$sweep" grid.toml --db runs.sqlite --out results >second.log 2>&1
check "a second invocation trains nothing, says so, and leaves the database byte for byte" bash -c '! grep -q ": started" second.log && grep -q "nothing to train" second.log && cmp runs.sqlite runs-before-second.sqlite'

victim=$(sqlite3 runs.sqlite "select id from runs order by id limit 1")
sqlite3 runs.sqlite "pragma foreign_keys = on; delete from runs where id = '$victim'"
"$sweep" grid.toml --db runs.sqlite --out results >third.log 2>&1
check "deleting one run's row retrains exactly that run" bash -c '
test "$(grep -c ": started" third.log)" = 1 && grep -q "started (run '"$victim"')" third.log &&
test "$(sqlite3 runs.sqlite "select count(*) from runs where status = '"'"'done'"'"'")" = 8'

check "sweep report from the database alone is byte-identical, here and elsewhere" bash -c '
"$1" report --db runs.sqlite --out again >/dev/null && diff -r results again &&
mkdir -p elsewhere && cp runs.sqlite elsewhere/ && cd elsewhere && "$1" report tiny-grid --db runs.sqlite --out r >/dev/null && diff -r ../results r' _ "$sweep"

check "sweep check passes: spreads within tolerance and seed 1 replays bit for bit" "$sweep" check grid.toml --db runs.sqlite
sed 's/heldout-loss = 0.5/heldout-loss = 0.0/; s/name = "tiny-grid"/name = "strict"/' grid.toml > strict.toml
check "sweep check exits 1 on a spread beyond its tolerance" bash -c '
"$1" check strict.toml --db runs.sqlite > strict.out 2>&1; test $? = 1 && grep -q VIOLATION strict.out' _ "$sweep"

printf 'name = "bad"\npurpose = "typo"\nbase = "%s"\n[grid]\nrnak = [2, 4]\n' "$work/base" > bad.toml
check "an experiment file with an unknown key exits 2, names file, line and key, and writes no database" bash -c '
"$1" bad.toml --db fresh.sqlite > bad.out 2>&1; test $? = 2 && grep -q "bad.toml:5" bad.out && grep -q "rank" bad.out && test ! -e fresh.sqlite' _ "$sweep"

sed 's/name = "tiny-grid"/name = "diverging"/; s/lr = 1e-2/lr = 3e38\nclip = 0/; s/rank = \[2, 4\]/rank = [2]/' grid.toml > diverging.toml
"$sweep" diverging.toml --db runs.sqlite --out results >diverging.log 2>&1
check "a run with an absurd learning rate is recorded as diverged, and the sweep goes on" bash -c '
test "$(sqlite3 runs.sqlite "select count(*) from runs join experiment_runs on id = run_id where experiment = '"'"'diverging'"'"' and status = '"'"'failed'"'"' and error like '"'"'diverged at step%'"'"'")" -ge 1 &&
test "$(sqlite3 runs.sqlite "select count(*) from runs join experiment_runs on id = run_id where experiment = '"'"'diverging'"'"' and status in ('"'"'done'"'"', '"'"'failed'"'"')")" = 4 &&
grep -q "Failed runs" results/diverging.md && grep -q "diverged" results/diverging.md'

sed 's/name = "tiny-grid"/name = "interrupted"/; s/train_examples = 40/train_examples = 400\npasses = 4/' grid.toml > long.toml
"$sweep" long.toml --db runs.sqlite --out results --jobs 2 >long.log 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "step" long.log 2>/dev/null && break; sleep 0.2; done
kill -INT $pid; wait $pid; status=$?
check "Ctrl-C stops the sweep (status 130) and leaves no run marked running" bash -c '
test '"$status"' = 130 && test "$(sqlite3 runs.sqlite "select count(*) from runs where status = '"'"'running'"'"'")" = 0'
sqlite3 runs.sqlite "select id from runs join experiment_runs on id = run_id where experiment = 'interrupted' and status = 'done'" > done-before.txt
"$sweep" long.toml --db runs.sqlite --out results --jobs 2 >resumed.log 2>&1
check "the next invocation resumes: every run done, none trained twice, the database intact" bash -c '
test "$(sqlite3 runs.sqlite "select count(*) from runs join experiment_runs on id = run_id where experiment = '"'"'interrupted'"'"' and status = '"'"'done'"'"'")" = 8 &&
test "$(grep -c ": started" resumed.log)" = $((8 - $(wc -l < done-before.txt))) &&
! grep -F -f done-before.txt resumed.log && test "$(sqlite3 runs.sqlite "pragma integrity_check")" = ok'

echo "sweep e2e: $passed passed, $failed failed"
test "$failed" -eq 0
