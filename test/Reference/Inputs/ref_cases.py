#!/usr/bin/env python3
"""Inputs and NumPy-computed expected outputs for the test/Reference lit tests.

    ref_cases.py CASE OUTDIR

writes OUTDIR/<input>.npy for every input of CASE and
OUTDIR/<output>.expected.npy for every output, computed here with NumPy
(float64, then cast to the declared dtype), independently of the C++
executor. CASE names match the functions (--entry) of the .mlir tests.
Inputs are tiny and seeded, so every run writes the same files.
"""
import math
import os
import sys

import numpy as np

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def normal(rng, shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def bf16(x):
    """Rounds float64 values to bfloat16 (8 significant bits, ties to even),
    returned as float32 (how tfc-reference writes bf16)."""
    x = np.asarray(x, np.float64)
    m, e = np.frexp(x)
    return (np.rint(m * 256.0) * np.exp2(e - 8.0)).astype(np.float32)


def erf(x):
    return np.vectorize(math.erf)(np.asarray(x, np.float64))


def softmax(x, axis):
    x = np.asarray(x, np.float64)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def f64(x):
    return np.asarray(x, np.float64)


# ---------------------------------------------------------------- elementwise

@case
def binary(rng):
    a = normal(rng, (2, 3, 4))
    b = normal(rng, (3, 1))
    p = np.abs(normal(rng, (2, 3, 4))) + np.float32(0.5)
    A, B = f64(a), f64(b)
    out = {
        "add": A + B, "sub": A - B, "mul": A * B, "div": A / B,
        "pow": f64(p) ** B, "maximum": np.maximum(A, B),
        "minimum": np.minimum(A, B),
    }
    return {"a": a, "b": b, "p": p}, {k: v.astype(np.float32) for k, v in out.items()}


@case
def int_binary(rng):
    a = np.array([[7, -7, 0, 5], [-9, 100, 3, -1]], np.int64)
    b = np.array([2, 3, -4, -2], np.int64)
    e = np.array([0, 1, 2, 3], np.int64)
    big = np.array([2147483647, -2147483648, 5], np.int32)
    one = np.array([1, -1, 1], np.int32)
    out = {
        "add": a + b, "sub": a - b, "mul": a * b,
        # Integer division truncates toward zero (C semantics).
        "div": np.trunc(a / b).astype(np.int64),
        "pow": a ** e, "maximum": np.maximum(a, b), "minimum": np.minimum(a, b),
        # i32 wraps on overflow.
        "wrap": (big.astype(np.int64) + one).astype(np.int32),
    }
    return {"a": a, "b": b, "e": e, "big": big, "one": one}, out


@case
def logic(rng):
    x = np.array([[1.0, 2.0, np.nan, -1.0], [0.5, 2.0, 3.0, -4.0]], np.float32)
    y = np.array([2.0, 2.0, 1.0, -1.0], np.float32)
    m = np.array([[True], [False]])
    n = np.array([True, False, True, False])
    out = {
        "eq": x == y, "ne": x != y, "lt": x < y, "le": x <= y, "gt": x > y,
        "ge": x >= y, "and": m & n, "or": m | n, "not": ~n,
        "where": np.where(m, x, np.float32(-5.0)).astype(np.float32),
    }
    return {"x": x, "y": y, "m": m, "n": n}, out


@case
def unary(rng):
    x = normal(rng, (3, 5))
    pos = np.abs(x) + np.float32(0.25)
    X, P = f64(x), f64(pos)
    sig = 1.0 / (1.0 + np.exp(-X))
    out = {
        "neg": -X, "abs": np.abs(X), "exp": np.exp(X), "log": np.log(P),
        "sqrt": np.sqrt(P), "rsqrt": 1.0 / np.sqrt(P), "reciprocal": 1.0 / X,
        "tanh": np.tanh(X), "erf": erf(X), "sigmoid": sig,
        "relu": np.maximum(X, 0.0), "silu": X * sig,
        "gelu": 0.5 * X * (1.0 + erf(X / math.sqrt(2.0))),
        "gelu_tanh": 0.5 * X * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) *
                                              (X + 0.044715 * X ** 3))),
    }
    return {"x": x, "pos": pos}, {k: v.astype(np.float32) for k, v in out.items()}


@case
def int_unary(rng):
    i = np.array([3, -4, 0, -2147483648], np.int32)
    return {"i": i}, {"neg": -i, "abs": np.abs(i)}


