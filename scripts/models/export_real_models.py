#!/usr/bin/env python3
"""Real-size transformer models for the end-to-end benchmark (issue 8): builders,
ONNX export with external data, and the weight recipes that let a later run
regenerate, and prove, the exact weights an exported graph was made with.

Runs on the device machine (PyTorch + transformers, no network): every model is
randomly initialised on the CPU with fixed seeds (no downloads), then exported by
PyTorch's dynamo exporter (opset 18, static shapes, float32, optimize=True) as
`<name>.onnx` (graph only) + `<name>.onnx.data` (external data, stays on the device).

Models (name: architecture, input shape, output):
  gpt2_124m_b8s1024  GPT2LMHeadModel(GPT2Config())   (124M, 12 layers, d768)   input_ids [8,1024] -> logits
  gpt2_124m_b1s16    the same model and weights                                input_ids [1,16]   -> logits
  bert_base_b32s128  BertModel(BertConfig(), no pooler) (110M, 12 layers)      input_ids [32,128] -> last_hidden_state
  llama_1b_b1s2048   LlamaForCausalLM, TinyLlama-1.1B's published config (hidden 2048, 22 layers,
                     32 heads, 4 KV heads, intermediate 5632, vocab 32000, RMSNorm, RoPE, SwiGLU)
                                                                               input_ids [1,2048] -> logits

Export patch: transformers' packed-sequence detection is switched off during the export
(export_on_device.no_packed_sequence_detection): without it the B8 GPT-2 graph carries a
CumSum/GatherND chain that computes "no packing"; the PyTorch baselines run the stock model,
and the onnxruntime check compares the patched graph with the stock model.

Weights: transformers' own init under torch.manual_seed(SEED), then norm scales ~ N(1, 0.1)
and biases ~ N(0, 0.02) from a torch.Generator seeded with PERTURB_SEED (HF's init sets
them to exactly 1 and 0, which hides a missing bias add or a swapped scale).  Export uses
eager attention (the graph that tfc compiles); the PyTorch baselines switch the same
module to SDPA (config._attn_implementation = "sdpa"), which changes no weight.

After the export, every initializer the exporter put in external data is hashed (sha256 of
its exact bytes) and matched to the model's state: a parameter or buffer with the same bytes
("id", a reshape) or whose transpose has them ("t", a folded Transpose).  Initializers that
tfc treats as weights (float with more than 16 elements, or any tensor of 2^20 elements or
more; lib/Import/Onnx/OnnxTensors.cpp isWeightTensor) and that match a recipe stay external;
every other one is moved inline into the .onnx, so that tfc can import the graph here
without the data file.  `manifest.json` records per model the sha256 of the .onnx, and per
external initializer its recipe, dtype, shape and sha256.  benchmarks/e2e.py rebuilds the
model with the same seeds, recomputes every recipe, checks each sha256 against the manifest
(and the .onnx's sha256 against the manifest and the compiled artifact's record), and only
then writes the safetensors file the tfc artifact binds by name.

Usage (on the device):
  python3 scripts/models/export_real_models.py OUT_DIR [--models a,b,...] [--tiny]
--tiny shrinks every config (2 layers, small widths) for a CPU smoke test of this script.
"""
import argparse
import concurrent.futures as cf
import hashlib
import json
import mmap
import os
import platform
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# transformers 5's packed-sequence detection (position_ids diff + cumsum) is exported as
# CumSum/GatherND at batch > 1; for unpacked sequences it changes nothing (see its docstring).
from export_on_device import no_packed_sequence_detection  # noqa: E402

SEED = 1234
PERTURB_SEED = 4321
OPSET = 18


# ----------------------------------------------------------------------------
# Model builders (shared with benchmarks/e2e.py)
# ----------------------------------------------------------------------------
MODELS = {
    # name: (family, batch, seq, output name)
    "gpt2_124m_b8s1024": ("gpt2", 8, 1024, "logits"),
    "gpt2_124m_b1s16": ("gpt2", 1, 16, "logits"),
    "bert_base_b32s128": ("bert", 32, 128, "last_hidden_state"),
    "llama_1b_b1s2048": ("llama", 1, 2048, "logits"),
}


