# Sourced by the end-to-end scripts: `check "description" command…` runs the command, prints ok or FAIL
# (with the last lines of its output) and counts both. Needs $work, a scratch directory.
passed=0 failed=0
check() {  # check "description" command…
    local description=$1; shift
    if "$@" >"$work/out" 2>&1; then
        passed=$((passed + 1)); echo "ok    $description"
    else
        failed=$((failed + 1)); echo "FAIL  $description"; sed 's/^/      /' "$work/out" | tail -20
    fi
}
