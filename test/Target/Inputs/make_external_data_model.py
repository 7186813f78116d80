#!/usr/bin/env python3
"""Makes two_matmul.onnx + two_matmul.onnx.data: y = (x @ W1) @ W2 with both
weights stored as ONNX external data in one file (W2 at a non-zero offset),
for the artifact tests of external weights. Run from anywhere:
    python3 test/Target/Inputs/make_external_data_model.py
(onnx and numpy; the outputs are committed)."""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    rng = np.random.default_rng(7)
    w1 = numpy_helper.from_array(rng.standard_normal((4, 8)).astype(np.float32), "W1")
    w2 = numpy_helper.from_array(rng.standard_normal((8, 4)).astype(np.float32), "W2")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W1"], ["h"], name="mm1"),
         helper.make_node("MatMul", ["h", "W2"], ["y"], name="mm2")],
        "two_matmul",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4])],
        initializer=[w1, w2])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="make_external_data_model.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    data = os.path.join(HERE, "two_matmul.onnx.data")
    if os.path.exists(data):
        os.remove(data)  # onnx appends to an existing file
    onnx.save_model(model, os.path.join(HERE, "two_matmul.onnx"),
                    save_as_external_data=True, all_tensors_to_one_file=True,
                    location="two_matmul.onnx.data", size_threshold=0)


if __name__ == "__main__":
    main()