@case
def cast(rng):
    x = np.array([1.7, -1.7, 0.0, 2.5, -3.5, 1.00390625, 65519.0, 1e-3],
                 np.float32)
    ids = np.array([3, -2, 16777217, 0], np.int64)
    b = np.array([True, False, True, False])
    wide = np.array([4294967297, -1, 2147483648, 7], np.int64)
    half = np.array([0.1, -2.0, 65504.0], np.float16)
    X = f64(x)
    out = {
        "to_f16": X.astype(np.float16),
        "to_bf16": bf16(X),
        "to_i32": np.trunc(X).astype(np.int32),
        "to_i1": X != 0,
        "ids_f32": ids.astype(np.float32),
        "b_f32": b.astype(np.float32),
        "b_i64": b.astype(np.int64),
        "wide_i32": wide.astype(np.int32),  # wraps
        "ids_i1": ids != 0,
        "half_f32": half.astype(np.float32),
    }
    return {"x": x, "ids": ids, "b": b, "wide": wide, "half": half}, out


# ----------------------------------------------------------------- reductions

@case
def reductions(rng):
    x = normal(rng, (2, 3, 4))
    i = rng.integers(-5, 6, (3, 4)).astype(np.int64)
    X = f64(x)
    out = {
        "sum": X.sum(axis=(0, 2)),
        "mean": X.mean(axis=2, keepdims=True),
        "max": X.max(axis=1),
        "min": X.min(axis=(0, 1, 2), keepdims=True),
        "prod": X.prod(axis=0),
        "softmax_last": softmax(X, 2),
        "softmax_mid": softmax(X, 1),
    }
    out = {k: v.astype(np.float32) for k, v in out.items()}
    out["isum"] = i.sum(axis=1)
    out["imax"] = i.max(axis=0, keepdims=True)
    # Integer mean truncates toward zero.
    out["imean"] = np.trunc(i.sum(axis=1) / 4.0).astype(np.int64)
    return {"x": x, "i": i}, out


