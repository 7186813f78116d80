#!/usr/bin/env python3
"""Extracts what the device harness needs from the output of
`tfc-opt --tfc-test-emit-fusion-kernels=tensor-maps=true` pushed through the
kernel pipeline to a binary (gpu-module-to-binary format=isa or bin): the PTX
or cubin of `gpu.binary @kernels`, and per kernel (from the pre-lowering IR
given as the second file) its name, grid, block, dynamic shared memory, the
memref argument shapes/dtypes and the tensor maps (`tfc.tensor_maps`).

Usage: extract_kernels.py BINARY.mlir KERNELS.mlir OUT_PREFIX
Writes OUT_PREFIX.ptx or OUT_PREFIX.cubin, and OUT_PREFIX.json.
"""
import json
import re
import sys


def unescape(text):
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == '\\' and i + 2 < len(text) + 1 and re.match(r'[0-9A-Fa-f]{2}', text[i + 1:i + 3]):
            out.append(int(text[i + 1:i + 3], 16))
            i += 3
        elif c == '\\' and i + 1 < len(text):
            out.append(ord(text[i + 1]))
            i += 2
        else:
            out.extend(c.encode('utf-8'))
            i += 1
    return bytes(out)


def main():
    binary, kernels, prefix = sys.argv[1:4]
    text = open(binary, encoding='utf-8', errors='surrogateescape').read()
    m = re.search(r'(assembly|bin) = "((?:[^"\\]|\\.)*)"', text, re.S)
    if not m:
        sys.exit('no gpu.binary object in %s' % binary)
    data = unescape(m.group(2))
    ext = 'ptx' if m.group(1) == 'assembly' else 'cubin'
    open('%s.%s' % (prefix, ext), 'wb').write(data)
    ir = open(kernels).read()
    info = []
    for f in re.finditer(r'gpu\.func @(\w+)\((.*?)\) kernel attributes \{(.*?)\} \{\n', ir):
        name, args, attrs = f.groups()
        memrefs = re.findall(r'memref<([0-9x]+)x(\w+)>', args)
        grid = list(map(int, re.search(r'tfc\.grid = array<i64: ([^>]*)>', attrs).group(1).split(', ')))
        block = list(map(int, re.search(r'tfc\.block = array<i64: ([^>]*)>', attrs).group(1).split(', ')))
        smem = re.search(r'tfc\.dynamic_shared_memory = (\d+)', attrs)
        maps = [dict(argument=int(a), box=list(map(int, b.split(', '))), shape=list(map(int, s.split(', '))))
                for a, b, s in re.findall(r'\{argument = (\d+) : i64, box = array<i64: ([^>]*)>, '
                                          r'shape = array<i64: ([^>]*)>\}', attrs)]
        info.append(dict(name=name, grid=grid, block=block, smem=int(smem.group(1)) if smem else 0,
                         args=[dict(shape=list(map(int, s.split('x'))), dtype=t) for s, t in memrefs],
                         tensor_maps=maps))
    json.dump(dict(format=ext, kernels=info), open(prefix + '.json', 'w'), indent=1)
    print('%s.%s: %d bytes, %d kernels' % (prefix, ext, len(data), len(info)))


if __name__ == '__main__':
    main()
