#!/usr/bin/env python3
"""Compile the end-to-end models with tfc (runs HERE, on the build machine, not on the GPU).

For every model in DIR/manifest.json (written by scripts/models/export_real_models.py):
  tfc-opt --weights=external DIR/NAME.onnx
          --tfc-compile="target=sm_90a artifact=DIR/NAME.tfcm external-weights-file=NAME.safetensors"
timed (wall clock, user CPU, max RSS).  If the importer stops at an unsupported op whose
every node is computed from inline constants only (e.g. RoPE's Cos/Sin, BERT's
token-type GatherElements), the constant cone feeding those nodes is folded with
onnx.reference into DIR/NAME.folded.onnx (external weights untouched) and the compile is
retried; the stock failure is recorded first.  Writes DIR/compile.json (per model: the
stock and compiled graph's sha256, every attempt with its exact error, compile time,
launch count and arena size from `tfc-run --inspect`) and DIR/NAME.compile.log.

Usage: scripts/device/e2e_compile.py DIR [--models a,b] [--precision bf16]
       [--pre-passes '--tfc-raise --tfc-canonicalize-layout'] [--tfc-opt build/bin/tfc-opt]

Lever ablation (issue 8): scripts/device/e2e_compile.py --ablation OUTDIR [--from DIR]
compiles GPT-2 (B8xS1024 and B1xS16, bf16, external weights) once with every lever on
and once per lever off (ABLATION below: fusion, online softmax, layout, rematerialization,
precision), into OUTDIR/NAME.VARIANT.tfcm, copies the graphs and the export manifest
from DIR (default .device-carry/e2e), checks that every artifact loads
(`tfc-run --inspect`) and that OUTDIR fits the 64 MiB device carry, and writes
OUTDIR/ablation.json. CUDA graphs are the sixth lever: a run-time flag
(benchmarks/e2e.py --ablation runs the all-on artifact launch by launch).
"""
import argparse
import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 24), b""):
            h.update(chunk)
    return h.hexdigest()


PRECISION = "f32"


PRE_PASSES = []
COMPILE_OPTIONS = ""


def compile_one(tfc_opt, onnx_path, art_path, weights_name):
    compile_flag = (f"--tfc-compile=target=sm_90a artifact={art_path} "
                    f"external-weights-file={weights_name} precision={PRECISION}"
                    + (f" {COMPILE_OPTIONS}" if COMPILE_OPTIONS else ""))
    if PRE_PASSES:
        # graph passes not (yet) in tfc-compile, run on the imported graph first; tfc-compile
        # then re-runs its own stages on the result (set-target, raise: no-ops there)
        pre = os.path.splitext(art_path)[0] + ".pre.mlir"
        cmds = [[tfc_opt, "--weights=external", onnx_path, *PRE_PASSES, "-o", pre],
                [tfc_opt, pre, compile_flag, "-o", "/dev/null"]]
    else:
        cmds = [[tfc_opt, "--weights=external", onnx_path, compile_flag, "-o", "/dev/null"]]
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = ""
    for cmd in cmds:
        p = subprocess.run(cmd, capture_output=True, text=True)
        out += p.stdout + p.stderr
        if p.returncode != 0:
            break
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"cmd": " && ".join(" ".join(c) for c in cmds), "rc": p.returncode,
            "wall_s": round(wall, 2),
            "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
            "max_rss_MiB": round(after.ru_maxrss / 1024, 1),
            "stderr": out[-4000:]}


