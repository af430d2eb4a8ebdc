#!/usr/bin/env python3
"""Groups a callgrind profile's Ir by kernel.

usage: kernels.py PROFILE [PROFILE ...]   (callgrind.out files, e.g. one per --dump-after dump)

Self Ir of every function goes to a kernel by its (demangled) name or its object; the self Ir of
helpers (libm's exp/log, the Swift runtime's retain/release, the random generator) goes to the
functions that call them, in proportion to the inclusive Ir of those calls. OpenBLAS is its own
kernel, and is split a second time by the Swift function that called cblas_sgemm.
"""
import re, subprocess, sys
from collections import defaultdict

def parse(path):
    names, objects = {}, {}
    self_cost = defaultdict(int)
    edges = defaultdict(lambda: [0, 0])   # (caller, callee) -> [calls, inclusive Ir]
    fn_object = {}
    ob = fn = cfn = None
    pending_call = None
    def name_of(table, text):
        m = re.match(r'\((\d+)\)(?: (.*))?', text)
        if not m: return text
        if m.group(2) is not None: table[m.group(1)] = m.group(2)
        return table[m.group(1)]
    for line in open(path, errors='replace'):
        line = line.rstrip('\n')
        if not line or line[0] == '#': continue
        if line.startswith('ob='): ob = name_of(objects, line[3:])
        elif line.startswith('fn='):
            fn = name_of(names, line[3:]); fn_object.setdefault(fn, ob)
        elif line.startswith('cob='): cob = name_of(objects, line[4:])
        elif line.startswith('cfn='):
            cfn = name_of(names, line[4:]); fn_object.setdefault(cfn, cob if 'cob' in dir() else ob)
        elif line.startswith('calls='):
            pending_call = int(line[6:].split()[0])
        elif line[0] in '0123456789+-*':
            parts = line.split()
            cost = int(parts[1]) if len(parts) > 1 else 0
            if pending_call is not None:
                e = edges[(fn, cfn)]; e[0] += pending_call; e[1] += cost
                pending_call = None
            else:
                self_cost[fn] += cost
        # fl=, fi=, fe=, cfi=, cfl=, jump= and header lines change nothing we count
    return self_cost, edges, fn_object

def demangle(names):
    names = list(names)
    out = subprocess.run(['swift', 'demangle', '--simplified'], input='\n'.join(names), capture_output=True, text=True).stdout.split('\n')
    return dict(zip(names, out))

KERNELS = [  # (kernel, regex on the demangled name), first match wins
    ('attention/softmax', r'attention(Forward|Backward)|causalSoftmaxRow|softmaxBackwardRow'),
    ('RMSNorm', r'rmsnorm'),
    ('RoPE', r'rope(Forward|Backward)|\brotate\b|Rope'),
    ('SwiGLU', r'swiglu'),
    ('cross-entropy', r'crossEntropy|logSoftmax'),
    ('dropout', r'dropout'),
    ('LoRA adapter (own code)', r'\bLoRA\.'),
    ('optimizer + clipping', r'AdamW|SGD\.step|clipGradientNorm|power'),
    ('NF4 dequantization', r'nf4|NF4|QuantizedProjections'),
    ('embedding', r'embedding'),
    ('bench: random tokens', r'closure #1 in BenchCell\.makeStep|RandomNumberGenerator|random\(in'),
    ('Llama.forward/backward (residual adds, loops)', r'Llama\.(forward|backward|project)|\badd\('),
]
HELPERS = r'^(exp|expf|log|logf|__exp|__ieee754|__log|swift_retain|swift_release|swift_bridgeObject|.*SeededGenerator|.*nextUnit|.*next\(\)|swift_beginAccess|swift_endAccess)'
MEMSET = r'memset|memcpy|memmove|bzero'
MALLOC = r'^(malloc|free|_int_malloc|_int_free|calloc|realloc|cfree|malloc_consolidate|swift_allocObject|swift_deallocObject|swift_slowAlloc|swift_slowDealloc|tcache|_int_realloc|unlink_chunk|posix_memalign|_mid_memalign|operator new|operator delete|__libc_malloc|__libc_free|sysmalloc)'

