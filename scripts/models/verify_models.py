#!/usr/bin/env python3
"""Check every committed test model: onnx.checker (full_check), ONNX shape inference,
and onnxruntime (CPU) output against the committed reference output.

Reference per model family (see test/models/README.md):
  handmade_mlp_ln_softmax.onnx   <stem>.input.x.npy          -> <stem>.output.y.npy (ORT)
  <model>.<variant>.onnx         <model>.input.input_ids.npy -> <model>.output.logits.torch.npy
                                 (PyTorch, float32 CPU; also <model>.<variant>.output.logits.ort.npy)

Usage: python3 scripts/models/verify_models.py [--dir test/models] [--atol 1e-4]
Exit status 1 if any check fails.
"""
import argparse
import glob
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.path.normpath(os.path.join(here, "..", "..", "test", "models")))
    ap.add_argument("--atol", type=float, default=1e-4)
    args = ap.parse_args()
    bad = 0
    for path in sorted(glob.glob(os.path.join(args.dir, "*.onnx"))):
        name = os.path.basename(path)[: -len(".onnx")]
        model_name = name.split(".")[0]
        if os.path.exists(os.path.join(args.dir, name + ".input.x.npy")):
            feeds = {"x": np.load(os.path.join(args.dir, name + ".input.x.npy"))}
            refs = {"ort": np.load(os.path.join(args.dir, name + ".output.y.npy"))}
        else:
            feeds = {"input_ids": np.load(os.path.join(args.dir, model_name + ".input.input_ids.npy"))}
            refs = {"torch": np.load(os.path.join(args.dir, model_name + ".output.logits.torch.npy"))}
            ort_ref = os.path.join(args.dir, name + ".output.logits.ort.npy")
            if os.path.exists(ort_ref):
                refs["device-ort"] = np.load(ort_ref)
        try:
            onnx.checker.check_model(path, full_check=True)
            onnx.shape_inference.infer_shapes(onnx.load(path), check_type=True, strict_mode=True)
            msgs = []
            for level in ("ORT_DISABLE_ALL", "ORT_ENABLE_ALL"):
                so = ort.SessionOptions()
                so.graph_optimization_level = getattr(ort.GraphOptimizationLevel, level)
                sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
                (out,) = sess.run(None, feeds)
                for k, ref in refs.items():
                    d = float(np.abs(out - ref).max())
                    msgs.append(f"{level[4:].lower()} vs {k} {d:.2e}")
                    if not d <= args.atol:
                        bad += 1
                        msgs[-1] += " FAIL"
            print(f"{name:32s} ok: " + "; ".join(msgs))
        except Exception as e:  # noqa: BLE001
            bad += 1
            print(f"{name:32s} FAIL: {type(e).__name__}: {e}")
    print("onnx", onnx.__version__, "onnxruntime", ort.__version__, "failures:", bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