def fold_constant_cones(src, dst, op_types):
    """Folds every node of `op_types` whose inputs are computed from inline initializers
    only (with its whole constant cone); returns the folded node count by op type."""
    import numpy as np
    import onnx
    from onnx import TensorProto, numpy_helper
    from onnx.reference import ReferenceEvaluator

    m = onnx.load(src, load_external_data=False)
    g = m.graph
    const = {t.name: numpy_helper.to_array(t) for t in g.initializer
             if t.data_location != TensorProto.EXTERNAL}
    producer = {o: n for n in g.node for o in n.output}
    folded = []

    class NotConst(Exception):
        pass

    def value(name):
        if name in const:
            return const[name]
        n = producer.get(name)
        if n is None:
            raise NotConst(name)
        ins = [value(i) if i else None for i in n.input]
        feeds = {i: v for i, v in zip(n.input, ins) if i}
        if n.op_type == "GatherElements":  # onnx.reference's fails on [1,512] x [1,128]
            axis = next((a.i for a in n.attribute if a.name == "axis"), 0)
            data, idx = ins
            idx = np.where(idx < 0, idx + data.shape[axis], idx)
            outs = [np.take_along_axis(data, idx, axis=axis)]
        else:
            outs = ReferenceEvaluator(n).run(None, feeds)
        for o, v in zip(n.output, outs):
            const[o] = np.asarray(v)
        folded.append(n)
        return const[name]

    counts = {}
    for n in list(g.node):
        if n.op_type in op_types:
            try:
                value(n.output[0])
            except NotConst:
                raise RuntimeError(f"{n.op_type} node '{n.name}' depends on a graph input or a "
                                   f"weight, not only on inline constants: cannot fold")
            counts[n.op_type] = counts.get(n.op_type, 0) + 1
    folded_ids = {id(n) for n in folded}
    keep = [n for n in g.node if id(n) not in folded_ids]
    used = {i for n in keep for i in n.input} | {o.name for o in g.output}
    new_inits = [t for t in g.initializer
                 if t.data_location == TensorProto.EXTERNAL or t.name in used]
    have = {t.name for t in new_inits}
    for n in folded:
        for o in n.output:
            if o in used and o not in have:
                new_inits.append(numpy_helper.from_array(const[o], o))
                have.add(o)
    del g.node[:]
    g.node.extend(keep)
    del g.initializer[:]
    g.initializer.extend(new_inits)
    onnx.save_model(m, dst)
    return counts


def inspect(tfc_run, art):
    p = subprocess.run([tfc_run, art, "--inspect"], capture_output=True, text=True)
    text = p.stdout + p.stderr
    info = {}
    for key, pat in (("launches", r"launches \((\d+)\)"), ("kernels", r"kernels \((\d+)\)"),
                     ("weights", r"weights \((\d+)\)"), ("arena_bytes", r"arena (\d+) bytes")):
        mm = re.search(pat, text)
        if mm:
            info[key] = int(mm.group(1))
    fams = {}
    for k in re.findall(r"kernel 'k\d+_(\w+)'", text.split("launches (")[-1]):
        fams[k] = fams.get(k, 0) + 1
    info["launch_families"] = fams
    info["artifact_bytes"] = os.path.getsize(art)
    return info


# variant -> (lever it switches off, tfc-compile options); "all_on" is the baseline
ABLATION = {
    "all_on": (None, "precision=bf16"),
    "fuse_off": ("fusion", "precision=bf16 fuse=false"),
    "online_softmax_off": ("online softmax", "precision=bf16 online-softmax=false"),
    "layout_off": ("layout", "precision=bf16 layout=false"),
    "remat_off": ("rematerialization", "precision=bf16 rematerialize=false"),
    "precision_off": ("precision (f32)", "precision=f32"),
}
ABLATION_MODELS = ["gpt2_124m_b8s1024", "gpt2_124m_b1s16"]
CARRY_LIMIT = 64 << 20


