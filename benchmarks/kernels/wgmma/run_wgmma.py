#!/usr/bin/env python3
"""Device half of the wgmma + TMA matmul check and benchmark
(benchmarks/kernels/wgmma/README.md). Loads the cubins that compile_wgmma.sh
made (PTX if the cubin does not load), encodes the TMA descriptors with the
driver's cuTensorMapEncodeTiled (what the kernel's tensor-map arguments
expect: 3-D [batch, rows, cols], 128-byte swizzle, 256-byte L2 promotion,
zero fill), launches through the driver API (ctypes) on PyTorch's context
and stream, and:

- check: outputs poisoned with NaN, compared with a float64 reference (the
  matmul rounded to the operand type, each epilogue op rounded to its
  type), bf16 rtol 2e-2 / f16 5e-3 plus 1e-2 of the mean |ref|;
- bench: the same check against a float32 reference, then medians of CUDA
  event timings for the wgmma kernel, the mma.sync kernel of the same
  fusion, torch.matmul (cuBLAS) and torch.matmul + the separate epilogue.

Usage: run_wgmma.py --dir DIR [--cases a,b] [--check-only] [--out OUT]
"""
import argparse
import ctypes
import json
import math
import os
import statistics
import sys

import torch
import torch.nn.functional as F

DTYPES = {'bf16': torch.bfloat16, 'f16': torch.float16, 'f32': torch.float32}
TMA_DTYPE = {'bf16': 9, 'f16': 6}  # CU_TENSOR_MAP_DATA_TYPE_{BFLOAT16,FLOAT16}
SWIZZLE_128B, L2_256B = 3, 3

cuda = ctypes.CDLL('libcuda.so.1')
cuda.cuLaunchKernel.argtypes = [ctypes.c_void_p] + [ctypes.c_uint] * 7 + [
    ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p]
cuda.cuModuleGetFunction.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p, ctypes.c_char_p]
cuda.cuFuncSetAttribute.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
cuda.cuMemcpyHtoD_v2.argtypes = [ctypes.c_uint64, ctypes.c_void_p, ctypes.c_size_t]
cuda.cuFuncGetAttribute.argtypes = [ctypes.POINTER(ctypes.c_int), ctypes.c_int, ctypes.c_void_p]


def check(result, what):
    if result != 0:
        name = ctypes.c_char_p()
        cuda.cuGetErrorString(result, ctypes.byref(name))
        raise RuntimeError('%s failed: %s' % (what, name.value.decode() if name.value else result))


class Kernel:
    def __init__(self, prefix):
        self.meta = json.load(open(prefix + '.json'))['kernels'][0]
        self.module = ctypes.c_void_p()
        loaded = 'cubin'
        if cuda.cuModuleLoadData(ctypes.byref(self.module), open(prefix + '.cubin', 'rb').read()) != 0:
            loaded = 'ptx'
            check(cuda.cuModuleLoadData(ctypes.byref(self.module),
                                        open(prefix + '.ptx', 'rb').read() + b'\0'), 'cuModuleLoadData')
        self.loaded = loaded
        self.func = ctypes.c_void_p()
        check(cuda.cuModuleGetFunction(ctypes.byref(self.func), self.module,
                                       self.meta['name'].encode()), 'cuModuleGetFunction')
        # Always: the 48 KiB default counts the static shared memory (the
        # mbarriers) too, so 49152 dynamic bytes already need the opt-in.
        if self.meta['smem'] > 0:
            check(cuda.cuFuncSetAttribute(self.func, 8, self.meta['smem']), 'cuFuncSetAttribute')
        regs = ctypes.c_int()
        check(cuda.cuFuncGetAttribute(ctypes.byref(regs), 4, self.func), 'cuFuncGetAttribute')
        self.registers = regs.value
        self.maps = []

    def bind(self, tensors):
        """Kernel parameters: the memrefs' pointers, then the tensor maps."""
        self.keep = [t for t in tensors]
        values = [ctypes.c_uint64(t.data_ptr()) for t in tensors]
        for spec in self.meta['tensor_maps']:
            t = tensors[spec['argument']]
            dtype = {torch.bfloat16: 'bf16', torch.float16: 'f16'}[t.dtype]
            batch, rows, cols = spec['shape']
            raw = ctypes.create_string_buffer(256)
            address = (ctypes.addressof(raw) + 63) & ~63
            dims = (ctypes.c_uint64 * 3)(cols, rows, batch)
            strides = (ctypes.c_uint64 * 2)(cols * 2, rows * cols * 2)
            box = (ctypes.c_uint32 * 3)(spec['box'][2], spec['box'][1], spec['box'][0])
            element_strides = (ctypes.c_uint32 * 3)(1, 1, 1)
            check(cuda.cuTensorMapEncodeTiled(
                ctypes.c_void_p(address), ctypes.c_int(TMA_DTYPE[dtype]), ctypes.c_uint32(3),
                ctypes.c_void_p(t.data_ptr()), dims, strides, box, element_strides,
                ctypes.c_int(0), ctypes.c_int(SWIZZLE_128B), ctypes.c_int(L2_256B), ctypes.c_int(0)),
                'cuTensorMapEncodeTiled')
            device = torch.empty(128, dtype=torch.uint8, device='cuda')
            check(cuda.cuMemcpyHtoD_v2(device.data_ptr(), ctypes.c_void_p(address), 128), 'cuMemcpyHtoD')
            self.keep.append(device)
            values.append(ctypes.c_uint64(device.data_ptr()))
        self.values = values
        self.params = (ctypes.c_void_p * len(values))(
            *[ctypes.cast(ctypes.pointer(v), ctypes.c_void_p) for v in values])

    def launch(self):
        g, b = self.meta['grid'], self.meta['block']
        stream = ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)
        check(cuda.cuLaunchKernel(self.func, g[0], g[1], g[2], b[0], b[1], b[2],
                                  self.meta['smem'], stream, self.params, None), 'cuLaunchKernel')


