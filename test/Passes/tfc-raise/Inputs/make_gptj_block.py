#!/usr/bin/env python3
"""Writes gptj_block.onnx and onnxruntime's outputs for it: the two forms
tfc-raise learned last, as torch.onnx writes them for a GPT-J-style block.

- q = x Wq viewed as [B, S, H, D] and rotated with GPT-J's interleaved RoPE:
  rotate_every_two(q) = flatten(stack(-q[..., 1::2], q[..., ::2], -1), -2)
  (Slice with step 2, Neg, Unsqueeze, Concat, Reshape), cos/sin tables
  repeat_interleave'd over the pairs (constants, folded at import);
- a SwiGLU MLP written as gate * Sigmoid(gate) * up.

    python3 make_gptj_block.py OUTDIR
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

B, S, H, D, HIDDEN, FF = 1, 8, 4, 8, 32, 64


def const(name, array):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(array))


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(11)
    wq = (rng.standard_normal((HIDDEN, H * D)) / np.sqrt(HIDDEN)).astype(np.float32)
    wg = (rng.standard_normal((HIDDEN, FF)) / np.sqrt(HIDDEN)).astype(np.float32)
    wu = (rng.standard_normal((HIDDEN, FF)) / np.sqrt(HIDDEN)).astype(np.float32)
    wd = (rng.standard_normal((FF, HIDDEN)) / np.sqrt(FF)).astype(np.float32)
    inv_freq = 1.0 / 10000 ** (np.arange(0, D, 2, dtype=np.float64) / D)
    angles = np.outer(np.arange(S), inv_freq)                  # [S, D/2]
    cos = np.repeat(np.cos(angles), 2, axis=-1).astype(np.float32).reshape(1, S, 1, D)
    sin = np.repeat(np.sin(angles), 2, axis=-1).astype(np.float32).reshape(1, S, 1, D)
    big = np.iinfo(np.int64).max
    nodes = [
        const("wq", wq), const("wg", wg), const("wu", wu), const("wd", wd),
        const("cos", cos), const("sin", sin),
        const("heads", np.array([B, S, H, D], np.int64)),
        const("flat", np.array([B, S, H, D], np.int64)),
        const("start0", np.array([0], np.int64)), const("start1", np.array([1], np.int64)),
        const("end", np.array([big], np.int64)), const("axis3", np.array([3], np.int64)),
        const("step2", np.array([2], np.int64)), const("last", np.array([-1], np.int64)),
        helper.make_node("MatMul", ["x", "wq"], ["q2"]),
        helper.make_node("Reshape", ["q2", "heads"], ["q"]),
        helper.make_node("Slice", ["q", "start0", "end", "axis3", "step2"], ["q_even"]),
        helper.make_node("Slice", ["q", "start1", "end", "axis3", "step2"], ["q_odd"]),
        helper.make_node("Neg", ["q_odd"], ["q_odd_neg"]),
        helper.make_node("Unsqueeze", ["q_odd_neg", "last"], ["u_odd"]),
        helper.make_node("Unsqueeze", ["q_even", "last"], ["u_even"]),
        helper.make_node("Concat", ["u_odd", "u_even"], ["stacked"], axis=-1),
        helper.make_node("Reshape", ["stacked", "flat"], ["rotated"]),
        helper.make_node("Mul", ["q", "cos"], ["q_cos"]),
        helper.make_node("Mul", ["rotated", "sin"], ["rot_sin"]),
        helper.make_node("Add", ["q_cos", "rot_sin"], ["q_rot"]),
        helper.make_node("MatMul", ["x", "wg"], ["gate"]),
        helper.make_node("MatMul", ["x", "wu"], ["up"]),
        helper.make_node("Sigmoid", ["gate"], ["sig"]),
        helper.make_node("Mul", ["gate", "sig"], ["silu"]),
        helper.make_node("Mul", ["silu", "up"], ["gated"]),
        helper.make_node("MatMul", ["gated", "wd"], ["mlp"]),
    ]
    graph = helper.make_graph(
        nodes, "gptj_block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [B, S, HIDDEN])],
        [helper.make_tensor_value_info("q_rot", TensorProto.FLOAT, [B, S, H, D]),
         helper.make_tensor_value_info("mlp", TensorProto.FLOAT, [B, S, HIDDEN])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(out, exist_ok=True)
    onnx.save(model, os.path.join(out, "gptj_block.onnx"))
    x = rng.standard_normal((B, S, HIDDEN)).astype(np.float32)
    np.save(os.path.join(out, "gptj_block.input.x.npy"), x)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    q_rot, mlp = session.run(["q_rot", "mlp"], {"x": x})
    np.save(os.path.join(out, "gptj_block.q_rot.ort.npy"), q_rot)
    np.save(os.path.join(out, "gptj_block.mlp.ort.npy"), mlp)


if __name__ == "__main__":
    main()
