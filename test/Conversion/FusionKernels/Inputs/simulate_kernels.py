#!/usr/bin/env python3
"""CPU numerics check of the kernels that tfc-test-emit-fusion-kernels emits.

There is no GPU in CI, so this runs the emitted gpu.func bodies on the CPU:
a small interpreter of the ops the kernel families use (arith, math, memref,
scf, gpu ids, gpu.barrier, gpu.shuffle xor) over numpy buffers. The threads
of a block run as coroutines that meet at every gpu.barrier (all threads of
the block) and gpu.shuffle (all 32 lanes of the warp), so the block-wide
reductions are exercised with their real synchronisation; a barrier or
shuffle not reached by all threads is an error. The tensor-core kernels'
warp-level ops run the same way: nvgpu.ldmatrix and nvvm.mma.sync collect
all 32 lanes of a warp and follow the PTX fragment layouts (m8n8 b16 tiles,
m16n8k16 row.col); nvgpu.device_async_copy (cp.async) lands in shared
memory only when a later nvvm.cp.async.wait.group retires its group, so a
missing wait or a stage read too early shows up as wrong numbers. Shared
memory from gpu.dynamic_shared_memory is cut into memref.views by byte
offset; views of one kernel must not overlap. Each kernel runs with its
recorded tfc.grid / tfc.block on fresh random inputs, its outputs poisoned
(NaN / 77) first, and is compared with tfc-reference (the CPU reference
executor) on the same inputs.

Usage (see the SIM RUN lines of the tests in this folder):
  simulate_kernels.py FILE.mlir --opt TFC-OPT --reference TFC-REFERENCE
      [--int-high N] [--seed S]

Convention: every function of FILE is one tfc.fusion over the function's
arguments, in order, whose results the function returns; its kernel is
@<function>_<k>. Math is evaluated in double and rounded to the op's type,
so libdevice's own rounding is not modelled. Prints one line per output and
a final "<n> kernels match the reference"; exits 1 on any mismatch.
"""
import argparse
import math
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

# ---------------------------------------------------------------- parsing
OP_RE = re.compile(r'^(?:(%[\w.$-]+)(?::(\d+))?\s*=\s*)?"([\w.]+)"\((.*?)\)(.*)$')
BLOCK_RE = re.compile(r'^\^bb\d+(?:\((.*)\))?:$')

class Op:
    def __init__(self, name, results, operands, text):
        self.name, self.results, self.operands, self.text = name, results, operands, text
        self.regions = []
    def attr(self, key):
        m = re.search(re.escape(key) + r'\s*=\s*([^,}>]+(?:<[^>]*>)?)', self.text)
        return m.group(1).strip() if m else None

def split_args(s):
    return [a.strip() for a in s.split(',') if a.strip()]

def parse(lines):
    """Returns the list of top-level ops; regions as lists of blocks (args, ops)."""
    root = []
    stack = []  # (op, current block ops list)
    cur = root
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        m = BLOCK_RE.match(line)
        if m:
            args = []
            if m.group(1):
                for a in split_args_types(m.group(1)):
                    args.append(a)
            op = stack[-1][0]
            op.regions[-1].append((args, []))
            cur = op.regions[-1][-1][1]
            continue
        if line.startswith('}, {'):
            op = stack[-1][0]
            op.regions.append([])
            cur = None
            continue
        if line.startswith('})'):
            op, parent = stack.pop()
            op.text += ' ' + line
            cur = parent
            continue
        m = OP_RE.match(line)
        if not m:
            if line.startswith('module') or line == '}' or line.startswith('gpu.module'):
                continue
            raise SystemExit('cannot parse: ' + line)
        res, nres, name, operands, rest = m.groups()
        results = []
        if res:
            n = int(nres) if nres else 1
            results = [res] if n == 1 else ['%s#%d' % (res, i) for i in range(n)]
        op = Op(name, results, split_args(operands), line)
        if cur is None and stack:
            parent_op = stack[-1][0]
            parent_op.regions[-1].append(([], []))
            cur = parent_op.regions[-1][-1][1]
        if cur is not None:
            cur.append(op)
        if line.endswith('({'):
            op.regions.append([])
            stack.append((op, cur))
            cur = None
    return root

