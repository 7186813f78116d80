#!/usr/bin/env python3
"""Kernel benchmark and GPU check of tfc's kernel families (runs on the device).

For every case of manifest.json (gen_cases.py): draws fresh random inputs on
the GPU, runs the compiled artifact with tfc-run (outputs and arena poisoned
first, CUDA-graph replay, median of --repeat runs), checks the result against
a reference computed by PyTorch in float32 from the same 16-bit inputs
(float64 for f32 cases) by ||out - ref|| / ||ref|| and that every element is
finite, and times the PyTorch peer in the same process on the same GPU
(cuBLAS through torch.matmul, F.scaled_dot_product_attention with its
FlashAttention-2 and cuDNN backends, F.layer_norm, F.rms_norm, softmax).
The roofline is measured in the same run: device-to-device copy bandwidth
(bytes read + written) and the bf16 GEMM rate of torch.matmul at 8192^3.
`check` cases also run under compute-sanitizer (memcheck, racecheck).

Prints one line per case and a ratio table at the end; writes everything to
OUT/bench.json. Exit status 1 when a check fails.

Usage: bench_kernels.py --tfc-run PATH --dir DIR [--out DIR] [--only REGEX]
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
DT = {'bf16': torch.bfloat16, 'f16': torch.float16, 'f32': torch.float32}
TOL = {'bf16': 1.6e-2, 'f16': 4e-3, 'f32': 1e-5}


def save(path, x):
    """Saves a torch tensor as .npy in tfc-run's format (bf16 as <u2 bits)."""
    x = x.contiguous().cpu()
    if x.dtype == torch.bfloat16:
        np.save(path, x.view(torch.int16).numpy().view(np.uint16))
    else:
        np.save(path, x.numpy())


def load(path, dtype):
    a = np.load(path)
    if dtype == 'bf16':
        return torch.from_numpy(a.view(np.int16).copy()).view(torch.bfloat16)
    return torch.from_numpy(a)


def bench(fn, warmup=5, repeat=30):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeat):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        fn()
        e.record()
        torch.cuda.synchronize()
        times.append(s.elapsed_time(e))
    return float(np.median(times))


def make_inputs(case):
    dt = DT[case['dtype']]
    g = torch.Generator(device='cuda').manual_seed(int(time.time_ns()) % (1 << 31))
    xs = []
    for i, spec in enumerate(case['inputs']):
        shape = spec['shape']
        if case['kind'] == 'matmul' and i < 2:
            # Unit-variance products: each operand scaled by K^(-1/4).
            x = torch.randn(shape, device='cuda', generator=g) / kdim(case) ** 0.25
        elif case['kind'] in ('layer_norm', 'rms_norm') and i >= len(case['inputs']) - (2 if case['kind'] == 'layer_norm' else 1):
            x = 1.0 + 0.1 * torch.randn(shape, device='cuda', generator=g)
        else:
            x = torch.randn(shape, device='cuda', generator=g)
            if case['kind'] in ('layer_norm', 'rms_norm'):
                x = x * 2.0 + 0.5
        xs.append(x.to(dt))
    return xs


def kdim(case):
    a = case['inputs'][0]['shape']
    return a[-2] if case['transpose_lhs'] else a[-1]


