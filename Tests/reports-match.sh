#!/usr/bin/env bash
# The committed results are what the committed database says: `sweep report` on results/runs.sqlite
# renders every experiment's Markdown and SVG, and results/FINDINGS.md with its charts, byte for byte
# as committed, and leaves the database unchanged. Run by `make test`:
#   bash Tests/reports-match.sh .build/release/sweep
# Ends with "reports match: N passed, M failed"; exit status 1 if anything failed.
set -uo pipefail
sweep=$(realpath "${1:-.build/release/sweep}")
cd "$(dirname "$0")/.." || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source Tests/check.sh

before=$(sha256sum results/runs.sqlite)
"$sweep" report --db results/runs.sqlite --out "$work/results" > "$work/written" 2>&1 || { cat "$work/written"; exit 1; }

check "sweep report wrote FINDINGS.md and a report per experiment" bash -c "
    grep -qx '$work/results/FINDINGS.md' '$work/written' && [ \$(grep -c '\\.md\$' '$work/written') -ge 10 ]"
for written in $(cat "$work/written"); do
    name=$(basename "$written" .md)
    charts=$name
    [ "$name" = FINDINGS ] && charts=findings
    check "results/$name.md is byte-identical to the rendering" cmp "results/$name.md" "$written"
    check "results/$charts/*.svg are byte-identical to the rendering" diff -r \
        <(cd "results/$charts" && find . -name '*.svg' | sort | xargs sha256sum) \
        <(cd "$work/results/$charts" && find . -name '*.svg' | sort | xargs sha256sum)
done
check "FINDINGS.md has nine findings, and each incomplete one says how many of its runs are done" bash -c "
    [ \$(grep -c '^## F[1-9] — ' results/FINDINGS.md) -eq 9 ] &&
    [ \$(grep -c '^## F.*: incomplete\$' results/FINDINGS.md) -eq \$(grep -c '| \*\*incomplete\*\*: [0-9]* of [0-9]* runs done' results/FINDINGS.md) ]"
check "rendering left results/runs.sqlite unchanged" bash -c "[ '$before' = \"\$(sha256sum results/runs.sqlite)\" ]"

echo "reports match: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
