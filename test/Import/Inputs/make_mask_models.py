#!/usr/bin/env python3
"""Writes folded_masks.onnx (and folded_masks.bin, its external data) for
test/Import/weights-external-mask.test: one Add of the input x[1,1,8,8] with
each of six [1,1,8,8] initializers, so that --weights=external shows which of
them keep their data (folded additive masks stored in the model file) and
which become external parameters.

Usage: make_mask_models.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(out):
    os.makedirs(out, exist_ok=True)
    shape = [1, 1, 8, 8]
    lowest = np.finfo(np.float32).min
    causal = np.where(np.triu(np.ones((8, 8), dtype=bool), 1), lowest, 0).astype(
        np.float32).reshape(shape)
    neg_one = causal.copy()
    neg_one[0, 0, 0, 1] = -1.0  # not a masking value
    inits = [
        numpy_helper.from_array(causal, "causal_raw"),
        helper.make_tensor("causal_typed", TensorProto.FLOAT, shape,
                           causal.flatten().tolist()),  # float_data, not raw
        numpy_helper.from_array(
            np.where(causal != 0, -np.inf, 0).astype(np.float16), "causal_f16_inf"),
        numpy_helper.from_array(neg_one, "not_a_mask"),
        numpy_helper.from_array(np.zeros(shape, np.float32), "zeros"),
        numpy_helper.from_array(causal, "causal_external"),
    ]
    # causal_external's bytes live in folded_masks.bin (ONNX external data).
    ext = inits[-1]
    with open(os.path.join(out, "folded_masks.bin"), "wb") as f:
        f.write(ext.raw_data)
    ext.ClearField("raw_data")
    ext.data_location = TensorProto.EXTERNAL
    for key, value in (("location", "folded_masks.bin"), ("offset", "0"),
                       ("length", str(causal.nbytes))):
        entry = ext.external_data.add()
        entry.key, entry.value = key, value
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)
    nodes, outputs = [], []
    for t in inits:
        src = t.name
        if t.data_type == TensorProto.FLOAT16:
            nodes.append(helper.make_node("Cast", [src], [src + "_f32"],
                                          to=TensorProto.FLOAT, name="cast_" + src))
            src += "_f32"
        nodes.append(helper.make_node("Add", ["x", src], ["y_" + t.name],
                                      name="add_" + t.name))
        outputs.append(helper.make_tensor_value_info("y_" + t.name,
                                                     TensorProto.FLOAT, shape))
    g = helper.make_graph(nodes, "folded_masks", [x], outputs, inits)
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    path = os.path.join(out, "folded_masks.onnx")
    onnx.save(model, path)
    onnx.checker.check_model(path)


if __name__ == "__main__":
    main(sys.argv[1])