@case
def norms(rng):
    x = normal(rng, (2, 3, 8)) * np.float32(3) + np.float32(1)
    g = normal(rng, (8,))
    b = normal(rng, (8,))
    g2 = normal(rng, (3, 8))
    X = f64(x)
    eps = float(np.float32(1e-5))

    def ln(x, axes, scale=None, bias=None):
        mean = x.mean(axis=axes, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
        y = (x - mean) / np.sqrt(var + eps)
        if scale is not None:
            y = y * f64(scale)
        if bias is not None:
            y = y + f64(bias)
        return y

    def rms(x, axes, scale=None):
        eps6 = float(np.float32(1e-6))
        y = x / np.sqrt((x ** 2).mean(axis=axes, keepdims=True) + eps6)
        return y * f64(scale) if scale is not None else y

    out = {
        "ln": ln(X, (2,), g, b),
        "ln_plain": ln(X, (2,)),
        "ln_scale": ln(X, (2,), g),
        "ln_2d": ln(X, (1, 2), g2),
        "rms": rms(X, (2,), g),
        "rms_plain": rms(X, (1, 2)),
    }
    return {"x": x, "g": g, "b": b, "g2": g2}, \
        {k: v.astype(np.float32) for k, v in out.items()}


# --------------------------------------------------------------------- matrix

@case
def matmul(rng):
    a = normal(rng, (3, 4))
    w = normal(rng, (4, 5))
    ba = normal(rng, (2, 1, 3, 4))
    bw = normal(rng, (5, 4, 6))
    at = normal(rng, (2, 4, 3))  # read as [2, 3, 4]
    wt = normal(rng, (5, 4))     # read as [4, 5]
    ia = rng.integers(-9, 10, (2, 3)).astype(np.int32)
    iw = rng.integers(-9, 10, (3, 2)).astype(np.int32)
    out = {
        "mm": f64(a) @ f64(w),
        "batched": f64(ba) @ f64(bw),
        "trans": np.swapaxes(f64(at), -1, -2) @ f64(wt).T,
    }
    out = {k: v.astype(np.float32) for k, v in out.items()}
    out["imm"] = (ia.astype(np.int64) @ iw.astype(np.int64)).astype(np.int32)
    return {"a": a, "w": w, "ba": ba, "bw": bw, "at": at, "wt": wt,
            "ia": ia, "iw": iw}, out


def alibi_slopes(n):
    # The ALiBi paper's reference code (Press et al., get_slopes).
    def power_of_2(n):
        start = 2 ** (-2 ** -(math.log2(n) - 3))
        return [start * start ** i for i in range(n)]
    if math.log2(n).is_integer():
        return power_of_2(n)
    closest = 2 ** math.floor(math.log2(n))
    return power_of_2(closest) + alibi_slopes(2 * closest)[0::2][: n - closest]


def attention_ref(q, k, v, scale, mask=None, causal=False, window=0,
                  alibi=False):
    q, k, v = f64(q), f64(k), f64(v)
    B, H, Sq, D = q.shape
    Hkv, Skv = k.shape[1], k.shape[2]
    k = np.repeat(k, H // Hkv, axis=1)
    v = np.repeat(v, H // Hkv, axis=1)
    s = scale * np.einsum("bhid,bhjd->bhij", q, k)
    if mask is not None:
        s = s + f64(mask)
    if alibi:
        # BLOOM's form: slope * key position (equal to the relative form
        # after softmax, which cancels per-row constants).
        slopes = np.array(alibi_slopes(H)).reshape(1, H, 1, 1)
        s = s + slopes * np.arange(Skv).reshape(1, 1, 1, Skv)
    i = np.arange(Sq).reshape(Sq, 1) + (Skv - Sq)
    j = np.arange(Skv).reshape(1, Skv)
    masked = np.zeros((Sq, Skv), bool)
    if causal:
        masked |= j > i
    if window > 0:
        masked |= j < i - (window - 1)
    s = np.where(masked, -np.inf, s)
    row_max = s.max(axis=-1, keepdims=True)
    dead = ~np.isfinite(row_max)
    e = np.exp(s - np.where(dead, 0.0, row_max))
    p = e / np.where(dead, 1.0, e.sum(axis=-1, keepdims=True))
    return np.where(dead, 0.0, p @ v)


@case
def attention(rng):
    q = normal(rng, (2, 4, 5, 8))
    k = normal(rng, (2, 4, 5, 8))
    v = normal(rng, (2, 4, 5, 6))
    kg = normal(rng, (2, 2, 7, 8))   # GQA: 2 kv heads, longer keys
    vg = normal(rng, (2, 2, 7, 6))
    k1 = normal(rng, (2, 1, 5, 8))   # MQA
    v1 = normal(rng, (2, 1, 5, 6))
    mask = normal(rng, (1, 1, 5, 5))
    kpm = np.where(rng.random((2, 1, 1, 7)) < 0.3, -1e9, 0.0).astype(np.float32)
    q3 = normal(rng, (1, 3, 4, 8))   # 3 heads: non-power-of-two ALiBi
    k3 = normal(rng, (1, 3, 4, 8))
    v3 = normal(rng, (1, 3, 4, 8))
    ql = normal(rng, (1, 2, 6, 8))   # more queries than keys: dead rows
    kl = normal(rng, (1, 2, 3, 8))
    vl = normal(rng, (1, 2, 3, 8))
    s = float(np.float32(0.35))
    out = {
        "plain": attention_ref(q, k, v, s),
        "causal": attention_ref(q, k, v, s, causal=True),
        "masked": attention_ref(q, k, v, s, mask=mask, causal=True),
        "gqa_causal": attention_ref(q, kg, vg, s, causal=True),
        "gqa_kpm": attention_ref(q, kg, vg, s, mask=kpm),
        "window": attention_ref(q, kg, vg, s, causal=True, window=3),
        "window_only": attention_ref(q, k, v, s, window=2),
        "mqa": attention_ref(q, k1, v1, s, causal=True),
        "alibi": attention_ref(q, k, v, s, causal=True, alibi=True),
        "alibi3": attention_ref(q3, k3, v3, s, causal=True, alibi=True),
        "dead_rows": attention_ref(ql, kl, vl, s, causal=True),
    }
    ins = {"q": q, "k": k, "v": v, "kg": kg, "vg": vg, "k1": k1, "v1": v1,
           "mask": mask, "kpm": kpm, "q3": q3, "k3": k3, "v3": v3,
           "ql": ql, "kl": kl, "vl": vl}
    return ins, {n: o.astype(np.float32) for n, o in out.items()}


@case
def rope(rng):
    x = normal(rng, (1, 2, 4, 8))
    pos = np.arange(4, dtype=np.float64).reshape(4, 1)
    inv = 1.0 / (10000.0 ** (np.arange(0, 8, 2) / 8.0))
    ang_half = pos * np.concatenate([inv, inv])          # [4, 8]: (i, i+4)
    ang_inter = pos * np.repeat(inv, 2)                  # [4, 8]: (2i, 2i+1)
    ch, sh = np.cos(ang_half).astype(np.float32), np.sin(ang_half).astype(np.float32)
    ci, si = np.cos(ang_inter).astype(np.float32), np.sin(ang_inter).astype(np.float32)
    X = f64(x)
    x1, x2 = X[..., :4], X[..., 4:]
    rot_half = np.concatenate([-x2, x1], axis=-1)
    rot_inter = np.stack([-X[..., 1::2], X[..., 0::2]], axis=-1).reshape(X.shape)
    out = {
        "half": X * f64(ch) + rot_half * f64(sh),
        "inter": X * f64(ci) + rot_inter * f64(si),
    }
    return {"x": x, "cos_half": ch, "sin_half": sh, "cos_inter": ci,
            "sin_inter": si}, {k: v.astype(np.float32) for k, v in out.items()}


# ----------------------------------------------------------------- structural

@case
def structural(rng):
    x = normal(rng, (2, 3, 4))
    r = normal(rng, (1, 4))
    a = normal(rng, (2, 1, 4))
    b = normal(rng, (2, 2, 4))
    emb = normal(rng, (6, 3))
    ids = np.array([[0, 5, -1], [2, -6, 3]], np.int64)
    idx32 = np.array([3, 0, -4, 1], np.int32)
    m = rng.integers(0, 100, (3, 5)).astype(np.int64)
    out = {
        "transpose": np.transpose(x, (2, 0, 1)),
        "reshape": x.reshape(6, 4),
        "expand": np.broadcast_to(r, (3, 2, 4)).copy(),
        "slice": x[1:2, 0:3:2, 1:4:2],
        "concat": np.concatenate([a, x, b], axis=1),
        "split0": x[:, :, 0:1], "split1": x[:, :, 1:4],
        "gather": emb[ids],
        "gather1": x[:, :, idx32],
        "islice": m[::2, 1:5:3],
        "itranspose": m.T.copy(),
    }
    return {"x": x, "r": r, "a": a, "b": b, "emb": emb, "ids": ids,
            "idx32": idx32, "m": m}, out


# ------------------------------------------------------------ weights, fusion

@case
def weights(rng):
    x = normal(rng, (2, 3))
    w = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -3.0]], np.float32)  # blob
    c = np.array([1.0, 2.0, 3.0], np.float64)
    ids = np.array([7, -3], np.int64)
    h = np.array([1.5, -0.25, 1024.0], np.float16)
    out = {
        "w": x + w, "c": x + c.astype(np.float32), "splat": x + np.float32(0.5),
        "ids": ids + np.array([1, 2], np.int64),
        "h": h, "bools": np.array([True, False, True]),
        "pos": np.array([3, 4], np.int32),
    }
    return {"x": x}, out


