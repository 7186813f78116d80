#!/usr/bin/env python3
"""Compares .npy outputs of tfc-reference against expected arrays.

    check_npy.py OUT.npy EXPECTED.npy [--rtol R] [--atol A]
    check_npy.py --dir DIR [--rtol R] [--atol A]

The second form compares every DIR/NAME.expected.npy with DIR/NAME.npy.
dtypes and shapes must match exactly; floats pass when
|out - expected| <= atol + rtol * |expected| everywhere (NaN only where the
expected value is NaN, infinities equal); integers and bools must be equal.
Prints the max abs error and the max rel error (over elements with
|expected| > atol) per pair; exits 1 on any mismatch.
"""
import argparse
import glob
import os
import sys

import numpy as np


def compare(out_path, expected_path, rtol, atol):
    out = np.load(out_path)
    expected = np.load(expected_path)
    name = os.path.basename(out_path)
    if out.dtype != expected.dtype:
        print(f"FAIL {name}: dtype {out.dtype} != expected {expected.dtype}")
        return False
    if out.shape != expected.shape:
        print(f"FAIL {name}: shape {out.shape} != expected {expected.shape}")
        return False
    if out.dtype.kind not in "fc":
        bad = out != expected
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(bad)[0])
            print(f"FAIL {name}: {int(bad.sum())} of {out.size} elements "
                  f"differ; first at {idx}: {out[idx]} != {expected[idx]}")
            return False
        print(f"ok {name}: exact ({out.size} elements)")
        return True
    o = out.astype(np.float64)
    e = expected.astype(np.float64)
    nan_mismatch = np.isnan(o) != np.isnan(e)
    inf_mismatch = np.isinf(e) & (o != e)
    finite = np.isfinite(e) & np.isfinite(o)
    abs_err = np.where(finite, np.abs(o - e), 0.0)
    # Relative error where it means something: |expected| above atol.
    significant = finite & (np.abs(e) > max(atol, 0.0)) & (e != 0)
    rel_err = np.where(significant, abs_err / np.where(significant, np.abs(e), 1.0), 0.0)
    bad = nan_mismatch | inf_mismatch | (np.isfinite(e) & ~np.isfinite(o))
    bad |= finite & (abs_err > atol + rtol * np.abs(e))
    max_abs = float(abs_err.max()) if abs_err.size else 0.0
    max_rel = float(rel_err.max()) if rel_err.size else 0.0
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(abs_err), abs_err.shape)) \
            if abs_err.size else ()
        print(f"FAIL {name}: {int(bad.sum())} of {out.size} elements outside "
              f"rtol={rtol} atol={atol}; max abs err {max_abs:.3e} at {worst}, "
              f"max rel err {max_rel:.3e}; first bad at {idx}: "
              f"{out[idx]!r} vs expected {expected[idx]!r}")
        return False
    print(f"ok {name}: max abs err {max_abs:.3e}, max rel err {max_rel:.3e} "
          f"({out.size} elements, rtol={rtol} atol={atol})")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?")
    parser.add_argument("expected", nargs="?")
    parser.add_argument("--dir")
    parser.add_argument("--rtol", type=float, default=1e-6)
    parser.add_argument("--atol", type=float, default=1e-6)
    args = parser.parse_args()
    pairs = []
    if args.dir:
        for expected in sorted(glob.glob(os.path.join(args.dir, "*.expected.npy"))):
            pairs.append((expected[: -len(".expected.npy")] + ".npy", expected))
        if not pairs:
            print(f"FAIL: no *.expected.npy in {args.dir}")
            return 1
    elif args.out and args.expected:
        pairs.append((args.out, args.expected))
    else:
        parser.error("give OUT EXPECTED or --dir DIR")
    ok = True
    for out, expected in pairs:
        if not os.path.exists(out):
            print(f"FAIL {os.path.basename(out)}: missing (expected {expected})")
            ok = False
            continue
        ok &= compare(out, expected, args.rtol, args.atol)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
