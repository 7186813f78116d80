#!/usr/bin/env python3
"""The Python API on a GPU: compiled test models against their committed
references, with weights inline, bound from safetensors files (beside the
artifact, and written on this host), read from ONNX external data, and
zero-copy with PyTorch CUDA tensors when torch is importable.

Artifacts come from prepare_gpu_artifacts.py (run where tfc-opt is), in
$TFC_GPU_ARTIFACTS (default .device-carry/python-gpu). The runtime library
is found through $TFC_RUNTIME_LIB. Run it with pytest, or as a script:

    python3 python/tests/gpu_test_session.py     # prints PASS/FAIL/SKIP per test

Not collected by `pytest python/tests` (no test_ prefix): it needs a GPU.
"""
import os
import pathlib
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
ARTIFACTS = pathlib.Path(os.environ.get("TFC_GPU_ARTIFACTS", ROOT / ".device-carry" / "python-gpu"))
RTOL, ATOL = 1e-4, 1e-5  # f32 (DESIGN: f32 ~1e-5)


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


def test_torch_zero_copy():
    try:
        import torch
    except ImportError:
        skip("torch is not importable")
    if not torch.cuda.is_available():
        skip("torch has no CUDA")
    torch.backends.cuda.matmul.allow_tf32 = False
    x_np, y_ref = handmade_io()
    w = tfc.read_safetensors(artifact("handmade.safetensors"))
    with tfc.Session(artifact("handmade_inline.tfcm")) as s:
        # run() with a CUDA tensor: bound in place, outputs come back as
        # CUDA tensors the kernels wrote.
        x = torch.from_numpy(x_np).cuda()
        out = s.run(x=x)
        assert isinstance(out["y"], torch.Tensor) and out["y"].is_cuda
        assert_close(out["y"].cpu().numpy(), y_ref, "torch run()")
        assert s.input_device_ptr("x") == x.data_ptr()
        assert s.output_device_ptr("y") == out["y"].data_ptr()

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

        # Against PyTorch itself on the same GPU.
        tw = {k: torch.from_numpy(v).cuda() for k, v in w.items()}
        h = x @ tw["W"] + tw["b"]
        want = torch.softmax(torch.nn.functional.layer_norm(h, (64,), tw["ln_scale"], tw["ln_bias"], 1e-5), -1)
        assert_close(y.cpu().numpy(), want.cpu().numpy(), "vs torch")

        # Wrong tensors are refused with the expected form in the message.
        try:
            s.bind_input_device("x", x.half())
        except tfc.TfcError as e:
            assert "got a torch tensor of dtype torch.float16" in e.message, e
        else:
            raise AssertionError("an f16 tensor was accepted for an f32 input")


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
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