def split_args_types(s):
    # "%arg0: memref<4x8xf32>, %arg1: index" -> [(name, type)]
    out, depth, tok = [], 0, ''
    for ch in s:
        if ch in '<([':
            depth += 1
        elif ch in '>)]':
            depth -= 1
        if ch == ',' and depth == 0:
            out.append(tok); tok = ''
        else:
            tok += ch
    if tok.strip():
        out.append(tok)
    res = []
    for t in out:
        n, ty = t.split(':', 1)
        res.append((n.strip(), ty.strip()))
    return res

def find_funcs(ops, acc):
    for op in ops:
        if op.name == 'gpu.func':
            acc.append(op)
        for r in op.regions:
            for _, body in r:
                find_funcs(body, acc)
    return acc

# ---------------------------------------------------------------- types
def bf16_round(x):
    a = np.asarray(x, dtype=np.float32).copy()
    b = a.view(np.uint32).astype(np.uint64)
    rounding = ((b >> 16) & 1) + 0x7FFF
    b = ((b + rounding) >> 16) << 16
    out = (b & 0xFFFFFFFF).astype(np.uint32).view(np.float32)
    out = np.where(np.isnan(a), a, out)
    return out

def parse_memref(ty):
    m = re.match(r'memref<(.*)>', ty)
    inner = m.group(1)
    inner = inner.split(',')[0].strip()
    parts = inner.split('x')
    if len(parts) == 1:
        return (), parts[0]
    return tuple(int(p) for p in parts[:-1]), parts[-1]

NP = {'f32': np.float32, 'f16': np.float16, 'bf16': np.float32, 'f64': np.float64,
      'i64': np.int64, 'i32': np.int32, 'i16': np.int16, 'i8': np.int8, 'i1': np.bool_}

def parse_vector(ty):
    m = re.match(r'vector<(.*)>', ty.strip())
    parts = m.group(1).split('x')
    return tuple(int(p) for p in parts[:-1]), parts[-1]

def to_scalar(v, et):
    if et in ('f32', 'f16', 'bf16', 'f64'):
        return f_round(float(v), et)
    if et == 'i1':
        return bool(v)
    if et == 'index':
        return int(v)
    if isinstance(v, tuple):
        return v
    return wrap(int(v), et)

def scalar_type(op):
    m = re.search(r'->\s*([\w]+)\s*$', op.text)
    return m.group(1) if m else None

def split_top(s):
    """Splits `s` at the commas outside <>, (), [] and {}."""
    out, depth, tok = [], 0, ''
    for ch in s:
        if ch in '<([{':
            depth += 1
        elif ch in '>)]}':
            depth -= 1
        if ch == ',' and depth == 0:
            out.append(tok.strip()); tok = ''
        else:
            tok += ch
    if tok.strip():
        out.append(tok.strip())
    return out

def result_types(op):
    i = op.text.rfind('->')
    if i < 0:
        return []
    t = op.text[i + 2:].strip()
    if t.startswith('(') and t.endswith(')'):
        t = t[1:-1]
    return split_top(t)

def f_round(v, ty):
    if ty == 'f32':
        return np.float32(v)
    if ty == 'f16':
        return np.float16(v)
    if ty == 'bf16':
        return np.float32(bf16_round(np.float32(v)))
    if ty == 'f64':
        return float(v)
    raise ValueError(ty)

def wrap(v, ty):
    if ty == 'index':
        return int(v)
    if ty == 'i1':
        return bool(int(v) & 1)
    w = int(ty[1:])
    v = int(v) & ((1 << w) - 1)
    return v - (1 << w) if v >= (1 << (w - 1)) else v

def unsigned(v, ty):
    if ty in ('index',):
        return int(v) & ((1 << 64) - 1)
    if ty == 'i1':
        return int(bool(v))
    return int(v) & ((1 << int(ty[1:])) - 1)

CMPI = {0: lambda a, b: a == b, 1: lambda a, b: a != b, 2: lambda a, b: a < b,
        3: lambda a, b: a <= b, 4: lambda a, b: a > b, 5: lambda a, b: a >= b}
def cmpf(p, a, b):
    uno = math.isnan(a) or math.isnan(b)
    table = {0: False, 1: (not uno) and a == b, 2: (not uno) and a > b, 3: (not uno) and a >= b,
             4: (not uno) and a < b, 5: (not uno) and a <= b, 6: (not uno) and a != b, 7: not uno,
             8: uno or a == b, 9: uno or a > b, 10: uno or a >= b, 11: uno or a < b,
             12: uno or a <= b, 13: uno or a != b, 14: uno, 15: True}
    return table[p]

