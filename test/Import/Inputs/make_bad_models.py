#!/usr/bin/env python3
"""Writes the malformed ONNX models the importer's error tests read.

Run from anywhere: python3 test/Import/Inputs/make_bad_models.py
Each model is the smallest graph that triggers one importer error; the lit
tests in test/Import/errors.test and test/Bad/onnx.test check the exact
messages. The outputs are
committed, so the tests do not need the onnx package.
"""
import os

import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))


def tensor(name, dims, dtype=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, dtype, dims)


def model(nodes, inputs, outputs, initializers=(), opset=17, ir_version=8):
    graph = helper.make_graph(nodes, "bad", inputs, outputs,
                              initializer=list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="make_bad_models.py")
    m.ir_version = ir_version
    return m


def save(name, m):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(m.SerializeToString())


def main():
    x = tensor("x", [2, 4])
    y = tensor("y", [2, 4])

    # An op no handler knows.
    save("unknown_op.onnx", model(
        [helper.make_node("FooBar", ["x"], ["y"], name="bar")], [x], [y]))

    # A known op at an opset it does not exist in (LayerNormalization is 17+).
    save("op_opset_too_old.onnx", model(
        [helper.make_node("LayerNormalization", ["x", "s"], ["y"], name="ln")],
        [x, tensor("s", [4])], [y], opset=16))

    # The model-level opset is newer than the importer's.
    save("opset24.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], [x], [y],
        opset=24))

    # A node reads a value nothing defines.
    save("missing_input.onnx", model(
        [helper.make_node("Add", ["x", "nope"], ["y"], name="add")], [x], [y]))

    # An initializer whose payload is missing (dims say 4 floats, no data).
    w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4])
    save("missing_initializer_data.onnx", model(
        [helper.make_node("Add", ["x", "w"], ["y"], name="add")], [x], [y],
        initializers=[w]))

    # Bad attributes: an axis out of range, an attribute of the wrong kind.
    save("bad_axis.onnx", model(
        [helper.make_node("Softmax", ["x"], ["y"], name="sm", axis=3)],
        [x], [y]))
    gemm = helper.make_node("Gemm", ["x", "b"], ["y"], name="gemm")
    gemm.attribute.append(helper.make_attribute("transB", 1.0))
    save("bad_attribute_kind.onnx", model(
        [gemm], [x, tensor("b", [4, 4])], [y]))

    # An integer Gemm whose alpha or beta the integer type cannot hold (the
    # fuzzer found beta = 1e30 on int32 made an undefined double-to-int
    # conversion; now it is refused).
    xi = tensor("x", [2, 4], TensorProto.INT32)
    yi = tensor("y", [2, 4], TensorProto.INT32)
    save("gemm_int_alpha_fraction.onnx", model(
        [helper.make_node("Gemm", ["x", "b"], ["y"], name="gemm", alpha=0.5)],
        [xi, tensor("b", [4, 4], TensorProto.INT32)], [yi]))
    save("gemm_int_beta_huge.onnx", model(
        [helper.make_node("Gemm", ["x", "b", "c"], ["y"], name="gemm",
                          beta=1e30)],
        [xi, tensor("b", [4, 4], TensorProto.INT32),
         tensor("c", [2, 4], TensorProto.INT32)], [yi]))

    # A cycle: a reads b's output and b reads a's.
    save("cycle.onnx", model(
        [helper.make_node("Add", ["x", "t1"], ["t0"], name="a"),
         helper.make_node("Relu", ["t0"], ["t1"], name="b"),
         helper.make_node("Identity", ["t1"], ["y"], name="out")],
        [x], [y]))

    # LayerNormalization's Mean output feeding another node.
    save("layernorm_mean_used.onnx", model(
        [helper.make_node("LayerNormalization", ["x", "s"], ["n", "mean"],
                          name="ln"),
         helper.make_node("Identity", ["mean"], ["y"], name="use_mean")],
        [x, tensor("s", [4])], [tensor("y", [2, 1])]))

    # Reshape to a shape computed at run time.
    save("reshape_runtime_shape.onnx", model(
        [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
        [x, tensor("shape", [2], TensorProto.INT64)], [y]))

    # A dynamic input dimension (needs --input-shape).
    save("dynamic_batch.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [tensor("x", ["batch", 4])], [tensor("y", ["batch", 4])]))

    # Attention with a KV cache (past_key / past_value).
    q = tensor("q", [1, 2, 3, 4])
    save("attention_kv_cache.onnx", model(
        [helper.make_node("Attention", ["q", "q", "q", "", "q", "q"],
                          ["y"], name="attn")],
        [q], [tensor("y", [1, 2, 3, 4])], opset=23, ir_version=10))

    # Several unsupported ops, all named in one message: an unknown op on
    # three nodes, one on a fourth node, an op at an opset older than it
    # exists in (LayerNormalization is 17+), an op of another domain.
    save("unsupported_many.onnx", model(
        [helper.make_node("FooBar", ["x"], ["a"], name="foo1"),
         helper.make_node("Relu", ["a"], ["b"], name="relu"),
         helper.make_node("FooBar", ["b"], ["c"], name="foo2"),
         helper.make_node("FooBar", ["c"], ["d"], name="foo3"),
         helper.make_node("FooBar", ["d"], ["e"], name="foo4"),
         helper.make_node("Unique", ["e"], ["f"], name="unique"),
         helper.make_node("LayerNormalization", ["f", "s"], ["g"], name="ln"),
         helper.make_node("Gizmo", ["g"], ["y"], name="gizmo",
                          domain="com.example")],
        [x, tensor("s", [4])], [y], opset=16))

    # Models the ONNX checker rejects node by node (OpSchema::Verify), with
    # what the op's handler does not read: an attribute Relu does not have,
    # an attribute of the wrong kind that the Dropout handler ignores.
    save("checker_unknown_attribute.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu", alpha=0.5)],
        [x], [y]))
    save("checker_attribute_kind.onnx", model(
        [helper.make_node("Dropout", ["x"], ["y"], name="dropout", seed=0.5)],
        [x], [y]))

    # Inconsistent shapes: a value_info and a graph output that disagree with
    # what the ops compute; operands that do not broadcast; a MatMul whose
    # contraction dims differ; a Reshape to another element count.
    relu_then_neg = [helper.make_node("Relu", ["x"], ["h"], name="relu"),
                     helper.make_node("Neg", ["h"], ["y"], name="neg")]
    m = model(relu_then_neg, [x], [y])
    m.graph.value_info.append(tensor("h", [2, 5]))
    save("shape_value_info_mismatch.onnx", m)
    save("shape_output_mismatch.onnx", model(relu_then_neg, [x],
                                             [tensor("y", [4, 2])]))
    save("shape_broadcast_mismatch.onnx", model(
        [helper.make_node("Add", ["x", "z"], ["y"], name="add")],
        [x, tensor("z", [3, 4])], [y]))
    save("shape_matmul_mismatch.onnx", model(
        [helper.make_node("MatMul", ["x", "z"], ["y"], name="mm")],
        [x, tensor("z", [5, 3])], [tensor("y", [2, 3])]))
    save("shape_reshape_mismatch.onnx", model(
        [helper.make_node("Constant", [], ["shape"], name="c",
                          value=helper.make_tensor("v", TensorProto.INT64,
                                                   [2], [3, 3])),
         helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
        [x], [tensor("y", [3, 3])]))

    # Not a protobuf at all / a truncated one.
    good = model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                 [x], [y]).SerializeToString()
    with open(os.path.join(HERE, "truncated.onnx"), "wb") as f:
        f.write(good[: len(good) // 2])

    bad_models_for_test_bad(x, y, good)


def write_bytes(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def flip_bit(data, offset, bit):
    flipped = bytearray(data)
    flipped[offset] ^= 1 << bit
    return bytes(flipped)


def bad_models_for_test_bad(x, y, good):
    """The rest of the bad-input corpus (test/Bad/onnx.test checks these)."""
    # Bit flips: one in the graph field's length (the protobuf no longer
    # parses), one in the op type (it parses, as an op that does not exist).
    graph_tag = good.index(b"\x3a")  # field 7 (graph), length-delimited
    write_bytes("bitflip_length.onnx", flip_bit(good, graph_tag + 1, 6))
    write_bytes("bitflip_op_type.onnx",
                flip_bit(good, good.index(b"Relu") + 1, 0))
    # An empty file parses as a ModelProto without a graph.
    write_bytes("empty_file.onnx", b"")

    # A graph with no nodes and no outputs.
    save("empty_graph.onnx", model([], [], []))

    # Duplicate value names: two nodes define 't'; two graph inputs 'x'.
    save("duplicate_node_output.onnx", model(
        [helper.make_node("Relu", ["x"], ["t"], name="first"),
         helper.make_node("Neg", ["x"], ["t"], name="second"),
         helper.make_node("Identity", ["t"], ["y"], name="out")], [x], [y]))
    save("duplicate_graph_input.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], [x, x], [y]))

    # Initializers whose payload does not match their shape: a constant (4
    # floats, 12 bytes given) and a weight (32 floats, 64 bytes given).
    short = TensorProto(name="c", data_type=TensorProto.FLOAT, dims=[4],
                        raw_data=b"\0" * 12)
    save("initializer_short_constant.onnx", model(
        [helper.make_node("Add", ["x", "c"], ["y"], name="add")], [x], [y],
        initializers=[short]))
    short_weight = TensorProto(name="w", data_type=TensorProto.FLOAT,
                               dims=[4, 8], raw_data=b"\0" * 64)
    save("initializer_short_weight.onnx", model(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="matmul")], [x],
        [tensor("y", [2, 8])], initializers=[short_weight]))

    # Negative and absurd dimensions: an initializer and a graph input with a
    # negative dim, a weight of 2^40 elements without its 4 TiB of data, one
    # of 2^60 elements, and graph inputs of 2^40 and 2^80 elements.
    negative = TensorProto(name="c", data_type=TensorProto.FLOAT, dims=[-1])
    save("negative_dim_initializer.onnx", model(
        [helper.make_node("Add", ["x", "c"], ["y"], name="add")], [x], [y],
        initializers=[negative]))
    save("negative_dim_input.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [tensor("x", [2, -3])], [tensor("y", [2, -3])]))
    huge = TensorProto(name="w", data_type=TensorProto.FLOAT,
                       dims=[1 << 20, 1 << 20])
    save("huge_weight_2e40.onnx", model(
        [helper.make_node("Add", ["x", "w"], ["y"], name="add")],
        [tensor("x", [1 << 20, 1 << 20])], [tensor("y", [1 << 20, 1 << 20])],
        initializers=[huge]))
    huger = TensorProto(name="w", data_type=TensorProto.FLOAT,
                        dims=[1 << 30, 1 << 30])
    save("huge_weight_2e60.onnx", model(
        [helper.make_node("Relu", ["w"], ["y"], name="relu")], [],
        [tensor("y", [1 << 30, 1 << 30])], initializers=[huger]))
    save("huge_input_2e40.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [tensor("x", [1 << 20, 1 << 20])], [tensor("y", [1 << 20, 1 << 20])]))
    save("huge_input_2e80.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [tensor("x", [1 << 40, 1 << 40])], [tensor("y", [1 << 40, 1 << 40])]))

    # External data: a file that does not exist, and a 64-byte file for a
    # 128-byte weight (with and without an explicit length).
    def external_weight(location, length=None):
        w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4, 8],
                        data_location=TensorProto.EXTERNAL)
        entries = [("location", location), ("offset", "0")]
        if length is not None:
            entries.append(("length", str(length)))
        for key, value in entries:
            entry = w.external_data.add()
            entry.key, entry.value = key, value
        return model(
            [helper.make_node("MatMul", ["x", "w"], ["y"], name="matmul")],
            [x], [tensor("y", [2, 8])], initializers=[w])
    save("external_data_missing.onnx", external_weight("no_such_file.bin"))
    write_bytes("external_data_short.bin", b"\0" * 64)
    save("external_data_short.onnx", external_weight("external_data_short.bin"))
    save("external_data_short_length.onnx",
         external_weight("external_data_short.bin", length=128))


if __name__ == "__main__":
    main()
