#!/usr/bin/env python3
"""Writes the kernel benchmark's cases: one small .mlir file per case, each a
function holding one tfc.fusion (cases/<name>.mlir), and cases/manifest.json
describing each case for bench_kernels.py (inputs, what the reference is,
FLOPs and minimum bytes, the PyTorch peer).

Two groups: `check` cases (awkward shapes: row lengths 1, 31, 4095, 4097;
M, N, K off the tile; GQA; windows) are run against the reference and under
compute-sanitizer; `bench` cases (GPT-2 124M at B8 x S1024 and the issue's
large shapes) are also timed against PyTorch and the measured roofline.

Usage: gen_cases.py   (rewrites cases/; commit the result)
"""
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'cases')


def t(shape, dtype):
    return 'tensor<%sx%s>' % ('x'.join(str(d) for d in shape), dtype)


def fusion(name, kind, args, results, body):
    """A function `@main` whose body is one tfc.fusion of `kind`."""
    arg_decl = ', '.join('%%a%d: %s' % (i, ty) for i, (_, ty) in enumerate(args))
    names = ', '.join('%%a%d' % i for i in range(len(args)))
    in_types = ', '.join(ty for _, ty in args)
    bb = ', '.join('%%x%d: %s' % (i, ty) for i, (_, ty) in enumerate(args))
    res = results[0] if len(results) == 1 else '(%s)' % ', '.join(results)
    return ('// Kernel benchmark case %s (benchmarks/kernels/gen_cases.py).\n'
            'func.func @main(%s) -> %s {\n'
            '  %%0 = tfc.fusion "%s" (%s) : (%s) -> %s {\n'
            '  ^bb0(%s):\n%s'
            '  }\n'
            '  return %%0 : %s\n}\n') % (name, arg_decl, res, kind, names, in_types,
                                       res, bb, body, res)


CASES = []


def matmul(name, m, n, k, group, batch=(), epilogue='none', transpose_rhs=False,
           transpose_lhs=False, dtype='bf16', tile=None):
    a_shape = list(batch) + ([k, m] if transpose_lhs else [m, k])
    b_shape = [n, k] if transpose_rhs else [k, n]
    out = list(batch) + [m, n]
    args = [('a', t(a_shape, dtype)), ('b', t(b_shape, dtype))]
    attrs = []
    if transpose_lhs:
        attrs.append('transpose_lhs = true')
    if transpose_rhs:
        attrs.append('transpose_rhs = true')
    if tile:
        attrs.append('tfc.tile = array<i64: %s>' % ', '.join(map(str, tile)))
    attr = (' {%s}' % ', '.join(attrs)) if attrs else ''
    body = '    %%1 = tfc.matmul %%x0, %%x1%s : (%s, %s) -> %s\n' % (
        attr, args[0][1], args[1][1], t(out, dtype))
    last = '%1'
    if epilogue in ('bias', 'bias_gelu', 'bias_residual'):
        args.append(('bias', t([n], dtype)))
        body += '    %%2 = tfc.add %%1, %%x2 : (%s, %s) -> %s\n' % (t(out, dtype), t([n], dtype), t(out, dtype))
        last = '%2'
    if epilogue == 'bias_gelu':
        body += '    %%3 = tfc.gelu %%2 approximate = tanh : %s\n' % t(out, dtype)
        last = '%3'
    if epilogue == 'bias_residual':
        args.append(('residual', t(out, dtype)))
        body += '    %%3 = tfc.add %%2, %%x3 : (%s, %s) -> %s\n' % (t(out, dtype), t(out, dtype), t(out, dtype))
        last = '%3'
    body += '    tfc.yield %s : %s\n' % (last, t(out, dtype))
    bsz = math.prod(batch) if batch else 1
    flops = 2 * bsz * m * n * k
    nbytes = 2 * (bsz * m * k + k * n + bsz * m * n)
    CASES.append(dict(name=name, group=group, kind='matmul', dtype=dtype,
                      inputs=[dict(name='input%d' % i, shape=list(map(int, ty[7:-1].split('x')[:-1])))
                              for i, (_, ty) in enumerate(args)],
                      epilogue=epilogue, transpose_lhs=transpose_lhs,
                      transpose_rhs=transpose_rhs, flops=flops, bytes=nbytes,
                      mlir=fusion(name, 'matmul', args, [t(out, dtype)], body)))


