#!/usr/bin/env python3
"""The Python API on a GPU: compiled test models against their committed
references, with weights inline, bound from safetensors files (beside the
artifact, and written on this host), read from ONNX external data, and
zero-copy with PyTorch CUDA tensors, CuPy and JAX arrays (through
__cuda_array_interface__ and DLPack) when they are importable, and the
latency of graph replay against launch-by-launch on gpt2_tiny.

Artifacts come from prepare_gpu_artifacts.py (run where tfc-opt is), in
$TFC_GPU_ARTIFACTS (default .device-carry/python). The runtime library
is found through $TFC_RUNTIME_LIB. With $OUT set, the measured numbers go to
$OUT/python_gpu.json. Run it with pytest, or as a script:

    python3 python/tests/gpu_test_session.py     # prints PASS/FAIL/SKIP per test

Not collected by `pytest python/tests` (no test_ prefix): it needs a GPU.
"""
import json
import os
import pathlib
import statistics
import sys
import tempfile
import time
import traceback

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))

import tfc  # noqa: E402

MODELS = ROOT / "test" / "models"
ARTIFACTS = pathlib.Path(os.environ.get("TFC_GPU_ARTIFACTS", ROOT / ".device-carry" / "python"))
RTOL, ATOL = 1e-4, 1e-5  # f32 (DESIGN: f32 ~1e-5)
MEASURED = {}  # what main() writes to $OUT/python_gpu.json


class Skip(Exception):
    pass


SCRIPT_MODE = False  # main() runs the tests itself; otherwise pytest does


def skip(reason):
    if SCRIPT_MODE:
        raise Skip(reason)
    import pytest

    pytest.skip(reason)


def artifact(name):
    path = ARTIFACTS / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run python/tests/prepare_gpu_artifacts.py "
                                f"{ARTIFACTS} where tfc-opt is, and carry it here")
    return path


def assert_close(got, want, what):
    got = np.asarray(got, np.float64)
    want = np.asarray(want, np.float64)
    assert got.shape == want.shape, f"{what}: shape {got.shape}, expected {want.shape}"
    assert np.isfinite(got).all(), f"{what}: non-finite values (an element no kernel wrote?)"
    err = np.abs(got - want)
    ok = np.allclose(got, want, rtol=RTOL, atol=ATOL)
    assert ok, f"{what}: max abs err {err.max():.3g} (rtol {RTOL}, atol {ATOL})"
    return float(err.max())


