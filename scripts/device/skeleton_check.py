#!/usr/bin/env python3
"""Walking-skeleton check on the GPU (run on the device machine).

For every compiled model: runs its .tfcm with tfc-run through a CUDA graph and
launch by launch, compares both against the references (onnxruntime's output
committed in test/models, and PyTorch's on this GPU), checks that the graph
run equals the launch-by-launch run, times tfc (median of CUDA-event runs
after warm-up) beside PyTorch eager on the same GPU, and runs
compute-sanitizer memcheck over one run. Prints one verdict line per model,
writes a JSON of all numbers, exits non-zero on any mismatch.

Usage: skeleton_check.py --tfc-run PATH --artifacts DIR --out DIR
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, "test", "models")
sys.path.insert(0, os.path.join(ROOT, "scripts", "models"))

# name -> (artifact stem, {input name: npy}, {output name: reference npy}, torch builder)
CASES = {
    "handmade_mlp_ln_softmax": (
        "handmade_mlp_ln_softmax",
        {"x": "handmade_mlp_ln_softmax.input.x.npy"},
        {"y": "handmade_mlp_ln_softmax.output.y.npy"},
        "handmade"),
    "gpt2_style_min.ts17": (
        "gpt2_style_min.ts17",
        {"input_ids": "gpt2_style_min.input.input_ids.npy"},
        {"logits": "gpt2_style_min.ts17.output.logits.ort.npy"},
        "min"),
    "gpt2_tiny.ts17": (
        "gpt2_tiny.ts17",
        {"input_ids": "gpt2_tiny.input.input_ids.npy"},
        {"logits": "gpt2_tiny.ts17.output.logits.ort.npy"},
        "gpt2_tiny"),
    "gpt2_tiny.dynamo18": (
        "gpt2_tiny.dynamo18",
        {"input_ids": "gpt2_tiny.input.input_ids.npy"},
        {"logits": "gpt2_tiny.dynamo18.output.logits.ort.npy"},
        "gpt2_tiny"),
}
RTOL, ATOL = 1e-4, 1e-5  # f32 tolerance (DESIGN: f32 ~1e-5)


def run(cmd, timeout=600):
    t = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout + p.stderr, time.time() - t


def compare(got, ref):
    got = got.astype(np.float64)
    ref = ref.astype(np.float64)
    if got.shape != ref.shape:
        return {"ok": False, "why": f"shape {got.shape} vs {ref.shape}"}
    err = np.abs(got - ref)
    scale = max(1.0, float(np.abs(ref).max()))
    return {
        "ok": bool(np.allclose(got, ref, rtol=RTOL, atol=ATOL)) and bool(np.isfinite(got).all()),
        "max_abs_err": float(err.max()),
        "max_rel_err": float(err.max() / scale),
    }


def torch_reference(kind, inputs):
    """PyTorch eager on the GPU: output (fp32, TF32 off) and median latency (ms)."""
    import torch
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    if kind == "handmade":
        import onnx
        from onnx import numpy_helper
        m = onnx.load(os.path.join(MODELS, "handmade_mlp_ln_softmax.onnx"))
        w = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()).cuda() for i in m.graph.initializer}
        names = [n for n in w]
        mats = [w[n] for n in names if w[n].dim() == 2]
        vecs = [w[n] for n in names if w[n].dim() == 1]
        W, (b, g, beta) = mats[0], vecs[:3]

        def fn(x):
            h = x @ W + b
            h = torch.nn.functional.layer_norm(h, (h.shape[-1],), g, beta, 1e-5)
            return torch.softmax(h, -1)
        x = torch.from_numpy(inputs["x"]).cuda()
        args = (x,)
    else:
        import export_on_device as ex
        model = ex.make_min() if kind == "min" else ex.make_gpt2_tiny()
        model = model.cuda().eval()
        ids = torch.from_numpy(inputs["input_ids"]).cuda()
        args = (ids,)

        def fn(ids):
            out = model(ids)
            return out[0] if isinstance(out, (tuple, list)) else out
    with torch.no_grad():
        out = fn(*args)
        for _ in range(10):
            fn(*args)
        torch.cuda.synchronize()
        times = []
        for _ in range(100):
            s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            s.record()
            fn(*args)
            e.record()
            torch.cuda.synchronize()
            times.append(s.elapsed_time(e))
    return out.float().cpu().numpy(), float(np.median(times))


def parse_median_ms(text):
    m = re.search(r"median[^0-9]*([0-9.]+)\s*ms", text)
    return float(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tfc-run", required=True)
    ap.add_argument("--artifacts", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--sanitizer", default="compute-sanitizer")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    results, failed = {}, False
    for name, (stem, inputs, refs, kind) in CASES.items():
        art = os.path.join(args.artifacts, stem + ".tfcm")
        if not os.path.exists(art):
            print(f"SKIP {name}: no artifact {art}")
            continue
        r = {"artifact": art}
        in_args = []
        for k, f in inputs.items():
            in_args += ["--input", f"{k}={os.path.join(MODELS, f)}"]
        outs = {}
        for mode, extra in (("graph", []), ("no_graph", ["--no-graph"])):
            d = os.path.join(args.out, name + "." + mode)
            rc, text, _ = run([args.tfc_run, art, *in_args, "--output-dir", d,
                               "--repeat", "100", "--warmup", "10", "--poison", *extra])
            r[mode + "_rc"] = rc
            r[mode + "_median_ms"] = parse_median_ms(text)
            if rc != 0:
                r[mode + "_log"] = text[-2000:]
                continue
            outs[mode] = {k: np.load(os.path.join(d, k + ".npy")) for k in refs}
        ok = all(r.get(m + "_rc") == 0 for m in ("graph", "no_graph"))
        if ok:
            for k, f in refs.items():
                ref = np.load(os.path.join(MODELS, f))
                for mode in ("graph", "no_graph"):
                    c = compare(outs[mode][k], ref)
                    r[f"{mode}_vs_ort_{k}"] = c
                    ok &= c["ok"]
                r[f"graph_equals_no_graph_{k}"] = bool(np.array_equal(outs["graph"][k], outs["no_graph"][k]))
                ok &= r[f"graph_equals_no_graph_{k}"]
        try:
            tout, tms = torch_reference(kind, {k: np.load(os.path.join(MODELS, f)) for k, f in inputs.items()})
            r["torch_eager_median_ms"] = tms
            if ok:
                c = compare(outs["graph"][list(refs)[0]], tout)
                r["graph_vs_torch_gpu"] = c
                ok &= c["ok"]
        except Exception as e:  # keep going: the tfc verdict still stands
            r["torch_error"] = repr(e)[:500]
        # compute-sanitizer memcheck over one graph run and one launch-by-launch run
        for mode, extra in (("graph", []), ("no_graph", ["--no-graph"])):
            rc, text, _ = run([args.sanitizer, "--tool", "memcheck", "--error-exitcode", "17",
                               args.tfc_run, art, *in_args, "--output-dir",
                               os.path.join(args.out, name + ".cs"), *extra])
            summary = re.findall(r"ERROR SUMMARY: (\d+) error", text)
            r[f"memcheck_{mode}"] = {"rc": rc, "errors": int(summary[-1]) if summary else None}
            ok &= rc == 0
            if rc != 0:
                r[f"memcheck_{mode}_log"] = text[-1500:]
        r["ok"] = bool(ok)
        failed |= not ok
        results[name] = r
        errs = [v["max_abs_err"] for k, v in r.items() if isinstance(v, dict) and "max_abs_err" in v]
        print(f"{'PASS' if ok else 'FAIL'} {name}: max_abs_err={max(errs) if errs else 'n/a'} "
              f"tfc graph={r.get('graph_median_ms')} ms, launch-by-launch={r.get('no_graph_median_ms')} ms, "
              f"torch eager={r.get('torch_eager_median_ms')} ms, memcheck="
              f"{r.get('memcheck_graph', {}).get('errors')}/{r.get('memcheck_no_graph', {}).get('errors')} errors")
        if not ok:
            for k, v in r.items():
                if k.endswith("_log") or k == "torch_error":
                    print(f"  {k}: {v}")
    with open(os.path.join(args.out, "skeleton.json"), "w") as f:
        json.dump(results, f, indent=1)
    print("verdict:", "FAIL" if failed or not results else "PASS")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
