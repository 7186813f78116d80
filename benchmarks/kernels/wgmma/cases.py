#!/usr/bin/env python3
"""The wgmma + TMA matmul cases of the device check and benchmark
(benchmarks/kernels/wgmma/README.md): writes cases/<name>.mlir (one function
holding one matmul tfc.fusion) and cases/manifest.json.

`check` cases have M, N, K off the tile, both B layouts, batch broadcast, f16
and bf16 and every fused epilogue (bias, GELU, SiLU, residual add, cast);
`bench` cases are GPT-2 124M at B8 x S1024 and 8192^3 (M x K x N as in
benchmarks/RESULTS.md), each also compiled for the mma.sync family and timed
against torch.matmul (cuBLAS) in the same process.

Usage: cases.py OUT_DIR
"""
import json
import math
import os
import sys


def t(shape, dtype):
    return 'tensor<%sx%s>' % ('x'.join(str(d) for d in shape), dtype)


def case(name, group, m, k, n, dtype='bf16', batch=(), rhs_batch=None,
         transpose_rhs=False, epilogue=(), tile=None, out_dtype=None):
    rhs_batch = list(batch) if rhs_batch is None else list(rhs_batch)
    a = list(batch) + [m, k]
    b = rhs_batch + ([n, k] if transpose_rhs else [k, n])
    out = list(batch) + [m, n]
    args = [('a', t(a, dtype)), ('b', t(b, dtype))]
    attrs = []
    if transpose_rhs:
        attrs.append('transpose_rhs = true')
    if tile:
        attrs.append('tfc.tile = array<i64: %s>' % ', '.join(map(str, tile)))
    attr = (' {%s}' % ', '.join(attrs)) if attrs else ''
    body = ['%%1 = tfc.matmul %%x0, %%x1%s : (%s, %s) -> %s' % (attr, args[0][1], args[1][1], t(out, dtype))]
    last, nxt = '%1', 2
    result_type = t(out, dtype)
    for op in epilogue:
        if op == 'bias':
            args.append(('bias', t([n], dtype)))
            body.append('%%%d = tfc.add %s, %%x%d : (%s, %s) -> %s' % (
                nxt, last, len(args) - 1, result_type, t([n], dtype), result_type))
        elif op == 'residual':
            args.append(('residual', result_type))
            body.append('%%%d = tfc.add %s, %%x%d : (%s, %s) -> %s' % (
                nxt, last, len(args) - 1, result_type, result_type, result_type))
        elif op == 'gelu':
            body.append('%%%d = tfc.gelu %s approximate = tanh : %s' % (nxt, last, result_type))
        elif op == 'silu':
            body.append('%%%d = tfc.silu %s : %s' % (nxt, last, result_type))
        elif op == 'cast':
            new_type = t(out, out_dtype)
            body.append('%%%d = tfc.cast %s : %s to %s' % (nxt, last, result_type, new_type))
            result_type = new_type
        last = '%%%d' % nxt
        nxt += 1
    body.append('tfc.yield %s : %s' % (last, result_type))
    arg_decl = ', '.join('%%a%d: %s' % (i, ty) for i, (_, ty) in enumerate(args))
    names = ', '.join('%%a%d' % i for i in range(len(args)))
    in_types = ', '.join(ty for _, ty in args)
    bb = ', '.join('%%x%d: %s' % (i, ty) for i, (_, ty) in enumerate(args))
    text = ('// wgmma case %s (benchmarks/kernels/wgmma/cases.py).\n'
            'func.func @%s(%s) -> %s {\n'
            '  %%0 = tfc.fusion "matmul" (%s) : (%s) -> %s {\n'
            '  ^bb0(%s):\n%s'
            '  }\n'
            '  return %%0 : %s\n}\n') % (name, name, arg_decl, result_type, names, in_types,
                                       result_type, bb,
                                       ''.join('    %s\n' % line for line in body), result_type)
    bsz = math.prod(batch) if batch else 1
    return name, text, dict(
        name=name, group=group, m=m, k=k, n=n, dtype=dtype, batch=list(batch),
        rhs_batch=rhs_batch, transpose_rhs=transpose_rhs, epilogue=list(epilogue),
        out_dtype=out_dtype or dtype,
        inputs=[dict(name=nm, shape=list(map(int, ty[7:-1].split('x')[:-1])),
                     dtype=ty[7:-1].split('x')[-1]) for nm, ty in args],
        flops=2 * bsz * m * n * k)