def rows(name, op, shape, group, dtype='bf16', residual=False):
    x = t(shape, dtype)
    n = shape[-1]
    args = [('x', x)]
    body = ''
    src = '%x0'
    if residual:
        args.append(('r', x))
        body += '    %%r = tfc.add %%x0, %%x1 : (%s, %s) -> %s\n' % (x, x, x)
        src = '%r'
    k = len(args)
    if op == 'layer_norm':
        args += [('scale', t([n], dtype)), ('bias', t([n], dtype))]
        body += ('    %%1 = tfc.layer_norm %s, %%x%d, %%x%d {axis = %d : i64, epsilon = 1.0e-05 : f32}'
                 ' : (%s, %s, %s) -> %s\n') % (src, k, k + 1, len(shape) - 1, x, t([n], dtype), t([n], dtype), x)
    elif op == 'rms_norm':
        args += [('scale', t([n], dtype))]
        body += ('    %%1 = tfc.rms_norm %s, %%x%d {axis = %d : i64, epsilon = 1.0e-06 : f32}'
                 ' : (%s, %s) -> %s\n') % (src, k, len(shape) - 1, x, t([n], dtype), x)
    elif op == 'softmax':
        body += '    %%1 = tfc.softmax %s {axis = %d : i64} : %s\n' % (src, len(shape) - 1, x)
    elif op == 'bias_gelu':
        args += [('bias', t([n], dtype))]
        body += '    %%b = tfc.add %s, %%x%d : (%s, %s) -> %s\n' % (src, k, x, t([n], dtype), x)
        body += '    %%1 = tfc.gelu %%b approximate = tanh : %s\n' % x
    body += '    tfc.yield %%1 : %s\n' % x
    size = 2 if dtype in ('bf16', 'f16') else 4
    elems = math.prod(shape)
    reads = elems * (2 if residual else 1) + (n * len(args[k:]) if op != 'softmax' else 0)
    CASES.append(dict(name=name, group=group, kind=op, dtype=dtype, residual=residual,
                      inputs=[dict(name='input%d' % i, shape=list(map(int, ty[7:-1].split('x')[:-1])))
                              for i, (_, ty) in enumerate(args)],
                      flops=0, bytes=size * (reads + elems),
                      mlir=fusion(name, op.replace('bias_gelu', 'gelu'), args, [x], body)))


def attention(name, b, hq, hkv, s, d, group, causal, window=0, dtype='bf16', skv=None,
              tile=None):
    skv = skv or s
    q, kv = t([b, hq, s, d], dtype), t([b, hkv, skv, d], dtype)
    scale = 1.0 / math.sqrt(d)
    attrs = 'scale = %r : f32' % scale
    if tile:
        attrs += ', tfc.tile = array<i64: %s>' % ', '.join(map(str, tile))
    if causal:
        attrs += ', causal = true'
    if window:
        attrs += ', window = %d : i64' % window
    body = ('    %%1 = tfc.attention %%x0, %%x1, %%x2 {%s} : (%s, %s, %s) -> %s\n'
            '    tfc.yield %%1 : %s\n') % (attrs, q, kv, kv, q, q)
    pairs = s * skv / 2 if causal and s == skv else s * skv
    CASES.append(dict(name=name, group=group, kind='attention', dtype=dtype, causal=causal,
                      window=window, scale=scale,
                      inputs=[dict(name='input0', shape=[b, hq, s, d]),
                              dict(name='input1', shape=[b, hkv, skv, d]),
                              dict(name='input2', shape=[b, hkv, skv, d])],
                      flops=int(4 * b * hq * pairs * d), bytes=2 * (2 * b * hq * s * d + 2 * b * hkv * skv * d),
                      mlir=fusion(name, 'attention', [('q', q), ('k', kv), ('v', kv)], [q], body)))