def handmade_reference(x, w):
    """numpy float64 of the handmade model: softmax(layer_norm(x @ W + b))."""
    h = x.astype(np.float64) @ w["W"] + w["b"]
    mu = h.mean(-1, keepdims=True)
    var = ((h - mu) ** 2).mean(-1, keepdims=True)
    ln = (h - mu) / np.sqrt(var + 1e-5) * w["ln_scale"] + w["ln_bias"]
    e = np.exp(ln - ln.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def handmade_io():
    x = np.load(MODELS / "handmade_mlp_ln_softmax.input.x.npy")
    y = np.load(MODELS / "handmade_mlp_ln_softmax.output.y.npy")
    return x, y


# --- tests -----------------------------------------------------------------


def test_inline_graph_and_no_graph():
    x, y = handmade_io()
    for graph in (True, False):
        with tfc.Session(artifact("handmade_inline.tfcm"), graph=graph) as s:
            print(f"  {s.describe()} (graph={graph})")
            MEASURED["session"] = s.describe()
            s.poison()
            out = s.run(x=x)
            assert list(out) == ["y"] and out["y"].dtype == np.float32
            err = assert_close(out["y"], y, f"handmade graph={graph}")
            # Replays with new data give new results.
            x2 = (x * 0.5).astype(np.float32)
            w = tfc.read_safetensors(artifact("handmade.safetensors"))
            assert_close(s.run({"x": x2})["y"], handmade_reference(x2, w), "second run, new input")
            print(f"  max abs err vs ORT {err:.3g}")


def test_profile_and_benchmark():
    x, _ = handmade_io()
    with tfc.Session(artifact("handmade_inline.tfcm")) as s:
        times = s.profile(x=x)
        assert len(times) == len(s.artifact.launches) > 0
        assert all(t.milliseconds >= 0 for t in times)
        for t in times:
            print(f"  launch {t.index} {t.name}: {t.milliseconds:.4f} ms")
        bench = s.benchmark(repeat=50, warmup=5)
        assert 0 < bench["min_ms"] <= bench["median_ms"] <= bench["max_ms"]
        print(f"  graph replay median {bench['median_ms']:.4f} ms")


def test_safetensors_beside_the_artifact():
    x, y = handmade_io()
    a = tfc.Artifact(artifact("handmade_st.tfcm"))
    assert {w.storage for w in a.external_weights} == {"safetensors"}
    with tfc.Session(a) as s:
        assert_close(s.run(x=x)["y"], y, "safetensors beside the artifact")


def test_safetensors_written_on_this_host():
    """Weights made here (as the device scripts do: arrays in memory, then a
    file the artifact binds), bound at session creation by name."""
    x, y = handmade_io()
    a = tfc.Artifact(artifact("handmade_st.tfcm"))
    w = tfc.read_safetensors(artifact("handmade.safetensors"))
    with tempfile.TemporaryDirectory() as d:
        mine = tfc.write_weights_for(a, pathlib.Path(d) / "mine.safetensors", dict(w))
        with tfc.Session(a, weights=mine) as s:
            assert_close(s.run(x=x)["y"], y, "weights written here")
        # Different weights give the matching different result: the binding
        # really is what the kernels read.
        scaled = {k: (v * 1.5 if k == "W" else v) for k, v in w.items()}
        other = tfc.write_weights_for(a, pathlib.Path(d) / "other.safetensors", scaled)
        with tfc.Session(a, weights=other) as s:
            assert_close(s.run(x=x)["y"], handmade_reference(x, scaled), "other weights")
        # Random weights of the right dtypes and shapes bind too.
        rnd = tfc.write_weights_for(a, pathlib.Path(d) / "random.safetensors", tfc.random_weights(a))
        with tfc.Session(a, weights=rnd) as s:
            assert np.isfinite(s.run(x=x)["y"]).all()
        # A wrong file is refused before the GPU is touched.
        bad = pathlib.Path(d) / "bad.safetensors"
        tfc.write_safetensors(bad, {k: v for k, v in w.items() if k != "b"})
        try:
            tfc.Session(a, weights=bad)
        except tfc.TfcError as e:
            assert e.status_name == "TFC_ERROR_EXTERNAL_WEIGHTS" and "no tensor 'b'" in e.message, e
        else:
            raise AssertionError("a weights file without 'b' was accepted")


def test_onnx_external_data():
    a = tfc.Artifact(artifact("two_matmul_ext.tfcm"))
    data = artifact("two_matmul.onnx.data").read_bytes()
    w = {}
    for weight in a.weights:
        assert weight.storage == "external" and weight.path == "two_matmul.onnx.data"
        w[weight.name] = np.frombuffer(data[weight.offset: weight.offset + weight.nbytes],
                                       np.float32).reshape(weight.shape)
    x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    with tfc.Session(a) as s:
        assert_close(s.run(x=x)["y"], x.astype(np.float64) @ w["W1"] @ w["W2"], "two_matmul")
    # The same artifact, its data file in another folder.
    with tempfile.TemporaryDirectory() as d:
        (pathlib.Path(d) / "two_matmul.onnx.data").write_bytes(data)
        with tfc.Session(a, weights_dir=d) as s:
            assert_close(s.run(x=x)["y"], x.astype(np.float64) @ w["W1"] @ w["W2"], "weights_dir")


def test_gpt2_tiny():
    ids = np.load(MODELS / "gpt2_tiny.input.input_ids.npy")
    ref = np.load(MODELS / "gpt2_tiny.dynamo18.output.logits.ort.npy")
    for name in ("gpt2_tiny.tfcm", "gpt2_tiny_st.tfcm"):
        with tfc.Session(artifact(name)) as s:
            t0 = time.perf_counter()
            out = s.run(input_ids=ids)
            err = assert_close(out["logits"], ref, name)
            print(f"  {name}: max abs err {err:.3g}, first run {1e3 * (time.perf_counter() - t0):.1f} ms, "
                  f"replay median {s.benchmark(repeat=50)['median_ms']:.4f} ms")


def test_errors():
    x, _ = handmade_io()
    with tfc.Session(artifact("handmade_inline.tfcm")) as s:
        try:
            s.run_bound()
        except tfc.TfcError as e:
            assert e.status_name == "TFC_ERROR_NOT_READY", e
        else:
            raise AssertionError("a run without inputs was accepted")
        for bad, needle in ((x.astype(np.float64), "dtype float64"), (x[:2], "shape [2, 32, 64]")):
            try:
                s.run(x=bad)
            except tfc.TfcError as e:
                assert e.status_name == "TFC_ERROR_INVALID_ARGUMENT" and needle in e.message, e
            else:
                raise AssertionError(f"input with {needle} was accepted")
        try:
            s.run(z=x)
        except tfc.TfcError as e:
            assert "no input named 'z'" in e.message, e
        else:
            raise AssertionError("unknown input accepted")


def cuda_torch():
    try:
        import torch
    except ImportError:
        skip("torch is not importable")
    if not torch.cuda.is_available():
        skip("torch has no CUDA")
    torch.backends.cuda.matmul.allow_tf32 = False
    return torch


def test_torch_zero_copy():
    torch = cuda_torch()
    x_np, y_ref = handmade_io()
    w = tfc.read_safetensors(artifact("handmade.safetensors"))
    with tfc.Session(artifact("handmade_inline.tfcm")) as s:
        # run() with a CUDA tensor: bound in place, outputs come back as
        # CUDA tensors the kernels wrote.
        x = torch.from_numpy(x_np).cuda()
        s.poison()
        out = s.run(x=x)
        assert isinstance(out["y"], torch.Tensor) and out["y"].is_cuda
        assert_close(out["y"].cpu().numpy(), y_ref, "torch run()")
        assert s.input_device_ptr("x") == x.data_ptr()
        assert s.output_device_ptr("y") == out["y"].data_ptr()
        # The next run writes the same tensor (the graph replays, no re-capture).
        again = s.run(x=x)
        assert again["y"] is out["y"] and s.output_device_ptr("y") == out["y"].data_ptr()
        # Outputs given to run(): written there and returned as given.
        mine = torch.full(tuple(s.artifact.output("y").shape), float("nan"), device="cuda")
        got = s.run({"x": x}, {"y": mine})
        assert got["y"] is mine and s.output_device_ptr("y") == mine.data_ptr()
        assert_close(mine.cpu().numpy(), y_ref, "torch run() into a given tensor")
        # CPU tensors in: CPU tensors out.
        cpu = s.run(x=torch.from_numpy(x_np))["y"]
        assert isinstance(cpu, torch.Tensor) and not cpu.is_cuda
        assert_close(cpu.numpy(), y_ref, "torch CPU run()")

        # Explicit bindings, then replays that read and write in place.
        y = torch.full(tuple(s.artifact.output("y").shape), float("nan"), device="cuda")
        s.bind_input_device("x", x)
        s.bind_output_device("y", y.data_ptr())
        s.run_bound()
        assert_close(y.cpu().numpy(), y_ref, "bound device pointers")
        x.mul_(0.25)  # new input data, same address: no rebinding
        torch.cuda.synchronize()
        s.run_bound()
        assert_close(y.cpu().numpy(), handmade_reference(x_np * 0.25, w), "in-place replay")
        # run() waits for torch's stream: a kernel queued just before is seen.
        x.copy_(torch.from_numpy(x_np).cuda(), non_blocking=True)
        assert_close(s.run(x=x)["y"].cpu().numpy(), y_ref, "run() after a queued copy")

        # Against PyTorch itself on the same GPU.
        tw = {k: torch.from_numpy(v).cuda() for k, v in w.items()}
        h = x @ tw["W"] + tw["b"]
        want = torch.softmax(torch.nn.functional.layer_norm(h, (64,), tw["ln_scale"], tw["ln_bias"], 1e-5), -1)
        assert_close(s.run(x=x)["y"].cpu().numpy(), want.cpu().numpy(), "vs torch")

        # Wrong tensors are refused with the expected form in the message.
        for bad, needle in ((x.half(), "got a torch tensor of dtype torch.float16"),
                            (x[:2], "is f32[4, 32, 64]; got a torch tensor of dtype torch.float32 "
                                    "and shape [2, 32, 64]"),
                            (torch.empty(4, 64, 32, device="cuda").transpose(1, 2), "not contiguous"),
                            (x.cpu(), "Tensor is not device memory")):
            try:
                s.bind_input_device("x", bad)
            except tfc.TfcError as e:
                assert needle in e.message, e
            else:
                raise AssertionError(f"a tensor was accepted: {needle}")


class OnlyDLPack:
    """A producer that speaks only DLPack (what JAX and others look like)."""

    def __init__(self, tensor):
        self.tensor = tensor

    def __dlpack__(self, **kwargs):
        return self.tensor.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self.tensor.__dlpack_device__()


class OnlyCAI:
    """An object with only __cuda_array_interface__ (what Numba looks like)."""

    def __init__(self, tensor):
        self.tensor = tensor
        self.__cuda_array_interface__ = tensor.__cuda_array_interface__


def test_dlpack_and_cuda_array_interface():
    torch = cuda_torch()
    x_np, y_ref = handmade_io()
    with tfc.Session(artifact("handmade_inline.tfcm")) as s:
        x = torch.from_numpy(x_np).cuda()
        for wrap in (OnlyDLPack, OnlyCAI):
            s.poison()
            out = s.run(x=wrap(x))
            y = out["y"]
            assert isinstance(y, tfc.DeviceArray), type(y)
            assert s.input_device_ptr("x") == x.data_ptr(), wrap.__name__
            assert y.ptr == s.output_device_ptr("y")
            assert_close(y.numpy(), y_ref, f"{wrap.__name__} run()")
            # torch reads the result in place, through DLPack and through CAI.
            t = torch.from_dlpack(y)
            assert t.data_ptr() == y.ptr and t.device.index == 0
            assert_close(t.cpu().numpy(), y_ref, f"{wrap.__name__}: torch.from_dlpack(result)")
            t2 = torch.as_tensor(y, device="cuda")
            assert t2.data_ptr() == y.ptr
        # A DLPack output given to run().
        dst = torch.full((4, 32, 64), float("nan"), device="cuda")
        got = s.run({"x": OnlyDLPack(x)}, {"y": OnlyDLPack(dst)})
        assert s.output_device_ptr("y") == dst.data_ptr() and isinstance(got["y"], OnlyDLPack)
        assert_close(dst.cpu().numpy(), y_ref, "DLPack output given")
        try:
            s.run(x=OnlyDLPack(x[:, :, :32].contiguous()))
        except tfc.TfcError as e:
            assert "got a DLPack tensor of dtype f32 and shape [4, 32, 32]" in e.message, e
        else:
            raise AssertionError("a DLPack tensor of the wrong shape was accepted")


def test_cupy():
    try:
        import cupy
    except ImportError:
        skip("cupy is not importable")
    x_np, y_ref = handmade_io()
    with tfc.Session(artifact("handmade_inline.tfcm")) as s:
        x = cupy.asarray(x_np)
        out = s.run(x=x)
        y = out["y"]
        assert isinstance(y, tfc.DeviceArray) and s.input_device_ptr("x") == x.data.ptr
        c = cupy.asarray(y)  # __cuda_array_interface__, no copy
        assert c.data.ptr == y.ptr
        assert_close(cupy.asnumpy(c), y_ref, "cupy in, cupy.asarray(result)")
        d = cupy.from_dlpack(y)
        assert d.data.ptr == y.ptr
        assert_close(cupy.asnumpy(d), y_ref, "cupy.from_dlpack(result)")
        dst = cupy.full((4, 32, 64), cupy.nan, cupy.float32)
        assert s.run({"x": x}, {"y": dst})["y"] is dst
        assert_close(cupy.asnumpy(dst), y_ref, "cupy output given")
        MEASURED["cupy"] = cupy.__version__


def test_jax():
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        skip("jax is not importable")
    if not any(d.platform == "gpu" for d in jax.devices()):
        skip("jax has no GPU")
    x_np, y_ref = handmade_io()
    with tfc.Session(artifact("handmade_inline.tfcm")) as s:
        x = jax.device_put(jnp.asarray(x_np), jax.devices("gpu")[0])
        out = s.run(x=x)
        y = out["y"]
        assert isinstance(y, tfc.DeviceArray)
        assert s.input_device_ptr("x") == x.unsafe_buffer_pointer()
        assert_close(y.numpy(), y_ref, "jax in")
        j = jax.dlpack.from_dlpack(y)
        assert_close(np.asarray(j), y_ref, "jax.dlpack.from_dlpack(result)")
        MEASURED["jax"] = jax.__version__


def _wall_ms(fn, repeat, warmup=20):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(1e3 * (time.perf_counter() - t0))
    return statistics.median(times)


def test_gpt2_tiny_graph_vs_launches():
    """The point of CUDA graphs: gpt2_tiny's launches (24 kernels) replayed
    as one graph against launched one by one; GPU time (CUDA events around
    the run) and the Python call's wall time, NumPy and zero-copy torch."""
    ids = np.load(MODELS / "gpt2_tiny.input.input_ids.npy")
    ref = np.load(MODELS / "gpt2_tiny.dynamo18.output.logits.ort.npy")
    result = {}
    for graph in (True, False):
        with tfc.Session(artifact("gpt2_tiny.tfcm"), graph=graph) as s:
            key = "graph" if graph else "launch_by_launch"
            assert_close(s.run(input_ids=ids)["logits"], ref, f"gpt2_tiny {key}")
            bench = s.benchmark(repeat=200, warmup=20)
            entry = {"launches": len(s.artifact.launches), "gpu_median_ms": bench["median_ms"],
                     "gpu_min_ms": bench["min_ms"],
                     "run_numpy_wall_ms": _wall_ms(lambda: s.run(input_ids=ids), 200),
                     "run_bound_wall_ms": _wall_ms(s.run_bound, 200)}
            if not graph:
                entry["sum_of_kernels_ms"] = sum(t.milliseconds for t in s.profile())
            try:
                torch = cuda_torch()
            except BaseException:
                torch = None
            if torch is not None:
                ids_t = torch.from_numpy(ids).cuda()
                out = s.run(input_ids=ids_t)["logits"]
                assert s.output_device_ptr("logits") == out.data_ptr()
                assert s.input_device_ptr("input_ids") == ids_t.data_ptr()
                assert_close(out.cpu().numpy(), ref, f"gpt2_tiny {key} torch")
                entry["run_torch_wall_ms"] = _wall_ms(lambda: s.run(input_ids=ids_t), 200)
            result[key] = entry
            print(f"  {key}: " + ", ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                                           for k, v in entry.items()))
    g, n = result["graph"], result["launch_by_launch"]
    result["launch_overhead_removed_ms"] = n["gpu_median_ms"] - g["gpu_median_ms"]
    print(f"  graph replay {g['gpu_median_ms']:.4f} ms vs launch by launch {n['gpu_median_ms']:.4f} ms "
          f"(GPU time, median of 200): {n['gpu_median_ms'] / g['gpu_median_ms']:.2f}x")
    MEASURED["gpt2_tiny"] = result
    assert g["gpu_median_ms"] < n["gpu_median_ms"], "graph replay is not faster than launch by launch"


def main():
    global SCRIPT_MODE
    SCRIPT_MODE = True
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]
    results = {}
    print(f"libtfcrt: {tfc._capi.load_library().tfc_path}; artifacts: {ARTIFACTS}")
    for name, test in tests:
        print(f"== {name}")
        try:
            test()
            results[name] = "PASS"
        except Skip as e:
            results[name] = f"SKIP ({e})"
        except Exception:
            traceback.print_exc()
            results[name] = "FAIL"
    for name, result in results.items():
        print(f"{result:>6}  {name}")
    failed = sum(r == "FAIL" for r in results.values())
    print(f"{len(results) - failed} passed or skipped, {failed} failed")
    if os.environ.get("OUT"):
        MEASURED["results"] = results
        path = pathlib.Path(os.environ["OUT"]) / "python_gpu.json"
        path.write_text(json.dumps(MEASURED, indent=1, sort_keys=True) + "\n")
        print(f"wrote {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
