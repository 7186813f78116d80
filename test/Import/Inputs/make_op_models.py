#!/usr/bin/env python3
"""Writes the small valid ONNX models the importer's op tests read.

Run from anywhere: python3 test/Import/Inputs/make_op_models.py
Each model exercises one family of handlers (test/Import/ops-*.test); all
pass onnx.checker and strict shape inference. The outputs are committed.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
F, I64, BOOL = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL


def vi(name, dims, dtype=F):
    return helper.make_tensor_value_info(name, dtype, dims)


def const(name, value, dtype=None):
    array = np.array(value, dtype=dtype)
    return helper.make_node("Constant", [], [name], name=name,
                            value=numpy_helper.from_array(array, name))


def init(name, value, dtype=np.float32):
    return numpy_helper.from_array(np.array(value, dtype=dtype), name)


def save(name, nodes, inputs, outputs, initializers=(), opset=17, ir=8,
         check=True):
    graph = helper.make_graph(nodes, name.split(".")[0], inputs, outputs,
                              initializer=list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="make_op_models.py")
    m.ir_version = ir
    if check:
        onnx.checker.check_model(m, full_check=True)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(m.SerializeToString())


def elementwise():
    n = helper.make_node
    nodes = [
        const("two", 2, np.int64),
        const("zero", 0.0, np.float32),
        n("Sub", ["x", "c"], ["sub"], name="sub"),
        n("Div", ["sub", "c"], ["div"], name="div"),
        n("Pow", ["div", "two"], ["pow"], name="pow"),  # int64 exponent
        n("Abs", ["pow"], ["abs"], name="abs"),
        n("Sqrt", ["abs"], ["sqrt"], name="sqrt"),
        n("Reciprocal", ["sqrt"], ["recip"], name="recip"),
        n("Neg", ["recip"], ["neg"], name="neg"),
        n("Exp", ["neg"], ["exp"], name="exp"),
        n("Erf", ["exp"], ["erf"], name="erf"),
        n("Sigmoid", ["erf"], ["sig"], name="sig"),
        n("Relu", ["sig"], ["relu"], name="relu"),
        n("Tanh", ["relu"], ["tanh"], name="tanh"),
        n("Max", ["tanh", "x", "c"], ["max"], name="max"),
        n("Min", ["max", "x"], ["min"], name="min"),
        n("Greater", ["x", "zero"], ["gt"], name="gt"),
        n("LessOrEqual", ["x", "c"], ["le"], name="le"),
        n("Equal", ["x", "c"], ["eq"], name="eq"),
        n("GreaterOrEqual", ["x", "c"], ["ge"], name="ge"),
        n("Less", ["x", "c"], ["lt"], name="lt"),
        n("And", ["gt", "le"], ["and"], name="and"),
        n("Or", ["and", "eq"], ["or"], name="or"),
        n("Xor", ["or", "ge"], ["xor"], name="xor"),
        n("Not", ["lt"], ["not"], name="not"),
        n("Or", ["xor", "not"], ["mask"], name="mask"),
        n("Where", ["mask", "min", "zero"], ["where"], name="where"),
        n("Cast", ["where"], ["half"], name="to_f16", to=TensorProto.FLOAT16),
        n("Cast", ["half"], ["y"], name="to_f32", to=F),
        n("Cast", ["mask"], ["mask_f"], name="mask_to_f32", to=F),
    ]
    save("ops_elementwise.onnx", nodes, [vi("x", [2, 3, 4])],
         [vi("y", [2, 3, 4]), vi("mask_f", [2, 3, 4])],
         [init("c", [0.5, 1.0, 1.5, 2.0])])


def matrix():
    n = helper.make_node
    rng = np.random.default_rng(0)
    nodes = [
        n("Gemm", ["a", "w", "bias"], ["gemm"], name="gemm", alpha=0.5,
          beta=2.0, transB=1),
        n("MatMul", ["gemm", "v"], ["mv"], name="matvec"),  # 1-D rhs
        n("LayerNormalization", ["gemm", "scale"], ["ln"], name="ln_nobias",
          axis=-1, epsilon=1e-6),
        n("Softmax", ["ln"], ["sm"], name="softmax"),
        n("Flatten", ["sm"], ["flat"], name="flatten", axis=0),
    ]
    save("ops_matrix.onnx", nodes, [vi("a", [3, 8])],
         [vi("flat", [1, 18]), vi("mv", [3])],
         [init("w", rng.standard_normal((6, 8))), init("bias", [1, 2, 3, 4, 5, 6]),
          init("v", rng.standard_normal(6)), init("scale", rng.standard_normal(6))])


def shape_folding():
    """Shape arithmetic on a dynamic input, pinned with --input-shape."""
    n = helper.make_node
    nodes = [
        n("Shape", ["x"], ["shape"], name="shape"),
        const("i0", 0, np.int64), const("i1", 1, np.int64),
        const("ax0", [0], np.int64),
        n("Gather", ["shape", "i0"], ["batch"], name="get_batch"),
        n("Gather", ["shape", "i1"], ["seq"], name="get_seq"),
        n("Unsqueeze", ["batch", "ax0"], ["batch1"], name="unsq_batch"),
        n("Unsqueeze", ["seq", "ax0"], ["seq1"], name="unsq_seq"),
        const("rest", [2, 4], np.int64),
        n("Concat", ["batch1", "seq1", "rest"], ["new_shape"], name="concat",
          axis=0),
        n("Reshape", ["x", "new_shape"], ["y"], name="reshape"),
        # A causal mask built at run time in the exporter's style.
        n("Range", ["i0", "seq", "i1"], ["pos"], name="range"),
        n("Unsqueeze", ["pos", "ax0"], ["row"], name="row"),
        const("ax1", [1], np.int64),
        n("Unsqueeze", ["pos", "ax1"], ["col"], name="col"),
        n("LessOrEqual", ["row", "col"], ["causal"], name="causal"),
        const("len2", [2], np.int64), const("minus1", -1, np.int64),
        n("ConstantOfShape", ["len2"], ["ones"], name="ones",
          value=numpy_helper.from_array(np.array([1], np.int64))),
        n("Mul", ["ones", "minus1"], ["neg_ones"], name="mul"),
        const("one1", [1], np.int64),
        n("Concat", ["one1", "seq1"], ["target"], name="target", axis=0),
        n("Equal", ["target", "neg_ones"], ["is_neg"], name="eq"),
        n("Where", ["is_neg", "ones", "target"], ["mask_shape"],
          name="where_shape"),
        n("Expand", ["causal", "mask_shape"], ["mask"], name="expand"),
        n("Cast", ["mask"], ["maskf"], name="cast_mask", to=F),
        const("starts", [1], np.int64), const("ends", [-1], np.int64),
        n("Slice", ["maskf", "starts", "ends", "ax0"], ["sliced"],
          name="slice"),
        n("ReduceSum", ["sliced", "ax1"], ["rows"], name="rowsum",
          keepdims=0),
        n("Squeeze", ["shape"], ["shape_again"], name="squeeze_noop"),
        n("Size", ["shape_again"], ["rank"], name="size"),
        n("Cast", ["rank"], ["rankf"], name="cast_rank", to=F),
        n("Mul", ["rows", "rankf"], ["z"], name="scale_rows"),
    ]
    save("ops_shape_folding.onnx", nodes, [vi("x", ["batch", "seq", 8])],
         [vi("y", ["batch", "seq", 2, 4]), vi("z", None)], check=False)


def opset18():
    n = helper.make_node
    nodes = [
        n("Split", ["x"], ["s0", "s1", "s2"], name="split3", axis=-1,
          num_outputs=3),  # 10 -> 4, 4, 2
        const("axes_last", [-1], np.int64),
        n("ReduceMean", ["s0", "axes_last"], ["mean"], name="mean"),
        n("ReduceMax", ["s1", "axes_last"], ["max"], name="max", keepdims=0),
        n("ReduceSum", ["s2"], ["sum"], name="sum_all", keepdims=0),
        const("st", [-1, 0], np.int64), const("en", [-100000, 100], np.int64),
        const("ax", [0, 1], np.int64), const("steps", [-1, 2], np.int64),
        n("Slice", ["c", "st", "en", "ax", "steps"], ["rev"], name="rev_const"),
        n("Add", ["s0", "rev"], ["added"], name="add_rev"),
        const("ax_mid", [1], np.int64),
        n("Unsqueeze", ["added", "ax_mid"], ["unsq"], name="unsq"),
        n("Transpose", ["unsq"], ["tr"], name="transpose_default"),
        n("Squeeze", ["tr", "ax_mid"], ["sq"], name="squeeze"),
        n("Concat", ["sq", "sq"], ["cat"], name="concat", axis=0),
        n("Split", ["cat", "split_sizes"], ["p0", "p1"], name="split_sizes",
          axis=0),
    ]
    c = np.arange(16, dtype=np.float32).reshape(2, 8)
    save("ops_opset18.onnx", nodes, [vi("x", [2, 10])],
         [vi("mean", [2, 1]), vi("max", [2]), vi("sum", []),
          vi("p0", [1, 2]), vi("p1", [7, 2])],
         [init("c", c), init("split_sizes", [1, 7], np.int64)], opset=18)


def opset11():
    n = helper.make_node
    nodes = [
        n("Unsqueeze", ["x"], ["u"], name="unsq", axes=[0, -1]),
        n("Squeeze", ["u"], ["s"], name="sq", axes=[0]),
        n("Split", ["s"], ["a", "b"], name="split", axis=1, split=[1, 2]),
        n("Softmax", ["b"], ["sm"], name="softmax_2d", axis=1),
        n("ReduceSum", ["sm"], ["r"], name="rsum", axes=[1], keepdims=1),
        n("Transpose", ["a"], ["t"], name="tr", perm=[0, 2, 1, 3]),
    ]
    save("ops_opset11.onnx", nodes, [vi("x", [4, 3, 5])],
         [vi("r", [4, 1, 5, 1]), vi("t", [4, 5, 1, 1])], opset=11)


def opset23():
    n = helper.make_node
    nodes = [
        n("RMSNormalization", ["x", "scale"], ["rms"], name="rms",
          epsilon=1e-6),
        n("Gelu", ["rms"], ["y"], name="gelu", approximate="tanh"),
    ]
    save("ops_opset23.onnx", nodes, [vi("x", [2, 8])], [vi("y", [2, 8])],
         [init("scale", np.ones(8))], opset=23, ir=10, check=False)


def transformer23():
    """Opset-23 Attention (4-D GQA causal; 3-D with a bool mask) and
    RotaryEmbedding (4-D with position ids; 3-D interleaved, partial)."""
    n = helper.make_node
    rng = np.random.default_rng(0)
    angles = np.arange(16)[:, None] * 0.1 * np.arange(1, 5)[None, :]
    nodes = [
        n("Attention", ["q4", "k4", "v4"], ["y4"], name="attn4", is_causal=1),
        n("Attention", ["q3", "k3", "v3", "mask"], ["y3"], name="attn3",
          q_num_heads=4, kv_num_heads=2, scale=0.3),
        n("RotaryEmbedding", ["q4", "cos", "sin", "pos"], ["r4"], name="rope4"),
        n("RotaryEmbedding", ["q3", "cos3", "sin3"], ["r3"], name="rope3",
          num_heads=4, rotary_embedding_dim=4, interleaved=1),
    ]
    save("ops_transformer23.onnx", nodes,
         [vi("q4", [1, 4, 6, 8]), vi("k4", [1, 2, 6, 8]), vi("v4", [1, 2, 6, 8]),
          vi("q3", [1, 6, 32]), vi("k3", [1, 6, 16]), vi("v3", [1, 6, 16]),
          vi("mask", [6, 6], BOOL), vi("pos", [1, 6], I64),
          vi("cos3", [1, 6, 2]), vi("sin3", [1, 6, 2])],
         [vi("y4", [1, 4, 6, 8]), vi("y3", [1, 6, 32]), vi("r4", [1, 4, 6, 8]),
          vi("r3", [1, 6, 32])],
         [init("cos", np.cos(angles)), init("sin", np.sin(angles))],
         opset=23, ir=10, check=False)


def external_data():
    """Weights in an ONNX external-data file beside the model, and a second
    input sharing the first one's dim_param."""
    n = helper.make_node
    w = init("w", np.arange(32).reshape(4, 8) / 32.0)
    graph = helper.make_graph(
        [n("Add", ["a", "b"], ["ab"], name="add"),
         n("MatMul", ["ab", "w"], ["y"], name="matmul")],
        "external_data", [vi("a", ["batch", 4]), vi("b", ["batch", 4])],
        [vi("y", ["batch", 8])], initializer=[w])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                          producer_name="make_op_models.py")
    m.ir_version = 8
    onnx.save_model(m, os.path.join(HERE, "external_data.onnx"),
                    save_as_external_data=True, all_tensors_to_one_file=True,
                    location="external_data.bin", size_threshold=0)
    # The same model pointing outside its directory.
    m = onnx.load(os.path.join(HERE, "external_data.onnx"), load_external_data=False)
    for entry in m.graph.initializer[0].external_data:
        if entry.key == "location":
            entry.value = "../external_data.bin"
    with open(os.path.join(HERE, "external_data_escape.onnx"), "wb") as f:
        f.write(m.SerializeToString())