def attention_layout(name, b, hq, hkv, s, d, group, causal, layout):
    """Attention whose operands the flash kernel reads in place or rotates:
    `packed`: one [b, s, 3 * h * d] projection split into heads (split,
    reshape, transpose) and the output stored as [b, s, h, d] (a transposed
    store); `rope_q`: q is RoPE (rotate-half) of a transposed [b, s, hq, d]
    input with [s, d] cos and sin tables, k and v as usual."""
    dtype = 'bf16'
    scale = 1.0 / math.sqrt(d)
    attrs = 'scale = %r : f32' % scale + (', causal = true' if causal else '')
    heads = t([b, hq, s, d], dtype)
    rows = t([b, s, hq, d], dtype)
    if layout == 'packed':
        assert hq == hkv
        packed, third = t([b, s, 3 * hq * d], dtype), t([b, s, hq * d], dtype)
        body = ('    %%s:3 = tfc.split %%x0 {axis = 2 : i64, sizes = array<i64: %d, %d, %d>} : (%s) -> (%s, %s, %s)\n'
                % (hq * d, hq * d, hq * d, packed, third, third, third))
        for i, n in enumerate('qkv'):
            body += ('    %%%s0 = tfc.reshape %%s#%d : %s to %s\n'
                     '    %%%s = tfc.transpose %%%s0 {permutation = array<i64: 0, 2, 1, 3>} : (%s) -> %s\n'
                     % (n, i, third, rows, n, n, rows, heads))
        body += ('    %%1 = tfc.attention %%q, %%k, %%v {%s} : (%s, %s, %s) -> %s\n'
                 '    %%2 = tfc.transpose %%1 {permutation = array<i64: 0, 2, 1, 3>} : (%s) -> %s\n'
                 '    tfc.yield %%2 : %s\n') % (attrs, heads, heads, heads, heads, heads, rows, rows)
        args = [('qkv', packed)]
        inputs = [dict(name='input0', shape=[b, s, 3 * hq * d])]
        result = rows
    else:
        kv = t([b, hkv, s, d], dtype)
        table = t([s, d], dtype)
        body = ('    %%t = tfc.transpose %%x0 {permutation = array<i64: 0, 2, 1, 3>} : (%s) -> %s\n'
                '    %%q = tfc.rope %%t, %%x1, %%x2 : (%s, %s, %s) -> %s\n'
                '    %%1 = tfc.attention %%q, %%x3, %%x4 {%s} : (%s, %s, %s) -> %s\n'
                '    tfc.yield %%1 : %s\n') % (rows, heads, heads, table, table, heads,
                                               attrs, heads, kv, kv, heads, heads)
        args = [('x', rows), ('cos', table), ('sin', table), ('k', kv), ('v', kv)]
        inputs = [dict(name='input0', shape=[b, s, hq, d]), dict(name='input1', shape=[s, d]),
                  dict(name='input2', shape=[s, d]), dict(name='input3', shape=[b, hkv, s, d]),
                  dict(name='input4', shape=[b, hkv, s, d])]
        result = heads
    pairs = s * s / 2 if causal else s * s
    CASES.append(dict(name=name, group=group, kind='attention', dtype=dtype, causal=causal,
                      window=0, scale=scale, layout=layout, head_dim=d, inputs=inputs,
                      flops=int(4 * b * hq * pairs * d), bytes=2 * (2 * b * hq * s * d + 2 * b * hkv * s * d),
                      mlir=fusion(name, 'attention', args, [result], body)))


# Correctness on awkward shapes (and compute-sanitizer).
matmul('check_mm_tails', 200, 72, 136, 'check', epilogue='bias')
matmul('check_mm_rhs_t_odd_n', 130, 75, 64, 'check', transpose_rhs=True, epilogue='bias')
matmul('check_mm_batched_lhs_t', 40, 48, 24, 'check', batch=(3,), transpose_lhs=True)
matmul('check_mm_gelu_f16', 96, 136, 200, 'check', epilogue='bias_gelu', dtype='f16')
matmul('check_mm_f32', 33, 20, 17, 'check', dtype='f32')
for length in (1, 31, 4095, 4097):
    rows('check_ln_%d' % length, 'layer_norm', [64, length], 'check', dtype='bf16' if length % 2 else 'f32')
    rows('check_softmax_%d' % length, 'softmax', [64, length], 'check', dtype='f32' if length % 2 else 'bf16')
rows('check_rms_4096', 'rms_norm', [37, 4096], 'check')
rows('check_add_ln_768', 'layer_norm', [300, 768], 'check', residual=True)
rows('check_bias_gelu', 'bias_gelu', [1000, 1000], 'check')
attention('check_attn_causal_gqa', 2, 8, 2, 200, 64, 'check', causal=True)
attention('check_attn_d128_window', 1, 4, 4, 333, 128, 'check', causal=True, window=100)
attention('check_attn_cross', 1, 2, 2, 70, 64, 'check', causal=False, skv=190)
# GQA packing: 4 query heads of a group per block (tfc.tile's fifth value).
attention('check_attn_gqa_packed', 2, 8, 2, 200, 64, 'check', causal=True, tile=(16, 64, 4, 2, 4))
# Operands read in place: GPT-2's packed QKV with the heads merged by the
# store, and Llama's RoPE'd query computed into the Q tile.
attention_layout('check_attn_qkv_in_place', 2, 4, 4, 200, 64, 'check', True, 'packed')
attention_layout('check_attn_rope_query', 2, 8, 2, 200, 64, 'check', True, 'rope_q')

# GPT-2 124M at B8 x S1024, and the large shapes.
matmul('gpt2_qkv', 8192, 2304, 768, 'bench')
matmul('gpt2_qkv_bias', 8192, 2304, 768, 'bench', epilogue='bias')
matmul('gpt2_mlp_up', 8192, 3072, 768, 'bench')
matmul('gpt2_mlp_up_bias_gelu', 8192, 3072, 768, 'bench', epilogue='bias_gelu')
matmul('gpt2_mlp_down_bias_residual', 8192, 768, 3072, 'bench', epilogue='bias_residual')
matmul('mm_8192_cube', 8192, 8192, 8192, 'bench')
# Tile variants (tfc.tile pins KernelConfig's choice): the default is
# whichever measured best.
for tile in ((128, 128, 64, 2, 4, 3), (128, 256, 32, 2, 4, 3), (128, 256, 64, 2, 4, 3),
             (256, 128, 32, 4, 2, 3), (128, 256, 32, 2, 4, 4)):
    matmul('gpt2_mlp_up_t%s' % 'x'.join(map(str, tile)), 8192, 3072, 768, 'bench', tile=tile)
