#!/usr/bin/env python3
"""Tensor parallelism over NCCL (issue 11): compile here, check and time on 2 GPUs.

Two halves, like the rest of tfc:

  python3 benchmarks/tp.py compile DIR [--configs ...]     # HERE (tfc-opt, no GPU)
      For every config (model x shape) writes DIR/NAME.mlir, a Llama-style
      graph in tfc IR (bf16, external weights bound by name from safetensors,
      RoPE tables as weights), and compiles it with tfc-compile three times:
      NAME.tfcm (1 GPU) and NAME.rank{0,1}.tfcm (tensor-parallel=2 rank=R),
      packed into DIR/artifacts.tar.xz (tp.sh unpacks them on the device).
      The shard of every weight of rank R (tfc.shard = [axis, offset, size],
      read from tfc-shard-tensor-parallel's output) goes to DIR/NAME.shards.json;
      DIR/manifest.json lists the configs.

  python3 benchmarks/tp.py run DIR --tfc-run PATH [--budget-s 480]   # ON THE DEVICE
      1. NCCL's own all-reduce bus bandwidth at 1, 16 and 256 MiB
         (torch.cuda.nccl.all_reduce over both GPUs in one process), the ceiling.
      2. Per config, while the budget lasts: random weights (torch, fixed seed,
         N(0, 0.02), norms 1) written once as NAME.safetensors and sliced into
         NAME.rank{R}.safetensors by the shard table; the 1-GPU artifact and the
         2-rank group run with tfc-run (CUDA graphs, medians of --repeat runs);
         the logits of the two agree, and (the "check" config) match a PyTorch
         implementation of the same graph in bf16 on GPU 0.
      3. A table: 1-GPU ms, 2-GPU ms, speed-up, the all-reduce time of one step
         (NCCL time at that message size x the all-reduces per step, measured
         here) and its share; JSON to $OUT/tp.json.

Configs: check (2 layers, hidden 256, 8/4 heads, FFN 512, B1xS64, vocab 1024),
llama1b (hidden 2048, 22 layers, 32/4 heads, FFN 5632, vocab 32000) and llama8b
(hidden 4096, 32 layers, 32/8 heads, FFN 14336, vocab 32000), each at
B1xS2048 and B8xS512.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MODELS = {
    "check": dict(hidden=256, layers=2, heads=8, kv_heads=4, ffn=512, vocab=1024),
    "llama1b": dict(hidden=2048, layers=22, heads=32, kv_heads=4, ffn=5632, vocab=32000),
    "llama8b": dict(hidden=4096, layers=32, heads=32, kv_heads=8, ffn=14336, vocab=32000),
}
SHAPES = {"b1s64": (1, 64), "b1s2048": (1, 2048), "b8s512": (8, 512)}
DEFAULT_CONFIGS = ["check_b1s64", "llama1b_b8s512", "llama1b_b1s2048",
                   "llama8b_b8s512", "llama8b_b1s2048"]
RANKS = 2


def config(name):
    model, shape = name.rsplit("_", 1)
    m = dict(MODELS[model])
    m["batch"], m["seq"] = SHAPES[shape]
    m["head_dim"] = m["hidden"] // m["heads"]
    return m


# --------------------------------------------------------------------------
# The graph, in tfc IR (what tfc-raise makes of a Llama export)
# --------------------------------------------------------------------------

def weight_shapes(c):
    """name -> shape of every weight, in the order the graph declares them."""
    h, d, f, v = c["hidden"], c["head_dim"], c["ffn"], c["vocab"]
    shapes = {"embed": [v, h], "rope.cos": [c["seq"], d], "rope.sin": [c["seq"], d]}
    for i in range(c["layers"]):
        p = f"layers.{i}."
        shapes.update({
            p + "attn_norm": [h], p + "wq": [h, c["heads"] * d],
            p + "wk": [h, c["kv_heads"] * d], p + "wv": [h, c["kv_heads"] * d],
            p + "wo": [c["heads"] * d, h], p + "mlp_norm": [h],
            p + "w_gate": [h, f], p + "w_up": [h, f], p + "w_down": [f, h]})
    shapes.update({"norm": [h], "lm_head": [h, v]})
    return shapes


def mlir_graph(c):
    b, s, h, d = c["batch"], c["seq"], c["hidden"], c["head_dim"]
    nh, nkv, f, v = c["heads"], c["kv_heads"], c["ffn"], c["vocab"]
    t = lambda *dims: "tensor<" + "x".join(str(x) for x in dims) + "xbf16>"
    lines = [f'func.func @main(%ids: tensor<{b}x{s}xi64> {{tfc.name = "input_ids"}}) '
             f'-> ({t(b, s, v)} {{tfc.name = "logits"}}) {{']
    for name, shape in weight_shapes(c).items():
        lines.append(f'  %{var(name)} = tfc.parameter "{name}" : {t(*shape)}')
    lines.append(f"  %h0 = tfc.gather %embed, %ids {{axis = 0 : i64}} : "
                 f"({t(v, h)}, tensor<{b}x{s}xi64>) -> {t(b, s, h)}")
    norm = lambda out, x, g: (
        f"  %{out} = tfc.rms_norm %{x}, %{g} {{axis = 2 : i64, epsilon = 1.0e-05 : f32}} "
        f": ({t(b, s, h)}, {t(h)}) -> {t(b, s, h)}")
    mm = lambda out, x, w, k, n: (
        f"  %{out} = tfc.matmul %{x}, %{w} : ({t(b, s, k)}, {t(k, n)}) -> {t(b, s, n)}")
    x = "h0"
    for i in range(c["layers"]):
        p, w = f"l{i}_", lambda n: var(f"layers.{i}.{n}")
        lines.append(norm(p + "n1", x, w("attn_norm")))
        for proj, heads in (("q", nh), ("k", nkv), ("v", nkv)):
            lines.append(mm(p + proj, p + "n1", w("w" + proj), h, heads * d))
            lines.append(f"  %{p}{proj}4 = tfc.reshape %{p}{proj} : {t(b, s, heads * d)} "
                         f"to {t(b, s, heads, d)}")
            lines.append(f"  %{p}{proj}t = tfc.transpose %{p}{proj}4 {{permutation = "
                         f"array<i64: 0, 2, 1, 3>}} : ({t(b, s, heads, d)}) -> {t(b, heads, s, d)}")
            if proj != "v":
                lines.append(f"  %{p}{proj}r = tfc.rope %{p}{proj}t, %rope_cos, %rope_sin : "
                             f"({t(b, heads, s, d)}, {t(s, d)}, {t(s, d)}) -> {t(b, heads, s, d)}")
        lines.append(f"  %{p}a = tfc.attention %{p}qr, %{p}kr, %{p}vt {{causal = true, "
                     f"scale = {1 / math.sqrt(d):.9e} : f32}} : ({t(b, nh, s, d)}, "
                     f"{t(b, nkv, s, d)}, {t(b, nkv, s, d)}) -> {t(b, nh, s, d)}")
        lines.append(f"  %{p}at = tfc.transpose %{p}a {{permutation = array<i64: 0, 2, 1, 3>}} "
                     f": ({t(b, nh, s, d)}) -> {t(b, s, nh, d)}")
        lines.append(f"  %{p}a2 = tfc.reshape %{p}at : {t(b, s, nh, d)} to {t(b, s, nh * d)}")
        lines.append(mm(p + "o", p + "a2", w("wo"), nh * d, h))
        lines.append(f"  %{p}h1 = tfc.add %{x}, %{p}o : ({t(b, s, h)}, {t(b, s, h)}) -> {t(b, s, h)}")
        lines.append(norm(p + "n2", p + "h1", w("mlp_norm")))
        lines.append(mm(p + "g", p + "n2", w("w_gate"), h, f))
        lines.append(mm(p + "u", p + "n2", w("w_up"), h, f))
        lines.append(f"  %{p}s = tfc.swiglu %{p}g, %{p}u : {t(b, s, f)}")
        lines.append(mm(p + "d", p + "s", w("w_down"), f, h))
        lines.append(f"  %{p}h2 = tfc.add %{p}h1, %{p}d : ({t(b, s, h)}, {t(b, s, h)}) -> {t(b, s, h)}")
        x = p + "h2"
    lines.append(norm("nf", x, "norm"))
    lines.append(mm("logits", "nf", "lm_head", h, v))
    lines.append(f"  return %logits : {t(b, s, v)}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def var(name):
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


# --------------------------------------------------------------------------
# compile (here)
# --------------------------------------------------------------------------

def cmd_compile(args):
    os.makedirs(args.dir, exist_ok=True)
    # A private copy: a rebuild of build/bin/tfc-opt mid-way must not break us.
    import shutil
    import tempfile
    private = os.path.join(tempfile.mkdtemp(prefix="tfc-tp-"), "tfc-opt")
    shutil.copy2(args.tfc_opt, private)
    args.tfc_opt = private
    manifest = {"ranks": RANKS, "configs": {}}
    for name in args.configs.split(","):
        c = config(name)
        src = os.path.join(args.dir, name + ".mlir")
        with open(src, "w") as f:
            f.write(mlir_graph(c))
        entry = {"config": c, "weights": weight_shapes(c), "compile_s": {}}
        # The shard table: what tfc-shard-tensor-parallel gives each rank.
        shards = {}
        for r in range(RANKS):
            out = subprocess.run(
                [args.tfc_opt, src, f"--tfc-shard-tensor-parallel=ranks={RANKS} rank={r}"],
                capture_output=True, text=True, check=True).stdout
            shards[r] = {m.group(1): [int(x) for x in m.group(2).split(",")]
                         for m in re.finditer(r'tfc\.parameter "([^"]+)" \{tfc\.shard = '
                                              r'array<i64: ([0-9, ]+)>\}', out)}
        with open(os.path.join(args.dir, name + ".shards.json"), "w") as f:
            json.dump(shards, f)
        jobs = [(name + ".tfcm", "", name + ".safetensors")] + [
            (f"{name}.rank{r}.tfcm", f" tensor-parallel={RANKS} rank={r}",
             f"{name}.rank{r}.safetensors") for r in range(RANKS)]
        for art, tp, weights in jobs:
            t0 = time.time()
            p = subprocess.run(
                [args.tfc_opt, src, "-o", "/dev/null",
                 f"--tfc-compile=target=sm_90a precision=bf16 ptxas={args.ptxas} "
                 f"artifact={os.path.join(args.dir, art)} external-weights-file={weights}{tp}"],
                capture_output=True, text=True)
            entry["compile_s"][art] = round(time.time() - t0, 1)
            if p.returncode:
                sys.exit(f"tfc-opt failed on {art}:\n{p.stderr[-3000:]}")
            print(f"compiled {art} in {entry['compile_s'][art]} s", flush=True)
        manifest["configs"][name] = entry
    with open(os.path.join(args.dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    # The artifacts repeat the same kernels layer after layer: xz makes the
    # ~130 MB of the default configs fit the device call's 64 MiB carry.
    arts = sorted(f for f in os.listdir(args.dir) if f.endswith(".tfcm"))
    subprocess.run(["tar", "-cJf", "artifacts.tar.xz"] + arts, cwd=args.dir, check=True)
    for f in arts:
        os.remove(os.path.join(args.dir, f))
    print(f"packed {len(arts)} artifacts into {args.dir}/artifacts.tar.xz "
          f"({os.path.getsize(os.path.join(args.dir, 'artifacts.tar.xz'))} bytes)")


# --------------------------------------------------------------------------
# run (on the device)
# --------------------------------------------------------------------------

def nccl_bus_bandwidth(torch, sizes_mib, iters=20):
    """Bus bandwidth of torch.cuda.nccl.all_reduce over all GPUs, one process."""
    import torch.cuda.nccl as nccl
    n = torch.cuda.device_count()
    out = {}
    for mib in sizes_mib:
        count = mib * (1 << 20) // 2
        bufs = [torch.ones(count, dtype=torch.bfloat16, device=f"cuda:{i}") for i in range(n)]
        for _ in range(3):
            nccl.all_reduce(bufs)
        for i in range(n):
            torch.cuda.synchronize(i)
        t0 = time.perf_counter()
        for _ in range(iters):
            nccl.all_reduce(bufs)
        for i in range(n):
            torch.cuda.synchronize(i)
        seconds = (time.perf_counter() - t0) / iters
        nbytes = count * 2
        out[mib] = {"ms": seconds * 1e3, "algbw_GBs": nbytes / seconds / 1e9,
                    "busbw_GBs": nbytes / seconds / 1e9 * 2 * (n - 1) / n}
        del bufs
    return out


def allreduce_ms(torch, nbytes, iters=20):
    import torch.cuda.nccl as nccl
    n = torch.cuda.device_count()
    bufs = [torch.ones(nbytes // 2, dtype=torch.bfloat16, device=f"cuda:{i}") for i in range(n)]
    for _ in range(3):
        nccl.all_reduce(bufs)
    for i in range(n):
        torch.cuda.synchronize(i)
    t0 = time.perf_counter()
    for _ in range(iters):
        nccl.all_reduce(bufs)
    for i in range(n):
        torch.cuda.synchronize(i)
    return (time.perf_counter() - t0) / iters * 1e3


def make_weights(torch, c, seed):
    g = torch.Generator(device="cuda:0").manual_seed(seed)
    out = {}
    for name, shape in weight_shapes(c).items():
        if name.endswith("norm"):
            w = torch.ones(shape, dtype=torch.bfloat16, device="cuda:0")
        elif name.startswith("rope."):
            continue
        else:
            w = (torch.randn(shape, generator=g, device="cuda:0") * 0.02).to(torch.bfloat16)
        out[name] = w
    d, s = c["head_dim"], c["seq"]
    inv = 1.0 / (10000 ** (torch.arange(0, d, 2, device="cuda:0").float() / d))
    ang = torch.outer(torch.arange(s, device="cuda:0").float(), inv)
    ang = torch.cat([ang, ang], dim=-1)
    out["rope.cos"] = ang.cos().to(torch.bfloat16)
    out["rope.sin"] = ang.sin().to(torch.bfloat16)
    return out


def torch_reference(torch, c, w, ids):
    """The graph of mlir_graph in PyTorch (bf16, SDPA with GQA), on cuda:0."""
    F = torch.nn.functional
    b, s, nh, nkv, d = c["batch"], c["seq"], c["heads"], c["kv_heads"], c["head_dim"]

    def rms(x, g):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + 1e-5)).to(x.dtype) * g

    def rope(x):
        x1, x2 = x[..., : d // 2], x[..., d // 2:]
        return x * w["rope.cos"] + torch.cat([-x2, x1], dim=-1) * w["rope.sin"]

    x = w["embed"][ids]
    for i in range(c["layers"]):
        p = f"layers.{i}."
        n = rms(x, w[p + "attn_norm"])
        q = rope((n @ w[p + "wq"]).view(b, s, nh, d).transpose(1, 2))
        k = rope((n @ w[p + "wk"]).view(b, s, nkv, d).transpose(1, 2))
        v = (n @ w[p + "wv"]).view(b, s, nkv, d).transpose(1, 2)
        k = k.repeat_interleave(nh // nkv, dim=1)
        v = v.repeat_interleave(nh // nkv, dim=1)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + a.transpose(1, 2).reshape(b, s, nh * d) @ w[p + "wo"]
        n = rms(x, w[p + "mlp_norm"])
        x = x + (F.silu(n @ w[p + "w_gate"]) * (n @ w[p + "w_up"])) @ w[p + "w_down"]
    return rms(x, w["norm"]) @ w["lm_head"]


def write_safetensors(path, tensors):
    """bf16 tensors (torch) -> safetensors, streamed tensor by tensor."""
    header, offset = {}, 0
    for name, t in tensors.items():
        nbytes = t.numel() * 2
        header[name] = {"dtype": "BF16", "shape": list(t.shape),
                        "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)
    with open(path, "wb") as f:
        f.write(len(blob).to_bytes(8, "little"))
        f.write(blob)
        for t in tensors.values():
            f.write(t.contiguous().view(-1).view(__import__("torch").int16).cpu().numpy().tobytes())


def tfc_run(tfc_run_path, args, log):
    p = subprocess.run([tfc_run_path] + args, capture_output=True, text=True,
                       env=dict(os.environ, NCCL_NVLS_ENABLE="0"))
    log.write("$ tfc-run " + " ".join(args) + "\n" + p.stdout + p.stderr + "\n")
    log.flush()
    if p.returncode:
        raise RuntimeError(f"tfc-run failed ({p.returncode}): {(p.stdout + p.stderr)[-2000:]}")
    m = re.search(r"latency: median ([0-9.]+) ms", p.stdout)
    return float(m.group(1)) if m else None


def cmd_run(args):
    import numpy as np
    import torch
    t_start = time.time()
    deadline = t_start + args.budget_s
    out_dir = os.environ.get("OUT", "/tmp/tfc-tp")
    os.makedirs(out_dir, exist_ok=True)
    log = open(os.path.join(out_dir, "tp.log"), "w")
    work = args.work
    os.makedirs(work, exist_ok=True)
    manifest = json.load(open(os.path.join(args.dir, "manifest.json")))
    result = {"device": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())],
              "torch": torch.__version__, "nccl": str(torch.cuda.nccl.version()),
              "nccl_busbw": {}, "configs": {}, "skipped": []}
    print("devices:", result["device"], "torch", result["torch"], "nccl", result["nccl"], flush=True)
    if torch.cuda.device_count() < RANKS:
        sys.exit(f"needs {RANKS} GPUs, found {torch.cuda.device_count()}")

    bw = nccl_bus_bandwidth(torch, [1, 16, 256])
    result["nccl_busbw"] = bw
    for mib, r in bw.items():
        print(f"NCCL all-reduce {mib:>3} MiB bf16: {r['ms']:.3f} ms, bus {r['busbw_GBs']:.1f} GB/s", flush=True)

    # Rough cost per config (seconds), to skip what does not fit the budget.
    estimate = lambda c: 15 + 3e-9 * 2 * sum(math.prod(s) for s in weight_shapes(c).values()) * 4
    for name, entry in manifest["configs"].items():
        c = entry["config"]
        if time.time() + estimate(c) > deadline:
            result["skipped"].append(name)
            print(f"skip {name}: the budget ({args.budget_s} s) would run out", flush=True)
            continue
        rec = {"config": c}
        try:
            w = make_weights(torch, c, seed=11)
            full = os.path.join(work, name + ".safetensors")
            write_safetensors(full, w)
            shards = json.load(open(os.path.join(args.dir, name + ".shards.json")))
            for r in range(RANKS):
                part = {}
                for wname, t in w.items():
                    if wname in shards[str(r)]:
                        axis, off, size = shards[str(r)][wname]
                        t = t.narrow(axis, off, size)
                    part[wname] = t
                write_safetensors(os.path.join(work, f"{name}.rank{r}.safetensors"), part)
            ids = torch.randint(0, c["vocab"], (c["batch"], c["seq"]), generator=torch.Generator().manual_seed(5))
            np.save(os.path.join(work, name + ".ids.npy"), ids.numpy())
            common = ["--input", f"input_ids={os.path.join(work, name + '.ids.npy')}",
                      "--warmup", "3", "--repeat", str(args.repeat)]
            one_out, two_out = os.path.join(work, name + ".out1"), os.path.join(work, name + ".out2")
            rec["ms_1gpu"] = tfc_run(args.tfc_run, [os.path.join(args.dir, name + ".tfcm"),
                                                   "--weights", full, "--output-dir", one_out] + common, log)
            rec["ms_2gpu"] = tfc_run(args.tfc_run, [os.path.join(args.dir, name + ".rank{rank}.tfcm"),
                                                   "--ranks", str(RANKS), "--weights",
                                                   os.path.join(work, name + ".rank{rank}.safetensors"),
                                                   "--output-dir", two_out] + common, log)
            bits = lambda p: np.load(os.path.join(p, "logits.npy")).astype(np.uint32) << 16
            l1 = bits(one_out).view(np.float32)
            l2 = bits(two_out).view(np.float32)
            scale = float(np.abs(l1).max()) or 1.0
            rec["max_abs_diff_2gpu_vs_1gpu"] = float(np.abs(l1 - l2).max())
            rec["max_rel_diff_2gpu_vs_1gpu"] = rec["max_abs_diff_2gpu_vs_1gpu"] / scale
            if c["layers"] <= 4:
                ref = torch_reference(torch, c, w, ids.cuda()).float().cpu().numpy()
                rec["max_rel_diff_2gpu_vs_torch"] = float(np.abs(l2 - ref).max()) / (float(np.abs(ref).max()) or 1.0)
                rec["max_rel_diff_1gpu_vs_torch"] = float(np.abs(l1 - ref).max()) / (float(np.abs(ref).max()) or 1.0)
            step_bytes = c["batch"] * c["seq"] * c["hidden"] * 2
            rec["allreduce_bytes"] = step_bytes
            rec["allreduces_per_step"] = 2 * c["layers"]
            rec["allreduce_ms_each"] = allreduce_ms(torch, step_bytes)
            rec["allreduce_ms_step"] = rec["allreduce_ms_each"] * rec["allreduces_per_step"]
            if rec["ms_1gpu"] and rec["ms_2gpu"]:
                rec["speedup"] = rec["ms_1gpu"] / rec["ms_2gpu"]
            if c["layers"] <= 4:
                # A rank whose device is missing (rank 1 on GPU 2) stops the
                # group with its name, and nothing hangs.
                probe = subprocess.run(
                    ["timeout", "60", args.tfc_run, os.path.join(args.dir, name + ".rank{rank}.tfcm"),
                     "--ranks", str(RANKS), "--device", "1", "--weights",
                     os.path.join(work, name + ".rank{rank}.safetensors")] + common,
                    capture_output=True, text=True, env=dict(os.environ, NCCL_NVLS_ENABLE="0"))
                rec["missing_device_probe"] = {"rc": probe.returncode,
                                               "message": (probe.stdout + probe.stderr).strip()[-400:]}
                print("missing-device probe:", rec["missing_device_probe"], flush=True)
            del w
            torch.cuda.empty_cache()
            for f in os.listdir(work):
                if f.startswith(name) and f.endswith(".safetensors"):
                    os.remove(os.path.join(work, f))
        except Exception as e:  # recorded, the next config still runs
            rec["error"] = str(e)[-1500:]
            print(f"{name}: ERROR {rec['error']}", flush=True)
        result["configs"][name] = rec
        print(name, json.dumps({k: v for k, v in rec.items() if k != "config"}), flush=True)

    tol = 2e-2  # bf16, relative to max |logit|
    print("\n| config | 1 GPU ms | 2 GPUs ms | speed-up | all-reduce ms/step (share of 2-GPU) | 2-GPU vs 1-GPU | vs torch |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    ok = True
    for name, r in result["configs"].items():
        if "error" in r:
            ok = False
            print(f"| {name} | error | | | | | |")
            continue
        share = r["allreduce_ms_step"] / r["ms_2gpu"] if r.get("ms_2gpu") else float("nan")
        vs_torch = r.get("max_rel_diff_2gpu_vs_torch")
        ok &= r["max_rel_diff_2gpu_vs_1gpu"] <= tol and (vs_torch is None or vs_torch <= tol)
        print(f"| {name} | {r['ms_1gpu']:.3f} | {r['ms_2gpu']:.3f} | {r.get('speedup', float('nan')):.2f}x | "
              f"{r['allreduce_ms_step']:.3f} ({share:.0%}) | {r['max_rel_diff_2gpu_vs_1gpu']:.2e} | "
              f"{'' if vs_torch is None else f'{vs_torch:.2e}'} |")
    for mib, r in bw.items():
        print(f"NCCL bus bandwidth {mib} MiB: {r['busbw_GBs']:.1f} GB/s")
    result["verdict"] = "PASS" if ok and not result["skipped"] else ("PASS (some skipped)" if ok else "FAIL")
    result["wall_s"] = round(time.time() - t_start, 1)
    json.dump(result, open(os.path.join(out_dir, "tp.json"), "w"), indent=1)
    print("verdict:", result["verdict"], f"({result['wall_s']} s)")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("compile")
    c.add_argument("dir")
    c.add_argument("--configs", default=",".join(DEFAULT_CONFIGS))
    c.add_argument("--tfc-opt", default=os.path.join(ROOT, "build/bin/tfc-opt"))
    c.add_argument("--ptxas", default="auto")
    r = sub.add_parser("run")
    r.add_argument("dir")
    r.add_argument("--tfc-run", required=True)
    r.add_argument("--work", default="/tmp/tfc-tp-work")
    r.add_argument("--budget-s", type=float, default=480)
    r.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()
    return cmd_compile(args) if args.cmd == "compile" else cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
