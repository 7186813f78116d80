#!/usr/bin/env python3
"""Compiles the artifacts that gpu_test_session.py runs on the device (here,
where tfc-opt is), with the weight files they bind:

  handmade_inline.tfcm   handmade MLP+LN+softmax, weights inline
  handmade_st.tfcm       same, weights external: handmade.safetensors by name
  handmade.safetensors   its weights, written from the ONNX initializers
  two_matmul_ext.tfcm    y = x @ W1 @ W2, weights as ONNX external data
  two_matmul.onnx.data   the data file it reads W1, W2 from (at offsets)
  gpt2_tiny.tfcm         HF GPT-2 (2 layers, dynamo export), weights inline
  gpt2_tiny_st.tfcm      same, weights external: gpt2_tiny.safetensors

Usage: python3 python/tests/prepare_gpu_artifacts.py [OUT]   (default
.device-carry/python; carry that folder to the device). Needs onnx.
"""
import pathlib
import shutil
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))

import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402

import tfc  # noqa: E402

MODELS = ROOT / "test" / "models"
TWO_MATMUL = ROOT / "test" / "Target" / "Inputs" / "two_matmul.onnx"


def initializers(path):
    return {t.name: numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / ".device-carry" / "python")
    out.mkdir(parents=True, exist_ok=True)
    handmade = MODELS / "handmade_mlp_ln_softmax.onnx"
    gpt2 = MODELS / "gpt2_tiny.dynamo18.onnx"

    tfc.compile(handmade, out / "handmade_inline.tfcm")
    a = tfc.Artifact(tfc.compile(handmade, out / "handmade_st.tfcm", weights="external",
                                 external_weights_file="handmade.safetensors"))
    tfc.write_weights_for(a, out / "handmade.safetensors", initializers(handmade))

    tfc.compile(TWO_MATMUL, out / "two_matmul_ext.tfcm", weights="external")
    shutil.copy(TWO_MATMUL.parent / "two_matmul.onnx.data", out)
    tfc.Artifact(out / "two_matmul_ext.tfcm").check_weights()

    tfc.compile(gpt2, out / "gpt2_tiny.tfcm")
    a = tfc.Artifact(tfc.compile(gpt2, out / "gpt2_tiny_st.tfcm", weights="external",
                                 external_weights_file="gpt2_tiny.safetensors"))
    weights = initializers(gpt2)
    tfc.write_weights_for(a, out / "gpt2_tiny.safetensors",
                          {w.tensor_name: weights[w.tensor_name] for w in a.external_weights})
    for path in sorted(out.iterdir()):
        print(f"{path.stat().st_size:>10}  {path}")


if __name__ == "__main__":
    main()
