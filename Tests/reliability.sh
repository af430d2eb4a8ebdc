#!/usr/bin/env bash
# Reliability checks of the sweep harness, with the real binary: bad experiment files, bad model and data
# files, SIGKILL of a sweep and of a worker, two sweeps on one database, unwritable paths. Run as:
#   bash Tests/reliability.sh .build/release/sweep
# Ends with "reliability: N passed, M failed"; exit status 1 if anything failed. Runs as root too (root
# ignores file permissions, so unwritable places are made with chattr +i and with files where
# directories are expected).
set -uo pipefail
sweep=$(realpath "${1:-.build/release/sweep}")
tests=$(realpath "$(dirname "$0")")
fixtures=$tests/fixtures
work=$(mktemp -d)
trap 'chattr -i "$work/frozen" "$work/frozen-dir" "$work/frozen-db/runs.sqlite" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
source "$tests/check.sh"
export sweep work

tiny_base
sed "s|BASE|$work/base|" "$fixtures/tiny-grid.toml" > grid.toml

# --- 1. Bad experiment files: status 2, one line naming file:line and key, no database, no reports --------
# bad NAME LINE KEY BODY [NAME-VALUE]: the file is `name = …`, `purpose = …`, `base = …`, then BODY (from line 4).
mkdir -p bad
bad() {
    local case=$1 line=$2 key=$3 body=$4 name=${5:-\"$1\"}
    printf 'name = %s\npurpose = "a bad file"\nbase = "%s"\n%b' "$name" "$work/base" "$body" > "bad/$case.toml"
    check "bad file $case: status 2, ${line:+line $line, }'$key', no database (sweep and sweep plan)" bash -c '
        file=bad/$1.toml
        "$sweep" "$file" --db "bad/$1.sqlite" --out "bad/$1-reports" > "bad/$1.out" 2>&1; status=$?
        cat "bad/$1.out"
        test $status = 2 && test "$(wc -l < "bad/$1.out")" = 1 && grep -qF "Error: $file${2:+:$2}: " "bad/$1.out" &&
        grep -qF -- "$3" "bad/$1.out" && test ! -e "bad/$1.sqlite" && test ! -e "bad/$1-reports" || exit 1
        "$sweep" plan "$file" > "bad/$1.plan" 2>&1; status=$?
        cat "bad/$1.plan"; test $status = 2 && grep -qF -- "$3" "bad/$1.plan"' _ "$case" "$line" "$key"
}
bad syntax 5 "not valid TOML" '[grid]\nrank = [2, 4\n'
bad unknown-key 5 "grid.rnak: unknown key 'rnak' in [grid]; did you mean 'rank'?" '[grid]\nrnak = [2, 4]\n'
bad unknown-top-key 4 "metirc: unknown key 'metirc' at the top level; did you mean 'metric'?" 'metirc = "facts"\n'
bad unknown-knob 5 "defaults.microbatch: unknown key 'microbatch' in [defaults]; did you mean 'micro_batch'?" '[defaults]\nmicrobatch = 2\n'
bad wrong-type 5 "defaults.lr: expected a number > 0" '[defaults]\nlr = true\n'
bad fractional-rank 5 "defaults.rank: expected an integer ≥ 1" '[defaults]\nrank = 2.5\n'
bad rank-zero 5 "grid.rank: expected an integer ≥ 1, got 0" '[grid]\nrank = [2, 0]\n'
bad rank-negative 5 "defaults.rank: expected an integer ≥ 1, got -4" '[defaults]\nrank = -4\n'
bad alpha-zero 5 "defaults.alpha: expected a number > 0" '[defaults]\nalpha = 0\n'
bad alpha-derived-zero 6 "grid.alpha: expected a number > 0, got 0 from \"rank - 4\"" '[grid]\nrank = [4]\nalpha = ["rank - 4"]\n'
bad dropout-one 5 "grid.dropout: expected a number in [0, 1), got 1" '[grid]\ndropout = [0, 1]\n'
bad dropout-negative 5 "defaults.dropout: expected a number in [0, 1)" '[defaults]\ndropout = -0.1\n'
bad lr-zero 5 "defaults.lr: expected a number > 0" '[defaults]\nlr = 0\n'
bad lr-negative 5 "grid.lr: expected a number > 0" '[grid]\nlr = [1e-3, -1e-3]\n'
bad unknown-target 5 "defaults.targets: unknown target 'gat'; did you mean 'gate'?" '[defaults]\ntargets = ["q", "gat"]\n'
bad unknown-optimizer 5 "grid.optimizer: expected one of adamw, sgd, got \"adam\"" '[grid]\noptimizer = ["adamw", "adam"]\n'
bad unknown-schedule 5 "defaults.schedule: expected one of constant, cosine, linear" '[defaults]\nschedule = "step"\n'
bad unknown-quantization 5 "defaults.quantization: expected one of none, nf4, nf4-dq" '[defaults]\nquantization = "nf8"\n'
bad empty-axis 5 "grid.rank: expected a non-empty array of values for the rank axis" '[grid]\nrank = []\n'
bad duplicate-axis 6 "rank" '[grid]\nrank = [2]\nrank = [4]\n'
bad duplicate-seed-axis 6 "grid.seed: duplicate seed axis" '[grid]\nseeds = [1, 2]\nseed = [3]\n'
bad duplicate-value 5 "grid.rank: the value 4 appears twice on the rank axis" '[grid]\nrank = [4, 2, 4]\n'
bad broken-expression 5 "defaults.alpha: expected an arithmetic expression over other knobs, got \"2 * (rank\"" '[defaults]\nalpha = "2 * (rank"\n'
bad unknown-name 5 "grid.alpha: unknown name 'rnak' in \"2 * rnak\"; did you mean 'rank'?" '[grid]\nalpha = ["2 * rnak"]\n'
bad cycle 6 "defaults.rank: derived knobs form a cycle: rank → alpha → rank" '[defaults]\nalpha = "2 * rank"\nrank = "alpha / 2"\n'
bad division-by-zero 6 "defaults.alpha: cannot evaluate \"16 / (rank - 8)\": division by zero" '[defaults]\nrank = 8\nalpha = "16 / (rank - 8)"\n'
bad micro-batch 7 "grid.micro_batch: expected a divisor of batch (8), got 3" '[defaults]\nbatch = 8\n[grid]\nmicro_batch = [1, 3]\n'
bad unknown-benchmark 4 "benchmarks: unknown benchmark 'fcats'; did you mean 'facts'?" 'benchmarks = ["fcats"]\n'
bad reproduce-seed 7 "check.reproduce_seed: expected one of the experiment's seeds (1, 2), got 5" '[grid]\nseeds = [1, 2]\n[check]\nreproduce_seed = 5\n'
bad escaping-name 1 "name: expected a name of letters, digits, '-' and '_' (it names files under results/), got \"../../x\"" '' '"../../x"'
bad slash-name 1 "name: expected a name of letters, digits" '' '"results/x"'
ranks=$(seq -s, 1 26) alphas=$(seq -s, 1 20)
bad header-without-key 6 "not valid TOML: a table header must start with a key" '[grid]\nrank = [2]\n[=]\n'
bad too-large 4 "grid: expected at most 500 runs, got more: the grid alone is 26 rank × 20 alpha × 1 seeds = 520 combinations" "[grid]\nrank = [$ranks]\nalpha = [$alphas]\n"

check "a grid beyond 500 runs is accepted with --yes (sweep plan --yes lists 520 runs)" bash -c '
"$sweep" plan bad/too-large.toml --yes --json | python3 -c "import json, sys; runs = json.load(sys.stdin)[\"runs\"]; assert len(runs) == 520, len(runs)"'
check "a file that does not exist: status 2, named, no database" bash -c '
"$sweep" bad/missing.toml --db bad/missing.sqlite > bad/missing.out 2>&1; status=$?; cat bad/missing.out
test $status = 2 && grep -q "bad/missing.toml: cannot read the file" bad/missing.out && test ! -e bad/missing.sqlite'
check "a good file followed by a bad one: status 2 before anything trains, no database" bash -c '
"$sweep" grid.toml bad/rank-zero.toml --db bad/two.sqlite > bad/two.out 2>&1; status=$?; cat bad/two.out
test $status = 2 && grep -q "bad/rank-zero.toml:5: grid.rank" bad/two.out && ! grep -q started bad/two.out && test ! -e bad/two.sqlite'

# --- 2. Bad model and data files: a clear error naming the file, never a crash, no database ------------
# refused DESCRIPTION PATTERN FILE: sweep FILE exits 1 (not a signal), names PATTERN, creates no database.
refused() {
    check "$1" bash -c '
        "$sweep" "$1" --db refused.sqlite --out refused > refused.out 2>&1; status=$?; cat refused.out
        test $status = 2 && grep -qE -- "$2" refused.out && test ! -e refused.sqlite' _ "$2" "$3"
}
model() {  # model NAME EDIT: a copy of the base with EDIT run inside it, and a grid on it
    rm -rf "$1" && cp -r base "$1" && (cd "$1" && eval "$2")
    sed "s|$work/base|$work/$1|" grid.toml > "$1.toml"
}
size=$(stat -c %s base/model.safetensors)
model truncated "truncate -s $((size / 2)) model.safetensors"
refused "a truncated model.safetensors: the sweep refuses up front, naming the file" truncated.toml "truncated/model.safetensors: .*(truncated|bytes|short|end)"
model bad-header "printf '\\377\\377\\377\\377\\377\\377\\377\\177' | dd of=model.safetensors conv=notrunc status=none"
refused "a safetensors header of absurd length: refused, naming the file" bad-header.toml "bad-header/model.safetensors"
model garbled-header "printf '{\"x\": [' | dd of=model.safetensors bs=1 seek=8 conv=notrunc status=none"
refused "a garbled safetensors header: refused, naming the file" garbled-header.toml "garbled-header/model.safetensors"
model bad-tokenizer "truncate -s 3000 tokenizer.json"
refused "a truncated tokenizer.json: refused, naming the file" bad-tokenizer.toml "bad-tokenizer/tokenizer.json: is not valid JSON"
model bad-vocab "sed -i 's/\"<pad>\": 0/\"<pad>\": 7/' tokenizer.json"
refused "a tokenizer.json with a clashing id: refused, naming the file" bad-vocab.toml "bad-vocab/tokenizer.json: .*id 7"
{ for i in 1 2 3; do echo '{"instruction": "Say hi.", "input": "", "output": "hi"}'; done
  echo '{"instruction": "Say hi.", "output": "hi"'; } > broken.jsonl
sed "s|^name = .*|name = \"jsonl\"\ndataset = \"$work/broken.jsonl\"|" grid.toml > jsonl.toml
refused "a malformed Alpaca JSONL dataset: refused, naming the file and line 4" jsonl.toml "broken.jsonl:4: is not valid JSON"
echo '{"instruction": "Say hi.", "input": 3, "output": "hi"}' > typed.jsonl
sed "s|^name = .*|name = \"typed\"\ndataset = \"$work/typed.jsonl\"|" grid.toml > typed.toml
refused "an Alpaca record with a number for input: refused, naming the file, the line and the field" typed.toml "typed.jsonl:1: \"input\" is an integer, expected a string"
config=$("$sweep" plan grid.toml --json | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["runs"][0]["config"]))')
check "a worker given the truncated model exits 2 with the file named, sends no outcome, raises no signal" bash -c '
"$sweep" worker --base truncated --config "$1" > worker.out 2>&1; status=$?; cat worker.out
test $status = 2 && grep -q "truncated/model.safetensors" worker.out && ! grep -q "\"outcome\"" worker.out' _ "$config"