@case
def fusion(rng):
    x = normal(rng, (4, 8))
    g = normal(rng, (8,))
    b = normal(rng, (8,))
    X = f64(x)
    mean = X.mean(axis=1, keepdims=True)
    var = ((X - mean) ** 2).mean(axis=1, keepdims=True)
    ln = ((X - mean) / np.sqrt(var + float(np.float32(1e-5))) * f64(g) + f64(b))
    ln = ln.astype(np.float32).astype(np.float64)  # rounded at the op's end
    gelu = 0.5 * ln * (1.0 + erf(ln / math.sqrt(2.0)))
    gelu = gelu.astype(np.float32).astype(np.float64)
    return {"x": x, "g": g, "b": b}, {
        "y": (gelu + X).astype(np.float32), "ln": ln.astype(np.float32)}


@case
def precision(rng):
    # Values chosen so that rounding after every op differs from rounding
    # only at the end.
    a = np.array([1.0, 1.0, 3.0, 0.1], np.float32)
    b = np.array([0.00390625, 0.0029296875, 0.01171875, 0.2], np.float32)
    A, B = f64(bf16(a)), f64(bf16(b))
    s1 = f64(bf16(A + B))
    s2 = f64(bf16(s1 + B))
    ha = a.astype(np.float16)
    hb = b.astype(np.float16)
    h1 = (f64(ha) + f64(hb)).astype(np.float16)
    h2 = (f64(h1) * 3.0).astype(np.float16)
    hsm = softmax(f64(h2), 0).astype(np.float16)
    return {"a": bf16(a), "b": bf16(b), "ha": ha, "hb": hb}, {
        "bf16_twice": bf16(s2), "f16_chain": h2, "f16_softmax": hsm}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in CASES:
        print(__doc__ + "\ncases: " + " ".join(sorted(CASES)), file=sys.stderr)
        return 2
    name, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(sorted(CASES).index(name) + 1)
    inputs, outputs = CASES[name](rng)
    for k, v in inputs.items():
        np.save(os.path.join(outdir, k + ".npy"), np.ascontiguousarray(v))
    for k, v in outputs.items():
        np.save(os.path.join(outdir, k + ".expected.npy"), np.ascontiguousarray(v))
    return 0


if __name__ == "__main__":
    sys.exit(main())
