#!/usr/bin/env python3
"""Tensor parallelism over NCCL (issue 11): compile here, check and time on 2 GPUs.

Two halves, like the rest of tfc:

  python3 benchmarks/tp.py compile DIR [--configs ...] [--low-configs ...]   # HERE
      For every config (model x shape) writes DIR/NAME.mlir, a Llama-style
      graph in tfc IR (bf16, external weights bound by name from safetensors,
      RoPE tables as weights), and compiles it with tfc-compile three times:
      NAME.tfcm (1 GPU) and NAME.rank{0,1}.tfcm (tensor-parallel=2 rank=R,
      tp-reduce-dtype=f32: partials all-reduced in f32); the configs of
      --low-configs also get NAME.low.rank{0,1}.tfcm (tp-reduce-dtype=low:
      bf16 partials, half the all-reduce bytes). All packed into
      DIR/artifacts.tar.xz (tp.sh unpacks them on the device).
      The shard of every weight of rank R (tfc.shard = [axis, offset, size],
      read from tfc-shard-tensor-parallel's output) goes to DIR/NAME.shards.json;
      DIR/manifest.json lists the configs.

  python3 benchmarks/tp.py run DIR --tfc-run PATH [--budget-s 480]   # ON THE DEVICE
      1. NCCL's own all-reduce bus bandwidth at 1, 16 and 256 MiB
         (torch.cuda.nccl.all_reduce over both GPUs in one process), the ceiling.
      2. Per config, while the budget lasts: random weights (torch, fixed seed,
         N(0, 0.02), norms 1) written once per model as MODEL.safetensors and
         sliced into MODEL.rank{R}.safetensors by the shard table (the RoPE
         tables of each shape in NAME.rope.safetensors); the 1-GPU artifact
         and the 2-rank group(s) run with tfc-run (CUDA graphs, medians of
         --repeat runs; the B8xS512 1-GPU run also launch by launch, for the
         time per kernel family).
      3. Accuracy, as benchmarks/e2e.py measures it: the reference is the HF
         transformers LlamaForCausalLM in float32 (TF32 off, SDPA) with the
         same weights (the bf16 values, widened) on GPU 1; every run's logits
         get max rel = max|out - ref| / max|ref|. Also PyTorch bf16 on the same
         graph (the level bf16 reaches), PyTorch bf16 with the row-split
         projections summed 2-way in f32 against the 1-way graph (the noise
         floor of a 2-GPU vs 1-GPU comparison), and the f32 PyTorch graph
         against HF (proves the weight mapping; small configs). Tolerance, as
         in the e2e harness ("at PyTorch bf16's level"): max(2e-2, PyTorch
         bf16's max rel) for the 1-GPU and 2-GPU runs against f32, and
         max(2e-2, 1.5x PyTorch's 2-way vs 1-way gap) for 2-GPU against 1-GPU.
      4. A table: 1-GPU ms, 2-GPU ms, speed-up, the all-reduce time of one step
         (NCCL time at that message size and dtype x the all-reduces per step,
         measured here) and its share, the errors and the verdict; JSON to
         $OUT/tp.json.

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
    low_configs = [c for c in args.low_configs.split(",") if c]
    manifest = {"ranks": RANKS, "configs": {}}
    for name in args.configs.split(","):
        c = config(name)
        src = os.path.join(args.dir, name + ".mlir")
        with open(src, "w") as f:
            f.write(mlir_graph(c))
        entry = {"config": c, "weights": weight_shapes(c), "compile_s": {},
                 "groups": {"f32": name + ".rank{rank}.tfcm"}}
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
        jobs = [(name + ".tfcm", "")] + [
            (f"{name}.rank{r}.tfcm", f" tensor-parallel={RANKS} rank={r} tp-reduce-dtype=f32")
            for r in range(RANKS)]
        if name in low_configs:
            entry["groups"]["low"] = name + ".low.rank{rank}.tfcm"
            jobs += [(f"{name}.low.rank{r}.tfcm",
                      f" tensor-parallel={RANKS} rank={r} tp-reduce-dtype=low")
                     for r in range(RANKS)]
        for art, tp in jobs:
            t0 = time.time()
            p = subprocess.run(
                [args.tfc_opt, src, "-o", "/dev/null",
                 f"--tfc-compile=target=sm_90a precision=bf16 ptxas={args.ptxas} "
                 f"artifact={os.path.join(args.dir, art)} "
                 f"external-weights-file={art[:-len('.tfcm')]}.safetensors{tp}"],
                capture_output=True, text=True)
            entry["compile_s"][art] = round(time.time() - t0, 1)
            if p.returncode:
                sys.exit(f"tfc-opt failed on {art}:\n{p.stderr[-3000:]}")
            print(f"compiled {art} in {entry['compile_s'][art]} s", flush=True)
        manifest["configs"][name] = entry
        with open(os.path.join(args.dir, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=1)
    # The artifacts repeat the same kernels layer after layer: xz makes them
    # fit the device call's 64 MiB carry.
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


def allreduce_ms(torch, nbytes, dtype, iters=20):
    """NCCL all-reduce time of an nbytes buffer of `dtype` over all GPUs."""
    import torch.cuda.nccl as nccl
    n = torch.cuda.device_count()
    count = nbytes // torch.tensor([], dtype=dtype).element_size()
    bufs = [torch.ones(count, dtype=dtype, device=f"cuda:{i}") for i in range(n)]
    for _ in range(3):
        nccl.all_reduce(bufs)
    for i in range(n):
        torch.cuda.synchronize(i)
    t0 = time.perf_counter()
    for _ in range(iters):
        nccl.all_reduce(bufs)
    for i in range(n):
        torch.cuda.synchronize(i)
    del bufs
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
    out.update(make_weights_rope(torch, c))
    return out


def make_weights_rope(torch, c, dtype=None):
    """The RoPE tables of the config's sequence length (theta 10000, rotate-half),
    bf16 (what the artifact binds) or `dtype`."""
    dtype = dtype or torch.bfloat16
    d, s = c["head_dim"], c["seq"]
    inv = 1.0 / (10000 ** (torch.arange(0, d, 2, device="cuda:0").float() / d))
    ang = torch.outer(torch.arange(s, device="cuda:0").float(), inv)
    ang = torch.cat([ang, ang], dim=-1)
    return {"rope.cos": ang.cos().to(dtype), "rope.sin": ang.sin().to(dtype)}


def torch_reference(torch, c, w, ids, split=1):
    """The graph of mlir_graph in PyTorch (in the weights' type, SDPA with GQA),
    on cuda:0. split=N computes the attention output and MLP down projections
    as N row-split partial products summed in f32 and rounded once, the
    arithmetic of an N-rank run with f32 all-reduces (PyTorch's own gap
    between the 1-way and the N-way sum is the noise floor of a 2-GPU vs
    1-GPU comparison)."""
    F = torch.nn.functional
    b, s, nh, nkv, d = c["batch"], c["seq"], c["heads"], c["kv_heads"], c["head_dim"]

    def rms(x, g):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + 1e-5)).to(x.dtype) * g

    def rope(x):
        x1, x2 = x[..., : d // 2], x[..., d // 2:]
        return x * w["rope.cos"] + torch.cat([-x2, x1], dim=-1) * w["rope.sin"]

    def proj(a, wt):
        if split == 1:
            return a @ wt
        k = wt.shape[0] // split
        acc = sum(a[..., r * k:(r + 1) * k].float() @ wt[r * k:(r + 1) * k].float()
                  for r in range(split))
        return acc.to(a.dtype)

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
        x = x + proj(a.transpose(1, 2).reshape(b, s, nh * d), w[p + "wo"])
        n = rms(x, w[p + "mlp_norm"])
        x = x + proj(F.silu(n @ w[p + "w_gate"]) * (n @ w[p + "w_up"]), w[p + "w_down"])
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


def hf_reference(torch, c, w, ids, device):
    """Logits of transformers' LlamaForCausalLM in float32 (TF32 off, SDPA)
    with the weights of `w` (bf16 values, widened), on `device`."""
    import transformers as tf
    cfg = tf.LlamaConfig(
        hidden_size=c["hidden"], intermediate_size=c["ffn"], num_hidden_layers=c["layers"],
        num_attention_heads=c["heads"], num_key_value_heads=c["kv_heads"],
        vocab_size=c["vocab"], max_position_embeddings=max(c["seq"], 2048), rms_norm_eps=1e-5,
        hidden_act="silu", tie_word_embeddings=False, attention_bias=False, mlp_bias=False,
        rope_theta=10000.0)
    cfg._attn_implementation = "sdpa"
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    with torch.device(device):
        model = tf.LlamaForCausalLM(cfg)
    model = model.float().eval()
    with torch.no_grad():
        m = model.model
        m.embed_tokens.weight.copy_(w["embed"])
        for i, layer in enumerate(m.layers):
            p = f"layers.{i}."
            a, mlp = layer.self_attn, layer.mlp
            for lin, name in ((a.q_proj, "wq"), (a.k_proj, "wk"), (a.v_proj, "wv"), (a.o_proj, "wo"),
                              (mlp.gate_proj, "w_gate"), (mlp.up_proj, "w_up"),
                              (mlp.down_proj, "w_down")):
                lin.weight.copy_(w[p + name].t())  # nn.Linear holds [out, in]
            layer.input_layernorm.weight.copy_(w[p + "attn_norm"])
            layer.post_attention_layernorm.weight.copy_(w[p + "mlp_norm"])
        m.norm.weight.copy_(w["norm"])
        model.lm_head.weight.copy_(w["lm_head"].t())
        logits = model(input_ids=ids.to(device), use_cache=False).logits
    del model
    return logits


def rel_err(torch, out, ref):
    """max|out - ref| / max|ref| (as benchmarks/e2e.py), in float64 chunks on ref's device."""
    o = torch.as_tensor(out).reshape(-1)
    r = ref.reshape(-1)
    maxd = maxr = 0.0
    finite = True
    step = 1 << 25
    for i in range(0, r.numel(), step):
        b = r[i:i + step].double()
        a = o[i:i + step].to(b.device).double()
        finite &= bool(torch.isfinite(a).all())
        maxd = max(maxd, float((a - b).abs().max()))
        maxr = max(maxr, float(b.abs().max()))
    return maxd / max(maxr, 1e-30) if finite else float("inf")


def tfc_run(tfc_run_path, args, log):
    p = subprocess.run([tfc_run_path] + args, capture_output=True, text=True,
                       env=dict(os.environ, NCCL_NVLS_ENABLE="0"))
    log.write("$ tfc-run " + " ".join(args) + "\n" + p.stdout + p.stderr + "\n")
    log.flush()
    if p.returncode:
        raise RuntimeError(f"tfc-run failed ({p.returncode}): {(p.stdout + p.stderr)[-2000:]}")
    m = re.search(r"latency: median ([0-9.]+) ms", p.stdout)
    return (float(m.group(1)) if m else None), p.stdout


def family_times(profile_text):
    """Per kernel family ms of a tfc-run --profile listing; the last matmul
    (the LM head, replicated on every rank) counted apart."""
    rows = re.findall(r"^\s+(\d+)\s+([0-9.]+)\s+[0-9.]+%\s+(\S+)\s*$", profile_text, re.M)
    fams, last_matmul = {}, None
    for idx, ms, name in rows:
        fam = re.sub(r"^k\d+_", "", name)
        if fam == "matmul":
            last_matmul = float(ms)
        fams[fam] = fams.get(fam, 0.0) + float(ms)
    if last_matmul is not None:
        fams["matmul"] -= last_matmul
        fams["lm_head matmul"] = last_matmul
    return {k: round(v, 4) for k, v in sorted(fams.items(), key=lambda kv: -kv[1])}


def bits_to_f32(np, path):
    return (np.load(path).astype(np.uint32) << 16).view(np.float32)


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
    try:
        import transformers
        result["transformers"] = transformers.__version__
    except Exception as e:  # the graph's own f32 PyTorch run is the reference then
        result["transformers"] = f"unavailable: {e}"
    print("devices:", result["device"], "torch", result["torch"], "nccl", result["nccl"],
          "transformers", result["transformers"], flush=True)
    if torch.cuda.device_count() < RANKS:
        sys.exit(f"needs {RANKS} GPUs, found {torch.cuda.device_count()}")

    bw = nccl_bus_bandwidth(torch, [1, 16, 256])
    result["nccl_busbw"] = bw
    for mib, r in bw.items():
        print(f"NCCL all-reduce {mib:>3} MiB bf16: {r['ms']:.3f} ms, bus {r['busbw_GBs']:.1f} GB/s", flush=True)

    names = [n for n in manifest["configs"] if not args.configs or n in args.configs.split(",")]
    model_of = lambda n: n.rsplit("_", 1)[0]
    params = lambda c: sum(math.prod(s) for k, s in weight_shapes(c).items() if not k.startswith("rope."))
    written = {}  # model -> (weights dict, file names)
    for idx, name in enumerate(names):
        entry = manifest["configs"][name]
        c = entry["config"]
        model = model_of(name)
        # Rough cost (s): weights written once per model, runs, references.
        est = 15 + 6e-9 * params(c) * (0 if model in written else 2) + 4e-9 * params(c) * 2
        if time.time() + est > deadline:
            result["skipped"].append(name)
            print(f"skip {name}: the budget ({args.budget_s:.0f} s) would run out (needs ~{est:.0f} s)", flush=True)
            continue
        rec = {"config": c}
        t_cfg = time.time()
        try:
            if model not in written:
                for old in list(written):  # one model's weights at a time
                    for f in written.pop(old)[1]:
                        os.remove(f)
                torch.cuda.empty_cache()
                w = make_weights(torch, c, seed=11)
                body = {k: v for k, v in w.items() if not k.startswith("rope.")}
                files = [os.path.join(work, model + ".safetensors")]
                write_safetensors(files[0], body)
                shards = json.load(open(os.path.join(args.dir, name + ".shards.json")))
                for r in range(RANKS):
                    part = {}
                    for wname, t in body.items():
                        if wname in shards[str(r)]:
                            axis, off, size = shards[str(r)][wname]
                            t = t.narrow(axis, off, size)
                        part[wname] = t
                    files.append(os.path.join(work, f"{model}.rank{r}.safetensors"))
                    write_safetensors(files[-1], part)
                written[model] = (w, files)
            w = dict(written[model][0])
            rope = make_weights_rope(torch, c)
            w.update(rope)
            rope_file = os.path.join(work, name + ".rope.safetensors")
            write_safetensors(rope_file, rope)
            rec["weights_s"] = round(time.time() - t_cfg, 1)
            ids = torch.randint(0, c["vocab"], (c["batch"], c["seq"]), generator=torch.Generator().manual_seed(5))
            np.save(os.path.join(work, name + ".ids.npy"), ids.numpy())
            common = ["--input", f"input_ids={os.path.join(work, name + '.ids.npy')}",
                      "--warmup", "3", "--repeat", str(args.repeat)]
            one_w = ["--weights", os.path.join(work, model + ".safetensors"), "--weights", rope_file]
            two_w = ["--weights", os.path.join(work, model + ".rank{rank}.safetensors"), "--weights", rope_file]
            outs = {"1gpu": os.path.join(work, name + ".out1")}
            profile = ["--profile"] if c["batch"] > 1 else []
            rec["ms_1gpu"], text = tfc_run(args.tfc_run, [os.path.join(args.dir, name + ".tfcm"),
                                                          "--output-dir", outs["1gpu"]] + one_w + common + profile, log)
            if profile:
                rec["families_1gpu_ms"] = family_times(text)
            for variant, pattern in entry.get("groups", {"f32": name + ".rank{rank}.tfcm"}).items():
                key = "2gpu" if variant == "f32" else "2gpu_" + variant
                outs[key] = os.path.join(work, f"{name}.out2{variant}")
                rec["ms_" + key], _ = tfc_run(args.tfc_run, [os.path.join(args.dir, pattern), "--ranks", str(RANKS),
                                                             "--output-dir", outs[key]] + two_w + common, log)
            logits = {k: bits_to_f32(np, os.path.join(v, "logits.npy")) for k, v in outs.items()}
            ref1 = torch.from_numpy(logits["1gpu"]).to("cuda:1")
            for k in logits:
                if k != "1gpu":
                    rec[f"rel_{k}_vs_1gpu"] = rel_err(torch, logits[k], ref1)
            del ref1
            # References: HF float32 on GPU 1 (GPU 0 holds the bf16 weights).
            t_ref = time.time()
            try:
                ref = hf_reference(torch, c, w, ids, "cuda:1")
                rec["reference"] = "HF LlamaForCausalLM f32"
            except Exception as e:
                rec["hf_error"] = str(e)[-800:]
                print(f"{name}: HF reference failed ({rec['hf_error'][-200:]}); using the graph in f32", flush=True)
                ref = torch_reference(torch, c, dict({k: v.float() for k, v in w.items()}, **make_weights_rope(torch, c, torch.float32)), ids.cuda()).to("cuda:1")
                rec["reference"] = "PyTorch graph f32"
            for k in logits:
                rec[f"rel_{k}_vs_f32"] = rel_err(torch, logits[k], ref)
            bf = torch_reference(torch, c, w, ids.cuda())
            rec["rel_torch_bf16_vs_f32"] = rel_err(torch, bf.float(), ref)
            for k in logits:
                rec[f"rel_{k}_vs_torch_bf16"] = rel_err(torch, logits[k], bf.float())
            # PyTorch's own 1-way vs 2-way gap (TF32 stays off for the f32 partials).
            torch.backends.cuda.matmul.allow_tf32 = False
            bf2 = torch_reference(torch, c, w, ids.cuda(), split=RANKS)
            rec["rel_torch_bf16_split2_vs_torch_bf16"] = rel_err(torch, bf2.float(), bf.float())
            rec["rel_torch_bf16_split2_vs_f32"] = rel_err(torch, bf2.float(), ref)
            del bf, bf2
            if params(c) < 2e9 and rec["reference"].startswith("HF"):
                g32 = torch_reference(torch, c, dict({k: v.float() for k, v in w.items()}, **make_weights_rope(torch, c, torch.float32)), ids.cuda())
                rec["rel_graph_f32_vs_hf_f32"] = rel_err(torch, g32, ref)
                del g32
            del ref
            torch.cuda.empty_cache()
            rec["reference_s"] = round(time.time() - t_ref, 1)
            tokens = c["batch"] * c["seq"]
            rec["allreduces_per_step"] = 2 * c["layers"]
            for dt, tdt in (("f32", torch.float32), ("bf16", torch.bfloat16)):
                nbytes = tokens * c["hidden"] * (4 if dt == "f32" else 2)
                rec[f"allreduce_bytes_{dt}"] = nbytes
                rec[f"allreduce_ms_each_{dt}"] = allreduce_ms(torch, nbytes, tdt)
                rec[f"allreduce_ms_step_{dt}"] = rec[f"allreduce_ms_each_{dt}"] * rec["allreduces_per_step"]
            if rec["ms_1gpu"] and rec.get("ms_2gpu"):
                rec["speedup"] = rec["ms_1gpu"] / rec["ms_2gpu"]
            if rec["ms_1gpu"] and rec.get("ms_2gpu_low"):
                rec["speedup_low"] = rec["ms_1gpu"] / rec["ms_2gpu_low"]
            if c["layers"] <= 4:
                # A rank whose device is missing (rank 1 on GPU 2) stops the
                # group with its name, and nothing hangs.
                probe = subprocess.run(
                    ["timeout", "60", args.tfc_run, os.path.join(args.dir, name + ".rank{rank}.tfcm"),
                     "--ranks", str(RANKS), "--device", "1"] + two_w + common,
                    capture_output=True, text=True, env=dict(os.environ, NCCL_NVLS_ENABLE="0"))
                rec["missing_device_probe"] = {"rc": probe.returncode,
                                               "message": (probe.stdout + probe.stderr).strip()[-400:]}
                print("missing-device probe:", rec["missing_device_probe"], flush=True)
            os.remove(rope_file)
            if idx + 1 == len(names) or model_of(names[idx + 1]) != model:
                for f in written.pop(model)[1]:
                    os.remove(f)
                torch.cuda.empty_cache()
        except Exception as e:  # recorded, the next config still runs
            rec["error"] = str(e)[-1500:]
            print(f"{name}: ERROR {rec['error']}", flush=True)
        rec["config_s"] = round(time.time() - t_cfg, 1)
        result["configs"][name] = rec
        print(name, json.dumps({k: v for k, v in rec.items() if k != "config"}), flush=True)

    # Tolerances (relative to max |logit|): against f32, the level PyTorch's
    # own bf16 run of the graph reaches (at least 2e-2), for 1 GPU and 2 GPUs
    # alike; 2-GPU against 1-GPU, 1.5x PyTorch's own gap between the 1-way
    # and the 2-way sum of the row-split projections (at least 2e-2): two
    # bf16 runs that round differently drift apart through the layers of a
    # deep random-init model by about their error against f32.
    print("\n| config | 1 GPU ms | 2 GPUs ms | speed-up | all-reduce ms/step (share of 2-GPU) | "
          "2-GPU vs 1-GPU (torch 2-way vs 1-way) | 1 GPU vs f32 | 2 GPUs vs f32 | torch bf16 vs f32 | verdict (tol vs f32 / vs 1-GPU) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    ok = True
    f = lambda v, fmt=".2e": "" if v is None else format(v, fmt)
    for name, r in result["configs"].items():
        if "error" in r:
            ok = False
            print(f"| {name} | error | | | | | | | | FAIL |")
            continue
        for variant, suffix in (("f32", ""), ("low", "_low")):
            key = "2gpu" + suffix
            if ("ms_" + key) not in r:
                continue
            ar = r["allreduce_ms_step_" + ("f32" if variant == "f32" else "bf16")]
            share = ar / r["ms_" + key] if r.get("ms_" + key) else float("nan")
            tol_f32 = max(2e-2, r["rel_torch_bf16_vs_f32"])
            tol_tp = max(2e-2, 1.5 * r.get("rel_torch_bf16_split2_vs_torch_bf16", 0.0))
            good = (r[f"rel_{key}_vs_1gpu"] <= tol_tp and r[f"rel_{key}_vs_f32"] <= tol_f32
                    and r["rel_1gpu_vs_f32"] <= tol_f32)
            r[f"verdict{suffix}"] = "PASS" if good else "FAIL"
            if variant == "f32":
                ok &= good
            label = name if variant == "f32" else f"{name}, bf16 all-reduce"
            print(f"| {label} | {r['ms_1gpu']:.3f} | {r['ms_' + key]:.3f} | "
                  f"{r['ms_1gpu'] / r['ms_' + key]:.2f}x | {ar:.3f} ({share:.0%}) | "
                  f"{f(r[f'rel_{key}_vs_1gpu'])} ({f(r.get('rel_torch_bf16_split2_vs_torch_bf16'))}) | "
                  f"{f(r['rel_1gpu_vs_f32'])} | {f(r[f'rel_{key}_vs_f32'])} | "
                  f"{f(r['rel_torch_bf16_vs_f32'])} | {r[f'verdict{suffix}']} (tol {tol_f32:.1e} / {tol_tp:.1e}) |")
    for name, r in result["configs"].items():
        if r.get("families_1gpu_ms"):
            fam = ", ".join(f"{k} {v:.2f}" for k, v in r["families_1gpu_ms"].items())
            print(f"{name} 1-GPU ms per family (launch by launch): {fam}")
        if "rel_graph_f32_vs_hf_f32" in r:
            print(f"{name}: the PyTorch graph in f32 vs HF f32: {r['rel_graph_f32_vs_hf_f32']:.2e}")
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
    c.add_argument("--low-configs", default="",
                   help="configs that also get rank artifacts with tp-reduce-dtype=low (bf16 partials)")
    c.add_argument("--tfc-opt", default=os.path.join(ROOT, "build/bin/tfc-opt"))
    c.add_argument("--ptxas", default="auto")
    r = sub.add_parser("run")
    r.add_argument("dir")
    r.add_argument("--tfc-run", required=True)
    r.add_argument("--work", default="/tmp/tfc-tp-work")
    r.add_argument("--budget-s", type=float, default=480)
    r.add_argument("--repeat", type=int, default=10)
    r.add_argument("--configs", default="", help="run only these configs of the manifest")
    args = ap.parse_args()
    return cmd_compile(args) if args.cmd == "compile" else cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
