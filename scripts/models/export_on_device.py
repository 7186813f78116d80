#!/usr/bin/env python3
"""Export the PyTorch test models to ONNX (run where torch + transformers are installed;
no network or downloads needed: every model is randomly initialised with fixed seeds).

Models (static shapes, batch 1, seq 32, vocab 512, float32, CPU):
  gpt2_tiny       transformers.GPT2LMHeadModel(GPT2Config(n_layer=2, n_embd=128, n_head=4,
                  n_positions=64, vocab_size=512), eager attention, use_cache=False)
                  -> gpt2_tiny.ts17.onnx      (TorchScript exporter, opset 17; with
                     transformers' packed-sequence detection (torch.diff, not exportable)
                     patched out, see no_packed_sequence_detection)
                  -> gpt2_tiny.dynamo18.onnx  (dynamo exporter, opset 18)
  gpt2_style_min  the minimal GPT-2-style module below
                  -> gpt2_style_min.ts17.onnx     (TorchScript exporter, opset 17)
                  -> gpt2_style_min.dynamo18.onnx (dynamo exporter, opset 18; extra)

For each model writes <model>.input.input_ids.npy and <model>.output.logits.torch.npy
(PyTorch float32 CPU output), and per ONNX file <file-stem>.output.logits.ort.npy
(onnxruntime CPU output on the same input), and prints torch-vs-ORT max abs diff and
a summary of each ONNX file (scripts/models/inspect_onnx.py).

Usage: python3 scripts/models/export_on_device.py OUT_DIR
"""
import contextlib
import json
import math
import os
import platform
import sys
import time
import traceback

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inspect_onnx  # noqa: E402

VOCAB, SEQ, HIDDEN, HEADS, LAYERS = 512, 32, 128, 4, 2


# ----------------------------------------------------------------------------
# Minimal GPT-2-style model
# ----------------------------------------------------------------------------
class Block(nn.Module):
    def __init__(self, d: int, h: int, max_seq: int):
        super().__init__()
        self.h, self.hd = h, d // h
        self.ln1 = nn.LayerNorm(d, eps=1e-5)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d, eps=1e-5)
        self.fc = nn.Linear(d, 4 * d)
        self.fc_out = nn.Linear(4 * d, d)
        # True where attention is NOT allowed (key position after query position).
        self.register_buffer(
            "causal_mask",
            ~torch.tril(torch.ones(max_seq, max_seq, dtype=torch.bool)),
            persistent=False,
        )

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=-1)
        q = q.view(B, T, self.h, self.hd).transpose(1, 2)
        k = k.view(B, T, self.h, self.hd).transpose(1, 2)
        v = v.view(B, T, self.h, self.hd).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.hd))
        att = att.masked_fill(self.causal_mask[:T, :T], float("-inf"))
        att = torch.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + self.proj(y)
        x = x + self.fc_out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))
        return x


