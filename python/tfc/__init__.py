"""tfc: compile ONNX transformer graphs to a .tfcm artifact and run it on a
CUDA GPU.

    import tfc
    tfc.compile("model.onnx", "model.tfcm", target="sm_90a")
    session = tfc.Session("model.tfcm")
    outputs = session.run(input_ids=ids)          # NumPy in, NumPy out
    outputs = session.run(input_ids=ids_cuda)     # torch CUDA in, torch CUDA out, zero-copy

Pure Python: ``compile`` runs the ``tfc-opt`` tool, and ``Artifact`` /
``Session`` call the runtime library ``libtfcrt.so`` through ctypes (found
through $TFC_RUNTIME_LIB, the repository's build folders, or the loader's
search path). See README.md, "Running a compiled model".
"""
import numpy as np

from .compiler import CompileError, compile, find_tfc_opt
from .dtypes import NUMPY_DTYPES, bf16_to_float32, float32_to_bf16
from .interop import DeviceArray
from .runtime import Artifact, LaunchTime, Session, TensorInfo, TfcError, WeightInfo
from .safetensors import read_safetensors, read_safetensors_header, write_safetensors

__all__ = [
    "Artifact",
    "CompileError",
    "DeviceArray",
    "LaunchTime",
    "Session",
    "TensorInfo",
    "TfcError",
    "WeightInfo",
    "bf16_to_float32",
    "compile",
    "find_tfc_opt",
    "float32_to_bf16",
    "random_weights",
    "read_safetensors",
    "read_safetensors_header",
    "write_safetensors",
]


def random_weights(artifact, seed=0, std=0.02):
    """name -> array for every external weight of ``artifact`` (an Artifact
    or a path), keyed by the tensor name it binds by, with its dtype and
    shape: floats N(0, std) (bf16 as uint16 raw bits), integers 0, bools
    False. ``write_safetensors(path, random_weights(a))`` makes a file that
    ``Session(a, weights=path)`` binds, e.g. to time a model whose real
    weights are elsewhere."""
    if not isinstance(artifact, Artifact):
        artifact = Artifact(artifact)
    rng = np.random.default_rng(seed)
    out = {}
    for w in artifact.external_weights:
        name = w.tensor_name or w.name
        if w.dtype in ("f32", "f16", "bf16"):
            values = (rng.standard_normal(w.shape, dtype=np.float32) * np.float32(std))
            if w.dtype == "bf16":
                out[name] = float32_to_bf16(values)
            else:
                out[name] = values.astype(np.float16 if w.dtype == "f16" else np.float32)
        else:
            out[name] = np.zeros(w.shape, dtype=NUMPY_DTYPES[w.dtype])
    return out


def write_weights_for(artifact, path, tensors, metadata=None):
    """Writes ``tensors`` (name -> array) to the safetensors file ``path``,
    giving bf16 weights of ``artifact`` the BF16 dtype when their arrays are
    uint16 raw bits, and checks that every external weight of the artifact
    binds to the file (TfcError otherwise)."""
    if not isinstance(artifact, Artifact):
        artifact = Artifact(artifact)
    dtypes = {}
    for w in artifact.external_weights:
        name = w.tensor_name or w.name
        value = tensors.get(name)
        if w.dtype == "bf16" and isinstance(value, np.ndarray) and value.dtype == np.uint16:
            dtypes[name] = "BF16"
    write_safetensors(path, tensors, metadata=metadata, dtypes=dtypes)
    artifact.check_weights(weights=path)
    return path


__all__.append("write_weights_for")