def ablation(args):
    """Compiles ABLATION_MODELS once per ABLATION variant into args.ablation."""
    import shutil
    out, src = args.ablation, args.source
    os.makedirs(out, exist_ok=True)
    shutil.copy(os.path.join(src, "manifest.json"), out)
    result = {"_meta": {
        "commit": git("rev-parse", "--short", "HEAD"),
        "working_tree": "dirty" if git("status", "--porcelain", "--untracked-files=no") else "clean",
        "date_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
        "nproc": os.cpu_count(), "host": os.uname().nodename,
        "variants": {k: {"lever": v[0], "options": v[1]} for k, v in ABLATION.items()}}}
    failed = 0
    for name in ABLATION_MODELS:
        onnx_src = os.path.join(src, name + ".onnx")
        if not os.path.exists(onnx_src):
            print(f"{name}: no exported graph at {onnx_src}")
            return 1
        shutil.copy(onnx_src, out)
        graph = os.path.join(out, name + ".onnx")
        r = result[name] = {"onnx_sha256": sha256_file(graph), "variants": {}}
        for variant, (lever, options) in ABLATION.items():
            art = os.path.join(out, f"{name}.{variant}.tfcm")
            if os.path.exists(art):
                os.remove(art)
            flag = (f"--tfc-compile=target=sm_90a artifact={art} "
                    f"external-weights-file={name}.safetensors {options}")
            cmd = [args.tfc_opt, "--weights=external", graph, flag, "-o", "/dev/null"]
            t0 = time.perf_counter()
            p = subprocess.run(cmd, capture_output=True, text=True)
            v = {"lever": lever, "options": options, "rc": p.returncode,
                 "compile_s": round(time.perf_counter() - t0, 2), "cmd": " ".join(cmd)}
            if p.returncode == 0:
                # the listing is printed once the artifact validated; binding its
                # weights must fail here (the safetensors file is made on the device)
                q = subprocess.run([args.tfc_run, art, "--inspect"], capture_output=True, text=True)
                v["loads"] = "tfcm format version" in q.stdout
                v["weights_bound_here"] = q.returncode == 0
                v["format_version"] = int(re.search(r"tfcm format version (\d+)", q.stdout).group(1)) \
                    if v["loads"] else None
                v["launches"] = int(re.search(r"launches \((\d+)\)", q.stdout).group(1)) \
                    if v["loads"] else None
                v["predicted_launches"] = q.stdout.count("predicted: ")
                v["artifact_bytes"] = os.path.getsize(art)
                if not v["loads"]:
                    v["error"] = (q.stdout + q.stderr).strip().splitlines()[-1]
            else:
                v["error"] = (p.stdout + p.stderr).strip().splitlines()[-1]
            ok = p.returncode == 0 and v.get("loads")
            if ok:
                v["sha256"] = sha256_file(art)
                base = r["variants"].get("all_on", {}).get("sha256")
                # e.g. online-softmax=false on GPT-2: attention is raised, and its
                # kernel is the flash form whatever tfc.flash says; no softmax is left
                v["identical_to_all_on"] = variant != "all_on" and v["sha256"] == base
                if v["identical_to_all_on"]:
                    v["note"] = "byte-identical to all_on: the lever changes nothing in these kernels"
            failed += not ok
            r["variants"][variant] = v
            print(f"{name} {variant:18s} ({options}): {'ok' if ok else 'FAILED'} "
                  f"{v['compile_s']} s, {v.get('launches')} launches, "
                  f"{v.get('artifact_bytes', 0) / 2**20:.1f} MiB {v.get('error') or v.get('note') or ''}",
                  flush=True)
    total = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out)
                if os.path.isfile(os.path.join(out, f)))
    result["_meta"]["carry_bytes"] = total
    result["_meta"]["fits_carry"] = total < CARRY_LIMIT
    with open(os.path.join(out, "ablation.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(f"{out}: {total / 2**20:.1f} MiB ({'fits' if total < CARRY_LIMIT else 'EXCEEDS'} "
          f"the 64 MiB carry); {failed} failed")
    return 1 if failed or total >= CARRY_LIMIT else 0


def git(*args):
    return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True).stdout.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?")
    ap.add_argument("--ablation", metavar="OUTDIR",
                    help="compile GPT-2 once per lever off into OUTDIR (see the docstring)")
    ap.add_argument("--from", dest="source", default=os.path.join(ROOT, ".device-carry", "e2e"),
                    help="with --ablation: the folder with the exported graphs and manifest.json")
    ap.add_argument("--models", default="")
    ap.add_argument("--precision", default="f32", choices=["f32", "bf16", "f16"],
                    help="tfc-compile precision (weights stay f32 in the safetensors file)")
    ap.add_argument("--compile-options", default="",
                    help="more tfc-compile options, e.g. 'keep-residual-f32'")
    ap.add_argument("--pre-passes", default="",
                    help="tfc-opt pass flags run on the imported graph before tfc-compile, e.g. "
                         "'--tfc-set-target=preset=sm_90a --canonicalize --tfc-raise "
                         "--tfc-canonicalize-layout' (a pass not yet in the pipeline)")
    ap.add_argument("--tfc-opt", default=os.path.join(ROOT, "build", "bin", "tfc-opt"))
    ap.add_argument("--tfc-run", default=os.path.join(ROOT, "build", "bin", "tfc-run"))
    args = ap.parse_args()
    if args.ablation:
        return ablation(args)
    if not args.dir:
        ap.error("DIR is required (or --ablation OUTDIR)")
    global PRECISION, PRE_PASSES, COMPILE_OPTIONS
    PRECISION = args.precision
    COMPILE_OPTIONS = args.compile_options.strip()
    PRE_PASSES = args.pre_passes.split()
    manifest = json.load(open(os.path.join(args.dir, "manifest.json")))
    names = args.models.split(",") if args.models else list(manifest["models"])
    out_path = os.path.join(args.dir, "compile.json")
    result = json.load(open(out_path)) if os.path.exists(out_path) else {}
    result["_meta"] = {
        "commit": git("rev-parse", "--short", "HEAD"),
        "working_tree": "dirty" if git("status", "--porcelain", "--untracked-files=no") else "clean",
        "dirty_files": git("status", "--porcelain", "--untracked-files=no").splitlines()[:40],
        "tfc_opt": args.tfc_opt,
        "tfc_opt_mtime": time.strftime("%Y-%m-%d %H:%M:%S",
                                       time.gmtime(os.path.getmtime(args.tfc_opt))),
        "date_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
        "nproc": os.cpu_count(), "host": os.uname().nodename,
        "precision": PRECISION,
        "pre_passes": PRE_PASSES,
        "compile_options": COMPILE_OPTIONS,
    }
    for name in names:
        entry = manifest["models"].get(name, {})
        r = result[name] = {"attempts": [], "precision": PRECISION, "pre_passes": PRE_PASSES,
                            "compile_options": COMPILE_OPTIONS}
        src = os.path.join(args.dir, name + ".onnx")
        if not entry.get("ok") or not os.path.exists(src):
            r.update(ok=False, error="no exported graph")
            print(f"{name}: no exported graph")
            continue
        r["onnx_sha256"] = sha256_file(src)
        r["manifest_match"] = r["onnx_sha256"] == entry.get("onnx_sha256")
        art = os.path.join(args.dir, name + ".tfcm")
        if os.path.exists(art):
            os.remove(art)
        graph, folded_ops = src, {}
        for _ in range(6):
            a = compile_one(args.tfc_opt, graph, art, name + ".safetensors")
            a["graph"] = os.path.basename(graph)
            r["attempts"].append(a)
            if a["rc"] == 0:
                break
            # the importer names each op it cannot run: "unsupported ONNX op 'X'" or
            # "X of 'tensor<...>' computed at run time is not supported"
            ops = set(re.findall(r"unsupported ONNX op '(\w+)'", a["stderr"]))
            ops |= set(re.findall(r"(\w+) of '[^']*' computed at run time is not supported",
                                  a["stderr"]))
            if not ops or ops <= set(folded_ops):
                break
            dst = os.path.join(args.dir, name + ".folded.onnx")
            try:
                counts = fold_constant_cones(graph, dst, set(folded_ops) | ops)
            except Exception as e:
                a["fold_error"] = str(e)
                break
            folded_ops.update(counts)
            graph = dst
        last = r["attempts"][-1]
        r["ok"] = last["rc"] == 0
        r["compiled_onnx"] = os.path.basename(graph)
        r["compiled_sha256"] = sha256_file(graph)
        r["folded_ops"] = folded_ops
        r["compile_s"] = last["wall_s"]
        r["error"] = None if r["ok"] else last["stderr"].strip().splitlines()[-1]
        r["stock_error"] = (None if r["attempts"][0]["rc"] == 0
                            else r["attempts"][0]["stderr"].strip().splitlines()[-1])
        with open(os.path.join(args.dir, name + ".compile.log"), "w") as f:
            for a in r["attempts"]:
                f.write(f"$ {a['cmd']}\nrc={a['rc']} wall={a['wall_s']}s cpu={a['cpu_s']}s "
                        f"rss={a['max_rss_MiB']}MiB\n{a['stderr']}\n")
        if r["ok"]:
            r["artifact"] = inspect(args.tfc_run, art)
        print(f"{name}: ok={r['ok']} compile {r['compile_s']} s (cpu {last['cpu_s']} s, "
              f"rss {last['max_rss_MiB']} MiB) graph={r['compiled_onnx']} folded={folded_ops} "
              f"stock_error={r['stock_error']} error={r['error']} {r.get('artifact', '')}")
        with open(out_path, "w") as f:
            json.dump(result, f, indent=1)
    with open(out_path, "w") as f:
        json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
