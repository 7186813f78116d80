#!/usr/bin/env python3
"""End-to-end benchmark (issue 8), one process on one GPU: tfc against PyTorch eager,
torch.compile (default and mode="reduce-overhead") with SDPA, on real-size models.

Per model (scripts/models/export_real_models.py builds them, random init, fixed seeds):
  1. proves the weights: the .onnx's sha256 must equal the export manifest's and the one
     the artifact was compiled from (compile.json); the model is rebuilt on the CPU with
     the same seeds and every external initializer's recipe (a parameter, or its
     transpose) must hash (sha256) to the manifest's digest of the exported external data.
     Only then is the safetensors file written that the artifact binds by tensor name
     (tfcSessionOptions.weightFiles); inline initializers come from the .onnx itself.
  2. reference: PyTorch float32 (TF32 off, SDPA) on fresh random input_ids (seed from
     os.urandom, recorded).
  3. tfc through libtfcrt (ctypes) in this process: session on the device's primary context,
     input and output bound zero-copy to torch tensors, output prefilled with NaN and
     arena + outputs poisoned (0xFF) before the checked run; latency from
     tfcSessionRunTimed (CUDA events on the session's stream, CUDA graph replay); one
     launch-by-launch profiled run for the per-kernel breakdown.
  4. PyTorch bf16 (model.to(bfloat16), SDPA): eager, torch.compile default, torch.compile
     mode="reduce-overhead" (first call timed as compile time), and PyTorch f32 eager.
Median latency (CUDA events) after warm-up, tokens/s, peak GPU memory, max relative error
vs the float32 reference (max|out-ref| / max|ref|, and ||out-ref|| / ||ref||).  Ceilings
measured in the same run: device-to-device copy GB/s (bytes read + written) and bf16 GEMM
TFLOP/s (8192^3, random data).  Prints the ratio table last; writes OUT/e2e.json.

Usage (device): benchmarks/e2e.py --lib libtfcrt.so --dir .device-carry/e2e --out OUT [--models a,b]
scripts/device/e2e.sh does the whole device call.

Lever ablation (--ablation, DIR from scripts/device/e2e_compile.py --ablation): per GPT-2
shape, the artifact with every lever on and one per lever off (fusion, online softmax,
layout, rematerialization, precision), plus CUDA graphs off (the all-on artifact run
launch by launch, TFC_SESSION_NO_GRAPH), each checked against the float32 reference and
timed (median, CUDA events); prints "lever | ms with lever off | ms all on | time the lever
saves" and writes OUT/ablation_results.json. Then `tfc-run --roofline` on each all-on
artifact (--tfc-run; the compute roofs are this run's torch.matmul bf16 / f32 rates, the
memory roof tfc-run's own copy measurement) writes OUT/roofline_NAME.html and .svg.
"""
import argparse
import copy
import ctypes as C
import gc
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts", "models"))

import numpy as np  # noqa: E402

T_START = time.time()


def phase(msg):
    """Progress marker (a crash then shows where it happened)."""
    print(f"[{time.time() - T_START:6.1f} s] {msg}", flush=True)


# ----------------------------------------------------------------------------
# libtfcrt through ctypes (runtime/include/tfc/tfc_runtime.h)
# ----------------------------------------------------------------------------
DT_F32, DT_F16, DT_BF16, DT_I64, DT_I32, DT_I8, DT_U8, DT_BOOL = range(1, 9)
WEIGHT_INLINE = 1


class TensorInfo(C.Structure):
    _fields_ = [("name", C.c_char_p), ("dtype", C.c_uint32), ("rank", C.c_uint32),
                ("shape", C.POINTER(C.c_int64)), ("byteSize", C.c_uint64)]


class WeightInfo(C.Structure):
    _fields_ = [("tensor", TensorInfo), ("storage", C.c_uint32), ("reserved", C.c_uint32),
                ("externalPath", C.c_char_p), ("externalName", C.c_char_p),
                ("dataOffset", C.c_uint64)]


class SessionOptions(C.Structure):
    _fields_ = [("device", C.c_int32), ("flags", C.c_uint32),
                ("weightFiles", C.POINTER(C.c_char_p)), ("weightFileCount", C.c_uint32),
                ("reserved", C.c_uint32), ("weightsDir", C.c_char_p)]


class TfcError(RuntimeError):
    pass


