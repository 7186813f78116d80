#!/usr/bin/env python3
"""Export small randomly initialised Hugging Face BERT, Llama and Mistral models to ONNX
(run where torch + transformers are installed, e.g. the device machine; no network or
downloads: every model is built from a config with fixed seeds).

Models (batch 1, seq 32, vocab 512, hidden 64, 2 layers, float32, CPU, SDPA attention):
  bert_tiny     BertForMaskedLM, 4 heads, intermediate 128 (bidirectional, GELU(erf))
  llama_tiny    LlamaForCausalLM, 4 query heads / 2 key-value heads (GQA), RoPE,
                RMSNorm, SwiGLU MLP (intermediate 128), untied LM head
  mistral_tiny  MistralForCausalLM, same sizes, sliding_window=16 (< seq 32, so the
                window changes the output; the script records by how much)
each exported three ways:
  <model>.ts17.onnx      TorchScript exporter, opset 17 (transformers' packed-sequence
                         detection patched out, see export_on_device.py)
  <model>.dynamo18.onnx  dynamo exporter, opset 18
  <model>.dynamo23.onnx  dynamo exporter, opset 23
If an export with SDPA attention fails, it is retried with eager attention (recorded).

After HF's own init, every 1-D parameter is re-drawn (norm weights N(1, 0.1), biases
N(0, 0.02)) so that bias and norm-affine bugs show in the numbers.

Writes <model>.input.input_ids.npy, <model>.output.logits.torch.npy (PyTorch float32 CPU)
and per ONNX file <stem>.output.logits.ort.npy (onnxruntime CPU, optimizations off), and
export_results_hf.json (versions, timings, checker, torch-vs-ORT max abs diffs).

Usage: python3 scripts/models/export_hf_models.py OUT_DIR
"""
import json
import os
import platform
import sys
import time
import traceback

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_on_device import (LogitsOnly, no_packed_sequence_detection,  # noqa: E402
                              run_ort)

VOCAB, SEQ, HIDDEN, HEADS, KV_HEADS, LAYERS, FFN = 512, 32, 64, 4, 2, 2, 128
SLIDING_WINDOW = 16
VARIANTS = [("ts17", False, 17), ("dynamo18", True, 18), ("dynamo23", True, 23)]