def make_inputs(case, gen):
    tensors = []
    for spec in case['inputs']:
        scale = 1.0 if spec['name'] in ('bias', 'residual') else 0.5
        tensors.append((torch.randn(spec['shape'], generator=gen, device='cuda') * scale)
                       .to(DTYPES[spec['dtype']]))
    return tensors


def reference(case, tensors, precision):
    """The fusion's result with each op rounded to its element type."""
    dtype = DTYPES[case['dtype']]
    a, b = tensors[0].to(precision), tensors[1].to(precision)
    if case['transpose_rhs']:
        b = b.transpose(-1, -2)
    y = torch.matmul(a, b).to(dtype)
    extra = iter(tensors[2:])
    for op in case['epilogue']:
        if op in ('bias', 'residual'):
            y = (y.to(precision) + next(extra).to(precision)).to(dtype)
        elif op == 'gelu':
            y = F.gelu(y.to(precision), approximate='tanh').to(dtype)
        elif op == 'silu':
            y = F.silu(y.to(precision)).to(dtype)
        elif op == 'cast':
            y = y.to(DTYPES[case['out_dtype']])
    return y


def compare(case, out, ref):
    o, r = out.double(), ref.double()
    finite = bool(torch.isfinite(o).all())
    err = (o - r).abs()
    rtol = 5e-3 if case['dtype'] == 'f16' else 2e-2
    atol = 1e-2 * float(r.abs().mean())
    bad = int((err > atol + rtol * r.abs()).sum())
    return finite and bad == 0, dict(max_abs_err=float(err.max()), mismatches=bad,
                                     all_written=finite, max_abs_ref=float(r.abs().max()))


def median_ms(fn, iters):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(7):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(iters):
            fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end) / iters)
    return statistics.median(times)


def graph_median_ms(fn, iters):
    """median_ms of `iters` calls captured in one CUDA graph (no launch
    overhead from Python between the kernels)."""
    fn()
    torch.cuda.synchronize()
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for _ in range(iters):
            fn()
    return median_ms(graph.replay, 1) / iters


def torch_peer(case, tensors):
    a, b = tensors[0], tensors[1]
    if case['transpose_rhs']:
        b = b.t()
    extra = tensors[2:]

    def matmul_only():
        return torch.matmul(a, b)

    def with_epilogue():
        y = torch.matmul(a, b)
        it = iter(extra)
        for op in case['epilogue']:
            if op in ('bias', 'residual'):
                y = y + next(it)
            elif op == 'gelu':
                y = F.gelu(y, approximate='tanh')
            elif op == 'silu':
                y = F.silu(y)
            elif op == 'cast':
                y = y.to(DTYPES[case['out_dtype']])
        return y
    return matmul_only, with_epilogue


