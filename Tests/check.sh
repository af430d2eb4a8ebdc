# Sourced by the end-to-end scripts: `check "description" command…` runs the command, prints ok or FAIL
# (with the last lines of its output) and counts both. Needs $work, a scratch directory.
# `tiny_base` pretrains Tests/fixtures/tiny-base.toml into ./base (seconds), or stops the script with its log.
passed=0 failed=0
check() {  # check "description" command…
    local description=$1; shift
    if "$@" >"$work/out" 2>&1; then
        passed=$((passed + 1)); echo "ok    $description"
    else
        failed=$((failed + 1)); echo "FAIL  $description"; sed 's/^/      /' "$work/out" | tail -20
    fi
}

tiny_base() {  # needs $sweep and $tests
    "$sweep" base --recipe "$tests/fixtures/tiny-base.toml" --out base --report base.md 2>base.log || { cat base.log; exit 1; }
}