def reference(case, xs):
    """The case's result from the same (rounded) inputs, in f32 (f64 for f32)."""
    hi = torch.float64 if case['dtype'] == 'f32' else torch.float32
    x = [v.to(hi) for v in xs]
    kind = case['kind']
    if kind == 'matmul':
        a = x[0].transpose(-1, -2) if case['transpose_lhs'] else x[0]
        b = x[1].transpose(-1, -2) if case['transpose_rhs'] else x[1]
        y = torch.matmul(a, b)
        y = y.to(DT[case['dtype']]).to(hi)  # the matmul's own rounding
        if case['epilogue'] in ('bias', 'bias_gelu', 'bias_residual'):
            y = y + x[2]
        if case['epilogue'] == 'bias_gelu':
            y = F.gelu(y, approximate='tanh')
        if case['epilogue'] == 'bias_residual':
            y = y + x[3]
        return y
    src = x[0] + x[1] if case.get('residual') else x[0]
    rest = x[2:] if case.get('residual') else x[1:]
    if kind == 'layer_norm':
        return F.layer_norm(src, src.shape[-1:], rest[0], rest[1], 1e-5)
    if kind == 'rms_norm':
        return src * torch.rsqrt(src.pow(2).mean(-1, keepdim=True) + 1e-6) * rest[0]
    if kind == 'softmax':
        return torch.softmax(src, -1)
    if kind == 'bias_gelu':
        return F.gelu(src + rest[0], approximate='tanh')
    if kind == 'attention':
        layout = case.get('layout')
        if layout == 'packed':  # [b, s, 3 h d] -> q, k, v as [b, h, s, d]
            b_, s_, hd3 = x[0].shape
            parts = x[0].split(hd3 // 3, -1)
            x = [p.reshape(b_, s_, -1, case['head_dim']).transpose(1, 2) for p in parts]
        elif layout == 'rope_q':  # q = rope(transpose(x)), rounded like the kernel's tile
            t_ = x[0].transpose(1, 2)
            half = t_.shape[-1] // 2
            rot = torch.cat([-t_[..., half:], t_[..., :half]], -1)
            q = (t_ * x[1] + rot * x[2]).to(DT[case['dtype']]).to(hi)
            x = [q, x[3], x[4]]
        q, k, v = x
        s_q, s_k = q.shape[2], k.shape[2]
        rep = q.shape[1] // k.shape[1]
        k = k.repeat_interleave(rep, 1)
        v = v.repeat_interleave(rep, 1)
        i = torch.arange(s_q, device='cuda')[:, None] + (s_k - s_q)
        j = torch.arange(s_k, device='cuda')[None, :]
        visible = torch.ones(s_q, s_k, dtype=torch.bool, device='cuda')
        if case['causal']:
            visible &= j <= i
        if case['window']:
            visible &= j >= i - (case['window'] - 1)
        out = []
        for h0 in range(0, q.shape[1], 4):  # bounded memory
            s = torch.matmul(q[:, h0:h0 + 4], k[:, h0:h0 + 4].transpose(-1, -2)) * case['scale']
            s = s.masked_fill(~visible, float('-inf'))
            out.append(torch.matmul(torch.softmax(s, -1), v[:, h0:h0 + 4]))
        out = torch.cat(out, 1)
        return out.transpose(1, 2) if layout == 'packed' else out
    raise ValueError(kind)


def peers(case, xs):
    """Median ms of the PyTorch peers on the same inputs: {name: ms}."""
    kind = case['kind']
    out = {}
    if kind == 'matmul':
        a = xs[0].transpose(-1, -2) if case['transpose_lhs'] else xs[0]
        b = xs[1].transpose(-1, -2) if case['transpose_rhs'] else xs[1]
        out['torch.matmul'] = bench(lambda: torch.matmul(a, b))
        if case['epilogue'] == 'bias':
            out['matmul+add'] = bench(lambda: torch.matmul(a, b) + xs[2])
        if case['epilogue'] == 'bias_gelu':
            out['matmul+add+gelu'] = bench(lambda: F.gelu(torch.matmul(a, b) + xs[2], approximate='tanh'))
        if case['epilogue'] == 'bias_residual':
            out['matmul+add+add'] = bench(lambda: torch.matmul(a, b) + xs[2] + xs[3])
    elif kind == 'attention' and case.get('layout'):
        pass  # checked only: SDPA takes q, k and v as they are
    elif kind == 'attention':
        from torch.nn.attention import SDPBackend, sdpa_kernel
        q, k, v = xs
        gqa = q.shape[1] != k.shape[1]
        for name, backend in (('sdpa-flash2', SDPBackend.FLASH_ATTENTION),
                              ('sdpa-cudnn', SDPBackend.CUDNN_ATTENTION)):
            try:
                with sdpa_kernel(backend):
                    fn = lambda: F.scaled_dot_product_attention(q, k, v, is_causal=case['causal'],
                                                                scale=case['scale'], enable_gqa=gqa)
                    fn()
                    out[name] = bench(fn)
            except Exception as e:  # backend unavailable for this shape
                out[name + '-error'] = repr(e)[:80]
        if gqa:
            # GQA as SDPA's backends run it without enable_gqa: K and V
            # expanded to the query heads beforehand (the expansion untimed).
            rep = q.shape[1] // k.shape[1]
            ke, ve = k.repeat_interleave(rep, 1), v.repeat_interleave(rep, 1)
            for name, backend in (('sdpa-flash2-expanded', SDPBackend.FLASH_ATTENTION),
                                  ('sdpa-cudnn-expanded', SDPBackend.CUDNN_ATTENTION)):
                try:
                    with sdpa_kernel(backend):
                        fn = lambda: F.scaled_dot_product_attention(q, ke, ve, is_causal=case['causal'],
                                                                    scale=case['scale'])
                        fn()
                        out[name] = bench(fn)
                except Exception as e:
                    out[name + '-error'] = repr(e)[:80]
    else:
        src = (lambda: xs[0] + xs[1]) if case.get('residual') else (lambda: xs[0])
        rest = xs[2:] if case.get('residual') else xs[1:]
        n = xs[0].shape[-1]
        if kind == 'layer_norm':
            out['F.layer_norm'] = bench(lambda: F.layer_norm(src(), (n,), rest[0], rest[1], 1e-5))
        elif kind == 'rms_norm':
            out['F.rms_norm'] = bench(lambda: F.rms_norm(src(), (n,), rest[0], 1e-6))
        elif kind == 'softmax':
            out['torch.softmax'] = bench(lambda: torch.softmax(src(), -1))
        elif kind == 'bias_gelu':
            out['add+gelu'] = bench(lambda: F.gelu(src() + rest[0], approximate='tanh'))
    return out


def run(cmd, timeout=600):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout + p.stderr


def roofline():
    x = torch.empty(1 << 29, dtype=torch.uint8, device='cuda')  # 512 MiB
    y = torch.empty_like(x)
    ms = bench(lambda: y.copy_(x), repeat=20)
    copy_bw = 2 * x.numel() / (ms * 1e-3)
    a = torch.randn(8192, 8192, device='cuda', dtype=torch.bfloat16)
    b = torch.randn(8192, 8192, device='cuda', dtype=torch.bfloat16)
    ms = bench(lambda: torch.matmul(a, b), repeat=20)
    gemm = 2 * 8192 ** 3 / (ms * 1e-3)
    del x, y, a, b
    torch.cuda.empty_cache()
    return copy_bw, gemm


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tfc-run', required=True)
    ap.add_argument('--dir', required=True, help='folder with manifest.json and artifacts/')
    ap.add_argument('--out', default=os.environ.get('OUT', '/tmp/bench'))
    ap.add_argument('--only', default='')
    ap.add_argument('--repeat', type=int, default=50)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    work = '/tmp/bench-work'
    os.makedirs(work, exist_ok=True)
    cases = json.load(open(os.path.join(args.dir, 'manifest.json')))
    if args.only:
        cases = [c for c in cases if re.search(args.only, c['name'])]
    copy_bw, gemm_rate = roofline()
    print('roofline: device-to-device copy %.0f GB/s (read + write), bf16 GEMM 8192^3 %.0f TFLOP/s'
          % (copy_bw / 1e9, gemm_rate / 1e12), flush=True)
    results, failed = [], False
    for case in cases:
        try:
            r = run_case(case, args, work, copy_bw, gemm_rate)
        except Exception:  # keep going: one broken case must not hide the rest
            import traceback
            r = dict(name=case['name'], group=case['group'], kind=case['kind'], ok=False,
                     log=traceback.format_exc()[-1500:])
            print('FAIL %s: %s' % (case['name'], r['log']), flush=True)
        failed |= not r.get('ok', False)
        results.append(r)
        torch.cuda.empty_cache()
        for f in os.listdir(work):
            if f.startswith(case['name'] + '.'):
                p = os.path.join(work, f)
                if os.path.isdir(p):
                    for g in os.listdir(p):
                        os.remove(os.path.join(p, g))
                    os.rmdir(p)
                else:
                    os.remove(p)
    write_report(args, results, copy_bw, gemm_rate, failed)
    return 1 if failed else 0


def run_case(case, args, work, copy_bw, gemm_rate):
    """Runs, checks (and times or sanitizes) one case; returns its record."""
    name = case['name']
    art = os.path.join(args.dir, 'artifacts', name + '.tfcm')
    r = dict(name=name, group=case['group'], kind=case['kind'])
    xs = make_inputs(case)
    in_args = []
    for spec, x in zip(case['inputs'], xs):
        path = os.path.join(work, '%s.%s.npy' % (name, spec['name']))
        save(path, x)
        in_args += ['--input', '%s=%s' % (spec['name'], path)]
    outdir = os.path.join(work, name + '.out')
    rc, text = run([args.tfc_run, art, *in_args, '--output-dir', outdir, '--poison',
                    '--repeat', str(args.repeat if case['group'] == 'bench' else 3),
                    '--warmup', '5'])
    r['rc'] = rc
    if rc != 0:
        r['log'] = text[-1500:]
        r['ok'] = False
        print('FAIL %s: tfc-run exit %d\n%s' % (name, rc, text[-1500:]), flush=True)
        return r
    m = re.search(r'median ([0-9.]+) ms', text)
    r['tfc_ms'] = float(m.group(1)) if m else None
    got = load(os.path.join(outdir, 'output0.npy'), case['dtype']).cuda()
    ref = reference(case, xs)
    gotd = got.to(torch.float64)
    refd = ref.to(torch.float64)
    finite = bool(torch.isfinite(gotd).all())
    rel = float(torch.linalg.vector_norm(gotd - refd) / torch.linalg.vector_norm(refd))
    r.update(finite=finite, rel_err=rel, ok=finite and rel <= TOL[case['dtype']])
    if case['group'] == 'check':
        for tool in case.get('sanitize', []):
            rc2, t2 = run(['compute-sanitizer', '--tool', tool, '--error-exitcode', '17',
                           args.tfc_run, art, *in_args])
            errs = re.findall(r'ERROR SUMMARY: (\d+) error', t2)
            hazards = re.findall(r'RACECHECK SUMMARY: (\d+) hazard', t2)
            r[tool] = dict(rc=rc2, errors=int(errs[-1]) if errs else None,
                           hazards=int(hazards[-1]) if hazards else None)
            if rc2 != 0:
                r[tool]['log'] = t2[-800:]
                r['ok'] = False
    else:
        r['peers'] = peers(case, xs)
        ms = r['tfc_ms']
        if case['flops']:
            r['tflops'] = case['flops'] / (ms * 1e-3) / 1e12
            r['roofline_frac'] = case['flops'] / (ms * 1e-3) / gemm_rate
        else:
            r['gbps'] = case['bytes'] / (ms * 1e-3) / 1e9
            r['roofline_frac'] = case['bytes'] / (ms * 1e-3) / copy_bw
    print('%s %s: rel_err %.2e finite %s tfc %s ms %s %s' % (
        'PASS' if r['ok'] else 'FAIL', name, rel, finite, r['tfc_ms'],
        ' '.join('%s=%s' % (k, (round(v, 4) if isinstance(v, float) else v))
                 for k, v in r.get('peers', {}).items()),
        ' '.join('%s=%s/%s' % (t, r[t]['errors'], r[t]['hazards'])
                 for t in ('memcheck', 'racecheck') if t in r)), flush=True)
    return r


def write_report(args, results, copy_bw, gemm_rate, failed):
    with open(os.path.join(args.out, 'bench.json'), 'w') as f:
        json.dump(dict(device=torch.cuda.get_device_name(), copy_bw=copy_bw, gemm_rate=gemm_rate,
                       torch=torch.__version__, results=results), f, indent=1)
    print('\n| case | tfc ms | peer | peer ms | tfc speed / peer | achieved | of roofline | rel err |')
    print('| --- | --- | --- | --- | --- | --- | --- | --- |')
    for r in results:
        if r['group'] != 'bench' or 'tfc_ms' not in r:
            continue
        peer = {k: v for k, v in r['peers'].items() if isinstance(v, float)}
        best = min(peer, key=peer.get) if peer else None
        ach = ('%.0f TFLOP/s' % r['tflops']) if 'tflops' in r else ('%.0f GB/s' % r['gbps'])
        print('| %s | %.4f | %s | %s | %s | %s | %.0f%% | %.1e |' % (
            r['name'], r['tfc_ms'], best or '-', ('%.4f' % peer[best]) if best else '-',
            ('%.2f' % (peer[best] / r['tfc_ms'])) if best else '-', ach,
            100 * r['roofline_frac'], r['rel_err']))
        for k, v in peer.items():
            if k != best:
                print('|  | | %s | %.4f | %.2f | | | |' % (k, v, v / r['tfc_ms']))
    print('verdict:', 'FAIL' if failed else 'PASS')


if __name__ == '__main__':
    sys.exit(main())
