"""A numpy model of bitsandbytes 0.50.2's CPU NF4 + double quantization, op by op in float32."""
import numpy as np, torch
import bitsandbytes.functional as F
from torchsum import torch_mean
f32 = np.float32; f64 = np.float64
NF4 = np.array([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
  -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
  0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
  0.7229568362236023, 1.0], dtype=f32)
BOUNDS = ((NF4[:-1] + NF4[1:]) / f32(2)).astype(f32)
DYN = F.create_dynamic_map().numpy()

def build_lut(code):
    mids = (f32(0.5) * (code[:-1] + code[1:]).astype(f32)).astype(f32)
    lut = np.zeros(65536, np.uint8); c = 0
    for i in range(65536):
        val = f32(f32(f32(2.0) * f32(i)) / f32(65535)) - f32(1.0)
        val = f32(val)
        while c < 255 and mids[c] < val: c += 1
        lut[i] = c
    return lut
LUT = build_lut(DYN)

def quantize_blockwise(a, blocksize=256):
    a = np.asarray(a, f32); n = len(a)
    out = np.zeros(n, np.uint8); absmax = []
    for b in range(0, n, blocksize):
        x = a[b:b+blocksize]
        am = f32(max(f32(0), np.abs(x).max()))
        absmax.append(am)
        if am == 0: continue
        inv = f32(f32(1) / am)
        v = np.clip((x * inv).astype(f32), f32(-1), f32(1))
        t = ((v + f32(1)).astype(f32) * f32(0.5)).astype(f32)
        idx = (t.astype(f64) * 65535 + 0.5).astype(f32).astype(np.int64) & 0xFFFF
        out[b:b+blocksize] = LUT[idx]
    return out, np.array(absmax, f32)

def quantize_4bit(a, blocksize=64, double=False):
    a = np.asarray(a, f32); n = len(a)
    full = n - n % blocksize
    scaled = []; absmax = []
    for b in range(0, full, blocksize):
        x = a[b:b+blocksize]; am = np.abs(x).max(); absmax.append(am)
        inv = f32(f32(1) / max(am, f32(1e-38)))
        scaled.append(np.clip((x * inv).astype(f32), -1, 1))
    if n % blocksize:
        x = a[full:]; am = max(np.abs(x).max(), f32(1e-38)); absmax.append(am)
        scaled.append(np.clip((x / am).astype(f32), -1, 1))
    s = np.concatenate(scaled).astype(f32)
    if len(s) % 2: s = np.concatenate([s, np.zeros(1, f32)])
    q = np.searchsorted(BOUNDS, s, side='left').astype(np.uint8)
    packed = (q[0::2] << 4) | q[1::2]
    absmax = np.array(absmax, f32)
    if not double: return packed, absmax, None
    offset = torch_mean(absmax)
    qa, absmax2 = quantize_blockwise((absmax - offset).astype(f32))
    return packed, qa, (absmax2, offset)

def dequant_absmax(qa, absmax2, offset, blocksize=256):
    out = np.empty(len(qa), f32)
    for i in range(len(qa)):
        out[i] = f32(DYN[qa[i]] * absmax2[i // blocksize])
    return (out + offset).astype(f32)

def dequantize_4bit(packed, absmax, n, blocksize=64):
    q = np.empty(len(packed)*2, np.uint8); q[0::2] = packed >> 4; q[1::2] = packed & 15
    q = q[:n]
    return (NF4[q] * np.repeat(absmax, blocksize)[:n]).astype(f32)
