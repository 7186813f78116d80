#!/usr/bin/env python3
"""Writes fold_rope_gather.onnx and its expected outputs (onnx's reference evaluator):
the constant forms the importer folds because exporters emit them -- a RoPE angle
table (MatMul of inverse frequencies and positions, Transpose, Concat, Cos, Sin),
GatherElements on constants (BERT's token type ids) -- and IsNaN on a run-time input.

    python3 make_fold_models.py   # in this folder
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator


def const(name, array):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(array))


inv_freq = (1.0 / 10000 ** (np.arange(0, 8, 2, dtype=np.float32) / 8)).reshape(1, 4, 1)
positions = np.arange(4, dtype=np.float32).reshape(1, 1, 4)
nodes = [
    const("inv_freq", inv_freq), const("positions", positions),
    helper.make_node("MatMul", ["inv_freq", "positions"], ["freqs"]),
    helper.make_node("Transpose", ["freqs"], ["freqs_t"], perm=[0, 2, 1]),
    helper.make_node("Concat", ["freqs_t", "freqs_t"], ["angles"], axis=2),
    helper.make_node("Cos", ["angles"], ["cos"]),
    helper.make_node("Sin", ["angles"], ["sin"]),
    helper.make_node("Mul", ["x", "cos"], ["x_cos"]),
    helper.make_node("Mul", ["x", "sin"], ["x_sin"]),
    helper.make_node("Add", ["x_cos", "x_sin"], ["rotated"]),
    const("table", np.array([[1.5, 2.5, 3.5], [4.5, 5.5, 6.5]], np.float32)),
    const("rows", np.array([[1, 0, -1]], np.int64)),
    helper.make_node("GatherElements", ["table", "rows"], ["picked"], axis=0),
    helper.make_node("Add", ["b", "picked"], ["shifted"]),
    helper.make_node("IsNaN", ["b"], ["b_is_nan"]),
]
graph = helper.make_graph(
    nodes, "fold_rope_gather",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 8]),
     helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 3])],
    [helper.make_tensor_value_info("rotated", TensorProto.FLOAT, [1, 4, 8]),
     helper.make_tensor_value_info("shifted", TensorProto.FLOAT, [1, 3]),
     helper.make_tensor_value_info("b_is_nan", TensorProto.BOOL, [1, 3])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model, full_check=True)
onnx.save(model, "fold_rope_gather.onnx")

rng = np.random.default_rng(5)
x = rng.standard_normal((1, 4, 8)).astype(np.float32)
b = np.array([[1.0, np.nan, -2.0]], np.float32)
outs = ReferenceEvaluator(model).run(None, {"x": x, "b": b})
np.save("fold_rope_gather.input.x.npy", x)
np.save("fold_rope_gather.input.b.npy", b)
for name, value in zip(["rotated", "shifted", "b_is_nan"], outs):
    np.save(f"fold_rope_gather.{name}.expected.npy", value)