# ---------------------------------------------------------------- interpreter
class Barrier: pass
class Shuffle:
    def __init__(self, value, offset, width, mode):
        self.value, self.offset, self.width, self.mode = value, offset, width, mode

class LdMatrix:
    def __init__(self, array, index, tiles, transpose):
        self.array, self.index, self.tiles, self.transpose = array, index, tiles, transpose
class Mma:
    def __init__(self, a, b, c):
        self.a, self.b, self.c = a, b, c

class SharedMemory:
    """The dynamic shared memory of one block: views by byte offset."""
    def __init__(self):
        self.views = {}
    def view(self, offset, shape, et):
        key = (offset, shape, et)
        if key not in self.views:
            size = int(np.prod(shape)) * ELEMENT_BYTES[et]
            for (o, sh, e), arr in self.views.items():
                other = int(np.prod(sh)) * ELEMENT_BYTES[e]
                if offset < o + other and o < offset + size:
                    raise SystemExit('memref.view at byte %d overlaps the view at %d' % (offset, o))
            self.views[key] = np.full(shape, np.nan if et in ('f32', 'f16', 'bf16', 'f64') else 0,
                                      dtype=NP[et])
        return self.views[key]

ELEMENT_BYTES = {'f32': 4, 'f16': 2, 'bf16': 2, 'f64': 8, 'i64': 8, 'i32': 4, 'i16': 2,
                 'i8': 1, 'i1': 1}

class Thread:
    def __init__(self, tid, bid, grid, block, shared=None):
        self.tid, self.bid, self.grid, self.block = tid, bid, grid, block
        self.shared = shared
        self.pending = []   # cp.async copies not yet committed to a group
        self.groups = []    # committed groups, oldest first

def complete_copy(copy):
    dst, didx, src, sidx, n, valid = copy
    vals = src[sidx[:-1] + (slice(sidx[-1], sidx[-1] + valid),)] if valid else []
    out = np.zeros(n, dtype=dst.dtype)
    out[:valid] = vals
    dst[didx[:-1] + (slice(didx[-1], didx[-1] + n),)] = out

def run_ops(ops, env, th):
    for op in ops:
        r = yield from run_op(op, env, th)
        if r is not None and r[0] == 'yield':
            return r[1]
    return []

def run_region(region, args, env, th):
    bargs, ops = region[0]
    for (name, _), v in zip(bargs, args):
        env[name] = v
    return (yield from run_ops(ops, env, th))