def _config(family, tiny):
    import transformers as tf
    if family == "gpt2":
        if tiny:
            return tf.GPT2Config(n_layer=2, n_embd=64, n_head=4, vocab_size=1000, n_positions=1024)
        return tf.GPT2Config()  # the 124M model: 12 layers, 12 heads, d 768, vocab 50257, 1024 positions
    if family == "bert":
        if tiny:
            return tf.BertConfig(num_hidden_layers=2, hidden_size=64, num_attention_heads=4,
                                 intermediate_size=256, vocab_size=1000)
        return tf.BertConfig()  # bert-base-uncased: 12 layers, 12 heads, d 768, vocab 30522
    if family == "llama":
        kw = dict(hidden_size=2048, intermediate_size=5632, num_hidden_layers=22,
                  num_attention_heads=32, num_key_value_heads=4, vocab_size=32000,
                  max_position_embeddings=2048, rms_norm_eps=1e-5, hidden_act="silu",
                  tie_word_embeddings=False, attention_bias=False, mlp_bias=False,
                  rope_theta=10000.0)  # TinyLlama/TinyLlama-1.1B config.json
        if tiny:
            kw.update(hidden_size=64, intermediate_size=176, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, vocab_size=1000)
        return tf.LlamaConfig(**kw)
    raise ValueError(family)


def build(name, tiny=False, attn="eager"):
    """Returns (module, config, (batch, seq), output name).  Deterministic: the same
    name gives bitwise the same float32 weights on the CPU for a given torch version."""
    import torch
    import transformers as tf

    family, batch, seq, out_name = MODELS[name]
    cfg = _config(family, tiny)
    cfg._attn_implementation = attn
    torch.manual_seed(SEED)
    with torch.device("cpu"):
        if family == "gpt2":
            inner = tf.GPT2LMHeadModel(cfg)
        elif family == "bert":
            inner = tf.BertModel(cfg, add_pooling_layer=False)
        else:
            inner = tf.LlamaForCausalLM(cfg)
    inner = inner.float().eval()
    g = torch.Generator().manual_seed(PERTURB_SEED)
    with torch.no_grad():
        for mname, mod in inner.named_modules():
            kind = type(mod).__name__
            if "Norm" in kind:  # LayerNorm, LlamaRMSNorm
                if getattr(mod, "weight", None) is not None:
                    mod.weight.copy_(1.0 + 0.1 * torch.randn(mod.weight.shape, generator=g))
                if getattr(mod, "bias", None) is not None:
                    mod.bias.copy_(0.1 * torch.randn(mod.bias.shape, generator=g))
            elif kind in ("Linear", "Conv1D") and getattr(mod, "bias", None) is not None:
                mod.bias.copy_(0.02 * torch.randn(mod.bias.shape, generator=g))

    class M(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids):
            if family == "bert":
                return self.m(input_ids=input_ids, return_dict=False)[0]
            return self.m(input_ids=input_ids, use_cache=False, return_dict=False)[0]

    return M(inner).eval(), cfg, (batch, seq), out_name


def set_attention(module, attn):
    module.m.config._attn_implementation = attn


def example_ids(cfg, batch, seq, seed):
    import torch
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, cfg.vocab_size, (batch, seq), generator=g, dtype=torch.int64)


def model_stats(cfg, family, batch, seq):
    """Matmul FLOPs of one forward and parameter counts (for the roofline floor)."""
    if family == "gpt2":
        L, d, V, ff = cfg.n_layer, cfg.n_embd, cfg.vocab_size, 4 * cfg.n_embd
        per_layer = 4 * d * d + 2 * d * ff
        head = d * V
    elif family == "bert":
        L, d, V, ff = cfg.num_hidden_layers, cfg.hidden_size, 0, cfg.intermediate_size
        per_layer = 4 * d * d + 2 * d * ff
        head = 0
    else:
        L, d, V, ff = cfg.num_hidden_layers, cfg.hidden_size, cfg.vocab_size, cfg.intermediate_size
        kv = d // cfg.num_attention_heads * cfg.num_key_value_heads
        per_layer = 2 * d * d + 2 * d * kv + 3 * d * ff
        head = d * V
    T = batch * seq
    mm_params = L * per_layer + head
    attn_flops = 4 * L * batch * seq * seq * d  # QK^T and PV, full (non-causal) square
    return {"tokens": T, "matmul_params": mm_params, "flops": 2 * mm_params * T + attn_flops}


# ----------------------------------------------------------------------------
# Hashing and recipes
# ----------------------------------------------------------------------------
def sha256(buf):
    return hashlib.sha256(memoryview(buf).cast("B")).hexdigest()


def tensor_bytes(t):
    """Exact bytes of a CPU tensor in C order (a memoryview; no copy if contiguous)."""
    t = t.detach().contiguous().cpu()
    return memoryview(t.numpy()).cast("B"), t


