#!/usr/bin/env python3
"""Writes the per-model compile report (issue 5) as Markdown, from what
`tfc-compile report=true` and the graph passes print: predicted HBM bytes and
kernels before/after each pass, every kernel of the compiled model, kernels
and bytes per layer against the unfused model (fuse=false), what stayed
unfused and why, and the memory plan (arena vs the sum of intermediates).

Runs HERE (no GPU): every number is the compiler's prediction (cost model on
the #tfc.target preset), not a measurement.

Usage: scripts/model_report.py TFC_OPT MODEL.onnx [--target sm_90a]
           [--precision f32] [-o REPORT.md]
docs/gpt2-style-report.md is `scripts/model_report.py build/bin/tfc-opt
test/models/gpt2_style_min.ts17.onnx -o docs/gpt2-style-report.md`;
test/Pipeline/model-report.test regenerates it and fails on any difference.
"""
import argparse
import os
import re
import subprocess
import sys

FUSE_TOTAL = re.compile(r"^tfc-(fuse|rematerialize): @\S+: (\d+) kernels -> (\d+), "
                        r"predicted HBM bytes (\d+) -> (\d+), time ([\d.]+) -> ([\d.]+) us")
TILE_KERNEL = re.compile(r'^tfc-tile: kernel (\d+) "([^"]+)"(?: \((\S+)(?: "([^"]*)")?\))?: '
                         r"(\d+) bytes, ([\d.]+) MFLOP, ([\d.]+) us, tile (.*)$")
TILE_TOTAL = re.compile(r"^tfc-tile: @\S+ on (\S+): (\d+) kernels, predicted HBM bytes (\d+), "
                        r"time ([\d.]+) us, intermediates (\d+) bytes")
KEPT_APART = re.compile(r"^tfc-fuse: kept apart: (.*) -> (.*?): (.*)$")
FUSION = re.compile(r'^tfc-fuse: fusion "([^"]+)" of (\d+) ops \(([^)]*)\): (\d+) -> (\d+) bytes')
ARENA = re.compile(r"tfc\.arena_bytes = (\d+) : i64, tfc\.unplanned_bytes = (\d+) : i64")
LAYER = re.compile(r"(?:^|/|\.)(?:blocks|h|layers|layer)\.(\d+)(?:/|\.|$)")


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    return p.stdout, p.stderr.splitlines()


def fuse_totals(lines, pass_name):
    for line in lines:
        m = FUSE_TOTAL.match(line)
        if m and m.group(1) == pass_name:
            return (int(m.group(2)), int(m.group(3)), int(m.group(4)), int(m.group(5)),
                    float(m.group(6)), float(m.group(7)))
    sys.exit(f"no tfc-{pass_name} total in the output")


def kernel_table(lines):
    kernels = []
    for line in lines:
        m = TILE_KERNEL.match(line)
        if m:
            kernels.append({"index": int(m.group(1)), "family": m.group(2),
                            "op": m.group(3) or "", "name": m.group(4) or "",
                            "bytes": int(m.group(5)), "mflop": m.group(6),
                            "us": m.group(7), "tile": m.group(8)})
    total = next((TILE_TOTAL.match(l) for l in lines if TILE_TOTAL.match(l)), None)
    if not kernels or not total:
        sys.exit("no tfc-tile kernel table in the output")
    return kernels, total


def assign_layers(kernels):
    """Layer of each kernel from its node name (blocks.N, h.N, layers.N);
    kernels before the first layer are 'embedding', after the last 'head'."""
    seen = False
    for k in kernels:
        m = LAYER.search(k["name"])
        if m:
            k["layer"] = f"layer {m.group(1)}"
            seen = True
        else:
            k["layer"] = "head" if seen else "embedding"


