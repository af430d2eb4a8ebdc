import torch, numpy as np
f32 = np.float32
def ceil_log2(x):
    return 0 if x <= 1 else int(x - 1).bit_length()
def multi_row_sum(rows):  # rows: list of lists (size x nrows) of "acc" values (np arrays of lanes)
    size = len(rows); nrows = 4; num_levels = 4
    level_power = max(4, ceil_log2(size) // num_levels)
    level_step = 1 << level_power; level_mask = level_step - 1
    z = np.zeros_like(rows[0][0]) if size else None
    acc = [[z.copy() for _ in range(nrows)] for _ in range(num_levels)]
    i = 0
    while i + level_step <= size:
        for j in range(level_step):
            for k in range(nrows): acc[0][k] = (acc[0][k] + rows[i][k]).astype(f32)
            i += 1
        for j in range(1, num_levels):
            for k in range(nrows):
                acc[j][k] = (acc[j][k] + acc[j-1][k]).astype(f32); acc[j-1][k] = z.copy()
            mask = level_mask << (j * level_power)
            if (i & mask) != 0: break
    while i < size:
        for k in range(nrows): acc[0][k] = (acc[0][k] + rows[i][k]).astype(f32)
        i += 1
    for j in range(1, num_levels):
        for k in range(nrows): acc[0][k] = (acc[0][k] + acc[j][k]).astype(f32)
    return [acc[0][k] for k in range(nrows)]
def torch_sum(a, V=16):
    n = len(a); vec_size = n // V
    vecs = [a[v*V:(v+1)*V] for v in range(vec_size)]
    size_ilp = vec_size // 4
    if size_ilp > 0:
        ps = multi_row_sum([vecs[r*4:(r+1)*4] for r in range(size_ilp)])
    else:
        ps = [np.zeros(V, f32) for _ in range(4)]
    for i in range(size_ilp*4, vec_size): ps[0] = (ps[0] + vecs[i]).astype(f32)
    for k in range(1, 4): ps[0] = (ps[0] + ps[k]).astype(f32)
    final = f32(0)
    for k in range(vec_size*V, n): final = f32(final + a[k])
    for k in range(V): final = f32(final + ps[0][k])
    return final
if __name__ == "__main__":
    rng = np.random.default_rng(0)
    for n in (5, 16, 40, 192, 1000, 4096, 20000):
        bad = 0
        for t in range(50):
            a = (np.abs(rng.standard_normal(n)) * 0.02).astype(f32)
            ts = torch.from_numpy(a).sum().numpy(); tm = torch.from_numpy(a).mean().numpy()
            es = torch_sum(a); em = f32(es / f32(n))
            if ts != es or tm != em: bad += 1
        print(n, bad)

def torch_sum2(a, V=8):
    n = len(a)
    if n < V:
        # scalar_inner_sum: row_sum over scalars
        size_ilp = n // 4
        if size_ilp > 0:
            ps = [np.asarray(x, f32) for x in multi_row_sum([[np.array([a[r*4+k]], f32) for k in range(4)] for r in range(size_ilp)])]
        else:
            ps = [np.zeros(1, f32) for _ in range(4)]
        for i in range(size_ilp*4, n): ps[0] = (ps[0] + a[i]).astype(f32)
        for k in range(1, 4): ps[0] = (ps[0] + ps[k]).astype(f32)
        return f32(f32(0) + ps[0][0])
    return torch_sum(a, V)
def torch_mean(a):
    return f32(torch_sum2(np.asarray(a, f32)) / f32(len(a)))