class MinGPT(nn.Module):
    def __init__(self, vocab=VOCAB, d=HIDDEN, h=HEADS, n_layer=LAYERS, max_seq=SEQ):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(max_seq, d)
        self.blocks = nn.ModuleList([Block(d, h, max_seq) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(d, eps=1e-5)
        self.lm_head = nn.Linear(d, vocab, bias=False)  # untied
        self.register_buffer("pos_ids", torch.arange(max_seq), persistent=False)
        for p in self.parameters():  # GPT-2-like init, non-trivial LN params
            if p.dim() > 1:
                nn.init.normal_(p, std=0.02)
        for m in self.modules():
            if isinstance(m, nn.LayerNorm):
                nn.init.normal_(m.weight, 1.0, 0.1)
                nn.init.normal_(m.bias, 0.0, 0.1)
            elif isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.normal_(m.bias, 0.0, 0.02)

    def forward(self, input_ids):
        T = input_ids.shape[1]
        x = self.wte(input_ids) + self.wpe(self.pos_ids[:T])
        for b in self.blocks:
            x = b(x)
        return self.lm_head(self.ln_f(x))


class LogitsOnly(nn.Module):
    """Wraps a HF causal LM: input_ids -> logits, no kv cache, tuple output."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids):
        return self.m(input_ids=input_ids, use_cache=False, return_dict=False)[0]


def make_gpt2_tiny():
    from transformers import GPT2Config, GPT2LMHeadModel

    cfg = GPT2Config(n_layer=2, n_embd=128, n_head=4, n_positions=64, vocab_size=VOCAB,
                     attn_implementation="eager")
    torch.manual_seed(0)
    m = GPT2LMHeadModel(cfg)
    if getattr(m.config, "_attn_implementation", None) != "eager":
        m.config._attn_implementation = "eager"
    print("gpt2_tiny attn_implementation:", m.config._attn_implementation,
          "tie_word_embeddings:", m.config.tie_word_embeddings, flush=True)
    return LogitsOnly(m).eval()


def make_min():
    torch.manual_seed(0)
    return MinGPT().eval()


# ----------------------------------------------------------------------------
@contextlib.contextmanager
def no_packed_sequence_detection(log: dict):
    """transformers 5.x's masking_utils calls find_packed_sequence_indices(position_ids)
    when no attention_mask is given; it uses torch.diff, which the TorchScript exporter
    cannot export (UnsupportedOperatorError: aten::diff, opset 17).  For one unpacked
    sequence it only yields an all-zero "sequence id" tensor, so returning None (no packing)
    leaves the causal mask, and the logits, unchanged.  Patched only during TorchScript
    exports."""
    mu = sys.modules.get("transformers.masking_utils")
    if mu is None or not hasattr(mu, "find_packed_sequence_indices"):
        yield
        return
    orig = mu.find_packed_sequence_indices
    mu.find_packed_sequence_indices = lambda position_ids, *a, **k: None
    log["patched"] = "transformers.masking_utils.find_packed_sequence_indices -> None"
    try:
        yield
    finally:
        mu.find_packed_sequence_indices = orig


_REF = {}  # id(model) -> torch logits computed before any patching


def ref_of(model, ids):
    return _REF[id(model)]


def export(model, ids, path, dynamo: bool, opset: int, log: dict):
    t0 = time.time()
    kw = dict(input_names=["input_ids"], output_names=["logits"], opset_version=opset)
    if dynamo:
        kw.update(dynamo=True, external_data=False, optimize=True)
    else:
        kw.update(dynamo=False, do_constant_folding=True)
    try:
        if dynamo:
            torch.onnx.export(model, (ids,), path, **kw)
        elif not isinstance(model, LogitsOnly):
            torch.onnx.export(model, (ids,), path, **kw)
        else:
            with no_packed_sequence_detection(log):
                if log.get("patched"):
                    log["patched_torch_max_abs_diff"] = float((model(ids) - ref_of(model, ids)).abs().max())
                torch.onnx.export(model, (ids,), path, **kw)
    except TypeError as e:  # an option this torch doesn't know: retry with the minimum
        if not dynamo:
            raise
        print(f"  export retry without extras after TypeError: {e}", flush=True)
        kw.pop("external_data", None)
        kw.pop("optimize", None)
        torch.onnx.export(model, (ids,), path, **kw)
    log["export_s"] = round(time.time() - t0, 2)


def run_ort(path, ids_np):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    feed = {s.get_inputs()[0].name: ids_np}
    return s.run(None, feed)[0]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    import onnx
    import onnxruntime
    import onnxscript
    import transformers

    env = {
        "python": platform.python_version(), "torch": torch.__version__,
        "transformers": transformers.__version__, "onnx": onnx.__version__,
        "onnxscript": onnxscript.__version__, "onnxruntime": onnxruntime.__version__,
        "numpy": np.__version__, "host": platform.node(),
        "date_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
    print("env:", json.dumps(env), flush=True)
    torch.set_grad_enabled(False)

    results = {"env": env, "models": {}}
    jobs = [
        ("gpt2_tiny", make_gpt2_tiny, [("ts17", False, 17), ("dynamo18", True, 18)]),
        ("gpt2_style_min", make_min, [("ts17", False, 17), ("dynamo18", True, 18)]),
    ]
    for name, ctor, variants in jobs:
        r = results["models"][name] = {"variants": {}}
        try:
            model = ctor()
            g = torch.Generator().manual_seed(1234)
            ids = torch.randint(0, VOCAB, (1, SEQ), generator=g, dtype=torch.int64)
            ref_t = model(ids).float()
            _REF[id(model)] = ref_t
            ref = ref_t.numpy()
            r["n_params"] = sum(p.numel() for p in model.parameters())
            np.save(os.path.join(out, f"{name}.input.input_ids.npy"), ids.numpy())
            np.save(os.path.join(out, f"{name}.output.logits.torch.npy"), ref)
            print(f"{name}: params {r['n_params']}, logits {ref.shape}", flush=True)
        except Exception:
            r["error"] = traceback.format_exc()
            print(f"{name}: MODEL FAILED\n{r['error']}", flush=True)
            continue
        for tag, dynamo, opset in variants:
            v = r["variants"][tag] = {}
            path = os.path.join(out, f"{name}.{tag}.onnx")
            try:
                export(model, ids, path, dynamo, opset, v)
                onnx.checker.check_model(path, full_check=True)
                v["checker"] = "ok"
            except Exception:
                v["error"] = traceback.format_exc()
                print(f"{name}.{tag}: EXPORT/CHECK FAILED\n{v['error']}", flush=True)
                if not os.path.exists(path):
                    continue
            try:
                got = run_ort(path, ids.numpy())
                np.save(os.path.join(out, f"{name}.{tag}.output.logits.ort.npy"), got)
                v["max_abs_diff_torch_vs_ort"] = float(np.abs(got - ref).max())
                v["max_abs_ref"] = float(np.abs(ref).max())
                print(f"{name}.{tag}: torch vs onnxruntime max abs diff "
                      f"{v['max_abs_diff_torch_vs_ort']:.3e} (max |logit| {v['max_abs_ref']:.3f})",
                      flush=True)
            except Exception:
                v["ort_error"] = traceback.format_exc()
                print(f"{name}.{tag}: ORT FAILED\n{v['ort_error']}", flush=True)
            try:
                s = inspect_onnx.summarize(path)
                v["summary"] = s
                inspect_onnx.print_summary(s)
            except Exception:
                v["inspect_error"] = traceback.format_exc()
                print(v["inspect_error"], flush=True)
    with open(os.path.join(out, "export_results.json"), "w") as f:
        json.dump(results, f, indent=1, default=str)


if __name__ == "__main__":
    main()