def unsorted():
    """Nodes stored out of order: the importer sorts them."""
    n = helper.make_node
    nodes = [
        n("Relu", ["h"], ["y"], name="second"),
        n("Neg", ["x"], ["h"], name="first"),
    ]
    save("unsorted.onnx", nodes, [vi("x", [2])], [vi("y", [2])], check=False)


def decomposed():
    """Ops tfc builds from several of its own ops (DecomposedOps.cpp, the
    composite Reduce*, Sum/Mean), with expected outputs from onnx's reference
    evaluator on fixed inputs (ops_decomposed.*.npy)."""
    n = helper.make_node
    nodes = [
        const("lo", -0.5, np.float32), const("hi", 0.5, np.float32),
        const("three", 3, np.int64), const("seven", 0.7, np.float32),
        const("zero", 0.0, np.float32),
        const("slope", [0.1, 0.2, 0.3, 0.4], np.float32),
        const("folded_in", [1.5, -1.5, 2.0], np.float32),
        const("mod_in", [7, -7, 5], np.int64),
        const("minus_two", -2, np.int64),
        n("LogSoftmax", ["x"], ["log_softmax"], name="log_softmax", axis=1),
        n("Clip", ["x", "lo", "hi"], ["clip"], name="clip"),
        n("Clip", ["x", "", "hi"], ["clip_max"], name="clip_max"),
        n("ArgMax", ["x"], ["argmax"], name="argmax", axis=2, keepdims=0),
        n("ArgMin", ["x"], ["argmin"], name="argmin", axis=1,
          select_last_index=1),
        n("Mod", ["k", "three"], ["mod"], name="mod"),
        n("Mod", ["k", "minus_two"], ["mod_neg"], name="mod_neg"),
        n("Mod", ["x", "seven"], ["fmod"], name="fmod", fmod=1),
        n("Div", ["x", "zero"], ["inf"], name="div0"),
        n("IsInf", ["inf"], ["is_pos_inf"], name="is_pos_inf",
          detect_negative=0),
        n("Sign", ["x"], ["sign"], name="sign"),
        n("Mul", ["x", "three_f"], ["x3"], name="x3"),
        n("Floor", ["x3"], ["floor"], name="floor"),
        n("Ceil", ["x3"], ["ceil"], name="ceil"),
        n("Softplus", ["x3"], ["softplus"], name="softplus"),
        n("LeakyRelu", ["x"], ["leaky_relu"], name="leaky_relu", alpha=0.1),
        n("PRelu", ["x", "slope"], ["prelu"], name="prelu"),
        n("Elu", ["x"], ["elu"], name="elu"),
        n("Selu", ["x"], ["selu"], name="selu"),
        n("Celu", ["x"], ["celu"], name="celu", alpha=2.0),
        n("HardSigmoid", ["x3"], ["hard_sigmoid"], name="hard_sigmoid"),
        n("HardSwish", ["x3"], ["hard_swish"], name="hard_swish"),
        n("ThresholdedRelu", ["x"], ["thresholded_relu"],
          name="thresholded_relu", alpha=0.3),
        n("ReduceL1", ["x"], ["reduce_l1"], name="reduce_l1", axes=[1]),
        n("ReduceL2", ["x"], ["reduce_l2"], name="reduce_l2", axes=[2],
          keepdims=0),
        n("ReduceSumSquare", ["x"], ["reduce_sum_square"],
          name="reduce_sum_square"),
        n("Abs", ["x"], ["abs"], name="abs"),
        n("ReduceLogSum", ["abs"], ["reduce_log_sum"], name="reduce_log_sum",
          axes=[0, 2]),
        n("ReduceLogSumExp", ["x3"], ["reduce_log_sum_exp"],
          name="reduce_log_sum_exp", axes=[1], keepdims=0),
        n("Sum", ["x", "x3", "slope"], ["sum"], name="sum"),
        n("Mean", ["x", "x3"], ["mean"], name="mean"),
        # On constants these fold: [1, -2, 2] and [1, 2, 2].
        n("Floor", ["folded_in"], ["folded_floor"], name="folded_floor"),
        n("Mod", ["mod_in", "three"], ["folded_mod"], name="folded_mod"),
        n("Add", ["slope3", "folded_floor"], ["uses_floor"], name="uses_floor"),
        n("Add", ["k3", "folded_mod"], ["uses_mod"], name="uses_mod"),
    ]
    nodes.insert(0, const("three_f", 3.0, np.float32))
    nodes.insert(0, const("slope3", [0.5, 0.25, 0.125], np.float32))
    nodes.insert(0, const("k3", [10, 20, 30], np.int64))
    outputs = ["log_softmax", "clip", "clip_max", "argmax", "argmin", "mod",
               "mod_neg", "fmod", "is_pos_inf", "sign", "floor", "ceil",
               "softplus", "leaky_relu", "prelu", "elu", "selu", "celu",
               "hard_sigmoid", "hard_swish", "thresholded_relu", "reduce_l1",
               "reduce_l2", "reduce_sum_square", "reduce_log_sum",
               "reduce_log_sum_exp", "sum", "mean", "uses_floor", "uses_mod"]
    graph = helper.make_graph(
        nodes, "ops_decomposed", [vi("x", [2, 3, 4]), vi("k", [2, 3], I64)],
        [helper.make_empty_tensor_value_info(o) for o in outputs])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                          producer_name="make_op_models.py")
    m.ir_version = 8
    m = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    inferred = {v.name: v for v in m.graph.value_info}
    del m.graph.output[:]
    m.graph.output.extend(inferred[o] for o in outputs)
    onnx.checker.check_model(m, full_check=True)
    with open(os.path.join(HERE, "ops_decomposed.onnx"), "wb") as f:
        f.write(m.SerializeToString())

    from onnx.reference import ReferenceEvaluator
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    x[0, 0, 0] = 0.0
    x[1, 2, :] = x[1, 2, 0]  # ties for ArgMax/ArgMin
    k = np.array([[7, -7, 0], [5, -1, 12]], np.int64)
    np.save(os.path.join(HERE, "ops_decomposed.x.npy"), x)
    np.save(os.path.join(HERE, "ops_decomposed.k.npy"), k)
    results = ReferenceEvaluator(m).run(None, {"x": x, "k": k})
    for name, value in zip(outputs, results):
        np.save(os.path.join(HERE, f"ops_decomposed.{name}.expected.npy"),
                value)


