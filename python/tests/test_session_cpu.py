"""tfc.Session where no GPU is: weights are bound (and their errors raised)
before the GPU is looked for, and a missing GPU is a clean TfcError. Input
checks that Python does before the runtime sees the data."""
import numpy as np
import pytest

import tfc
from conftest import gpu_available, pos_table

no_gpu = pytest.mark.skipif(gpu_available(), reason="a GPU is present; gpu_test_session.py covers it")


@no_gpu
def test_without_a_gpu(sample_dir):
    with pytest.raises(tfc.TfcError) as e:
        tfc.Session(sample_dir / "sample.tfcm")
    assert e.value.status_name in ("TFC_ERROR_CUDA_UNAVAILABLE", "TFC_ERROR_CUDA")
    assert "CUDA" in e.value.message or "libcuda" in e.value.message


def test_weights_are_bound_before_the_gpu(sample_dir):
    f = sample_dir / "given.safetensors"
    tfc.write_safetensors(f, {"pos_table": pos_table()})
    with pytest.raises(tfc.TfcError) as e:
        tfc.Session(sample_dir / "sample.tfcm", weights=f)
    assert e.value.status_name == "TFC_ERROR_EXTERNAL_WEIGHTS"
    assert e.value.message == f"weight 1 'emb': no tensor 'emb' in the weights file '{f}' (1 tensors)"
    with pytest.raises(tfc.TfcError, match="external weights file '/nowhere/weights.bin' is missing"):
        tfc.Session(sample_dir / "sample.tfcm", weights_dir="/nowhere")


def test_host_arrays_are_checked(sample_dir):
    info = tfc.Artifact(sample_dir / "sample.tfcm").input("x")
    ok = tfc.Session._host_array(info, "input", np.arange(8, dtype=np.float32).reshape(2, 4))
    assert ok.dtype == np.float32 and ok.flags.c_contiguous
    with pytest.raises(tfc.TfcError) as e:
        tfc.Session._host_array(info, "input", np.zeros((2, 4)))
    assert e.value.status_name == "TFC_ERROR_INVALID_ARGUMENT"
    assert e.value.message == "input 'x' is f32[2, 4]; got an array of dtype float64 and shape [2, 4]"
    with pytest.raises(tfc.TfcError, match=r"input 'x' is f32\[2, 4\]; got an array of dtype float32 and shape \[4, 2\]"):
        tfc.Session._host_array(info, "input", np.zeros((4, 2), np.float32))
    # Non-contiguous views are copied.
    view = np.zeros((4, 4), np.float32)[::2]
    assert tfc.Session._host_array(info, "input", view).flags.c_contiguous


def test_bf16_host_arrays():
    info = tfc.TensorInfo("h", "bf16", (2,), 4)
    assert tfc.Session._host_array(info, "input", np.zeros(2, np.uint16)).dtype == np.uint16
    with pytest.raises(tfc.TfcError, match=r"bf16 goes as uint16 raw bits or ml_dtypes.bfloat16"):
        tfc.Session._host_array(info, "input", np.zeros(2, np.float32))
    ml_dtypes = pytest.importorskip("ml_dtypes")
    out = tfc.Session._host_array(info, "input", np.ones(2, ml_dtypes.bfloat16))
    assert out.dtype == np.uint16 and list(out) == [0x3F80, 0x3F80]

