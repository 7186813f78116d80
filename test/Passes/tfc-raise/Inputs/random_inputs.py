#!/usr/bin/env python3
"""Writes seeded random inputs for the numerical pass tests.

    random_inputs.py OUTDIR NAME:SHAPE [NAME:SHAPE ...]

SHAPE is like 2x8x64 (or "scalar"); each NAME.npy holds float32 standard
normal values from numpy's default_rng(seed 7), drawn in argument order, so
every run writes the same files.
"""
import os
import sys

import numpy as np


def main():
    outdir, specs = sys.argv[1], sys.argv[2:]
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(7)
    for spec in specs:
        name, shape = spec.split(":")
        dims = () if shape == "scalar" else tuple(int(d) for d in shape.split("x"))
        np.save(os.path.join(outdir, name + ".npy"),
                rng.standard_normal(dims).astype(np.float32))


if __name__ == "__main__":
    main()