def is_tfc_weight(dtype_name, shape):
    """Mirror of isWeightTensor in lib/Import/Onnx/OnnxTensors.cpp."""
    n = 1
    for d in shape:
        n *= max(int(d), 0)
    is_float = dtype_name in ("FLOAT", "DOUBLE", "FLOAT16", "BFLOAT16")
    return (is_float and n > 16) or n >= (1 << 20)


def state_tensors(module):
    """name -> tensor for every parameter and buffer (tied ones under each name)."""
    out = {}
    for n, t in module.state_dict(keep_vars=False).items():
        out[n] = t
    for n, t in module.named_buffers():
        out.setdefault(n, t)
    return out


def apply_recipe(state, recipe):
    """Recipe -> tensor: ("id", name) the tensor's bytes, ("t", name) its transpose."""
    kind, name = recipe
    t = state[name]
    if kind == "t":
        t = t.t()
    elif kind != "id":
        raise ValueError(recipe)
    return t.contiguous()


class RecipeFinder:
    """Finds, for given bytes, a state tensor (or its transpose) with exactly those bytes."""

    def __init__(self, state, pool):
        self.state = state
        self.pool = pool
        self.by_numel = {}
        for n, t in state.items():
            self.by_numel.setdefault(t.numel(), []).append(n)
        self.memo = {}

    def _hash(self, recipe):
        if recipe not in self.memo:
            t = apply_recipe(self.state, recipe)
            self.memo[recipe] = (str(t.dtype), sha256(tensor_bytes(t)[0]))
        return self.memo[recipe]

    def find(self, onnx_name, torch_dtype, numel, digest):
        cands = []
        # the exporter names an initializer after its parameter when it uses it as is
        for key in (onnx_name, onnx_name.removeprefix("m.")):
            if key in self.state:
                cands.append(("id", key))
        for n in self.by_numel.get(numel, []):
            cands.append(("id", n))
            if self.state[n].dim() == 2:
                cands.append(("t", n))
        seen = set()
        cands = [c for c in cands if not (c in seen or seen.add(c))]
        for c in cands:
            if str(self.state[c[1]].dtype) != torch_dtype:
                continue
            if self._hash(c)[1] == digest:
                return c
        return None


# ----------------------------------------------------------------------------
# Export
# ----------------------------------------------------------------------------
ONNX_TO_TORCH = {"FLOAT": "torch.float32", "INT64": "torch.int64", "BOOL": "torch.bool",
                 "FLOAT16": "torch.float16", "BFLOAT16": "torch.bfloat16", "INT32": "torch.int32",
                 "DOUBLE": "torch.float64"}