def per_layer(kernels):
    order, table = [], {}
    for k in kernels:
        if k["layer"] not in table:
            order.append(k["layer"])
            table[k["layer"]] = [0, 0]
        table[k["layer"]][0] += 1
        table[k["layer"]][1] += k["bytes"]
    return order, table


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tfc_opt")
    ap.add_argument("model")
    ap.add_argument("--target", default="sm_90a")
    ap.add_argument("--precision", default="f32")
    ap.add_argument("-o", "--output", default="-")
    args = ap.parse_args()
    tfc_opt, model = args.tfc_opt, args.model
    shown = os.path.join(os.path.basename(os.path.dirname(model)), os.path.basename(model))
    options = f"target={args.target} precision={args.precision}"

    # 1. Totals before each graph pass: tfc-fuse's "before" is the graph with
    #    one kernel per op; tfc-fuse/tfc-rematerialize then give their after.
    stages = [("imported", []),
              ("canonicalize", ["--canonicalize"]),
              ("tfc-raise", ["--canonicalize", "--tfc-raise"]),
              ("tfc-canonicalize-layout", ["--canonicalize", "--tfc-raise",
                                           "--tfc-canonicalize-layout"])]
    if args.precision != "f32":
        stages.append(("tfc-lower-precision", stages[-1][1] + [
            f"--tfc-lower-precision=dtype={args.precision}", "--tfc-fold-weight-casts"]))
    stages.append(("tfc-online-softmax", stages[-1][1] + ["--tfc-online-softmax"]))
    rows = []
    for name, passes in stages:
        _, err = run([tfc_opt, model, f"--tfc-set-target=preset={args.target}", *passes,
                      "--tfc-fuse=report=true", "-o", os.devnull])
        before = fuse_totals(err, "fuse")
        rows.append((name, before[0], before[2], before[4]))

    out, err = run([tfc_opt, model,
                    f"--tfc-compile={options} report=true stop-after=kernels"])
    fuse = fuse_totals(err, "fuse")
    remat = fuse_totals(err, "rematerialize")
    rows.append(("tfc-fuse", fuse[1], fuse[3], fuse[5]))
    rows.append(("tfc-rematerialize", remat[1], remat[3], remat[5]))
    kernels, total = kernel_table(err)
    assign_layers(kernels)
    arena = ARENA.search(out)
    if not arena:
        sys.exit("no tfc.arena_bytes in the kernels IR")
    kept = [KEPT_APART.match(l).groups() for l in err if KEPT_APART.match(l)]
    fusions = [FUSION.match(l).groups() for l in err if FUSION.match(l)]

    _, err_unfused = run([tfc_opt, model,
                          f"--tfc-compile={options} fuse=false report=true stop-after=graph"])
    unfused, unfused_total = kernel_table(err_unfused)
    assign_layers(unfused)

    md = []
    w = md.append
    w(f"# Compile report: `{shown}`")
    w("")
    w("Generated by `scripts/model_report.py` (do not edit by hand; "
      "`test/Pipeline/model-report.test` fails when it is stale). Every number is "
      f"the compiler's prediction for `{args.target}` (cost model on the `#tfc.target` "
      "preset: HBM bytes read and written once per kernel, roofline time), not a "
      "measurement.")
    w("")
    w(f"Command: `tfc-opt {shown} --tfc-compile=\"{options} report=true\"`")
    w("")
    w("## Kernels and predicted HBM bytes, before and after each pass")
    w("")
    w("Up to `tfc-online-softmax` the graph is priced as one kernel per op "
      "(what `tfc-fuse` starts from); `tfc-fuse` and `tfc-rematerialize` then form "
      "the kernels.")
    w("")
    w("| after | kernels | predicted HBM bytes | predicted time (us) |")
    w("| --- | ---: | ---: | ---: |")
    for name, n, b, t in rows:
        w(f"| {name} | {n} | {b} | {t:.3f} |")
    w("")
    w(f"Unfused (`fuse=false`): {unfused_total.group(2)} kernels, "
      f"{unfused_total.group(3)} bytes. Fused: {total.group(2)} kernels, "
      f"{total.group(3)} bytes "
      f"({100.0 * int(total.group(3)) / int(unfused_total.group(3)):.1f}% of unfused).")
    w("")
    w("## Memory plan (`tfc-plan-memory`)")
    w("")
    a, u = int(arena.group(1)), int(arena.group(2))
    w(f"Arena {a} bytes for intermediates that sum to {u} bytes (each aligned to 256): "
      f"{100.0 * a / u:.1f}%, liveness-based reuse. (`tfc-tile` counts "
      f"{total.group(5)} bytes of kernel results the function does not return.)")
    w("")
    w("## Per layer: fused against unfused")
    w("")
    fused_order, fused_layers = per_layer(kernels)
    unfused_order, unfused_layers = per_layer(unfused)
    order = unfused_order + [l for l in fused_order if l not in unfused_order]
    w("| part | kernels (unfused) | predicted HBM bytes | unfused bytes | fused/unfused |")
    w("| --- | ---: | ---: | ---: | ---: |")
    for layer in order:
        fk, fb = fused_layers.get(layer, [0, 0])
        uk, ub = unfused_layers.get(layer, [0, 0])
        ratio = f"{100.0 * fb / ub:.1f}%" if ub else "-"
        w(f"| {layer} | {fk} ({uk}) | {fb} | {ub} | {ratio} |")
    w("")
    w("Each kernel is assigned to the layer its anchor's ONNX node names; ops "
      "recomputed inside a kernel of a layer (`tfc-rematerialize`, e.g. the "
      "embedding lookup in the first LayerNorm) count there.")
    w("")
    w("## Every kernel")
    w("")
    w("| # | family | anchor | node | part | HBM bytes | MFLOP | time (us) | tile |")
    w("| ---: | --- | --- | --- | --- | ---: | ---: | ---: | --- |")
    for k in kernels:
        w(f"| {k['index']} | {k['family']} | {k['op']} | `{k['name']}` | {k['layer']} | "
          f"{k['bytes']} | {k['mflop']} | {k['us']} | {k['tile']} |")
    w("")
    w("## Fusions formed (`tfc-fuse`)")
    w("")
    w("| kind | ops | bytes apart | bytes fused |")
    w("| --- | --- | ---: | ---: |")
    for kind, n, ops, apart, fused in fusions:
        w(f"| {kind} | {ops} | {apart} | {fused} |")
    w("")
    w("## What stayed unfused, and why (`tfc-fuse` kept apart)")
    w("")
    w("Every producer -> consumer edge left between two kernels, with the reason "
      "the fuser gives.")
    w("")
    w("| producer | consumer | why |")
    w("| --- | --- | --- |")
    for producer, consumer, why in kept:
        w(f"| `{producer}` | `{consumer}` | {why} |")
    w("")
    text = "\n".join(md)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
