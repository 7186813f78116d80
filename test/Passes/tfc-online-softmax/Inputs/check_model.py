#!/usr/bin/env python3
"""Checks tfc-online-softmax on exported models through the reference executor.

    check_model.py --opt TFC_OPT --reference TFC_REFERENCE --models DIR --out DIR NAME...

For each NAME (e.g. gpt2_tiny.dynamo18, model DIR/NAME.onnx, token ids
DIR/<family>.input.input_ids.npy): imports and raises it, runs
tfc-online-softmax, runs the reference executor on both and requires the
logits to agree within rtol 1e-5 / atol 1e-6 (f32); then runs tfc-compile's
graph stage and requires its logits within rtol 1e-4 / atol 1e-5 of
onnxruntime's (the importer's tolerance). Prints one line per model; a
failure prints FAIL and exits 1.
"""
import argparse
import os
import subprocess
import sys

import numpy as np


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def close(out, expected, rtol, atol):
    return bool(np.all(np.isfinite(out)) and
                np.all(np.abs(out - expected) <= atol + rtol * np.abs(expected)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--opt", required=True)
    p.add_argument("--reference", required=True)
    p.add_argument("--models", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("names", nargs="+")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    ok = True
    for name in args.names:
        family = name.split(".")[0]
        onnx = os.path.join(args.models, name + ".onnx")
        ids = os.path.join(args.models, family + ".input.input_ids.npy")
        ort = np.load(os.path.join(args.models, name + ".output.logits.ort.npy"))
        out = os.path.join(args.out, name)
        logits = {}
        for stage, flags in [("raised", ["--tfc-raise"]),
                             ("online", ["--tfc-raise", "--tfc-online-softmax"]),
                             ("graph", ["--tfc-compile=stop-after=graph"])]:
            mlir = out + "." + stage + ".mlir"
            run([args.opt, onnx] + flags + ["-o", mlir])
            run([args.reference, mlir, "--output-dir", out + "." + stage,
                 "--input", "input_ids=" + ids])
            logits[stage] = np.load(os.path.join(out + "." + stage, "logits.npy")).astype(np.float64)
        flash = open(out + ".online.mlir").read().count("tfc.flash")
        err = float(np.abs(logits["online"] - logits["raised"]).max())
        online_ok = close(logits["online"], logits["raised"], 1e-5, 1e-6) and flash > 0
        graph_ok = close(logits["graph"], ort.astype(np.float64), 1e-4, 1e-5)
        print(f"{name}: {flash} attention -> flash, online vs two-pass max abs err "
              f"{err:.2e}, graph vs onnxruntime {'ok' if graph_ok else 'FAIL'}"
              f"{'' if online_ok else ' FAIL online'}")
        ok = ok and online_ok and graph_ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