class BertLogits(nn.Module):
    """input_ids -> MLM logits (no token_type_ids or attention_mask inputs)."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids):
        return self.m(input_ids=input_ids, return_dict=False)[0]


def redraw_vectors(model):
    """Norm weights ~N(1, 0.1), biases ~N(0, 0.02) (HF inits them to 1 and 0)."""
    for name, p in model.named_parameters():
        if p.dim() == 1:
            if name.endswith("weight"):
                nn.init.normal_(p, 1.0, 0.1)
            else:
                nn.init.normal_(p, 0.0, 0.02)


def set_attn(model, impl):
    if getattr(model.config, "_attn_implementation", None) != impl:
        model.config._attn_implementation = impl


def make_bert(impl):
    from transformers import BertConfig, BertForMaskedLM
    cfg = BertConfig(vocab_size=VOCAB, hidden_size=HIDDEN, num_hidden_layers=LAYERS,
                     num_attention_heads=HEADS, intermediate_size=FFN,
                     max_position_embeddings=64, attn_implementation=impl)
    torch.manual_seed(0)
    m = BertForMaskedLM(cfg)
    redraw_vectors(m)
    set_attn(m, impl)
    return BertLogits(m).eval()


def llama_like_config(cls, impl, **extra):
    return cls(vocab_size=VOCAB, hidden_size=HIDDEN, intermediate_size=FFN,
               num_hidden_layers=LAYERS, num_attention_heads=HEADS,
               num_key_value_heads=KV_HEADS, max_position_embeddings=64,
               rms_norm_eps=1e-6, tie_word_embeddings=False,
               attn_implementation=impl, **extra)


def make_llama(impl):
    from transformers import LlamaConfig, LlamaForCausalLM
    torch.manual_seed(0)
    m = LlamaForCausalLM(llama_like_config(LlamaConfig, impl))
    redraw_vectors(m)
    set_attn(m, impl)
    return LogitsOnly(m).eval()


def make_mistral(impl, sliding_window=SLIDING_WINDOW):
    from transformers import MistralConfig, MistralForCausalLM
    torch.manual_seed(0)
    m = MistralForCausalLM(llama_like_config(MistralConfig, impl,
                                             sliding_window=sliding_window))
    redraw_vectors(m)
    set_attn(m, impl)
    return LogitsOnly(m).eval()


def export(model, ids, path, dynamo, opset, log):
    t0 = time.time()
    kw = dict(input_names=["input_ids"], output_names=["logits"], opset_version=opset)
    if dynamo:
        torch.onnx.export(model, (ids,), path, dynamo=True, external_data=False,
                          optimize=True, **kw)
    else:
        with no_packed_sequence_detection(log):
            torch.onnx.export(model, (ids,), path, dynamo=False,
                              do_constant_folding=True, **kw)
    log["export_s"] = round(time.time() - t0, 2)


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
        "numpy": np.__version__,
        "date_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
    print("env:", json.dumps(env), flush=True)
    torch.set_grad_enabled(False)
    results = {"env": env, "models": {}}
    g = torch.Generator().manual_seed(1234)
    ids = torch.randint(0, VOCAB, (1, SEQ), generator=g, dtype=torch.int64)

    for name, ctor in (("llama_tiny", make_llama), ("mistral_tiny", make_mistral),
                       ("bert_tiny", make_bert)):
        r = results["models"][name] = {"variants": {}}
        try:
            model = ctor("sdpa")
            ref = model(ids).float().numpy()
            r["n_params"] = sum(p.numel() for p in model.parameters())
            r["eager_vs_sdpa_max_abs"] = float(np.abs(ctor("eager")(ids).numpy() - ref).max())
            if name == "mistral_tiny":
                no_window = make_mistral("sdpa", sliding_window=None)(ids).numpy()
                r["sliding_window_effect_max_abs"] = float(np.abs(no_window - ref).max())
            np.save(os.path.join(out, f"{name}.input.input_ids.npy"), ids.numpy())
            np.save(os.path.join(out, f"{name}.output.logits.torch.npy"), ref)
            diffs = {k: x for k, x in r.items() if k.endswith("max_abs")}
            print(f"{name}: params {r['n_params']}, logits {ref.shape}, {diffs}", flush=True)
        except Exception:
            r["error"] = traceback.format_exc()
            print(f"{name}: MODEL FAILED\n{r['error']}", flush=True)
            continue
        for tag, dynamo, opset in VARIANTS:
            v = r["variants"][tag] = {}
            path = os.path.join(out, f"{name}.{tag}.onnx")
            for impl in ("sdpa", "eager"):
                try:
                    m = model if impl == "sdpa" else ctor("eager")
                    v["attn_implementation"] = impl
                    export(m, ids, path, dynamo, opset, v)
                    v.pop("export_error", None)
                    break
                except Exception:
                    v["export_error"] = traceback.format_exc()[-3000:]
                    print(f"{name}.{tag} ({impl}): EXPORT FAILED\n{v['export_error']}",
                          flush=True)
            if not os.path.exists(path):
                continue
            try:
                onnx.checker.check_model(path, full_check=True)
                v["checker"] = "ok"
            except Exception as e:
                v["checker"] = f"{type(e).__name__}: {e}"[:2000]
            try:
                got = run_ort(path, ids.numpy())
                np.save(os.path.join(out, f"{name}.{tag}.output.logits.ort.npy"), got)
                v["max_abs_diff_torch_vs_ort"] = float(np.abs(got - ref).max())
                v["max_abs_ref"] = float(np.abs(ref).max())
            except Exception:
                v["ort_error"] = traceback.format_exc()[-3000:]
            print(f"{name}.{tag}: {json.dumps({k: x for k, x in v.items() if 'error' not in k})}"
                  + (f"\n  ORT FAILED: {v['ort_error']}" if "ort_error" in v else ""),
                  flush=True)
        with open(os.path.join(out, "export_results_hf.json"), "w") as f:
            json.dump(results, f, indent=1, default=str)


if __name__ == "__main__":
    main()