class Tfc:
    def __init__(self, path):
        L = self.L = C.CDLL(path)
        P = C.c_void_p
        sig = {
            "tfcStatusName": (C.c_char_p, [C.c_int]),
            "tfcGetLastErrorMessage": (C.c_char_p, []),
            "tfcArtifactLoadFile": (C.c_int, [C.c_char_p, C.POINTER(P)]),
            "tfcArtifactRelease": (None, [P]),
            "tfcArtifactWeightCount": (C.c_uint32, [P]),
            "tfcArtifactLaunchCount": (C.c_uint32, [P]),
            "tfcArtifactLaunchName": (C.c_char_p, [P, C.c_uint32]),
            "tfcArtifactGetWeight": (C.c_int, [P, C.c_uint32, C.POINTER(WeightInfo)]),
            "tfcArtifactGetOutput": (C.c_int, [P, C.c_uint32, C.POINTER(TensorInfo)]),
            "tfcArtifactGetInput": (C.c_int, [P, C.c_uint32, C.POINTER(TensorInfo)]),
            "tfcArtifactInputCount": (C.c_uint32, [P]),
            "tfcArtifactOutputCount": (C.c_uint32, [P]),
            "tfcArtifactCheckWeights": (C.c_int, [P, C.POINTER(SessionOptions)]),
            "tfcSessionCreate": (C.c_int, [P, C.POINTER(SessionOptions), C.POINTER(P)]),
            "tfcSessionRelease": (None, [P]),
            "tfcSessionDescribe": (C.c_char_p, [P]),
            "tfcSessionBindInputDevice": (C.c_int, [P, C.c_char_p, C.c_uint32, C.c_uint64, C.c_size_t]),
            "tfcSessionBindOutputDevice": (C.c_int, [P, C.c_char_p, C.c_uint32, C.c_uint64, C.c_size_t]),
            "tfcSessionRun": (C.c_int, [P]),
            "tfcSessionRunTimed": (C.c_int, [P, C.POINTER(C.c_float)]),
            "tfcSessionRunProfiled": (C.c_int, [P, C.POINTER(C.c_float), C.c_size_t]),
            "tfcSessionPoison": (C.c_int, [P, C.c_uint8]),
        }
        for name, (res, args) in sig.items():
            f = getattr(L, name)
            f.restype, f.argtypes = res, args

    def check(self, status, what):
        if status != 0:
            raise TfcError(f"{what}: {self.L.tfcStatusName(status).decode()}: "
                           f"{self.L.tfcGetLastErrorMessage().decode()}")

    def load(self, path):
        a = C.c_void_p()
        self.check(self.L.tfcArtifactLoadFile(path.encode(), C.byref(a)), f"load {path}")
        return a

    @staticmethod
    def _tensor(ti):
        return {"name": ti.name.decode(), "dtype": ti.dtype,
                "shape": [ti.shape[i] for i in range(ti.rank)], "bytes": ti.byteSize}

    def weights(self, art):
        out = []
        for i in range(self.L.tfcArtifactWeightCount(art)):
            w = WeightInfo()
            self.check(self.L.tfcArtifactGetWeight(art, i, C.byref(w)), f"weight {i}")
            d = self._tensor(w.tensor)
            d.update(storage=w.storage, external_name=(w.externalName or b"").decode())
            out.append(d)
        return out

    def io(self, art):
        ins, outs = [], []
        for i in range(self.L.tfcArtifactInputCount(art)):
            t = TensorInfo()
            self.check(self.L.tfcArtifactGetInput(art, i, C.byref(t)), "input")
            ins.append(self._tensor(t))
        for i in range(self.L.tfcArtifactOutputCount(art)):
            t = TensorInfo()
            self.check(self.L.tfcArtifactGetOutput(art, i, C.byref(t)), "output")
            outs.append(self._tensor(t))
        return ins, outs

    def options(self, files, flags=0):
        arr = (C.c_char_p * len(files))(*[f.encode() for f in files])
        o = SessionOptions()
        o.device, o.flags, o.weightFiles, o.weightFileCount = 0, flags, arr, len(files)
        o._keep = arr
        return o

    def session(self, art, files, flags=0):
        o = self.options(files, flags)
        self.check(self.L.tfcArtifactCheckWeights(art, C.byref(o)), "check weights")
        s = C.c_void_p()
        self.check(self.L.tfcSessionCreate(art, C.byref(o), C.byref(s)), "session create")
        return s

    def run_timed(self, s):
        ms = C.c_float()
        self.check(self.L.tfcSessionRunTimed(s, C.byref(ms)), "run")
        return ms.value

    def profile(self, art, s):
        n = self.L.tfcArtifactLaunchCount(art)
        buf = (C.c_float * n)()
        self.check(self.L.tfcSessionRunProfiled(s, buf, n), "profiled run")
        return [(self.L.tfcArtifactLaunchName(art, i).decode(), buf[i]) for i in range(n)]


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------
def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 24), b""):
            h.update(chunk)
    return h.hexdigest()


