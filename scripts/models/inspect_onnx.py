#!/usr/bin/env python3
"""Print a summary of ONNX files: opset, IR version, inputs/outputs, op histogram
(node count per op type, with the distinct attribute sets each op type is used with),
initializer count and bytes, file size.  Needs only the `onnx` package.

Usage: python3 scripts/models/inspect_onnx.py FILE.onnx [...] [--json | --signatures]
  --signatures: per op type, the distinct input/output types (after ONNX shape inference)
                and which inputs are constants (c:).
"""
import collections
import json
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def _attr_repr(a: onnx.AttributeProto):
    v = helper.get_attribute_value(a)
    if isinstance(v, onnx.TensorProto):
        arr = numpy_helper.to_array(v)
        dt = helper.tensor_dtype_to_np_dtype(v.data_type).name
        if arr.size <= 8:
            return f"tensor<{dt}{list(arr.shape)}>={arr.flatten().tolist()}"
        return f"tensor<{dt}{list(arr.shape)}>"
    if isinstance(v, bytes):
        return v.decode(errors="replace")
    if isinstance(v, (list, tuple)):
        return [x.decode(errors="replace") if isinstance(x, bytes) else x for x in v]
    if isinstance(v, onnx.GraphProto):
        return f"<graph {v.name}>"
    return v


def _shape(vi):
    t = vi.type.tensor_type
    dims = [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?") for d in t.shape.dim]
    return f"{helper.tensor_dtype_to_np_dtype(t.elem_type).name}{dims}"


def summarize(path: str) -> dict:
    m = onnx.load(path)
    g = m.graph
    hist = collections.Counter()
    attrs = collections.defaultdict(collections.Counter)
    n_inputs = collections.defaultdict(collections.Counter)

    def walk(graph):
        for n in graph.node:
            key = n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}::{n.op_type}"
            hist[key] += 1
            a = {x.name: _attr_repr(x) for x in n.attribute}
            attrs[key][json.dumps(a, sort_keys=True, default=str)] += 1
            n_inputs[key][len([i for i in n.input])] += 1
            for x in n.attribute:
                if x.type == onnx.AttributeProto.GRAPH:
                    walk(x.g)

    walk(g)
    init_bytes = sum(numpy_helper.to_array(t).nbytes for t in g.initializer)
    ext = any(t.data_location == onnx.TensorProto.EXTERNAL for t in g.initializer)
    return {
        "file": os.path.basename(path),
        "file_bytes": os.path.getsize(path),
        "ir_version": m.ir_version,
        "opset": {(o.domain or "ai.onnx"): o.version for o in m.opset_import},
        "producer": f"{m.producer_name} {m.producer_version}".strip(),
        "inputs": {i.name: _shape(i) for i in g.input},
        "outputs": {o.name: _shape(o) for o in g.output},
        "n_nodes": sum(hist.values()),
        "op_histogram": dict(sorted(hist.items(), key=lambda kv: (-kv[1], kv[0]))),
        "op_attributes": {k: dict(v) for k, v in sorted(attrs.items())},
        "op_num_inputs": {k: dict(v) for k, v in sorted(n_inputs.items())},
        "n_initializers": len(g.initializer),
        "initializer_bytes": int(init_bytes),
        "external_data": ext,
        "n_value_info": len(g.value_info),
        "functions": [f.name for f in m.functions],
    }


def signatures(path: str) -> dict:
    """Per op type: distinct (input types, constness, output types) -> count, using
    onnx.shape_inference.  'c' marks an input that is an initializer or a Constant output,
    '' an absent optional input."""
    m = onnx.shape_inference.infer_shapes(onnx.load(path), strict_mode=True)
    g = m.graph
    types = {}
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        types[vi.name] = _shape(vi)
    consts = set()
    for t in g.initializer:
        types[t.name] = f"{helper.tensor_dtype_to_np_dtype(t.data_type).name}{list(t.dims)}"
        consts.add(t.name)
    sig = collections.defaultdict(collections.Counter)
    for n in g.node:
        if n.op_type == "Constant":
            consts.update(n.output)
            continue
        ins = ["" if not i else (("c:" if i in consts else "") + types.get(i, "?")) for i in n.input]
        outs = [types.get(o, "?") for o in n.output]
        sig[n.op_type][f"({', '.join(ins)}) -> ({', '.join(outs)})"] += 1
    return {k: dict(v) for k, v in sorted(sig.items())}


def print_summary(s: dict) -> None:
    print(f"== {s['file']}: {s['file_bytes']} bytes, ir_version {s['ir_version']}, "
          f"opset {s['opset']}, producer '{s['producer']}'")
    print(f"   inputs {s['inputs']}  outputs {s['outputs']}")
    print(f"   {s['n_initializers']} initializers, {s['initializer_bytes']} bytes; "
          f"external data: {s['external_data']}; value_info: {s['n_value_info']}; "
          f"functions: {s['functions']}")
    print(f"   {s['n_nodes']} nodes:")
    for op, c in s["op_histogram"].items():
        print(f"     {op:28s} {c:4d}   inputs={s['op_num_inputs'][op]}")
        for a, k in s["op_attributes"][op].items():
            if a != "{}":
                print(f"         x{k}: {a}")


if __name__ == "__main__":
    files = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = [summarize(f) for f in files]
    if "--signatures" in sys.argv:
        for f in files:
            print(f"== {os.path.basename(f)}")
            for op, d in signatures(f).items():
                for k, c in d.items():
                    print(f"   {op:20s} x{c:<3d} {k}")
    elif "--json" in sys.argv:
        print(json.dumps(out, indent=1))
    else:
        for s in out:
            print_summary(s)