CASES = [
    # Awkward shapes: every tail, both B layouts, batch broadcast, epilogues.
    case('check_nmajor_tails', 'check', 200, 72, 136),
    case('check_kmajor_batched_f16', 'check', 200, 72, 136, dtype='f16', batch=(2, 3),
         rhs_batch=(3,), transpose_rhs=True),
    case('check_kmajor_bias_gelu', 'check', 333, 520, 200, transpose_rhs=True,
         epilogue=('bias', 'gelu')),
    case('check_nmajor_bias_residual', 'check', 130, 1000, 264, epilogue=('bias', 'residual')),
    case('check_small_m_silu_cast', 'check', 40, 768, 768, transpose_rhs=True,
         epilogue=('bias', 'silu', 'cast'), out_dtype='f32'),
    case('check_pinned_64x256', 'check', 300, 264, 520, tile=(64, 256, 3)),
    case('check_pinned_256x64_kmajor', 'check', 520, 136, 72, transpose_rhs=True,
         tile=(256, 64, 2)),
    # The persistent schedule (pinned): batch broadcast, tails, K over
    # several stages per tile, and more tiles than SMs (33 x 17 = 561), so
    # that blocks loop and load the next tile during the epilogue.
    case('check_persistent_nmajor_bias_gelu', 'check', 333, 520, 200, batch=(2,),
         rhs_batch=(), epilogue=('bias', 'gelu'), tile=(128, 128, 3, 1)),
    case('check_persistent_kmajor_residual', 'check', 1000, 200, 1048, transpose_rhs=True,
         epilogue=('residual',), tile=(128, 256, 2, 1)),
    case('check_persistent_many_tiles', 'check', 4100, 136, 2056, tile=(128, 128, 3, 1)),
    # GPT-2 124M at B8 x S1024 (M x K x N) and the square case.
    case('bench_qkv', 'bench', 8192, 768, 2304),
    case('bench_mlp_up', 'bench', 8192, 768, 3072),
    case('bench_mlp_up_bias_gelu', 'bench', 8192, 768, 3072, epilogue=('bias', 'gelu')),
    case('bench_mlp_down', 'bench', 8192, 3072, 768),
    case('bench_mlp_down_kmajor', 'bench', 8192, 3072, 768, transpose_rhs=True),
    case('bench_square', 'bench', 8192, 8192, 8192),
    case('bench_square_kmajor', 'bench', 8192, 8192, 8192, transpose_rhs=True),
]
# Tile variants of the short-K GPT-2 shapes (pinned with tfc.tile): fewer
# stages and smaller tiles let two blocks share an SM, so that one block's
# prologue and epilogue overlap the other's main loop.
for tile in ((128, 128, 3), (128, 192, 2), (128, 256, 2), (128, 192, 3, 1), (128, 256, 2, 1),
             (128, 256, 3, 1)):
    suffix = 'x'.join(map(str, tile))
    CASES.append(case('tile_qkv_' + suffix, 'bench', 8192, 768, 2304, tile=tile))
    CASES.append(case('tile_mlp_up_' + suffix, 'bench', 8192, 768, 3072, tile=tile))
    CASES.append(case('tile_mlp_up_bias_gelu_' + suffix, 'bench', 8192, 768, 3072,
                      epilogue=('bias', 'gelu'), tile=tile))