def unsigned():
    """UINT8/UINT32/UINT64 values past 2^(width-1), where signedness matters:
    tfc holds them in signless integers and the handlers compensate
    (ops_unsigned.*.npy: inputs and expected outputs, unsigned ones stored as
    the signed type of their width, as tfc-reference reads and writes them)."""
    n = helper.make_node
    U8, U32, U64 = TensorProto.UINT8, TensorProto.UINT32, TensorProto.UINT64
    nodes = [
        const("lo", 100, np.uint8), const("hi", 200, np.uint8),
        const("fold_a", [200, 50], np.uint8),
        const("fold_b", [100, 150], np.uint8),
        n("Less", ["a", "b"], ["less"], name="less"),
        n("GreaterOrEqual", ["a", "b"], ["greater_or_equal"], name="ge"),
        n("Max", ["a", "b"], ["max"], name="max"),
        n("Min", ["a", "b"], ["min"], name="min"),
        n("Div", ["a", "b"], ["div"], name="div"),
        n("Mod", ["a", "b"], ["mod"], name="mod"),
        n("Cast", ["a"], ["a_float"], name="a_float", to=TensorProto.FLOAT),
        n("Cast", ["a"], ["a_int32"], name="a_int32", to=TensorProto.INT32),
        n("ReduceMax", ["a"], ["reduce_max"], name="reduce_max", keepdims=0),
        n("ReduceMin", ["a"], ["reduce_min"], name="reduce_min", keepdims=0),
        n("ArgMax", ["a"], ["argmax"], name="argmax", keepdims=0),
        n("Clip", ["a", "lo", "hi"], ["clip"], name="clip"),
        n("Sign", ["a"], ["sign"], name="sign"),
        n("Abs", ["a"], ["abs"], name="abs"),
        n("Greater", ["c", "c_rev"], ["c_greater"], name="c_greater"),
        n("Cast", ["c"], ["c_float"], name="c_float", to=TensorProto.FLOAT),
        n("Cast", ["d"], ["d_float"], name="d_float", to=TensorProto.DOUBLE),
        n("Div", ["e", "f"], ["div64"], name="div64"),
        n("Mod", ["e", "f"], ["mod64"], name="mod64"),
        # On constants: Max([200, 50], [100, 150]) folds to [200, 150].
        n("Max", ["fold_a", "fold_b"], ["fold_max"], name="fold_max"),
        n("Add", ["pair", "fold_max"], ["uses_fold"], name="uses_fold"),
    ]
    outputs = ["less", "greater_or_equal", "max", "min", "div", "mod",
               "a_float", "a_int32", "reduce_max", "reduce_min", "argmax",
               "clip", "sign", "abs", "c_greater", "c_float", "d_float",
               "div64", "mod64", "uses_fold"]
    graph = helper.make_graph(
        nodes, "ops_unsigned",
        [vi("a", [6], U8), vi("b", [6], U8), vi("c", [4], U32),
         vi("c_rev", [4], U32), vi("d", [3], U64), vi("pair", [2], U8),
         vi("e", [9], U64), vi("f", [9], U64)],
        [helper.make_empty_tensor_value_info(o) for o in outputs])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                          producer_name="make_op_models.py")
    m.ir_version = 8
    m = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    inferred = {v.name: v for v in m.graph.value_info}
    del m.graph.output[:]
    m.graph.output.extend(inferred[o] for o in outputs)
    onnx.checker.check_model(m, full_check=True)
    with open(os.path.join(HERE, "ops_unsigned.onnx"), "wb") as f:
        f.write(m.SerializeToString())

    from onnx.reference import ReferenceEvaluator
    feeds = {
        "a": np.array([0, 1, 127, 128, 200, 255], np.uint8),
        "b": np.array([255, 3, 128, 127, 7, 16], np.uint8),
        "c": np.array([1, 2**31, 2**32 - 1, 7], np.uint32),
        "c_rev": np.array([7, 2**32 - 1, 2**31, 1], np.uint32),
        "d": np.array([1, 2**63, 2**64 - 1], np.uint64),
        "pair": np.array([5, 6], np.uint8),
        # UINT64 division by cases: both below 2^63; dividend above with a
        # small divisor, a divisor past 2^62 (the remainders carry), and 1;
        # divisor above 2^63 (quotient 0 or 1).
        "e": np.array([100, 2**64 - 1, 2**64 - 1, 2**63 + 5, 2**64 - 2, 7,
                       2**64 - 1, 2**63, 2**63 + 2**62], np.uint64),
        "f": np.array([7, 3, 2**63 - 1, 2**62 + 3, 1, 2**63, 2**63 + 1,
                       2**64 - 1, 2**63 - 3], np.uint64),
    }
    signed = {np.dtype(np.uint8): np.int8, np.dtype(np.uint32): np.int32,
              np.dtype(np.uint64): np.int64}
    as_tfc = lambda v: v.view(signed[v.dtype]) if v.dtype in signed else v
    for name, value in feeds.items():
        np.save(os.path.join(HERE, f"ops_unsigned.{name}.npy"), as_tfc(value))
    results = ReferenceEvaluator(m).run(None, feeds)
    for name, value in zip(outputs, results):
        np.save(os.path.join(HERE, f"ops_unsigned.{name}.expected.npy"),
                as_tfc(np.asarray(value)))


