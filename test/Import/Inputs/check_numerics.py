#!/usr/bin/env python3
"""Compares imported op models against ONNX's reference evaluator.

  python3 test/Import/Inputs/check_numerics.py [--build build] MODEL.onnx...

Imports each model with tfc-opt, runs it with tfc-reference on random inputs
and compares every output with onnx.reference.ReferenceEvaluator. Not a lit
test (it needs the onnx package); the importer's numerics are checked for
real by the reference-executor suite. Note: the ONNX reference evaluator
implements Softmax with the opset-13 meaning at every opset, so opset-11
coerced Softmax differs there by design.
"""
import argparse
import os
import subprocess
import tempfile

import numpy as np
import onnx
from onnx.reference import ReferenceEvaluator


def check(model_path, build, work):
    model = onnx.load(model_path)
    initializers = {t.name for t in model.graph.initializer}
    rng = np.random.default_rng(1)
    feeds, args = {}, []
    for value in model.graph.input:
        if value.name in initializers:
            continue
        tensor = value.type.tensor_type
        shape = [d.dim_value for d in tensor.shape.dim]
        dtype = onnx.helper.tensor_dtype_to_np_dtype(tensor.elem_type)
        if dtype.kind == "f":
            data = rng.standard_normal(shape).astype(dtype)
        else:
            data = rng.integers(0, 6, shape).astype(dtype)
        feeds[value.name] = data
        path = os.path.join(work, value.name + ".npy")
        np.save(path, data)
        args += ["--input", f"{value.name}={path}"]
    mlir = os.path.join(work, "model.mlir")
    subprocess.run([os.path.join(build, "bin", "tfc-opt"), model_path, "-o",
                    mlir], check=True)
    subprocess.run([os.path.join(build, "bin", "tfc-reference"), mlir,
                    "--output-dir", work] + args, check=True,
                   capture_output=True)
    expected = ReferenceEvaluator(model).run(None, feeds)
    for output, want in zip(model.graph.output, expected):
        got = np.load(os.path.join(work, output.name + ".npy"))
        want = np.asarray(want)
        err = (np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)))
               if got.shape == want.shape and got.size else 0.0)
        print(f"{os.path.basename(model_path)}:{output.name} {got.shape} "
              f"vs {want.shape}: max abs error {err:.3g}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("models", nargs="+")
    options = parser.parse_args()
    for model in options.models:
        with tempfile.TemporaryDirectory() as work:
            check(model, options.build, work)


if __name__ == "__main__":
    main()
