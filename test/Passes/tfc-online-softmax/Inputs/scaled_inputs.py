#!/usr/bin/env python3
"""Writes seeded uniform inputs of a chosen magnitude for the online-softmax tests.

    scaled_inputs.py OUTDIR NAME:SHAPE:SCALE [NAME:SHAPE:SCALE ...]

Each NAME.npy holds float32 values uniform in [-SCALE, SCALE] from numpy's
default_rng(seed 11), drawn in argument order, so every run writes the same
files. SCALE 1e4 gives softmax inputs whose exp() overflows even in double.
"""
import os
import sys

import numpy as np


def main():
    outdir, specs = sys.argv[1], sys.argv[2:]
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(11)
    for spec in specs:
        name, shape, scale = spec.split(":")
        dims = tuple(int(d) for d in shape.split("x"))
        values = rng.uniform(-float(scale), float(scale), dims)
        np.save(os.path.join(outdir, name + ".npy"), values.astype(np.float32))


if __name__ == "__main__":
    main()