def export_one(name, out_dir, tiny, pool, log):
    import onnx
    import torch
    from onnx import TensorProto

    t0 = time.time()
    model, cfg, (batch, seq), out_name = build(name, tiny, attn="eager")
    log["build_s"] = round(time.time() - t0, 2)
    log["n_params"] = sum(p.numel() for p in model.parameters())
    ids = example_ids(cfg, batch, seq, seed=SEED + 1)
    path = os.path.join(out_dir, name + ".onnx")
    data_name = name + ".onnx.data"
    t0 = time.time()
    with torch.no_grad(), no_packed_sequence_detection(log):
        torch.onnx.export(model, (ids,), path, dynamo=True, opset_version=OPSET,
                          input_names=["input_ids"], output_names=[out_name],
                          external_data=True, optimize=True)
    log["export_s"] = round(time.time() - t0, 2)
    log["exported_onnx_sha256"] = sha256(open(path, "rb").read())

    # Hash every external initializer; keep recipe-backed weights external, inline the rest.
    t0 = time.time()
    m = onnx.load(path, load_external_data=False)
    data_path = os.path.join(out_dir, data_name)
    fd = open(data_path, "rb") if os.path.exists(data_path) else None
    mm = mmap.mmap(fd.fileno(), 0, access=mmap.ACCESS_READ) if fd and os.path.getsize(data_path) else None
    state = state_tensors(model)
    finder = RecipeFinder(state, pool)

    def ext_info(t):
        d = {e.key: e.value for e in t.external_data}
        off = int(d.get("offset", 0))
        length = int(d["length"]) if "length" in d else None
        return d["location"], off, length

    jobs = []
    for t in m.graph.initializer:
        if t.data_location != TensorProto.EXTERNAL:
            continue
        loc, off, length = ext_info(t)
        if loc != data_name:
            raise RuntimeError(f"{t.name}: external data in {loc!r}, expected {data_name!r}")
        jobs.append((t, off, length))

    def digest(job):
        t, off, length = job
        return sha256(mm[off:off + length])

    digests = list(pool.map(digest, jobs))
    weights, inlined = {}, {}
    for (t, off, length), dg in zip(jobs, digests):
        dtype_name = TensorProto.DataType.Name(t.data_type)
        shape = list(t.dims)
        numel = 1
        for d in shape:
            numel *= d
        recipe = None
        if is_tfc_weight(dtype_name, shape) and dtype_name in ONNX_TO_TORCH:
            recipe = finder.find(t.name, ONNX_TO_TORCH[dtype_name], numel, dg)
        if recipe is not None:
            weights[t.name] = {"recipe": list(recipe), "dtype": dtype_name, "shape": shape,
                               "sha256": dg, "bytes": length}
            continue
        raw = bytes(mm[off:off + length])
        del t.external_data[:]
        t.data_location = TensorProto.DEFAULT
        t.raw_data = raw
        inlined[t.name] = {"dtype": dtype_name, "shape": shape, "bytes": length, "sha256": dg,
                           "why": "not a tfc weight" if not is_tfc_weight(dtype_name, shape)
                           else "no parameter has these bytes (a folded constant)"}
    if mm:
        mm.close()
    if fd:
        fd.close()
    onnx.save_model(m, path)
    log["postprocess_s"] = round(time.time() - t0, 2)
    log["onnx_sha256"] = sha256(open(path, "rb").read())
    log["onnx_bytes"] = os.path.getsize(path)
    log["data_bytes"] = os.path.getsize(data_path) if os.path.exists(data_path) else 0
    log["external_weights"] = weights
    log["inlined"] = inlined
    log["external_weight_bytes"] = sum(w["bytes"] for w in weights.values())
    log["inlined_bytes"] = sum(w["bytes"] for w in inlined.values())
    log["inputs"] = {"input_ids": {"dtype": "INT64", "shape": [batch, seq]}}
    log["output"] = out_name
    ops = {}
    for n in m.graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    log["ops"] = dict(sorted(ops.items(), key=lambda kv: -kv[1]))
    log["opset"] = [(o.domain, o.version) for o in m.opset_import]
    return model, ids, path


def check_with_ort(model, ids, path, log):
    """onnxruntime (CPU) on the exported graph + external data vs PyTorch float32."""
    import numpy as np
    import onnxruntime as ort
    import torch

    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    got = s.run(None, {"input_ids": ids.numpy()})[0]
    with torch.no_grad():
        ref = model(ids).float().numpy()
    err = np.abs(got.astype(np.float64) - ref)
    log["ort_max_rel_err"] = float(err.max() / max(1e-30, np.abs(ref).max()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--ort", default="gpt2_124m_b1s16",
                    help="models to check with onnxruntime CPU (comma list)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    import onnx
    import onnxscript
    import torch
    import transformers

    torch.set_grad_enabled(False)
    env = {"python": platform.python_version(), "torch": torch.__version__,
           "transformers": transformers.__version__, "onnx": onnx.__version__,
           "onnxscript": onnxscript.__version__, "host": platform.node(),
           "date_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
           "seed": SEED, "perturb_seed": PERTURB_SEED, "opset": OPSET, "tiny": args.tiny}
    print("env:", json.dumps(env), flush=True)
    manifest = {"env": env, "models": {}}
    pool = cf.ThreadPoolExecutor(max(2, os.cpu_count() or 2))
    for name in args.models.split(","):
        log = manifest["models"][name] = {}
        t0 = time.time()
        try:
            model, ids, path = export_one(name, args.out, args.tiny, pool, log)
            if name in args.ort.split(","):
                check_with_ort(model, ids, path, log)
            log["ok"] = True
        except Exception:
            log["ok"] = False
            log["error"] = traceback.format_exc()[-4000:]
        log["total_s"] = round(time.time() - t0, 2)
        print(f"{name}: ok={log['ok']} total {log['total_s']} s, export {log.get('export_s')} s, "
              f"onnx {log.get('onnx_bytes')} B (inline {log.get('inlined_bytes')} B), "
              f"external {len(log.get('external_weights', {}))} tensors "
              f"{log.get('external_weight_bytes')} B, ort_max_rel_err={log.get('ort_max_rel_err')}",
              flush=True)
        if not log["ok"]:
            print(log["error"], flush=True)
        else:
            for k, v in log["inlined"].items():
                if v["bytes"] > 4096:
                    print(f"  inlined {k} {v['dtype']}{v['shape']} {v['bytes']} B: {v['why']}")
        # free the model's memory before the next one
        model = ids = None
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return 0 if all(v["ok"] for v in manifest["models"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
