"""Counts the kernel family of every matmul and attention kernel in the IR
that `tfc-compile="stop-after=kernels"` prints (read from stdin).

A kernel is named k<N>_<fusion kind>; its family is told by what its body
emits: wgmma or mma.sync (a tensor-core matmul; mma.sync in an attention
kernel: the flash kernel), or neither (one thread per output element, or
per query row). Prints one line per (kind, family) with its count, sorted:
"matmul tensor-core: 9", "matmul scalar: 4", "attention flash: 2",
"attention per-row: 2".
"""
import collections
import re
import sys

FUNC = re.compile(r"^\s*gpu\.func @k\d+_(\w+)\(")


def family(kind, body):
    if "nvvm.wgmma" in body or "nvvm.mma.sync" in body:
        return "flash" if kind == "attention" else "tensor-core"
    return "per-row" if kind == "attention" else "scalar"


def main():
    counts = collections.Counter()
    kind, body = None, []

    def flush():
        if kind in ("matmul", "attention"):
            counts[(kind, family(kind, "".join(body)))] += 1

    for line in sys.stdin:
        match = FUNC.match(line)
        if match:
            flush()
            kind, body = match.group(1), []
        elif kind is not None:
            body.append(line)
    flush()
    for (kind, fam), n in sorted(counts.items()):
        print(f"{kind} {fam}: {n}")


if __name__ == "__main__":
    main()
