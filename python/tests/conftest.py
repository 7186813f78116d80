"""Shared fixtures of the CPU tests: the package on sys.path, the runtime
library (tests that need it skip without it), a sample artifact with its
weight files, and the test models."""
import os
import pathlib
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import tfc  # noqa: E402
import tfcm_writer  # noqa: E402

MODELS = ROOT / "test" / "models"


@pytest.fixture(scope="session")
def runtime_lib():
    try:
        return tfc._capi.load_library()
    except OSError as e:
        pytest.skip(f"runtime library not available: {e}")


def pos_table():
    return np.arange(4, dtype=np.float32).reshape(2, 2) + 0.5


@pytest.fixture
def sample_dir(tmp_path, runtime_lib):
    """tmp_path with sample.tfcm (tfcm_writer.sample()), weights.bin and
    weights.safetensors."""
    tfcm_writer.sample().write(tmp_path / "sample.tfcm")
    (tmp_path / "weights.bin").write_bytes(bytes(range(32)))
    tfc.write_safetensors(tmp_path / "weights.safetensors",
                          {"unused": np.zeros(3, np.int64), "pos_table": pos_table()})
    return tmp_path


def gpu_available():
    """True when a session can actually be created (driver and device)."""
    if os.environ.get("TFC_TEST_ASSUME_NO_GPU"):
        return False
    try:
        tfc._capi.load_library()
    except OSError:
        return False
    import ctypes
    try:
        libcuda = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return False
    count = ctypes.c_int(0)
    return libcuda.cuInit(0) == 0 and libcuda.cuDeviceGetCount(ctypes.byref(count)) == 0 and count.value > 0