# --- 3. Crash safety: SIGKILL of the sweep, SIGKILL of a worker, two sweeps at once ------------------
# Runs of a few seconds each, so that kills land in the middle of one.
sed 's/name = "tiny-grid"/name = "long"/; s/train_examples = 40/train_examples = 160\npasses = 2/' grid.toml > long.toml
q() { sqlite3 "$1" "$2"; }
export -f q
wait_for() {  # wait_for SECONDS COMMAND…: polls every 0.1 s
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do ((SECONDS < deadline)) || return 1; sleep 0.1; done
}
done_runs() { test "$(q crash.sqlite "select count(*) from runs where status = 'done'" 2>/dev/null || echo 0)" -ge 1; }
running_run() { test "$(q crash.sqlite "select count(*) from runs where status = 'running'" 2>/dev/null || echo 0)" -ge 1; }

"$sweep" long.toml --db crash.sqlite --out crash --jobs 2 > killed.log 2>&1 &
parent=$!
wait_for 120 done_runs && wait_for 30 running_run && sleep 0.5
workers=$(pgrep -P $parent | tr '\n' ' ')
q crash.sqlite "select id from runs where status = 'done'" > done-before.txt
q crash.sqlite "select id from runs where status = 'running'" > running-before.txt
kill -KILL $parent; wait $parent 2>/dev/null
check "SIGKILL of the sweep mid-run (with $(wc -l < done-before.txt) done, $(wc -l < running-before.txt) running, workers $workers)" \
    test -s done-before.txt -a -s running-before.txt -a -n "$workers"