def classify(name, obj):
    obj = obj or ''
    if 'openblas' in obj: return 'sgemm (OpenBLAS)'
    if re.search(MALLOC, name): return 'malloc/free'
    if re.search(MEMSET, name): return 'memcpy/memset'
    for kernel, pattern in KERNELS:
        if re.search(pattern, name): return kernel
    return None

def main(paths):
    self_cost, edges, fn_object = defaultdict(int), defaultdict(lambda: [0, 0]), {}
    for p in paths:
        s, e, o = parse(p)
        for k, v in s.items(): self_cost[k] += v
        for k, v in e.items(): edges[k][0] += v[0]; edges[k][1] += v[1]
        for k, v in o.items(): fn_object.setdefault(k, v)
    nice = demangle(set(self_cost) | {c for _, c in edges} | {c for c, _ in edges})
    callers = defaultdict(list)
    for (a, b), (calls, inc) in edges.items():
        if a != b: callers[b].append((a, inc))
    total = sum(self_cost.values())

    def attribute(fn, cost, passthrough, out, depth=0):
        kernel = None if passthrough(fn) else classify(nice[fn], fn_object.get(fn))
        if kernel is None and depth < 30:
            cs = callers.get(fn, [])
            weight = sum(w for _, w in cs)
            if weight > 0:  # unclassified code (helpers, runtime, thunks) counts for its callers
                for caller, w in cs:
                    attribute(caller, cost * w / weight, passthrough, out, depth + 1)
                return
        out[kernel or 'other: ' + nice[fn][:70]] += cost

    by_kernel = defaultdict(float)
    helper = lambda fn: bool(re.search(HELPERS, nice[fn]))
    for fn, cost in self_cost.items():
        attribute(fn, cost, helper, by_kernel)
    # OpenBLAS by the Swift function that called it
    blas_callers = defaultdict(float)
    is_blas = lambda fn: 'openblas' in (fn_object.get(fn) or '') or helper(fn)
    for fn, cost in self_cost.items():
        if 'openblas' in (fn_object.get(fn) or ''):
            out = defaultdict(float)
            attribute(fn, cost, is_blas, out)
            for k, v in out.items(): blas_callers[k] += v
    return total, by_kernel, blas_callers, self_cost, edges, nice

if __name__ == '__main__':
    total, by_kernel, blas_callers, self_cost, edges, nice = main(sys.argv[1:])
    print(f'total Ir {total:,}')
    print('| kernel | Ir | share |\n|---|---:|---:|')
    others = 0
    for k, v in sorted(by_kernel.items(), key=lambda kv: -kv[1]):
        if k.startswith('other: ') and v / total < 0.002: others += v; continue
        print(f'| {k} | {v:,.0f} | {100*v/total:.1f}% |')
    if others: print(f'| other (each < 0.2%) | {others:,.0f} | {100*others/total:.1f}% |')
    bt = sum(blas_callers.values())
    print(f'\nOpenBLAS Ir {bt:,.0f}, by the kernel that called it:')
    for k, v in sorted(blas_callers.items(), key=lambda kv: -kv[1]):
        print(f'  {k}: {v:,.0f} ({100*v/total:.1f}% of all, {100*v/bt:.1f}% of OpenBLAS)')
    print('\ncalls into allocation functions:')
    calls = defaultdict(int)
    for (a, b), (n, inc) in edges.items():
        if re.match(r'^(malloc|calloc|realloc|posix_memalign|aligned_alloc|free|swift_allocObject|swift_slowAlloc)$', nice[b]):
            calls[(nice[b], nice[a][:90])] += n
    for (callee, caller), n in sorted(calls.items(), key=lambda kv: -kv[1]):
        print(f'  {callee} <- {caller}: {n}')
