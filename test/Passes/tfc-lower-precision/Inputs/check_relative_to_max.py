#!/usr/bin/env python3
"""Compares an output with a reference relative to the reference's largest
magnitude, the measure tfc-lower-precision documents for fp8:

    check_relative_to_max.py OUT.npy REF.npy --tol T

passes when max |out - ref| <= T * max |ref| (shapes equal, all finite);
prints the ratio and the fraction of rows whose argmax agrees.
"""
import argparse
import sys

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("ref")
    parser.add_argument("--tol", type=float, required=True)
    args = parser.parse_args()
    out = np.load(args.out).astype(np.float64)
    ref = np.load(args.ref).astype(np.float64)
    if out.shape != ref.shape or not np.isfinite(out).all():
        print(f"FAIL: shape {out.shape} vs {ref.shape} or non-finite values")
        return 1
    scale = np.abs(ref).max()
    ratio = np.abs(out - ref).max() / scale if scale > 0 else 0.0
    agree = (out.argmax(-1) == ref.argmax(-1)).mean()
    verdict = "ok" if ratio <= args.tol else "FAIL"
    print(f"{verdict}: max abs err / max |ref| = {ratio:.4f} (tol {args.tol}), "
          f"argmax agrees on {agree:.3f} of rows")
    return 0 if ratio <= args.tol else 1


if __name__ == "__main__":
    sys.exit(main())
