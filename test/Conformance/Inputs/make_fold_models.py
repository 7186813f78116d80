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

# The TorchScript exports of HF Llama/Mistral: the positions of the RoPE table
# are a float Constant node of 32 elements (more than the 16 of a "weight").
# The importer folds through it because Cos/Sin need their input at import
# time; a float Constant node of 64 elements that is only used at run time
# (`w`) stays a weight (tfc.parameter), and so does `positions` where it is
# also used at run time (`shifted_pos`).
positions32 = np.arange(32, dtype=np.float32).reshape(1, 1, 32)
w = np.random.default_rng(7).standard_normal((8, 8)).astype(np.float32)
nodes = [
    const("inv_freq", inv_freq), const("positions", positions32), const("w", w),
    helper.make_node("MatMul", ["inv_freq", "positions"], ["freqs"]),
    helper.make_node("Transpose", ["freqs"], ["freqs_t"], perm=[0, 2, 1]),
    helper.make_node("Concat", ["freqs_t", "freqs_t"], ["angles"], axis=2),
    helper.make_node("Cos", ["angles"], ["cos"]),
    helper.make_node("Sin", ["angles"], ["sin"]),
    helper.make_node("MatMul", ["x", "w"], ["xw"]),
    helper.make_node("Mul", ["xw", "cos"], ["x_cos"]),
    helper.make_node("Mul", ["x", "sin"], ["x_sin"]),
    helper.make_node("Add", ["x_cos", "x_sin"], ["rotated"]),
    helper.make_node("Add", ["p", "positions"], ["shifted_pos"]),
]
graph = helper.make_graph(
    nodes, "fold_rope_positions32",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 32, 8]),
     helper.make_tensor_value_info("p", TensorProto.FLOAT, [1, 1, 32])],
    [helper.make_tensor_value_info("rotated", TensorProto.FLOAT, [1, 32, 8]),
     helper.make_tensor_value_info("shifted_pos", TensorProto.FLOAT, [1, 1, 32])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model, full_check=True)
onnx.save(model, "fold_rope_positions32.onnx")
x = rng.standard_normal((1, 32, 8)).astype(np.float32)
p = rng.standard_normal((1, 1, 32)).astype(np.float32)
outs = ReferenceEvaluator(model).run(None, {"x": x, "p": p})
np.save("fold_rope_positions32.input.x.npy", x)
np.save("fold_rope_positions32.input.p.npy", p)
for name, value in zip(["rotated", "shifted_pos"], outs):
    np.save(f"fold_rope_positions32.{name}.expected.npy", value)

# The same table from a float initializer of 32 elements: initializers are
# the user's weights and are never folded through, so Cos stays an error.
nodes = [
    const("inv_freq", inv_freq),
    helper.make_node("MatMul", ["inv_freq", "positions"], ["freqs"]),
    helper.make_node("Cos", ["freqs"], ["cos"], name="cos"),
    helper.make_node("Mul", ["x", "cos"], ["y"]),
]
graph = helper.make_graph(
    nodes, "cos_of_weight",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 32])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 32])],
    initializer=[numpy_helper.from_array(positions32, "positions")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model, full_check=True)
onnx.save(model, "cos_of_weight.onnx")

# Folds and run-time ops share one definition of each element
# (tfc/Reference/ScalarOps.h): the same values through Relu (NaN stays NaN),
# a saturating Cast to INT8, an integer Pow with a negative exponent and
# INT64_MIN / -1, once on Constant nodes (folded at import) and once on graph
# inputs (run by tfc-reference), must give the same outputs.
values = np.array([np.nan, -1.0, 300.0, -300.0, 2.5], np.float32)
ints = np.array([2, 1, -1, np.iinfo(np.int64).min, 5], np.int64)
exponents = np.array([-1, -3, -3, 1, 2], np.int64)
divisors = np.array([1, 1, 1, -1, 2], np.int64)
nodes = [const("c_values", values), const("c_ints", ints),
         const("c_exponents", exponents), const("c_divisors", divisors)]
outputs = []
for prefix, v, i, e, d in (("folded", "c_values", "c_ints", "c_exponents",
                            "c_divisors"),
                           ("runtime", "values", "ints", "exponents",
                            "divisors")):
    nodes += [
        helper.make_node("Relu", [v], [f"{prefix}_relu"]),
        helper.make_node("Cast", [v], [f"{prefix}_cast"], to=TensorProto.INT8),
        helper.make_node("Pow", [i, e], [f"{prefix}_pow"]),
        helper.make_node("Div", [i, d], [f"{prefix}_div"]),
    ]
    outputs += [f"{prefix}_relu", f"{prefix}_cast", f"{prefix}_pow",
                f"{prefix}_div"]
types = {"relu": TensorProto.FLOAT, "cast": TensorProto.INT8,
         "pow": TensorProto.INT64, "div": TensorProto.INT64}
graph = helper.make_graph(
    nodes, "fold_matches_reference",
    [helper.make_tensor_value_info("values", TensorProto.FLOAT, [5])] +
    [helper.make_tensor_value_info(n, TensorProto.INT64, [5])
     for n in ("ints", "exponents", "divisors")],
    [helper.make_tensor_value_info(o, types[o.split("_")[1]], [5])
     for o in outputs])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model, full_check=True)
onnx.save(model, "fold_matches_reference.onnx")
np.save("fold_matches_reference.input.values.npy", values)
np.save("fold_matches_reference.input.ints.npy", ints)
np.save("fold_matches_reference.input.exponents.npy", exponents)
np.save("fold_matches_reference.input.divisors.npy", divisors)