def run_op(op, env, th):
    n = op.name
    a = [env[x] for x in op.operands]
    rt = result_types(op)
    def setr(*vals):
        for r, v in zip(op.results, vals):
            env[r] = v
    if n == 'arith.constant':
        v = op.attr('value')
        if ':' not in v:
            setr(v.strip() == 'true'); return
        num, ty = v.rsplit(':', 1)
        ty = ty.strip(); num = num.strip()
        if ty == 'index':
            setr(int(num))
        elif ty == 'i1' or num in ('true', 'false'):
            setr(num == 'true' or num == '1' or num == '-1')
        elif ty.startswith('i'):
            setr(wrap(int(num), ty))
        else:
            if num.startswith('0x'):
                bits = int(num, 16)
                if ty == 'f32':
                    val = np.array([bits], dtype=np.uint32).view(np.float32)[0]
                elif ty == 'f64':
                    val = np.array([bits], dtype=np.uint64).view(np.float64)[0]
                else:
                    raise ValueError(num)
                setr(f_round(val, ty))
            else:
                setr(f_round(float(num), ty))
        return
    ty = rt[0] if rt else None
    if n in ('arith.addi', 'arith.subi', 'arith.muli'):
        f = {'arith.addi': lambda x, y: x + y, 'arith.subi': lambda x, y: x - y,
             'arith.muli': lambda x, y: x * y}[n]
        setr(wrap(f(int(a[0]), int(a[1])), ty)); return
    if n == 'arith.divui':
        setr(wrap(unsigned(a[0], ty) // unsigned(a[1], ty), ty)); return
    if n == 'arith.remui':
        setr(wrap(unsigned(a[0], ty) % unsigned(a[1], ty), ty)); return
    if n == 'arith.divsi':
        q = abs(int(a[0])) // abs(int(a[1]))
        setr(wrap(q if (a[0] >= 0) == (a[1] >= 0) else -q, ty)); return
    if n in ('arith.andi', 'arith.ori', 'arith.xori'):
        x, y = unsigned(a[0], ty), unsigned(a[1], ty)
        v = {'arith.andi': x & y, 'arith.ori': x | y, 'arith.xori': x ^ y}[n]
        setr(wrap(v, ty)); return
    if n in ('arith.maxsi', 'arith.minsi'):
        setr(max(a) if n == 'arith.maxsi' else min(a)); return
    if n in ('arith.maxui', 'arith.minui'):
        f = max if n == 'arith.maxui' else min
        setr(wrap(f(unsigned(a[0], ty), unsigned(a[1], ty)), ty)); return
    if n == 'arith.cmpi':
        p = int(op.attr('predicate').split(':')[0])
        oty = re.search(r':\s*\((\w+),', op.text).group(1)
        if p >= 6:
            x, y = unsigned(a[0], oty), unsigned(a[1], oty)
            setr({6: x < y, 7: x <= y, 8: x > y, 9: x >= y}[p])
        else:
            setr(CMPI[p](int(a[0]), int(a[1])))
        return
    if n == 'arith.cmpf':
        p = int(op.attr('predicate').split(':')[0])
        setr(cmpf(p, float(a[0]), float(a[1]))); return
    if n == 'arith.select':
        setr(a[1] if a[0] else a[2]); return
    if n in ('arith.addf', 'arith.subf', 'arith.mulf', 'arith.divf'):
        x, y = float(a[0]), float(a[1])
        with np.errstate(all='ignore'):
            if n == 'arith.addf': v = x + y
            elif n == 'arith.subf': v = x - y
            elif n == 'arith.mulf': v = x * y
            else:
                v = np.float64(x) / np.float64(y) if y != 0 else (math.copysign(math.inf, x) * math.copysign(1, y) if x != 0 and not math.isnan(x) else math.nan)
        setr(f_round(v, ty)); return
    if n == 'arith.negf':
        setr(f_round(-float(a[0]), ty)); return
    if n in ('arith.maximumf', 'arith.minimumf'):
        x, y = float(a[0]), float(a[1])
        if math.isnan(x) or math.isnan(y): v = math.nan
        else: v = max(x, y) if n == 'arith.maximumf' else min(x, y)
        setr(f_round(v, ty)); return
    if n in ('arith.extf', 'arith.truncf'):
        setr(f_round(float(a[0]), ty)); return
    if n in ('arith.sitofp',):
        setr(f_round(float(int(a[0])), ty)); return
    if n in ('arith.uitofp',):
        oty = re.search(r':\s*\((\w+)\)', op.text).group(1)
        setr(f_round(float(unsigned(a[0], oty)), ty)); return
    if n == 'arith.fptosi':
        x = float(a[0])
        setr(wrap(int(math.trunc(x)) if math.isfinite(x) else 0, ty)); return
    if n in ('arith.extsi', 'arith.trunci', 'arith.index_cast'):
        setr(wrap(int(a[0]), ty)); return
    if n == 'arith.extui':
        oty = re.search(r':\s*\((\w+)\)', op.text).group(1)
        setr(wrap(unsigned(a[0], oty), ty)); return
    if n.startswith('math.'):
        x = [float(v) for v in a]
        def sf(fn):
            try: return fn()
            except (OverflowError, ValueError): return math.nan
        fns = {'math.erf': lambda: math.erf(x[0]), 'math.tanh': lambda: math.tanh(x[0]),
               'math.exp': lambda: math.exp(x[0]) if x[0] < 709 else math.inf,
               'math.exp2': lambda: 2.0 ** x[0] if x[0] < 1023 else math.inf,
               'math.log': lambda: math.log(x[0]) if x[0] > 0 else (-math.inf if x[0] == 0 else math.nan),
               'math.sqrt': lambda: math.sqrt(x[0]) if x[0] >= 0 else math.nan,
               'math.rsqrt': lambda: (1 / math.sqrt(x[0]) if x[0] > 0 else (math.inf if x[0] == 0 else math.nan)),
               'math.powf': lambda: float(np.power(np.float64(x[0]), np.float64(x[1]))),
               'math.absf': lambda: abs(x[0]),
               'math.fma': lambda: x[0] * x[1] + x[2]}
        with np.errstate(all='ignore'):
            setr(f_round(sf(fns[n]), ty))
        return
    if n == 'llvm.call_intrinsic' and '"llvm.nvvm.ex2.approx.ftz.f"' in op.text:
        # PTX ex2.approx.ftz.f32: 2^x, results below 2^-126 flushed to 0.
        x = float(a[0])
        v = 2.0 ** x if x < 1023 else math.inf
        setr(f_round(0.0 if v < 2.0 ** -126 else v, ty)); return
    if n == 'memref.reinterpret_cast':
        # A strided view of the same buffer (static offset, sizes, strides):
        # writes through it land in the buffer.
        def static(name):
            m = re.search(name + r' = array<i64: ([-\d, ]+)>', op.text)
            assert m, 'memref.reinterpret_cast without %s: %s' % (name, op.text)
            return [int(x) for x in m.group(1).split(',')]
        assert 'operandSegmentSizes = array<i32: 1, 0, 0, 0>' in op.text, \
            'memref.reinterpret_cast with dynamic operands: %s' % op.text
        offset, = static('static_offsets')
        sizes, strides = static('static_sizes'), static('static_strides')
        base = a[0].reshape(-1)
        assert np.shares_memory(base, a[0]), 'reinterpret_cast of a copy'
        span = offset + sum((n_ - 1) * st for n_, st in zip(sizes, strides)) + 1
        assert span <= base.size, 'memref.reinterpret_cast past the buffer: %s' % op.text
        setr(np.lib.stride_tricks.as_strided(
            base[offset:], shape=sizes, strides=[st * base.itemsize for st in strides]))
        return
    if n == 'memref.collapse_shape':
        setr(a[0].reshape(-1)); return
    if n == 'memref.load':
        arr = a[0]
        v = arr[tuple(a[1:])] if a[1:] else arr[()]
        if arr.dtype == np.bool_: setr(bool(v))
        elif np.issubdtype(arr.dtype, np.integer): setr(int(v))
        else: setr(f_round(v, ty))
        return
    if n == 'memref.store':
        arr = a[1]
        idx = tuple(a[2:])
        for i, s in zip(idx, arr.shape):
            assert 0 <= i < s, 'store out of bounds %s %s' % (idx, arr.shape)
        arr[idx if idx else ()] = a[0]
        return
    if n == 'gpu.dynamic_shared_memory':
        setr(th.shared); return
    if n == 'memref.view':
        shape, et = parse_memref(rt[0])
        setr(a[0].view(int(a[1]), shape, et)); return
    if n == 'vector.load':
        shape, et = parse_vector(rt[0])
        arr, idx = a[0], tuple(a[1:])
        assert all(0 <= i < d for i, d in zip(idx, arr.shape)) and idx[-1] + shape[0] <= arr.shape[-1], \
            'vector.load out of bounds %s %s' % (idx, arr.shape)
        setr(np.array(arr[idx[:-1] + (slice(idx[-1], idx[-1] + shape[0]),)], copy=True)); return
    if n == 'vector.store':
        arr, idx, v = a[1], tuple(a[2:]), a[0]
        assert all(0 <= i < d for i, d in zip(idx, arr.shape)) and idx[-1] + len(v) <= arr.shape[-1], \
            'vector.store out of bounds %s %s' % (idx, arr.shape)
        arr[idx[:-1] + (slice(idx[-1], idx[-1] + len(v)),)] = v
        return
    if n == 'vector.extract':
        pos = tuple(int(x) for x in re.search(r'static_position = array<i64: ([\d, ]+)>', op.text).group(1).split(','))
        v = a[0][pos]
        if rt[0].startswith('vector'):
            setr(np.array(v, copy=True))
        else:
            setr(to_scalar(v, rt[0]))
        return
    if n == 'vector.insert':
        pos = tuple(int(x) for x in re.search(r'static_position = array<i64: ([\d, ]+)>', op.text).group(1).split(','))
        v = np.array(a[1], copy=True)
        v[pos] = a[0]
        setr(v); return
    if n == 'vector.from_elements':
        shape, et = parse_vector(rt[0])
        setr(np.array(a, dtype=object if any(isinstance(x, tuple) for x in a) else NP.get(et, object)).reshape(shape)); return
    if n == 'vector.broadcast':
        shape, et = parse_vector(rt[0])
        setr(np.full(shape, a[0], dtype=NP.get(et, object))); return
    if n == 'vector.bitcast':
        shape, et = parse_vector(rt[0])
        v = a[0]
        if et == 'i32' and shape == (1,):      # two 16-bit floats packed into a register
            out = np.empty(1, dtype=object); out[0] = tuple(float(x) for x in v)
            setr(out)
        elif shape == (2,) and v.dtype == object:
            setr(np.array(v[0], dtype=NP[et]))
        else:
            raise SystemExit('unsupported vector.bitcast ' + op.text)
        return
    if n == 'llvm.extractvalue':
        pos = int(re.search(r'position = array<i64: (\d+)>', op.text).group(1))
        setr(a[0][pos]); return
    if n == 'nvgpu.device_async_copy':
        seg = [int(x) for x in re.search(r'operandSegmentSizes = array<i32: ([\d, ]+)>', op.text).group(1).split(',')]
        dst = a[0]; didx = tuple(a[1:1 + seg[1]]); o = 1 + seg[1]
        src = a[o]; sidx = tuple(a[o + 1:o + 1 + seg[3]]); o += 1 + seg[3]
        n_el = int(re.search(r'dstElements = (\d+)', op.text).group(1))
        valid = int(a[o]) if seg[4] else n_el
        assert 0 <= valid <= n_el
        assert all(0 <= i < d for i, d in zip(didx, dst.shape)) and didx[-1] + n_el <= dst.shape[-1], \
            'cp.async destination out of bounds %s %s' % (didx, dst.shape)
        if valid:
            assert all(0 <= i < d for i, d in zip(sidx, src.shape)) and sidx[-1] + valid <= src.shape[-1], \
                'cp.async source out of bounds %s %s' % (sidx, src.shape)
        th.pending.append((dst, didx, src, sidx, n_el, valid))
        setr(None); return
    if n == 'nvvm.cp.async.commit.group':
        th.groups.append(th.pending); th.pending = []
        return
    if n == 'nvvm.cp.async.wait.group':
        keep = int(re.search(r'n = (\d+)', op.text).group(1))
        while len(th.groups) > keep:
            for copy in th.groups.pop(0):
                complete_copy(copy)
        return
    if n == 'nvgpu.ldmatrix':
        tiles = int(re.search(r'numTiles = (\d+)', op.text).group(1))
        transpose = 'transpose = true' in op.text
        res = yield LdMatrix(a[0], tuple(a[1:]), tiles, transpose)
        setr(res); return
    if n == 'nvvm.mma.sync':
        if 'shape = #nvvm.shape<m = 16, n = 8, k = 16>' not in op.text or \
                'layoutA = #nvvm.mma_layout<row>' not in op.text or \
                'layoutB = #nvvm.mma_layout<col>' not in op.text:
            raise SystemExit('unsupported mma ' + op.text)
        res = yield Mma(a[0:4], a[4:6], a[6:10])
        setr(res); return
    if n in ('gpu.thread_id', 'gpu.block_id', 'gpu.grid_dim', 'gpu.block_dim'):
        dim = 'xyz'.index(re.search(r'#gpu<dim (\w)>', op.text).group(1))
        if n == 'gpu.thread_id': setr(th.tid if dim == 0 else 0)
        elif n == 'gpu.block_id': setr(th.bid[dim])
        elif n == 'gpu.grid_dim': setr(th.grid[dim])
        else: setr(th.block if dim == 0 else 1)
        return
    if n == 'gpu.barrier':
        yield Barrier(); return
    if n == 'gpu.shuffle':
        off = a[1]; width = a[2]
        mode = op.attr('mode')
        res = yield Shuffle(a[0], off, width, mode)
        setr(*res); return
    if n == 'gpu.return':
        return ('yield', [])
    if n == 'scf.yield':
        return ('yield', a)
    if n == 'scf.for':
        lb, ub, step = a[0], a[1], a[2]
        it = list(a[3:])
        i = lb
        while i < ub:
            it = yield from run_region(op.regions[0], [i] + it, env, th)
            i += step
        setr(*it); return
    if n == 'scf.if':
        if a[0]:
            res = yield from run_region(op.regions[0], [], env, th)
        elif len(op.regions) > 1 and op.regions[1]:
            res = yield from run_region(op.regions[1], [], env, th)
        else:
            res = []
        setr(*res); return
    raise SystemExit('unsupported op ' + n)

def resolve_warp(events, warp_lanes):
    """The results of one warp-level op that every lane of a warp reached."""
    kind = type(events[warp_lanes[0]])
    out = {}
    if kind is Shuffle:
        for t in warp_lanes:
            e = events[t]
            lane = t % 32
            if 'xor' not in e.mode:
                raise SystemExit('shuffle mode ' + e.mode)
            src = lane ^ e.offset
            peer = (t - lane) + src
            out[t] = (events[peer].value, True) if src < e.width else (e.value, False)
        return out
    if kind is LdMatrix:
        first = events[warp_lanes[0]]
        tiles = []
        for q in range(first.tiles):
            rows = []
            for r in range(8):
                e = events[warp_lanes[8 * q + r]]
                idx = e.index
                assert idx[-1] + 8 <= e.array.shape[-1], 'ldmatrix row out of bounds'
                rows.append(np.asarray(e.array[idx[:-1] + (slice(idx[-1], idx[-1] + 8),)], dtype=np.float64))
            tiles.append(np.array(rows))
        for t in warp_lanes:
            lane = t % 32
            g, c = lane // 4, lane % 4
            res = np.zeros((first.tiles, 2))
            for q, m in enumerate(tiles):
                res[q] = m[2 * c:2 * c + 2, g] if first.transpose else m[g, 2 * c:2 * c + 2]
            out[t] = res
        return out
    if kind is Mma:
        A = np.zeros((16, 16)); B = np.zeros((16, 8)); C = np.zeros((16, 8))
        for t in warp_lanes:
            e = events[t]
            lane = t % 32
            g, c = lane // 4, lane % 4
            for i in range(2):
                A[g][2 * c + i] = e.a[0][i]; A[g + 8][2 * c + i] = e.a[1][i]
                A[g][2 * c + 8 + i] = e.a[2][i]; A[g + 8][2 * c + 8 + i] = e.a[3][i]
                B[2 * c + i][g] = e.b[0][i]; B[2 * c + 8 + i][g] = e.b[1][i]
                C[g][2 * c + i] = e.c[i]; C[g + 8][2 * c + i] = e.c[2 + i]
        with np.errstate(all='ignore'):
            D = (A @ B + C).astype(np.float32)
        for t in warp_lanes:
            lane = t % 32
            g, c = lane // 4, lane % 4
            out[t] = (D[g][2 * c], D[g][2 * c + 1], D[g + 8][2 * c], D[g + 8][2 * c + 1])
        return out
    raise SystemExit('unknown warp-level op %s' % kind)


def run_kernel(func, buffers):
    m = re.search(r'tfc.grid = array<i64: (\d+), (\d+), (\d+)>', func.text)
    grid3 = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.search(r'tfc.block = array<i64: (\d+), (\d+), (\d+)>', func.text)
    block = int(m.group(1))
    bargs, body = func.regions[0][0]
    nargs = len(buffers)
    for bz in range(grid3[2]):
        for by in range(grid3[1]):
            for bx in range(grid3[0]):
                run_block(body, bargs, buffers, nargs, (bx, by, bz), grid3, block)


def run_block(body, bargs, buffers, nargs, bid, grid3, block):
    threads = []
    shared = {}
    dynamic = SharedMemory()
    states = []
    for t in range(block):
        tenv = dict()
        for i, (name, ty) in enumerate(bargs):
            if i < nargs:
                tenv[name] = buffers[i]
            else:
                shape, et = parse_memref(ty)
                if 'workgroup' in ty:
                    if name not in shared:
                        shared[name] = np.full(shape, np.nan if et.startswith('f') or et == 'bf16' else 0, dtype=NP[et])
                    tenv[name] = shared[name]
                else:
                    tenv[name] = np.full(shape, np.nan, dtype=NP[et])
        th = Thread(t, bid, grid3, block, dynamic)
        states.append(th)
        threads.append(run_ops(body, tenv, th))
    send = {t: None for t in range(block)}
    runnable = set(range(block))
    alive = set(range(block))
    events = {}
    while alive:
        for t in sorted(runnable):
            try:
                events[t] = threads[t].send(send[t])
            except StopIteration:
                events.pop(t, None)
                alive.discard(t)
                # copies still in flight land before the block ends
                for group in states[t].groups + [states[t].pending]:
                    for copy in group:
                        complete_copy(copy)
        runnable = set()
        if not alive:
            break
        # Warp-level ops: a warp whose live lanes all wait at one.
        for w in range(0, block, 32):
            lanes = [t for t in range(w, min(w + 32, block)) if t in alive]
            if not lanes or any(type(events[t]) is Barrier for t in lanes):
                continue
            kinds = {type(events[t]) for t in lanes}
            if len(kinds) != 1:
                raise SystemExit('lanes of warp %d wait at different warp-level ops' % (w // 32))
            if len(lanes) != min(32, block - w):
                raise SystemExit('warp-level op not reached by every lane of warp %d' % (w // 32))
            for t, r in resolve_warp(events, lanes).items():
                send[t] = r
                runnable.add(t)
        if runnable:
            continue
        # Otherwise every live thread waits at a barrier.
        if len(alive) != block:
            raise SystemExit('barrier not reached by all threads (some exited)')
        for t in alive:
            send[t] = None
        runnable = set(alive)

TOLERANCES = {  # element type -> (rtol, atol)
    'f64': (1e-9, 1e-12), 'f32': (1e-5, 1e-5), 'f16': (2e-3, 2e-3),
    'bf16': (2e-2, 2e-2)}


def compare(name, actual, expected, et):
    if et in TOLERANCES:
        rtol, atol = TOLERANCES[et]
        a = actual.astype(np.float64)
        r = expected.astype(np.float64)
        good = np.allclose(a, r, rtol=rtol, atol=atol, equal_nan=True)
        diff = np.where(np.isnan(a) & np.isnan(r), 0, np.abs(a - r))
        detail = 'max abs error %.3g' % (np.nanmax(diff) if diff.size else 0)
    else:
        mismatches = int(np.sum(actual.astype(np.int64) != expected.astype(np.int64)))
        good = mismatches == 0
        detail = '%d mismatches' % mismatches
    print('%s %s: %s' % ('OK' if good else 'FAIL', name, detail))
    return good


def simulate(func, inputs, num_outputs):
    """Runs `func` on copies of `inputs`; returns its outputs (poisoned first)."""
    bargs = func.regions[0][0][0]
    buffers = []
    for array, (_, ty) in zip(inputs, bargs):
        shape, et = parse_memref(ty)
        assert array.shape == shape, (array.shape, shape)
        array = np.array(array, dtype=NP[et], order='C', copy=True)
        buffers.append(bf16_round(array) if et == 'bf16' else array)
    outputs = []
    for _, ty in bargs[len(inputs):len(inputs) + num_outputs]:
        shape, et = parse_memref(ty)
        poison = np.nan if et in TOLERANCES else 77
        outputs.append((np.full(shape, poison, dtype=NP[et]), et))
    run_kernel(func, buffers + [o for o, _ in outputs])
    return outputs


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('mlir')
    p.add_argument('--opt', required=True, help='the tfc-opt binary')
    p.add_argument('--reference', required=True,
                   help='the tfc-reference binary')
    p.add_argument('--int-high', type=int, default=2,
                   help='integer inputs are drawn from [0, N)')
    p.add_argument('--seed', type=int, default=7)
    args = p.parse_args()

    generic = subprocess.run(
        [args.opt, args.mlir, '--tfc-test-emit-fusion-kernels',
         '--mlir-print-op-generic'], check=True, capture_output=True,
        text=True).stdout
    kernels = {f.attr('sym_name').strip('"'): f
               for f in find_funcs(parse(generic.splitlines()), [])}
    functions = re.findall(r'^\s*func\.func @([\w.$-]+)\(',
                           open(args.mlir).read(), re.M)
    all_good = True
    with tempfile.TemporaryDirectory() as tmp:
        for index, fn in enumerate(functions):
            kernel = kernels.get('%s_%d' % (fn, index))
            if kernel is None:
                print('FAIL %s: no kernel @%s_%d' % (fn, fn, index))
                all_good = False
                continue
            out = os.path.join(tmp, fn)
            subprocess.run(
                [args.reference, args.mlir, '--entry', fn, '--random-inputs',
                 '--seed', str(args.seed), '--int-high', str(args.int_high),
                 '--output-dir', out], check=True, capture_output=True)
            files = os.listdir(out)
            def numbered(prefix, suffix):
                names = [f for f in files if re.fullmatch(prefix + r'\d+' + suffix, f)]
                names.sort(key=lambda f: int(re.findall(r'\d+', f)[0]))
                return [np.load(os.path.join(out, f)) for f in names]
            inputs = numbered('arg', r'\.input\.npy')
            expected = numbered('out', r'\.npy')
            outputs = simulate(kernel, inputs, len(expected))
            for i, ((actual, et), ref) in enumerate(zip(outputs, expected)):
                all_good &= compare('%s result %d' % (fn, i), actual, ref, et)
    if all_good:
        print('%d kernels match the reference' % len(functions))
    sys.exit(0 if all_good else 1)


if __name__ == '__main__':
    main()
