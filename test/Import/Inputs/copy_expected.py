#!/usr/bin/env python3
"""Copies DIR/PREFIX.NAME.expected.npy to OUT/NAME.expected.npy for every NAME,
so that `check_npy.py --dir OUT` compares them with tfc-reference's outputs.

    copy_expected.py DIR PREFIX OUT
"""
import glob
import os
import shutil
import sys

directory, prefix, out = sys.argv[1:4]
paths = glob.glob(os.path.join(directory, prefix + ".*.expected.npy"))
if not paths:
    sys.exit(f"no {prefix}.*.expected.npy in {directory}")
for path in paths:
    shutil.copy(path, os.path.join(out, os.path.basename(path)[len(prefix) + 1:]))
