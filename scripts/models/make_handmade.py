#!/usr/bin/env python3
"""Write test/models/handmade_mlp_ln_softmax.onnx plus reference input/output.

Graph (opset 17):  y = Softmax(LayerNormalization(MatMul(x, W) + b), axis=-1)
  x: f32[4, 32, 64]; W: f32[64, 64]; b, ln_scale, ln_bias: f32[64].
Reference output is computed with onnxruntime (CPU).

Usage: python3 scripts/models/make_handmade.py [--out-dir test/models]
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

NAME = "handmade_mlp_ln_softmax"


def build_model(seed: int = 0) -> onnx.ModelProto:
    rng = np.random.default_rng(seed)
    d = 64
    W = (rng.standard_normal((d, d)) / np.sqrt(d)).astype(np.float32)
    b = (0.1 * rng.standard_normal(d)).astype(np.float32)
    ln_scale = (1.0 + 0.1 * rng.standard_normal(d)).astype(np.float32)
    ln_bias = (0.1 * rng.standard_normal(d)).astype(np.float32)

    nodes = [
        helper.make_node("MatMul", ["x", "W"], ["mm"], name="matmul"),
        helper.make_node("Add", ["mm", "b"], ["mm_b"], name="add_bias"),
        helper.make_node("LayerNormalization", ["mm_b", "ln_scale", "ln_bias"], ["ln"],
                         name="layernorm", axis=-1, epsilon=1e-5),
        helper.make_node("Softmax", ["ln"], ["y"], name="softmax", axis=-1),
    ]
    graph = helper.make_graph(
        nodes,
        NAME,
        inputs=[helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 32, d])],
        outputs=[helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 32, d])],
        initializer=[
            numpy_helper.from_array(W, "W"),
            numpy_helper.from_array(b, "b"),
            numpy_helper.from_array(ln_scale, "ln_scale"),
            numpy_helper.from_array(ln_bias, "ln_bias"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="tfc/scripts/models/make_handmade.py")
    model.ir_version = 8  # opset 17 <-> IR 8; readable by libonnx 1.12's checker
    return model


def main() -> None:
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out-dir", default=os.path.join(here, "..", "..", "test", "models"))
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)

    model = build_model()
    path = os.path.join(args.out_dir, NAME + ".onnx")
    onnx.save_model(model, path)
    onnx.checker.check_model(path, full_check=True)

    import onnxruntime as ort
    x = np.random.default_rng(1).standard_normal((4, 32, 64)).astype(np.float32)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    (y,) = sess.run(["y"], {"x": x})

    # Independent NumPy cross-check of the onnxruntime result.
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    h = x @ init["W"] + init["b"]
    mu = h.mean(-1, keepdims=True)
    var = ((h - mu) ** 2).mean(-1, keepdims=True)
    h = (h - mu) / np.sqrt(var + 1e-5) * init["ln_scale"] + init["ln_bias"]
    e = np.exp(h - h.max(-1, keepdims=True))
    ref = e / e.sum(-1, keepdims=True)
    diff = float(np.abs(ref - y).max())
    assert diff < 1e-5, diff

    np.save(os.path.join(args.out_dir, NAME + ".input.x.npy"), x)
    np.save(os.path.join(args.out_dir, NAME + ".output.y.npy"), y)
    print(f"wrote {path} ({os.path.getsize(path)} bytes); ort vs numpy max abs diff {diff:.3g}")


if __name__ == "__main__":
    main()
