#!/usr/bin/env python3
"""Says whether .npy outputs are finite; exits 1 when one is not as expected.

    finite.py --expect finite|overflow FILE.npy [FILE.npy ...]

`overflow`: every file must hold an inf or a NaN (the textbook softmax
exp(x) / sum(exp(x)) on inputs of magnitude 1e4); `finite`: no file may.
Prints one line per file with the count of non-finite elements.
"""
import argparse
import os
import sys

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--expect", choices=["finite", "overflow"], required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    ok = True
    for path in args.files:
        values = np.load(path)
        bad = int((~np.isfinite(values)).sum())
        name = os.path.basename(path)
        print(f"{name}: {bad} of {values.size} elements not finite")
        if (args.expect == "overflow") != (bad > 0):
            print(f"FAIL {name}: expected {args.expect}")
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