# Issues 8 and 5 (benchmarks/RESULTS.md, "wgmma split-K and odd N"): GPT-2
# 124M at one sequence of 16 tokens, where the output tiles leave most SMs
# idle and the chooser splits K over a thread-block cluster (each also with
# the split pinned off, `_nosplit`), the lm_head with N = 50257 (odd: rows
# not 16-byte aligned) writing f32 logits at 16 and 8192 tokens (with tile
# variants), and a Llama 1.1B MLP projection at 2048 tokens. `small` cases
# are timed through CUDA graphs (a launch from Python takes longer than
# these kernels run).
CASES += [
    case('check_split_k_bias_gelu', 'check', 16, 768, 3072, epilogue=('bias', 'gelu')),
    case('check_split_k_kmajor_residual', 'check', 40, 3072, 776, transpose_rhs=True,
         epilogue=('bias', 'residual')),
    case('check_split_k_pinned_uneven', 'check', 16, 448, 200, tile=(64, 64, 2, 0, 3)),
    case('check_odd_n_f32', 'check', 200, 136, 1001, transpose_rhs=True, epilogue=('cast',),
         out_dtype='f32'),
    case('check_odd_n_bias_f32', 'check', 16, 768, 515, transpose_rhs=True,
         epilogue=('bias', 'cast'), out_dtype='f32'),
    case('wg2_m16_qkv', 'bench', 16, 768, 2304),
    case('wg2_m16_qkv_nosplit', 'bench', 16, 768, 2304, tile=(64, 128, 2, 0, 1)),
    case('wg2_m16_mlp_up', 'bench', 16, 768, 3072),
    case('wg2_m16_mlp_up_nosplit', 'bench', 16, 768, 3072, tile=(64, 128, 3, 0, 1)),
    case('wg2_m16_mlp_down', 'bench', 16, 3072, 768),
    case('wg2_m16_mlp_down_nosplit', 'bench', 16, 3072, 768, tile=(64, 64, 5, 0, 1)),
    case('wg2_m16_lm_head', 'bench', 16, 768, 50257, transpose_rhs=True, epilogue=('cast',),
         out_dtype='f32'),
    case('wg2_lm_head', 'bench', 8192, 768, 50257, transpose_rhs=True, epilogue=('cast',),
         out_dtype='f32'),
    case('wg2_lm_head_128x128x2', 'bench', 8192, 768, 50257, transpose_rhs=True,
         epilogue=('cast',), out_dtype='f32', tile=(128, 128, 2)),
    case('wg2_lm_head_128x192x2', 'bench', 8192, 768, 50257, transpose_rhs=True,
         epilogue=('cast',), out_dtype='f32', tile=(128, 192, 2)),
    case('wg2_lm_head_128x256x3_persistent', 'bench', 8192, 768, 50257, transpose_rhs=True,
         epilogue=('cast',), out_dtype='f32', tile=(128, 256, 3, 1)),
    case('wg2_llama_mlp', 'bench', 2048, 2048, 5632),
]
# Split-K variants at M = 16 (pinned): how many K tiles a block of a split
# needs before the split pays (blocks = tiles x splitK).
for shape, tiles in (((768, 2304), ((64, 128, 3, 0, 2), (64, 128, 3, 0, 3), (64, 64, 3, 0, 2),
                                    (64, 64, 3, 0, 3), (64, 64, 2, 0, 4))),
                     ((768, 3072), ((64, 128, 3, 0, 2), (64, 128, 3, 0, 3), (64, 64, 3, 0, 2))),
                     ((768, 768), ((64, 64, 2, 0, 1), (64, 64, 3, 0, 3), (64, 64, 2, 0, 6))),
                     ((3072, 768), ((64, 64, 5, 0, 4), (64, 128, 5, 0, 8), (64, 64, 5, 0, 6)))):
    k, n = shape
    for tile in tiles:
        CASES.append(case('wg2_split_m16_k%d_n%d_%s' % (k, n, 'x'.join(map(str, tile))), 'bench',
                          16, k, n, tile=tile))
for name, _, meta in CASES:
    meta['small'] = meta['flops'] < 2e10


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    manifest = []
    for name, text, meta in CASES:
        open(os.path.join(out, name + '.mlir'), 'w').write(text)
        manifest.append(meta)
    json.dump(manifest, open(os.path.join(out, 'manifest.json'), 'w'), indent=1)
    print('%d cases in %s' % (len(manifest), out))


if __name__ == '__main__':
    main()