def cuda_time(fn, torch, target_s=1.0, max_reps=200, min_reps=5):
    """Median ms of fn() by CUDA events after warm-up; repetitions sized to ~target_s."""
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    s.record()
    fn()
    e.record()
    torch.cuda.synchronize()
    one = max(s.elapsed_time(e), 1e-3)
    reps = int(min(max_reps, max(min_reps, target_s * 1e3 / one)))
    for _ in range(max(2, reps // 10)):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        fn()
        e.record()
        e.synchronize()
        times.append(s.elapsed_time(e))
    return {"median_ms": float(np.median(times)), "min_ms": float(np.min(times)),
            "max_ms": float(np.max(times)), "reps": reps}


def rel_err(out, ref):
    """max|out-ref|/max|ref| and ||out-ref||/||ref|| on the GPU in float64 chunks."""
    import torch
    o, r = out.reshape(-1), ref.reshape(-1)
    n = o.numel()
    step = 1 << 26
    maxd = maxr = 0.0
    sd = sr = 0.0
    finite = True
    for i in range(0, n, step):
        a = o[i:i + step].double()
        b = r[i:i + step].double()
        finite &= bool(torch.isfinite(a).all())
        d = (a - b).abs()
        maxd = max(maxd, float(d.max()))
        maxr = max(maxr, float(b.abs().max()))
        sd += float((d * d).sum())
        sr += float((b * b).sum())
    return {"max_rel": maxd / max(maxr, 1e-30), "l2_rel": (sd ** 0.5) / max(sr ** 0.5, 1e-30),
            "finite": finite, "max_abs_ref": maxr}


def ceilings(torch):
    out = {}
    n = 1 << 30  # 1 GiB
    a = torch.empty(n, dtype=torch.uint8, device="cuda").random_(0, 255)
    b = torch.empty_like(a)
    t = cuda_time(lambda: b.copy_(a), torch, target_s=0.5)
    out["copy_GBps"] = 2 * n / (t["median_ms"] * 1e-3) / 1e9
    del a, b
    N = 8192
    x = torch.randn(N, N, device="cuda", dtype=torch.bfloat16)
    y = torch.randn(N, N, device="cuda", dtype=torch.bfloat16)
    t = cuda_time(lambda: torch.matmul(x, y), torch, target_s=0.5)
    out["bf16_gemm_TFLOPs"] = 2 * N ** 3 / (t["median_ms"] * 1e-3) / 1e12
    x = x.float()
    y = y.float()
    torch.backends.cuda.matmul.allow_tf32 = False
    t = cuda_time(lambda: torch.matmul(x, y), torch, target_s=0.5, max_reps=20)
    out["f32_gemm_TFLOPs"] = 2 * N ** 3 / (t["median_ms"] * 1e-3) / 1e12
    del x, y
    torch.cuda.empty_cache()
    return out


# ----------------------------------------------------------------------------
# weights: prove and write
# ----------------------------------------------------------------------------
def inline_initializers(onnx_path):
    import onnx
    from onnx import TensorProto, numpy_helper
    m = onnx.load(onnx_path, load_external_data=False)
    out = {}
    for t in m.graph.initializer:
        if t.data_location != TensorProto.EXTERNAL:
            out[t.name] = numpy_helper.to_array(t)
    for n in m.graph.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    out[n.output[0]] = numpy_helper.to_array(a.t)
    return out


def write_weights(tfc, art, model, entry, onnx_path, st_path, log):
    """Recomputes each weight the artifact needs, checks its sha256, writes safetensors."""
    import export_real_models as xr
    import torch
    from safetensors.numpy import save_file

    t0 = time.time()
    state = xr.state_tensors(model)
    inline = inline_initializers(onnx_path)
    ext = entry["external_weights"]
    tensors, checked, from_onnx, mismatches, missing = {}, 0, 0, [], []
    import concurrent.futures as cf

    def recompute(name):
        mv, t = xr.tensor_bytes(xr.apply_recipe(state, tuple(ext[name]["recipe"])))
        return t, xr.sha256(mv) == ext[name]["sha256"]

    needed = [w for w in tfc.weights(art) if w["storage"] != WEIGHT_INLINE]
    with cf.ThreadPoolExecutor(min(8, os.cpu_count() or 4)) as pool:
        futures = {w["external_name"]: pool.submit(recompute, w["external_name"])
                   for w in needed if w["external_name"] in ext}
        recomputed = {k: f.result() for k, f in futures.items()}
    for w in needed:
        name = w["external_name"]
        if name in ext:
            t, ok = recomputed[name]
            if not ok:
                mismatches.append(name)
                continue
            checked += 1
            arr = t.numpy().reshape(w["shape"])
        elif name in inline:
            arr = inline[name].reshape(w["shape"])
            from_onnx += 1
        else:
            missing.append(name)
            continue
        tensors[name] = np.ascontiguousarray(arr)
    log["weights"] = {"recipe_checked": checked, "from_onnx_inline": from_onnx,
                      "sha256_mismatch": mismatches, "no_source": missing,
                      "bytes": int(sum(a.nbytes for a in tensors.values()))}
    if mismatches or missing:
        raise RuntimeError(f"weights not proven: {len(mismatches)} sha256 mismatches "
                           f"{mismatches[:5]}, {len(missing)} without source {missing[:5]}")
    save_file(tensors, st_path)
    log["weights"]["write_s"] = round(time.time() - t0, 2)
    del tensors
    gc.collect()


# ----------------------------------------------------------------------------
# one model
# ----------------------------------------------------------------------------
_MODEL_CACHE = {}


def bench_model(name, args, tfc, manifest, compiled, ceil, torch, dl):
    import export_real_models as xr

    r = {"name": name}
    family, batch, seq, out_name = xr.MODELS[name]
    entry = manifest["models"].get(name)
    comp = compiled.get(name, {})
    onnx_path = os.path.join(args.dir, name + ".onnx")
    art_path = os.path.join(args.dir, name + ".tfcm")
    st_path = os.path.join(args.tmp, name + ".safetensors")
    phase(f"{name}: build model (CPU, float32)")
    t0 = time.time()
    # GPT-2's two shapes share one model: build once, copy (the copy is then moved/cast)
    key = (family, manifest["env"].get("tiny", False))
    if key not in _MODEL_CACHE:
        _MODEL_CACHE.clear()
        _MODEL_CACHE[key] = xr.build(name, tiny=key[1])
    model, cfg, _, _ = _MODEL_CACHE[key]
    model = copy.deepcopy(model)
    B, S = batch, seq
    r["build_s"] = round(time.time() - t0, 2)
    r["stats"] = xr.model_stats(cfg, family, B, S)
    r["n_params"] = sum(p.numel() for p in model.parameters())
    T = B * S

    # --- tfc artifact + proven weights (CPU side) --------------------------------
    art = None
    tfc_ok = (entry is not None and entry.get("ok") and comp.get("ok") and os.path.exists(art_path)
              and not args.no_tfc)
    r["tfc_graph"] = comp.get("compiled_onnx")
    # what tfc-compile ran at (precision=...); older compile.json: from its command
    r["tfc_precision"] = comp.get("precision") or next(
        (w.split("=", 1)[1] for a in comp.get("attempts", [])[-1:]
         for w in a.get("cmd", "").split() if w.startswith("precision=")), "f32")
    if comp.get("compile_options"):
        r["tfc_precision"] += " " + comp["compile_options"]
    r["tfc_folded_ops"] = comp.get("folded_ops")
    r["tfc_stock_error"] = comp.get("stock_error")
    if not tfc_ok:
        r["tfc_skipped"] = ("no export" if not entry or not entry.get("ok") else
                            "--no-tfc" if args.no_tfc else comp.get("error") or "not compiled")
    else:
        try:
            # the stock graph is the exported one; the compiled one is it or its folded copy
            h = sha256_file(onnx_path)
            r["onnx_sha256"] = h
            if h != entry["onnx_sha256"] or h != comp.get("onnx_sha256"):
                raise RuntimeError(f"graph hash mismatch: file {h}, manifest "
                                   f"{entry['onnx_sha256']}, compiled {comp.get('onnx_sha256')}")
            graph_path = os.path.join(args.dir, comp["compiled_onnx"])
            hc = sha256_file(graph_path)
            if hc != comp["compiled_sha256"]:
                raise RuntimeError(f"compiled graph {graph_path}: sha256 {hc} != compile.json's "
                                   f"{comp['compiled_sha256']}")
            phase(f"{name}: load artifact, prove and write weights")
            art = tfc.load(art_path)
            write_weights(tfc, art, model, entry, graph_path, st_path, r)
            o = tfc.options([st_path])
            tfc.check(tfc.L.tfcArtifactCheckWeights(art, C.byref(o)), "check weights")
            r["weights"]["bound"] = True
        except Exception:
            r["tfc_error"] = traceback.format_exc()[-3000:]
            art = None
    if args.check_only:
        if art is not None:
            tfc.L.tfcArtifactRelease(art)
        return r

    # --- float32 reference -------------------------------------------------------
    phase(f"{name}: float32 reference")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    model = model.cuda()
    xr.set_attention(model, "sdpa")
    seed = int.from_bytes(os.urandom(4), "little")
    r["input_seed"] = seed
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, cfg.vocab_size, (B, S), generator=g, dtype=torch.int64).cuda()
    with torch.no_grad():
        ref = model(ids).float()
        torch.cuda.synchronize()
        r["ref_max_abs"] = float(ref.abs().max())
        # The same f32 model with its weights rounded to bf16 (what every bf16
        # engine here holds): errors against it are the engines' arithmetic
        # alone, without the rounding of the weights themselves.
        ref_w16 = None
        if args.weights_rounded_ref:
            # rounded as tfc holds them (f16 artifacts: to f16; the torch engines are bf16)
            w16 = torch.float16 if r.get("tfc_precision", "").startswith("f16") else torch.bfloat16
            r["ref_w16_dtype"] = str(w16).replace("torch.", "")
            phase(f"{name}: float32 reference with {r['ref_w16_dtype']}-rounded weights")
            saved = [p.detach().clone() for p in model.parameters()]
            for p in model.parameters():
                p.copy_(p.to(w16).float())
            ref_w16 = model(ids).float()
            for p, kept in zip(model.parameters(), saved):
                p.copy_(kept)
            del saved
            r["ref_w16_vs_f32"] = rel_err(ref_w16, ref)
            torch.cuda.synchronize()
        base = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        t = cuda_time(lambda: model(ids), torch, target_s=args.target_s)
        t["peak_GiB"] = (torch.cuda.max_memory_allocated() - base + r["n_params"] * 4) / 2 ** 30
        r["torch_f32_eager"] = t

    # --- tfc ---------------------------------------------------------------------
    if art is not None and dl.skip(r, "tfc", 40):
        tfc.L.tfcArtifactRelease(art)
        art = None
    if art is not None:
        sess = None
        try:
            ins, outs = tfc.io(art)
            torch.cuda.synchronize()
            free0 = torch.cuda.mem_get_info()[0]
            t0 = time.time()
            phase(f"{name}: tfc session")
            sess = tfc.session(art, [st_path])
            r["tfc_session_create_s"] = round(time.time() - t0, 2)
            free1 = torch.cuda.mem_get_info()[0]
            r["tfc_describe"] = tfc.L.tfcSessionDescribe(sess).decode()
            o = outs[0]
            out = torch.full(o["shape"], float("nan"), dtype=torch.float32, device="cuda")
            assert o["dtype"] == DT_F32 and out.numel() * 4 == o["bytes"], o
            assert ins[0]["name"] == "input_ids" and ins[0]["dtype"] == DT_I64, ins
            tfc.check(tfc.L.tfcSessionBindInputDevice(sess, b"input_ids", DT_I64, ids.data_ptr(),
                                                      ids.numel() * 8), "bind input")
            tfc.check(tfc.L.tfcSessionBindOutputDevice(sess, o["name"].encode(), DT_F32,
                                                       out.data_ptr(), o["bytes"]), "bind output")
            torch.cuda.synchronize()
            tfc.check(tfc.L.tfcSessionPoison(sess, 0xFF), "poison")
            phase(f"{name}: tfc first run")
            first = tfc.run_timed(sess)  # captures the CUDA graph
            torch.cuda.synchronize()
            e = rel_err(out, ref)
            r["tfc_vs_f32"] = e
            phase(f"{name}: tfc timing (first run {first:.2f} ms, max_rel {e['max_rel']:.2e})")
            one = max(tfc.run_timed(sess), 1e-3)  # first replay of the captured graph
            times = [one]
            if one < 1000:  # fast: warm up, then time ~target_s worth of replays
                reps = int(min(200, max(3, args.target_s * 1e3 / one)))
                for _ in range(max(1, reps // 10)):
                    tfc.run_timed(sess)
                times = [tfc.run_timed(sess) for _ in range(reps)]
            elif dl.left() > 3 * one / 1e3 + 60:  # slow (seconds a run): two more
                times += [tfc.run_timed(sess) for _ in range(2)]
            if ref_w16 is not None:
                r["tfc_vs_f32_w16"] = rel_err(out, ref_w16)
            # rerun check: the same output after the timed replays
            e2 = rel_err(out, ref)
            r["tfc"] = {"median_ms": float(np.median(times)), "min_ms": float(np.min(times)),
                        "max_ms": float(np.max(times)), "reps": len(times), "first_run_ms": first,
                        "peak_GiB": (free0 - free1) / 2 ** 30 + out.numel() * 4 / 2 ** 30,
                        "session_GiB": (free0 - free1) / 2 ** 30,
                        "max_rel": e["max_rel"], "l2_rel": e["l2_rel"],
                        "after_replays_max_rel": e2["max_rel"], "finite": e["finite"]}
            if args.profile and (one < 1000 or dl.left() > one / 1e3 + 90):
                phase(f"{name}: tfc profile")
                prof = tfc.profile(art, sess)
                agg = {}
                for kname, ms in prof:
                    fam = kname.split("_", 1)[1] if "_" in kname else kname
                    a = agg.setdefault(fam, [0, 0.0])
                    a[0] += 1
                    a[1] += ms
                r["tfc_profile"] = {
                    "total_ms": sum(ms for _, ms in prof), "launches": len(prof),
                    "by_family": {k: {"count": v[0], "ms": v[1]}
                                  for k, v in sorted(agg.items(), key=lambda kv: -kv[1][1])},
                    "top": sorted(prof, key=lambda p: -p[1])[:15]}
            del out
        except Exception:
            r["tfc_error"] = traceback.format_exc()[-3000:]
        finally:
            if sess is not None:
                tfc.L.tfcSessionRelease(sess)
            tfc.L.tfcArtifactRelease(art)
            if os.path.exists(st_path):
                os.remove(st_path)
            torch.cuda.synchronize()

    # --- PyTorch bf16: eager, compile, compile reduce-overhead --------------------
    model = model.to(torch.bfloat16)
    xr.set_attention(model, "sdpa")
    weights_GiB = r["n_params"] * 2 / 2 ** 30
    modes = [("torch_bf16_eager", None), ("torch_compile", "default"),
             ("torch_compile_ro", "reduce-overhead")]
    need = {"torch_bf16_eager": 5, "torch_compile": 45, "torch_compile_ro": 40}
    for key, mode in modes:
        if family == "llama":
            need = {"torch_bf16_eager": 5, "torch_compile": 70, "torch_compile_ro": 50}
        if dl.skip(r, key, need[key]):
            print(f"  {name} {key}: {r[key + '_error']}", flush=True)
            continue
        try:
            torch._dynamo.reset()
            gc.collect()
            torch.cuda.empty_cache()
            with torch.no_grad():
                phase(f"{name}: {key}")
                # peak from before the first call: reduce-overhead allocates its graph pool
                # (outputs included) while warming up
                base = torch.cuda.memory_allocated()
                torch.cuda.reset_peak_memory_stats()
                fn = model if mode is None else torch.compile(model, mode=mode)
                t0 = time.time()
                y = fn(ids)
                torch.cuda.synchronize()
                first_s = time.time() - t0
                if mode == "reduce-overhead":  # warm-up, then record the graph
                    for _ in range(3):
                        y = fn(ids)
                    torch.cuda.synchronize()
                del y
                t = cuda_time(lambda: fn(ids), torch, target_s=args.target_s)
                t["peak_GiB"] = (torch.cuda.max_memory_allocated() - base) / 2 ** 30 + weights_GiB
                y = fn(ids).float()
                e = rel_err(y, ref)  # after the peak is read
                t.update(first_call_s=round(first_s, 2), max_rel=e["max_rel"], l2_rel=e["l2_rel"],
                         finite=e["finite"])
                if ref_w16 is not None:
                    t["max_rel_w16"] = rel_err(y, ref_w16)["max_rel"]
                del y
                r[key] = t
                fn = None
        except Exception:
            r[key + "_error"] = traceback.format_exc()[-3000:]
        print(f"  {name} {key}: {r.get(key, {}).get('median_ms')} ms "
              f"(first call {r.get(key, {}).get('first_call_s')} s)", flush=True)
    torch._dynamo.reset()
    # derived: tokens/s, floor
    for key in ("tfc", "torch_f32_eager", "torch_bf16_eager", "torch_compile", "torch_compile_ro"):
        if key in r:
            r[key]["tokens_per_s"] = T / (r[key]["median_ms"] * 1e-3)
    fl = r["stats"]["flops"]
    byts = r["n_params"] * 2 + T * (cfg.vocab_size if family != "bert" else cfg.hidden_size) * 2
    r["floor_bf16_ms"] = max(fl / (ceil["bf16_gemm_TFLOPs"] * 1e12),
                             byts / (ceil["copy_GBps"] * 1e9)) * 1e3
    r["floor_f32_ms"] = max(fl / (ceil["f32_gemm_TFLOPs"] * 1e12),
                            2 * byts / (ceil["copy_GBps"] * 1e9)) * 1e3
    del model, ids, ref, ref_w16
    gc.collect()
    torch.cuda.empty_cache()
    return r


class Deadline:
    def __init__(self, seconds):
        self.end = time.time() + seconds

    def left(self):
        return self.end - time.time()

    def skip(self, r, key, need_s):
        """True (and records why) when fewer than need_s seconds are left."""
        if self.left() < need_s:
            r[key + "_error"] = (f"skipped: device-time budget ({self.left():.0f} s left, "
                                 f"needs ~{need_s:.0f} s)")
            return True
        return False


def fmt(x, spec):
    return format(x, spec) if isinstance(x, (int, float)) else "-"


def print_table(results, ceil, env):
    print()
    print(f"device: {env['gpu']} | torch {env['torch']} | commit {env.get('commit')} | {env['date_utc']} UTC")
    print(f"ceilings: D2D copy {ceil['copy_GBps']:.0f} GB/s, bf16 GEMM {ceil['bf16_gemm_TFLOPs']:.0f} "
          f"TFLOP/s, f32 GEMM (no TF32) {ceil['f32_gemm_TFLOPs']:.0f} TFLOP/s")
    hdr = ("| model | engine | median ms | tokens/s | peak GiB | max rel err vs f32 | "
           "tfc time / engine time | first call s |")
    print(hdr)
    print("|" + "---|" * 8)
    for name, r in results.items():
        tfc_ms = r.get("tfc", {}).get("median_ms")
        prec = r.get("tfc_precision", "f32")
        for key, label in (("tfc", f"tfc ({prec})"), ("torch_f32_eager", "torch eager f32"),
                           ("torch_bf16_eager", "torch eager bf16"),
                           ("torch_compile", "torch.compile bf16"),
                           ("torch_compile_ro", "torch.compile r-o bf16")):
            t = r.get(key)
            if key == "tfc" and r.get("tfc_folded_ops"):
                label = f"tfc ({prec}; folded " + "+".join(r["tfc_folded_ops"]) + ")"
            if not t:
                why = r.get(key + "_error") or (r.get("tfc_error") or r.get("tfc_skipped")
                                               if key == "tfc" else None)
                why = why or r.get("error")
                if why:
                    why = why.strip().splitlines()[-1][:90]
                print(f"| {name} | {label} | not run: {why} | | | | | |")
                continue
            err = t.get("max_rel")
            if key == "torch_f32_eager":
                err = 0.0
            ratio = tfc_ms / t["median_ms"] if tfc_ms else None
            print(f"| {name} | {label} | {fmt(t['median_ms'], '.3f')} | {fmt(t['tokens_per_s'], '.3g')} | "
                  f"{fmt(t.get('peak_GiB'), '.2f')} | {fmt(err, '.1e')} | {fmt(ratio, '.2f')} | "
                  f"{fmt(t.get('first_call_s'), '.1f')} |")
        print(f"| {name} | roofline floor bf16 / f32 | {fmt(r.get('floor_bf16_ms'), '.3f')} / "
              f"{fmt(r.get('floor_f32_ms'), '.3f')} | | | | | |")
        if "ref_w16_vs_f32" in r:
            parts = [f"the rounding alone {fmt(r['ref_w16_vs_f32']['max_rel'], '.1e')}"]
            if "tfc_vs_f32_w16" in r:
                parts.append(f"tfc {fmt(r['tfc_vs_f32_w16']['max_rel'], '.1e')}")
            for key, label in (("torch_bf16_eager", "eager bf16"), ("torch_compile", "torch.compile"),
                               ("torch_compile_ro", "r-o")):
                if r.get(key, {}).get("max_rel_w16") is not None:
                    parts.append(f"{label} {fmt(r[key]['max_rel_w16'], '.1e')}")
            print(f"| {name} | max rel err vs f32 with {r.get('ref_w16_dtype', 'bf16')}-rounded weights: "
                  + ", ".join(parts)
                  + " | | | | | | |")


# ----------------------------------------------------------------------------
# lever ablation (issue 8)
# ----------------------------------------------------------------------------
NO_GRAPH = 1  # TFC_SESSION_NO_GRAPH


def time_artifact(tfc, art_path, st_path, ids, ref, torch, target_s, flags=0):
    """Loads, binds (zero-copy), poisons, checks against ref and times one artifact."""
    art = tfc.load(art_path)
    sess = None
    try:
        t0 = time.time()
        sess = tfc.session(art, [st_path], flags)
        r = {"session_create_s": round(time.time() - t0, 2)}
        ins, outs = tfc.io(art)
        o = outs[0]
        out = torch.full(o["shape"], float("nan"), dtype=torch.float32, device="cuda")
        tfc.check(tfc.L.tfcSessionBindInputDevice(sess, b"input_ids", DT_I64, ids.data_ptr(),
                                                  ids.numel() * 8), "bind input")
        tfc.check(tfc.L.tfcSessionBindOutputDevice(sess, o["name"].encode(), DT_F32,
                                                   out.data_ptr(), o["bytes"]), "bind output")
        torch.cuda.synchronize()
        tfc.check(tfc.L.tfcSessionPoison(sess, 0xFF), "poison")
        r["first_run_ms"] = tfc.run_timed(sess)
        torch.cuda.synchronize()
        e = rel_err(out, ref)
        one = max(tfc.run_timed(sess), 1e-3)
        reps = int(min(200, max(5, target_s * 1e3 / one)))
        for _ in range(max(2, reps // 10)):
            tfc.run_timed(sess)
        times = [tfc.run_timed(sess) for _ in range(reps)]
        r.update(median_ms=float(np.median(times)), min_ms=float(np.min(times)),
                 max_ms=float(np.max(times)), reps=reps, max_rel=e["max_rel"],
                 l2_rel=e["l2_rel"], finite=e["finite"],
                 launches=int(tfc.L.tfcArtifactLaunchCount(art)))
        del out
        return r
    finally:
        if sess is not None:
            tfc.L.tfcSessionRelease(sess)
        tfc.L.tfcArtifactRelease(art)
        torch.cuda.synchronize()


def run_roofline(args, art_path, st_path, ids, ceil, out_stem):
    """tfc-run --roofline on one artifact; returns its summary lines."""
    npy = os.path.join(args.tmp, os.path.basename(out_stem) + ".ids.npy")
    np.save(npy, ids.cpu().numpy())
    html = out_stem + ".html"
    cmd = [args.tfc_run, art_path, "--input", f"input_ids={npy}", "--weights", st_path,
           "--warmup", "3", "--repeat", "20", "--roofline", html,
           "--peak-tflops", f"{ceil['bf16_gemm_TFLOPs']:.1f}",
           "--peak-tflops-f32", f"{ceil['f32_gemm_TFLOPs']:.1f}"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    text = p.stdout + p.stderr
    with open(out_stem + ".txt", "w") as f:
        f.write("$ " + " ".join(cmd) + "\n" + text)
    if p.returncode == 0 and os.path.exists(html):
        page = open(html).read()
        a, b = page.find("<svg "), page.find("</svg>")
        if a >= 0 and b > a:
            with open(out_stem + ".svg", "w") as f:
                f.write(page[a:b + len("</svg>")] + "\n")
    return {"rc": p.returncode, "cmd": " ".join(cmd), "output": text[-4000:]}


def print_ablation(results, ceil, env):
    print()
    print(f"device: {env['gpu']} | torch {env['torch']} | commit {env.get('commit')} | "
          f"{env['date_utc']} UTC")
    print(f"ceilings: D2D copy {ceil['copy_GBps']:.0f} GB/s, bf16 GEMM "
          f"{ceil['bf16_gemm_TFLOPs']:.0f} TFLOP/s, f32 GEMM {ceil['f32_gemm_TFLOPs']:.0f} TFLOP/s")
    print("| model | lever | ms with lever off | ms all on | time the lever saves | "
          "off / on | launches off / on | max rel err (lever off) |")
    print("|" + "---|" * 8)
    for name, r in results.items():
        base = r.get("variants", {}).get("all_on", {})
        on = base.get("median_ms")
        for variant, v in r.get("variants", {}).items():
            if variant == "all_on":
                continue
            lever = v.get("lever", variant)
            off = v.get("median_ms")
            if off is None or on is None:
                why = (v.get("error") or base.get("error") or "not run").strip().splitlines()[-1][:80]
                print(f"| {name} | {lever} | not run: {why} | {fmt(on, '.3f')} | | | | |")
                continue
            print(f"| {name} | {lever} | {off:.3f} | {on:.3f} | {off - on:+.3f} ms | "
                  f"{off / on:.2f}x | {v.get('launches')} / {base.get('launches')} | "
                  f"{fmt(v.get('max_rel'), '.1e')} |")
        print(f"| {name} | (all levers on) | | {fmt(on, '.3f')} | | | {base.get('launches')} | "
              f"{fmt(base.get('max_rel'), '.1e')} |")


def ablation_main(args):
    import torch
    import transformers
    import export_real_models as xr

    torch.set_grad_enabled(False)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.tmp, exist_ok=True)
    abl = json.load(open(os.path.join(args.dir, "ablation.json")))
    manifest = json.load(open(os.path.join(args.dir, "manifest.json")))
    env = {"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__,
           "transformers": transformers.__version__,
           "date_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
           "commit": abl["_meta"].get("commit"), "compile_meta": abl["_meta"]}
    print("env:", json.dumps(env), flush=True)
    dl = Deadline(args.deadline_at - time.time() if args.deadline_at else args.deadline_s)
    tfc = Tfc(args.lib)
    ceil = ceilings(torch)
    print("ceilings:", json.dumps(ceil), flush=True)
    names = [n for n in ("gpt2_124m_b1s16", "gpt2_124m_b8s1024") if n in abl]
    if args.models:
        names = [n for n in args.models.split(",") if n in abl]
    results = {}
    models = {}
    for name in names:
        r = results[name] = {"variants": {}}
        try:
            family, B, S, _ = xr.MODELS[name]
            entry = manifest["models"][name]
            graph = os.path.join(args.dir, name + ".onnx")
            h = sha256_file(graph)
            if h != entry["onnx_sha256"] or h != abl[name]["onnx_sha256"]:
                raise RuntimeError(f"graph hash mismatch: file {h}, manifest {entry['onnx_sha256']}, "
                                   f"ablation.json {abl[name]['onnx_sha256']}")
            phase(f"{name}: build model, prove and write weights")
            if family not in models:
                models.clear()
                models[family] = xr.build(name, tiny=manifest["env"].get("tiny", False))
            model, cfg, _, _ = models[family]
            # one safetensors file per model: the shapes share the weights (f32 in the
            # file; bf16 artifacts convert at load)
            st_path = os.path.join(args.tmp, family + ".ablation.safetensors")
            base_path = os.path.join(args.dir, f"{name}.all_on.tfcm")
            if not os.path.exists(st_path):
                art = tfc.load(base_path)
                try:
                    write_weights(tfc, art, model, entry, graph, st_path, r)
                finally:
                    tfc.L.tfcArtifactRelease(art)
            phase(f"{name}: float32 reference")
            gpu_model = copy.deepcopy(model).cuda()
            xr.set_attention(gpu_model, "sdpa")
            seed = int.from_bytes(os.urandom(4), "little")
            r["input_seed"] = seed
            g = torch.Generator().manual_seed(seed)
            ids = torch.randint(0, cfg.vocab_size, (B, S), generator=g, dtype=torch.int64).cuda()
            ref = gpu_model(ids).float()
            del gpu_model
            torch.cuda.synchronize()
            runs = [(v, a["lever"], os.path.join(args.dir, f"{name}.{v}.tfcm"), 0)
                    for v, a in abl[name]["variants"].items()]
            runs.append(("graphs_off", "CUDA graphs", base_path, NO_GRAPH))
            for variant, lever, path, flags in runs:
                v = r["variants"][variant] = {"lever": lever, "artifact": os.path.basename(path),
                                              "no_graph": bool(flags)}
                if dl.left() < 25:
                    v["error"] = f"skipped: device-time budget ({dl.left():.0f} s left)"
                    print(f"  {name} {variant}: {v['error']}", flush=True)
                    continue
                try:
                    phase(f"{name}: {variant}")
                    v.update(time_artifact(tfc, path, st_path, ids, ref, torch,
                                           args.target_s, flags))
                    print(f"  {name} {variant}: {v['median_ms']:.3f} ms, max_rel "
                          f"{v['max_rel']:.1e}, {v['launches']} launches", flush=True)
                except Exception:
                    v["error"] = traceback.format_exc()[-2000:]
                    print(f"  {name} {variant}: FAILED\n{v['error']}", flush=True)
            if args.tfc_run and os.path.exists(args.tfc_run) and dl.left() > 30:
                phase(f"{name}: tfc-run --roofline")
                r["roofline"] = run_roofline(args, base_path, st_path, ids, ceil,
                                             os.path.join(args.out, f"roofline_{name}"))
                print("\n".join(l for l in r["roofline"]["output"].splitlines()
                                if l.startswith(("roofline", "  ", "tfc-run"))), flush=True)
            del ids, ref
            torch.cuda.empty_cache()
        except Exception:
            r["error"] = traceback.format_exc()[-3000:]
            print(f"{name}: FAILED\n{r['error']}", flush=True)
        with open(os.path.join(args.out, "ablation_results.json"), "w") as f:
            json.dump({"env": env, "ceilings": ceil, "models": results}, f, indent=1)
    print_ablation(results, ceil, env)
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True, help="libtfcrt.so")
    ap.add_argument("--dir", required=True, help="folder with NAME.onnx, NAME.tfcm, manifest.json, compile.json")
    ap.add_argument("--out", required=True)
    ap.add_argument("--tmp", default="/tmp/tfc-e2e")
    ap.add_argument("--models", default="")
    ap.add_argument("--target-s", type=float, default=0.5, help="seconds of timed runs per measurement")
    ap.add_argument("--no-profile", dest="profile", action="store_false")
    ap.add_argument("--no-weights-rounded-ref", dest="weights_rounded_ref", action="store_false",
                    help="skip the second f32 reference (weights rounded to bf16) that separates "
                         "each bf16 engine's arithmetic error from the rounding of the weights")
    ap.add_argument("--deadline-s", type=float, default=1e9,
                    help="skip what would not finish within this many seconds of the start")
    ap.add_argument("--deadline-at", type=float, default=0,
                    help="the same as an absolute time (seconds since the epoch); wins if set")
    ap.add_argument("--no-tfc", action="store_true", help="PyTorch baselines and ceilings only")
    ap.add_argument("--check-only", action="store_true",
                    help="no GPU: prove and write the weights, check that the artifacts bind them")
    ap.add_argument("--ablation", action="store_true",
                    help="lever ablation of DIR (scripts/device/e2e_compile.py --ablation) and "
                         "tfc-run --roofline on its all-on artifacts")
    ap.add_argument("--tfc-run", default="/tmp/build-rt/tfc-run",
                    help="tfc-run binary for --ablation's roofline reports")
    ap.add_argument("--probe", action="store_true",
                    help="only load every artifact through --lib after torch + CUDA + transformers "
                         "are up (the benchmark's process state); exit 0 if that works")
    args = ap.parse_args()
    if args.probe:
        import torch
        import export_real_models as xr
        if torch.cuda.is_available():
            torch.zeros(1).cuda()
        xr.build("gpt2_124m_b1s16", tiny=True)
        tfc = Tfc(args.lib)
        for f in sorted(os.listdir(args.dir)):
            if f.endswith(".tfcm"):
                a = tfc.load(os.path.join(args.dir, f))
                print(f"probe: loaded {f}: {len(tfc.weights(a))} weights", flush=True)
                tfc.L.tfcArtifactRelease(a)
        return 0
    if args.ablation:
        return ablation_main(args)
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.tmp, exist_ok=True)
    import torch
    import transformers
    import export_real_models as xr

    torch.set_grad_enabled(False)
    manifest = json.load(open(os.path.join(args.dir, "manifest.json")))
    compiled = json.load(open(os.path.join(args.dir, "compile.json")))
    # launch-bound first, the largest last (the deadline cuts from the end)
    names = (args.models.split(",") if args.models else
             ["gpt2_124m_b1s16", "gpt2_124m_b8s1024", "bert_base_b32s128", "llama_1b_b1s2048"])
    env = {"gpu": torch.cuda.get_device_name(0) if not args.check_only else None, "torch": torch.__version__,
           "transformers": transformers.__version__, "python": platform.python_version(),
           "date_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
           "commit": compiled.get("_meta", {}).get("commit"),
           "export_env": manifest["env"], "compile_meta": compiled.get("_meta")}
    try:
        env["driver"] = subprocess.run(["nvidia-smi", "--query-gpu=driver_version,clocks.max.sm",
                                        "--format=csv,noheader"], capture_output=True,
                                       text=True).stdout.strip()
    except Exception:
        pass
    print("env:", json.dumps(env), flush=True)
    dl = Deadline(args.deadline_at - time.time() if args.deadline_at else args.deadline_s)
    tfc = Tfc(args.lib)
    ceil = ceilings(torch) if not args.check_only else None
    print("ceilings:", json.dumps(ceil), flush=True)
    results = {}
    for name in names:
        t0 = time.time()
        try:
            if dl.left() < 30:
                results[name] = {"error": f"skipped: device-time budget ({dl.left():.0f} s left)"}
                print(f"{name}: {results[name]['error']}", flush=True)
                continue
            results[name] = bench_model(name, args, tfc, manifest, compiled, ceil, torch, dl)
        except Exception:
            results[name] = {"error": traceback.format_exc()[-3000:]}
            print(f"{name}: FAILED\n{results[name]['error']}", flush=True)
        results[name]["wall_s"] = round(time.time() - t0, 1)
        r = results[name]
        print(f"{name}: done in {r['wall_s']} s; tfc {r.get('tfc', {}).get('median_ms')} ms "
              f"err {r.get('tfc_vs_f32')}; {r.get('weights')}", flush=True)
        if "tfc_error" in r:
            print(r["tfc_error"], flush=True)
        with open(os.path.join(args.out, "e2e.json"), "w") as f:
            json.dump({"env": env, "ceilings": ceil, "models": results}, f, indent=1)
    if args.check_only:
        for name, r in results.items():
            print(name, r.get("weights"), r.get("tfc_error") or r.get("tfc_skipped") or "")
        return 0
    for name, r in results.items():
        p = r.get("tfc_profile")
        if p:
            fams = ", ".join(f"{k} {v['ms']:.2f} ms ×{v['count']}" for k, v in list(p["by_family"].items())[:6])
            print(f"tfc profile {name}: {p['total_ms']:.2f} ms over {p['launches']} launches: {fams}")
    print_table(results, ceil, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