def run_case(case, args, log):
    name = case['name']
    gen = torch.Generator(device='cuda')
    gen.manual_seed(1234)
    tensors = make_inputs(case, gen)
    out_shape = case['batch'] + [case['m'], case['n']]
    row = dict(name=name)
    ok = True
    kernels = {}
    for variant in ('wgmma', 'mma'):
        prefix = os.path.join(args.dir, 'kernels', '%s.%s' % (name, variant))
        if not os.path.exists(prefix + '.json') or (variant == 'mma' and args.check_only):
            continue
        kernel = Kernel(prefix)
        out = torch.full(out_shape, float('nan'), dtype=DTYPES[case['out_dtype']], device='cuda')
        kernel.bind(tensors + [out])
        kernel.launch()
        torch.cuda.synchronize()
        precision = torch.float64 if case['group'] == 'check' else torch.float32
        ref = reference(case, tensors, precision)
        passed, stats = compare(case, out, ref)
        ok &= passed
        row[variant] = dict(passed=passed, loaded=kernel.loaded, registers=kernel.registers,
                            grid=kernel.meta['grid'], block=kernel.meta['block'],
                            smem=kernel.meta['smem'], **stats)
        log('%s %s.%s: %s (max_abs_err %.3g of max |ref| %.3g, %d mismatches, %s, %d registers, '
            'grid %s, block %d, smem %d)' % ('PASS' if passed else 'FAIL', name, variant,
                                            'ok' if passed else 'WRONG', stats['max_abs_err'],
                                            stats['max_abs_ref'], stats['mismatches'], kernel.loaded,
                                            kernel.registers, kernel.meta['grid'], kernel.meta['block'][0],
                                            kernel.meta['smem']))
        kernels[variant] = kernel
        del ref
    if case['group'] == 'bench' and not args.check_only:
        iters = max(5, min(200, int(2e11 / case['flops'])))
        matmul_only, with_epilogue = torch_peer(case, tensors)
        timer = graph_median_ms if case.get('small') else median_ms
        times = {v: timer(k.launch, iters) for v, k in kernels.items()}
        times['cublas'] = timer(matmul_only, iters)
        if case['epilogue']:
            times['torch_epilogue'] = timer(with_epilogue, iters)
        row['timing'] = 'cuda graph' if case.get('small') else 'stream'
        row['tile'] = kernels['wgmma'].meta['grid'] if 'wgmma' in kernels else None
        row['ms'] = times
        tflops = {k: case['flops'] / (v * 1e-3) / 1e12 for k, v in times.items()}
        row['tflops'] = tflops
        peer = times.get('torch_epilogue', times['cublas'])
        log('TIME %s (M %d K %d N %d%s, grid %s, %s): wgmma %.4f ms %.0f TFLOP/s | mma.sync %.4f ms | cuBLAS %.4f ms '
            '%.0f TFLOP/s%s | wgmma/cuBLAS %.2f, vs %s %.2f, vs mma.sync %.2fx' % (
                name, case['m'], case['k'], case['n'], ', B [N,K]' if case['transpose_rhs'] else '',
                row['tile'], row['timing'],
                times['wgmma'], tflops['wgmma'], times.get('mma', float('nan')), times['cublas'],
                tflops['cublas'],
                (' | torch matmul+epilogue %.4f ms' % times['torch_epilogue']) if 'torch_epilogue' in times else '',
                times['cublas'] / times['wgmma'],
                'torch matmul+epilogue' if case['epilogue'] else 'cuBLAS', peer / times['wgmma'],
                times.get('mma', float('nan')) / times['wgmma']))
    return ok, row


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--dir', required=True)
    parser.add_argument('--cases', default='')
    parser.add_argument('--check-only', action='store_true')
    parser.add_argument('--out', default='')
    args = parser.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.zeros(1, device='cuda')  # the primary context, current on this thread
    manifest = json.load(open(os.path.join(args.dir, 'cases', 'manifest.json')))
    wanted = set(filter(None, args.cases.split(',')))
    lines = []

    def log(line):
        print(line, flush=True)
        lines.append(line)
    log('device %s, torch %s' % (torch.cuda.get_device_name(), torch.__version__))
    rows, failures = [], 0
    for case in manifest:
        if wanted and case['name'] not in wanted:
            continue
        try:
            ok, row = run_case(case, args, log)
        except Exception as error:  # report and go on with the next case
            ok, row = False, dict(name=case['name'], error=str(error))
            log('FAIL %s: %s' % (case['name'], error))
        failures += not ok
        rows.append(row)
        torch.cuda.empty_cache()
    log('verdict: %s (%d cases, %d failed)' % ('PASS' if failures == 0 else 'FAIL', len(rows), failures))
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        json.dump(rows, open(os.path.join(args.out, 'wgmma_results.json'), 'w'), indent=1)
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
