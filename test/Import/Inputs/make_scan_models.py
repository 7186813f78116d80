#!/usr/bin/env python3
"""Writes the small ONNX models of test/Import/ops-scan.test (Trilu, CumSum,
GatherND) and the numpy expectations of their outputs.

Usage: make_scan_models.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(model, path):
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)

    # Trilu on a run-time input (upper, k=1) and on a constant (lower, k=-1).
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4, 5])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4, 5])
    k = numpy_helper.from_array(np.array(1, dtype=np.int64), "k")
    g = helper.make_graph([helper.make_node("Trilu", ["x", "k"], ["y"], name="triu")],
                          "trilu", [x], [y], [k])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]),
         os.path.join(out, "trilu_runtime.onnx"))
    xv = rng.standard_normal((2, 4, 5)).astype(np.float32)
    np.save(os.path.join(out, "trilu_runtime.x.npy"), xv)
    np.save(os.path.join(out, "trilu_runtime.y.npy"), np.triu(xv, 1))

    c = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(3, 4) + 1, "c")
    km = numpy_helper.from_array(np.array(-1, dtype=np.int64), "km")
    out_v = helper.make_tensor_value_info("z", TensorProto.FLOAT, [3, 4])
    inp = helper.make_tensor_value_info("a", TensorProto.FLOAT, [3, 4])
    g = helper.make_graph([
        helper.make_node("Trilu", ["c", "km"], ["t"], upper=0, name="tril"),
        helper.make_node("Add", ["a", "t"], ["z"], name="add")],
        "trilu_const", [inp], [out_v], [c, km])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]),
         os.path.join(out, "trilu_const.onnx"))

    # CumSum of a constant (exclusive, reverse) added to the input.
    cs = numpy_helper.from_array(np.arange(1, 7, dtype=np.int64).reshape(2, 3), "cs")
    ax = numpy_helper.from_array(np.array(1, dtype=np.int64), "ax")
    inp = helper.make_tensor_value_info("a", TensorProto.INT64, [2, 3])
    out_v = helper.make_tensor_value_info("z", TensorProto.INT64, [2, 3])
    g = helper.make_graph([
        helper.make_node("CumSum", ["cs", "ax"], ["s"], exclusive=1, reverse=1, name="cumsum"),
        helper.make_node("Add", ["a", "s"], ["z"], name="add")],
        "cumsum", [inp], [out_v], [cs, ax])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]),
         os.path.join(out, "cumsum_const.onnx"))

    # GatherND of constants with batch_dims=1.
    data = numpy_helper.from_array(np.arange(24, dtype=np.int64).reshape(2, 3, 4), "data")
    idx = numpy_helper.from_array(np.array([[[2], [0]], [[1], [1]]], dtype=np.int64), "idx")
    inp = helper.make_tensor_value_info("a", TensorProto.INT64, [2, 2, 4])
    out_v = helper.make_tensor_value_info("z", TensorProto.INT64, [2, 2, 4])
    g = helper.make_graph([
        helper.make_node("GatherND", ["data", "idx"], ["gnd"], batch_dims=1, name="gathernd"),
        helper.make_node("Add", ["a", "gnd"], ["z"], name="add")],
        "gathernd", [inp], [out_v], [data, idx])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]),
         os.path.join(out, "gathernd_const.onnx"))

    # CumSum on a run-time tensor: a clear error.
    inp = helper.make_tensor_value_info("a", TensorProto.FLOAT, [2, 3])
    out_v = helper.make_tensor_value_info("z", TensorProto.FLOAT, [2, 3])
    g = helper.make_graph([helper.make_node("CumSum", ["a", "ax"], ["z"], name="cumsum_rt")],
                          "cumsum_rt", [inp], [out_v], [ax])
    save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]),
         os.path.join(out, "cumsum_runtime.onnx"))


if __name__ == "__main__":
    main(sys.argv[1])