def booleans():
    """BOOL tensors through the ops ONNX allows them in (comparison, logic,
    Where, Cast and the structural ops), with expected outputs from onnx's
    reference evaluator (ops_bool.*.npy)."""
    n = helper.make_node
    nodes = [
        const("shape", [2, 3], np.int64), const("idx", [0, 2], np.int64),
        const("rs", [3, 2], np.int64), const("st", [0, 1], np.int64),
        const("en", [2, 3], np.int64),
        n("Equal", ["a", "b"], ["eq"], name="eq"),
        n("Where", ["a", "b", "c"], ["where"], name="where"),
        n("Concat", ["a", "b"], ["concat"], name="concat", axis=0),
        n("Transpose", ["a"], ["transpose"], name="transpose", perm=[1, 0]),
        n("Not", ["a"], ["not"], name="not"),
        n("Xor", ["a", "b"], ["xor"], name="xor"),
        n("And", ["a", "c"], ["and"], name="and"),
        n("Or", ["b", "c"], ["or"], name="or"),
        n("Cast", ["a"], ["to_int32"], name="to_int32", to=TensorProto.INT32),
        n("Cast", ["b"], ["to_float"], name="to_float", to=F),
        n("Flatten", ["a"], ["flatten"], name="flatten", axis=0),
        n("Squeeze", ["u"], ["squeeze"], name="squeeze"),
        n("Expand", ["u", "shape"], ["expand"], name="expand"),
        n("Gather", ["a", "idx"], ["gather"], name="gather", axis=1),
        n("Reshape", ["a", "rs"], ["reshape"], name="reshape"),
        n("Slice", ["a", "st", "en"], ["slice"], name="slice"),
        n("Split", ["a"], ["split0", "split1"], name="split", axis=0),
    ]
    outputs = ["eq", "where", "concat", "transpose", "not", "xor", "and", "or",
               "to_int32", "to_float", "flatten", "squeeze", "expand",
               "gather", "reshape", "slice", "split0", "split1"]
    graph = helper.make_graph(
        nodes, "ops_bool",
        [vi("a", [2, 3], BOOL), vi("b", [2, 3], BOOL), vi("c", [2, 3], BOOL),
         vi("u", [1, 3], BOOL)],
        [helper.make_empty_tensor_value_info(o) for o in outputs])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                          producer_name="make_op_models.py")
    m.ir_version = 8
    m = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    inferred = {v.name: v for v in m.graph.value_info}
    del m.graph.output[:]
    m.graph.output.extend(inferred[o] for o in outputs)
    onnx.checker.check_model(m, full_check=True)
    with open(os.path.join(HERE, "ops_bool.onnx"), "wb") as f:
        f.write(m.SerializeToString())

    from onnx.reference import ReferenceEvaluator
    rng = np.random.default_rng(11)
    feeds = {name: rng.random(shape) > 0.5
             for name, shape in (("a", (2, 3)), ("b", (2, 3)), ("c", (2, 3)),
                                 ("u", (1, 3)))}
    for name, value in feeds.items():
        np.save(os.path.join(HERE, f"ops_bool.{name}.npy"), value)
    for name, value in zip(outputs, ReferenceEvaluator(m).run(None, feeds)):
        np.save(os.path.join(HERE, f"ops_bool.{name}.expected.npy"), value)


if __name__ == "__main__":
    elementwise()
    matrix()
    shape_folding()
    opset18()
    opset11()
    opset23()
    transformer23()
    external_data()
    unsorted()
    decomposed()
    unsigned()
    booleans()
