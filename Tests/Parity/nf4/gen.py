import base64, struct, numpy as np, torch
import bitsandbytes.functional as F
from ref import quantize_4bit, dequant_absmax, dequantize_4bit, DYN
f32 = np.float32
torch.set_num_threads(1)

def lcg_input(seed, count, columns, zero_block=None):
    state = seed & 0xFFFFFFFF
    out = np.empty(count, f32)
    for k in range(count):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        s = state - (1 << 32) if state >= (1 << 31) else state
        u = f32(s >> 8) * f32(2.0 ** -23)
        scale = f32((k // columns) % 7 + 1) * f32(2.0 ** -7)
        out[k] = f32(f32(f32(u * u) * u) * scale)
    if zero_block is not None:
        out[zero_block * 64:(zero_block + 1) * 64] = 0
    return out

def b64(a): return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()
def fnv1a(a):
    h = 0xcbf29ce484222325
    for b in np.ascontiguousarray(a).astype('<f4').tobytes():
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h
def bits(x): return "0x%08X" % int(np.asarray(x, f32).view(np.uint32))

def case(name, seed, shape, columns, zero_block=None):
    n = int(np.prod(shape))
    a = lcg_input(seed, n, columns, zero_block)
    t = torch.from_numpy(a.copy()).reshape(shape)
    p1, s1 = F.quantize_4bit(t, blocksize=64, quant_type="nf4", compress_statistics=False)
    d1 = F.dequantize_4bit(p1, s1).numpy().reshape(-1)
    p2, s2 = F.quantize_4bit(t, blocksize=64, quant_type="nf4", compress_statistics=True)
    d2 = F.dequantize_4bit(p2, s2).numpy().reshape(-1)
    codes = p1.numpy().reshape(-1); assert np.array_equal(codes, p2.numpy().reshape(-1))
    absmax = s1.absmax.numpy(); qabsmax = s2.absmax.numpy(); absmax2 = s2.state2.absmax.numpy(); offset = s2.offset.numpy()
    # the numpy model of the same computation agrees bit for bit
    mp, mqa, (ma2, moff) = quantize_4bit(a, double=True)
    assert np.array_equal(mp, codes) and np.array_equal(mqa, qabsmax) and np.array_equal(ma2, absmax2) and moff == offset
    assert np.array_equal(dequantize_4bit(mp, dequant_absmax(mqa, ma2, moff), n).view(np.uint32), d2.view(np.uint32))
    samples = [0, 1, 2, 63, 64, 65, n // 2, n - 2, n - 1]
    lines = [
        f"    static let {name} = NF4GoldenCase(",
        f"        seed: {seed}, count: {n}, columns: {columns}, zeroBlock: {zero_block if zero_block is not None else 'nil'},",
        f"        codesBase64: \"{b64(codes)}\",",
        f"        absmaxBase64: \"{b64(absmax.astype('<f4'))}\",",
        f"        quantizedAbsmaxBase64: \"{b64(qabsmax)}\",",
        f"        absmax2Bits: [{', '.join(bits(v) for v in absmax2)}],",
        f"        offsetBits: {bits(offset)},",
        f"        singleChecksum: 0x{fnv1a(d1):016X}, doubleChecksum: 0x{fnv1a(d2):016X},",
        f"        sampleIndices: {samples},",
        f"        singleSampleBits: [{', '.join(bits(d1[i]) for i in samples)}],",
        f"        doubleSampleBits: [{', '.join(bits(d2[i]) for i in samples)}]",
        "    )",
    ]
    return "\n".join(lines), a, d1, d2


dyn = F.create_dynamic_map().numpy()
matrix, a1, _, _ = case("matrix96x128", 20231119, (96, 128), 128, zero_block=3)
vector, a2, _, _ = case("vector999", 14314, (999,), 50)
dynlines = []
u = dyn.view(np.uint32)
for r in range(0, 256, 8):
    dynlines.append("        " + ", ".join("0x%08X" % v for v in u[r:r+8]) + ",")
src = f'''// Golden data from bitsandbytes 0.50.2 (torch 2.13.0, CPU backend, torch.set_num_threads(1)),
// generated once by a Python script; the tests read only these constants.
//
//     F.create_dynamic_map()                                              → dynamicMapBits
//     F.quantize_4bit(w, blocksize=64, quant_type="nf4", compress_statistics=False / True)
//     F.dequantize_4bit(packed, state)                                    → checksums and samples
//
// Inputs are not stored: `NF4GoldenCase.input()` regenerates them with the same LCG formula the
// script used. Byte arrays are base64; floats are IEEE-754 bit patterns; checksums are FNV-1a 64 over
// the dequantized floats' little-endian bytes.

struct NF4GoldenCase {{
    let seed: UInt32
    let count: Int
    let columns: Int
    let zeroBlock: Int?
    let codesBase64: String
    let absmaxBase64: String
    let quantizedAbsmaxBase64: String
    let absmax2Bits: [UInt32]
    let offsetBits: UInt32
    let singleChecksum: UInt64
    let doubleChecksum: UInt64
    let sampleIndices: [Int]
    let singleSampleBits: [UInt32]
    let doubleSampleBits: [UInt32]
}}

enum NF4Golden {{
    /// `create_dynamic_map(signed=True)`: 256 sorted float32 values.
    static let dynamicMapBits: [UInt32] = [
{chr(10).join(dynlines)}
    ]

    /// A 96×128 weight (rows × columns), block 3 (elements 192..<256) set to zero.
{matrix}

    /// 999 elements: 15 full blocks, a partial block of 39 and an odd count (the last byte's low nibble
    /// is padding).
{vector}
}}
'''
open("NF4Golden.swift", "w").write(src)
np.save("a1.npy", a1); np.save("a2.npy", a2)
print(len(src))

# --- extra golden data: torch's float32 mean, and quantize_blockwise on values at many scales
def lcg_units(seed, count):
    state = seed & 0xFFFFFFFF; out = np.empty(count, f32)
    for k in range(count):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        s = state - (1 << 32) if state >= (1 << 31) else state
        out[k] = f32(s >> 8) * f32(2.0 ** -23)
    return out
mean_lines = []
for n in (1, 5, 8, 13, 100, 999, 5000, 32768):
    u = np.abs(lcg_units(n, n))
    m = torch.from_numpy(u).mean().numpy()
    mean_lines.append(f"        ({n}, {bits(m)}),")
dq = lcg_units(77, 1000)
dq = (dq * (f32(2.0) ** -(np.arange(1000) % 20).astype(f32))).astype(f32)
q, st = F.quantize_blockwise(torch.from_numpy(dq.copy()), blocksize=256)
dqd = F.dequantize_blockwise(q, st).numpy()
extra = f'''
extension NF4Golden {{
    /// `torch.from_numpy(|u|).mean()` for n values |u| of the LCG seeded with n: (n, mean bits).
    static let pytorchMeans: [(count: Int, meanBits: UInt32)] = [
{chr(10).join(mean_lines)}
    ]

    /// `quantize_blockwise(x, blocksize=256)` of 1000 values x[k] = u[k] · 2^−(k mod 20), u the LCG seeded with 77.
    static let dynamicCodesBase64 = "{b64(q.numpy())}"
    static let dynamicAbsmaxBits: [UInt32] = [{', '.join(bits(v) for v in st.absmax.numpy())}]
    static let dynamicDequantizedChecksum: UInt64 = 0x{fnv1a(dqd):016X}
}}
'''
open("NF4Golden.swift", "a").write(extra)
