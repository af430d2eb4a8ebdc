#!/usr/bin/env python3
"""Self cost per function, or the callers of one function, from a callgrind dump.

usage: callgrind_costs.py [--callers NAME] DUMP [DUMP ...]

With --dump-after, callgrind writes one file per dump and names each function in full only the first
time it appears in any of them (`fn=(12) name`, later just `fn=(12)`): pass every earlier dump too,
oldest first; the last file is the one measured. Self cost is Ir outside calls; --callers lists the
inclusive Ir each caller spends in functions whose name contains NAME.
"""
import collections, re, sys

def main(argv):
    callers = None
    if argv[:1] == ["--callers"]:
        callers, argv = argv[1], argv[2:]
    if not argv:
        sys.exit(__doc__)
    names = {}
    for path in argv:
        for line in open(path, errors="replace"):
            m = re.match(r"c?fn=\((\d+)\) (.*)", line.rstrip("\n"))
            if m:
                names.setdefault(m.group(1), m.group(2))

    def name(text):
        m = re.match(r"\((\d+)\)", text)
        return names.get(m.group(1), m.group(1)) if m else text

    self_cost, edges = collections.Counter(), collections.Counter()
    function = callee = None
    after_call = False
    for line in open(argv[-1], errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("fn="):
            function = name(line[3:])
        elif line.startswith("cfn="):
            callee = name(line[4:])
        elif line.startswith("calls="):
            after_call = True
        elif line and (line[0].isdigit() or line[0] in "+-*"):
            parts = line.split()
            cost = int(parts[1]) if len(parts) > 1 else 0
            if after_call:
                after_call = False
                if callers and callers in callee:
                    edges[function] += cost
            else:
                self_cost[function] += cost
    total = sum(self_cost.values())
    if callers:
        for caller, cost in edges.most_common(15):
            print(f"{cost:>15,}  {caller[:120]}")
    else:
        print(f"{total:>15,}  total self Ir")
        for function, cost in self_cost.most_common(40):
            print(f"{cost:>15,} {100 * cost / total:6.2f}%  {function[:120]}")

if __name__ == "__main__":
    main(sys.argv[1:])