for tile in ((128, 256, 32, 2, 4, 3), (128, 256, 32, 2, 4, 4), (256, 128, 32, 4, 2, 3)):
    matmul('mm_8192_cube_t%s' % 'x'.join(map(str, tile)), 8192, 8192, 8192, 'bench', tile=tile)
attention('gpt2_attn', 8, 12, 12, 1024, 64, 'bench', causal=True)
attention('gpt2_attn_q128', 8, 12, 12, 1024, 64, 'bench', causal=True, tile=(128, 64, 8, 2))
attention('gpt2_attn_q128_w4', 8, 12, 12, 1024, 64, 'bench', causal=True, tile=(128, 64, 4, 2))
attention('attn_d128_causal_q64', 4, 16, 16, 4096, 128, 'bench', causal=True, tile=(64, 64, 4, 2))
attention('attn_d128_causal', 4, 16, 16, 4096, 128, 'bench', causal=True)
attention('attn_d128', 4, 16, 16, 4096, 128, 'bench', causal=False)
# Llama 1.1B's attention (32 query heads on 4 key/value heads, D = 64).
attention('llama_attn_gqa', 1, 32, 4, 2048, 64, 'bench', causal=True)
# Attention tile variants (pinned; the defaults are whichever measured
# best): D = 128 with key tiles of 32 (fewer registers) or 8 warps x 16 rows
# x 128 keys; Llama's GQA with 2, 4 or 8 query heads of a group per block.
for tile in ((128, 32, 4, 2), (128, 128, 8, 2)):
    suffix = '_t%s' % 'x'.join(map(str, tile))
    attention('attn_d128_causal' + suffix, 4, 16, 16, 4096, 128, 'bench', causal=True, tile=tile)
    attention('attn_d128' + suffix, 4, 16, 16, 4096, 128, 'bench', causal=False, tile=tile)
for tile in ((32, 64, 4, 2, 2), (16, 64, 4, 2, 4), (32, 64, 8, 2, 4), (64, 64, 4, 2, 2),
             (32, 64, 4, 2, 4), (64, 128, 4, 2)):
    attention('llama_attn_gqa_t%s' % 'x'.join(map(str, tile)), 1, 32, 4, 2048, 64, 'bench',
              causal=True, tile=tile)
rows('gpt2_ln', 'layer_norm', [8192, 768], 'bench')
rows('ln_16k_4k', 'layer_norm', [16384, 4096], 'bench')
rows('rms_16k_4k', 'rms_norm', [16384, 4096], 'bench')
rows('softmax_16k_4k', 'softmax', [16384, 4096], 'bench')
rows('add_ln_16k_4k', 'layer_norm', [16384, 4096], 'bench', residual=True)
rows('bias_gelu_16k_4k', 'bias_gelu', [16384, 4096], 'bench')


# compute-sanitizer on one or two cases per family (each run costs seconds).
SANITIZE = {
    'check_mm_tails': ['memcheck', 'racecheck'],
    'check_mm_rhs_t_odd_n': ['memcheck'],
    'check_mm_batched_lhs_t': ['memcheck'],
    'check_ln_4095': ['memcheck', 'racecheck'],
    'check_softmax_4097': ['memcheck'],
    'check_add_ln_768': ['memcheck'],
    'check_bias_gelu': ['memcheck'],
    'check_attn_causal_gqa': ['memcheck', 'racecheck'],
    'check_attn_d128_window': ['memcheck'],
    'check_attn_cross': ['memcheck'],
    'check_attn_gqa_packed': ['memcheck', 'racecheck'],
    'check_attn_qkv_in_place': ['memcheck', 'racecheck'],
    'check_attn_rope_query': ['memcheck', 'racecheck'],
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for case in CASES:
        case['sanitize'] = SANITIZE.get(case['name'], [])
    for old in os.listdir(OUT):
        if old.endswith('.mlir'):
            os.remove(os.path.join(OUT, old))
    manifest = []
    for case in CASES:
        with open(os.path.join(OUT, case['name'] + '.mlir'), 'w') as f:
            f.write(case['mlir'])
        manifest.append({k: v for k, v in case.items() if k != 'mlir'})
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
    print('wrote %d cases to %s' % (len(CASES), OUT))


if __name__ == '__main__':
    main()
