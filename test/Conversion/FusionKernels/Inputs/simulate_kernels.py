#!/usr/bin/env python3
"""CPU numerics check of the kernels that tfc-test-emit-fusion-kernels emits.

There is no GPU in CI, so this runs the emitted gpu.func bodies on the CPU:
a small interpreter of the ops the kernel families use (arith, math, memref,
scf, gpu ids, gpu.barrier, gpu.shuffle xor) over numpy buffers. The threads
of a block run as coroutines that meet at every gpu.barrier (all threads of
the block) and gpu.shuffle (all 32 lanes of the warp), so the block-wide
reductions are exercised with their real synchronisation; a barrier or
shuffle not reached by all threads is an error. Each kernel runs with its
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

def scalar_type(op):
    m = re.search(r'->\s*([\w]+)\s*$', op.text)
    return m.group(1) if m else None

def result_types(op):
    m = re.search(r'->\s*\(?([^()]*?)\)?\s*$', op.text)
    return [t.strip() for t in m.group(1).split(',')] if m else []

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

class Thread:
    def __init__(self, tid, bid, grid, block):
        self.tid, self.bid, self.grid, self.block = tid, bid, grid, block

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
               'math.log': lambda: math.log(x[0]) if x[0] > 0 else (-math.inf if x[0] == 0 else math.nan),
               'math.sqrt': lambda: math.sqrt(x[0]) if x[0] >= 0 else math.nan,
               'math.rsqrt': lambda: (1 / math.sqrt(x[0]) if x[0] > 0 else (math.inf if x[0] == 0 else math.nan)),
               'math.powf': lambda: float(np.power(np.float64(x[0]), np.float64(x[1]))),
               'math.absf': lambda: abs(x[0]),
               'math.fma': lambda: x[0] * x[1] + x[2]}
        with np.errstate(all='ignore'):
            setr(f_round(sf(fns[n]), ty))
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
    if n == 'gpu.thread_id': setr(th.tid); return
    if n == 'gpu.block_id': setr(th.bid); return
    if n == 'gpu.grid_dim': setr(th.grid); return
    if n == 'gpu.block_dim': setr(th.block); return
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

def run_kernel(func, buffers):
    m = re.search(r'tfc.grid = array<i64: (\d+), (\d+), (\d+)>', func.text)
    grid = int(m.group(1))
    m = re.search(r'tfc.block = array<i64: (\d+), (\d+), (\d+)>', func.text)
    block = int(m.group(1))
    bargs, body = func.regions[0][0]
    nargs = len(buffers)
    for b in range(grid):
        env = {}
        threads = []
        shared = {}
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
            th = Thread(t, b, grid, block)
            threads.append(run_ops(body, tenv, th))
        send = {t: None for t in range(block)}
        alive = set(range(block))
        while alive:
            events = {}
            for t in sorted(alive):
                try:
                    events[t] = threads[t].send(send[t])
                except StopIteration:
                    events[t] = None
            done = [t for t, e in events.items() if e is None]
            for t in done:
                alive.discard(t)
            live = {t: e for t, e in events.items() if e is not None}
            if not live:
                break
            if done and live:
                raise SystemExit('threads exited while others wait at a sync point')
            kinds = {type(e) for e in live.values()}
            if len(kinds) != 1:
                raise SystemExit('divergent sync points')
            if kinds == {Barrier}:
                if len(live) != block:
                    raise SystemExit('barrier not reached by all threads')
                for t in live: send[t] = None
            else:
                for t, e in live.items():
                    lane = t % 32
                    src = lane ^ e.offset if 'xor' in e.mode else None
                    if src is None:
                        raise SystemExit('shuffle mode ' + e.mode)
                    warp = range(t - lane, min(t - lane + 32, block))
                    if any(w not in live for w in warp):
                        raise SystemExit('gpu.shuffle not reached by every '
                                         'lane of warp %d' % (t // 32))
                    peer = (t - lane) + src
                    if src < e.width and peer in live:
                        send[t] = (live[peer].value, True)
                    else:
                        send[t] = (e.value, False)

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
    functions = re.findall(r'^func\.func @([\w.$-]+)\(', open(args.mlir).read(),
                           re.M)
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