check "its orphaned workers stop within 3 s: nothing is left to write anywhere" bash -c '
for _ in $(seq 30); do alive=0; for w in $1; do kill -0 $w 2>/dev/null && alive=1; done; test $alive = 0 && exit 0; sleep 0.1; done
ps -o pid,args -p "${1// /,}"; exit 1' _ "$workers"
"$sweep" long.toml --db crash.sqlite --out crash --jobs 2 > restarted.log 2>&1
check "the restarted sweep releases the dead sweep's runs, keeps finished ones and re-runs only the rest" bash -c '
cat restarted.log | grep -v "^  "
grep -q "left running by a stopped sweep are pending again" restarted.log &&
test "$(grep -c "started (run" restarted.log)" = $((8 - $(wc -l < done-before.txt))) &&
! grep -F -f done-before.txt restarted.log && grep -F -f running-before.txt restarted.log | grep -q started'
check "after the crash: 8 runs, all done, each with its metrics and a curve of all its steps, no duplicates, integrity ok" bash -c '
test "$(q crash.sqlite "select count(*) from runs")" = 8 &&
test "$(q crash.sqlite "select count(*) from runs where status = '"'done'"'")" = 8 &&
test "$(q crash.sqlite "select count(*) from experiment_runs")" = 8 &&
test "$(q crash.sqlite "select count(distinct run_id) from metrics where name in ('"'final-loss'"', '"'facts'"', '"'heldout-loss'"')")" = 8 &&
test "$(q crash.sqlite "select count(*) from runs r where (select count(*) from curves where run_id = r.id) != (select value from metrics where run_id = r.id and name = '"'steps'"')")" = 0 &&
test "$(q crash.sqlite "select count(*) from runs where worker is null or finished_at is null or error is not null")" = 0 &&
test "$(q crash.sqlite "pragma integrity_check")" = ok'

sed 's/name = "long"/name = "worker-kill"/; s/train_examples = 160/train_examples = 161/; s/rank = \[2, 4\]/rank = [2]/' long.toml > worker-kill.toml
"$sweep" worker-kill.toml --db worker-kill.sqlite --out worker-kill --jobs 1 > worker-kill.log 2>&1 &
parent=$!
has_worker() { pgrep -P $parent > /dev/null; }
# Killed as soon as it exists: a worker loads the base and the data before it trains, and sends its
# outcome only at the end, so the kill lands inside its run whatever the machine's load. (Waiting a
# fixed second instead let a run of one second finish first on a busy machine.)
wait_for 60 has_worker
victim=$(pgrep -P $parent | head -1)
kill -KILL "$victim"; wait $parent; status=$?
check "SIGKILL of a worker (pid $victim): its run is recorded failed with the signal, the sweep goes on to the end" bash -c '
cat worker-kill.log | grep -v "^  "
test $1 = 0 && grep -q "FAILED: the worker was killed by signal 9" worker-kill.log &&
test "$(q worker-kill.sqlite "select count(*) from runs where status = '"'failed'"' and error like '"'the worker was killed by signal 9%'"'")" = 1 &&
test "$(q worker-kill.sqlite "select count(*) from runs where status = '"'done'"'")" = 3 &&
grep -q "killed by signal 9" worker-kill/worker-kill.md && test "$(q worker-kill.sqlite "pragma integrity_check")" = ok' _ $status

sed 's/name = "long"/name = "race"/; s/train_examples = 160/train_examples = 162/' long.toml > race.toml
"$sweep" race.toml --db race.sqlite --out race-a --jobs 1 > race-a.log 2>&1 & a=$!
"$sweep" race.toml --db race.sqlite --out race-b --jobs 1 > race-b.log 2>&1 & b=$!
wait $a; status_a=$?; wait $b; status_b=$?
check "two sweeps on one new database and file at once: each of the 8 runs trained exactly once, all done" bash -c '
grep -h "started (run" race-a.log race-b.log | sed "s/.*started (run \(.*\))/\1/" | sort > race-started.txt
cat race-started.txt; echo "a: $(grep -c "started (run" race-a.log) started, exit $1; b: $(grep -c "started (run" race-b.log) started, exit $2"
grep -v "^  \|started (run\|done (run" race-a.log race-b.log | tail -20
test $1 = 0 && test $2 = 0 && test "$(wc -l < race-started.txt)" = 8 && test "$(sort -u race-started.txt | wc -l)" = 8 &&
test "$(q race.sqlite "select count(*) from runs where status = '"'done'"'")" = 8 &&
test "$(q race.sqlite "select count(*) from runs")" = 8 && test "$(q race.sqlite "pragma integrity_check")" = ok' _ $status_a $status_b

# --- 5. Unwritable places: a clear error naming the path, the database intact --------------------------
check "--db under a file (/dev/null/x.sqlite): exit 1, the path and the obstacle named" bash -c '
"$sweep" grid.toml --db /dev/null/x.sqlite > devnull.out 2>&1; status=$?; cat devnull.out
test $status = 1 && grep -q "/dev/null/x.sqlite" devnull.out && grep -q "/dev/null is a file, not a directory" devnull.out'
touch a-file
check "--out is a regular file: exit 1 before anything trains, the path named, no database created" bash -c '
"$sweep" grid.toml --db out-file.sqlite --out a-file > out-file.out 2>&1; status=$?; cat out-file.out
test $status = 1 && grep -q "cannot write reports under a-file" out-file.out && ! grep -q started out-file.out && test ! -e out-file.sqlite'
mkdir -p frozen && chattr +i frozen
check "--db in a directory nothing may be written to (chattr +i): exit 1, the directory named" bash -c '
"$sweep" grid.toml --db frozen/runs.sqlite > frozen-db.out 2>&1; status=$?; cat frozen-db.out
test $status = 1 && grep -q "frozen/runs.sqlite.*frozen is not writable" frozen-db.out && test ! -e frozen/runs.sqlite'
check "--out in such a directory: exit 1 before anything trains, the directory named" bash -c '
"$sweep" grid.toml --db frozen-out.sqlite --out frozen/reports > frozen-out.out 2>&1; status=$?; cat frozen-out.out
test $status = 1 && grep -q "cannot write reports under frozen/reports: .*frozen is not writable" frozen-out.out && test ! -e frozen-out.sqlite'
mkdir -p frozen-db && cp crash.sqlite frozen-db/runs.sqlite && chattr +i frozen-db/runs.sqlite
sed 's/name = "long"/name = "more"/; s/train_examples = 160/train_examples = 163/' long.toml > more.toml
before=$(sha256sum frozen-db/runs.sqlite)
check "a read-only existing database (chattr +i): exit 1, the path named, the file unchanged" bash -c '
"$sweep" more.toml --db frozen-db/runs.sqlite --out frozen-db > frozen-file.out 2>&1; status=$?; cat frozen-file.out
test $status = 1 && grep -q "frozen-db/runs.sqlite.*read-only" frozen-file.out && ! grep -q started frozen-file.out &&
test "$(sha256sum frozen-db/runs.sqlite)" = "$1"' _ "$before"
chattr -i frozen-db/runs.sqlite
mkdir -p frozen-dir && cp crash.sqlite frozen-dir/runs.sqlite && chattr +i frozen-dir
before=$(sha256sum frozen-dir/runs.sqlite)
check "a results directory nothing may be written to, holding the database: exit 1, the directory named, the file unchanged" bash -c '
"$sweep" more.toml --db frozen-dir/runs.sqlite --out reports > frozen-dir.out 2>&1; status=$?; cat frozen-dir.out
test $status = 1 && grep -q "frozen-dir/runs.sqlite: its directory .*frozen-dir is not writable" frozen-dir.out &&
! grep -q started frozen-dir.out && test "$(sha256sum frozen-dir/runs.sqlite)" = "$1"' _ "$before"
chattr -i frozen-dir

# --- 6. An interrupted pretraining resumes from its checkpoint, to the same bits -------------------------------
sed 's/^steps = 20$/steps = 300/' "$fixtures/tiny-base.toml" > long-base.toml
"$sweep" base --recipe long-base.toml --out straight --report straight.md 2>straight.log || cat straight.log
"$sweep" base --recipe long-base.toml --out resumed/ --max-steps 100 2>trial.log || cat trial.log
check "sweep base --max-steps 100 writes its model and leaves a checkpoint in --out, its report beside --out, not results/base.md" bash -c '
test -e resumed/model.safetensors && test -e resumed/pretraining-checkpoint.safetensors &&
test -e resumed.md && test ! -e results/base.md'
"$sweep" base --recipe long-base.toml --out resumed --report resumed.md --checkpoint-minutes 0 --log-every 1 2>killed.log &
victim=$!
for _ in $(seq 1 600); do grep -q "step 1[5-9][0-9]/300" killed.log && break; sleep 0.05; done
kill -KILL $victim; wait $victim 2>/dev/null
check "SIGKILL of the resumed pretraining between steps 150 and 300 (it resumed at step 100)" bash -c '
grep -q "resuming from the checkpoint" killed.log && ! grep -q "wrote resumed" killed.log'
"$sweep" base --recipe long-base.toml --out resumed --report resumed.md 2>finished.log || cat finished.log
check "started again, it resumes and ends with the bytes of the uninterrupted run; the checkpoint is gone" bash -c '
cat finished.log | grep -E "resum|wrote"
grep -q "resumed at step" finished.log && cmp straight/model.safetensors resumed/model.safetensors &&
test ! -e resumed/pretraining-checkpoint.safetensors'
"$sweep" base --recipe long-base.toml --out other --report other.md --max-steps 10 2>/dev/null
sed 's/^warmup = 2$/warmup = 3/' long-base.toml > other-base.toml
check "a checkpoint of another recipe in --out: status 2, the checkpoint named, nothing trained" bash -c '
"$sweep" base --recipe other-base.toml --out other --report other.md > other.out 2>&1; status=$?; cat other.out
test $status = 2 && grep -q "Error: .*other/pretraining-checkpoint.safetensors: was written while training recipe" other.out &&
! grep -q "step 11/" other.out'

echo "reliability: $passed passed, $failed failed"
test "$failed" -eq 0
