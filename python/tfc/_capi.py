"""ctypes declarations of the runtime's C API (runtime/include/tfc/tfc_runtime.h).

The one place that knows the C structs and signatures. The library is found
and loaded on first use, so ``import tfc`` works where the runtime is not
built (compiling, writing safetensors files).
"""
import ctypes
import ctypes.util
import os
import pathlib
import threading

# tfcStatus names, in enum order (tfc_runtime.h).
STATUS_NAMES = (
    "TFC_OK",
    "TFC_ERROR_INVALID_ARGUMENT",
    "TFC_ERROR_IO",
    "TFC_ERROR_TRUNCATED",
    "TFC_ERROR_BAD_MAGIC",
    "TFC_ERROR_UNSUPPORTED_VERSION",
    "TFC_ERROR_CHECKSUM",
    "TFC_ERROR_INVALID_ARTIFACT",
    "TFC_ERROR_EXTERNAL_WEIGHTS",
    "TFC_ERROR_CUDA_UNAVAILABLE",
    "TFC_ERROR_NO_COMPATIBLE_IMAGE",
    "TFC_ERROR_CUDA",
    "TFC_ERROR_NOT_READY",
)
TFC_OK = 0
TFC_ERROR_INVALID_ARGUMENT = 1

# tfcmDType values and names (artifact_format.h).
DTYPE_NAMES = {1: "f32", 2: "f16", 3: "bf16", 4: "i64", 5: "i32", 6: "i8", 7: "u8", 8: "bool"}
DTYPE_VALUES = {name: value for value, name in DTYPE_NAMES.items()}

# tfcmWeightStorage
STORAGE_NAMES = {1: "inline", 2: "external", 3: "safetensors"}

TFC_SESSION_NO_GRAPH = 1


class TensorInfo(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("dtype", ctypes.c_uint32),
        ("rank", ctypes.c_uint32),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("byteSize", ctypes.c_uint64),
    ]


class WeightInfo(ctypes.Structure):
    _fields_ = [
        ("tensor", TensorInfo),
        ("storage", ctypes.c_uint32),
        ("reserved", ctypes.c_uint32),
        ("externalPath", ctypes.c_char_p),
        ("externalName", ctypes.c_char_p),
        ("dataOffset", ctypes.c_uint64),
    ]


class SessionOptions(ctypes.Structure):
    _fields_ = [
        ("device", ctypes.c_int32),
        ("flags", ctypes.c_uint32),
        ("weightFiles", ctypes.POINTER(ctypes.c_char_p)),
        ("weightFileCount", ctypes.c_uint32),
        ("reserved", ctypes.c_uint32),
        ("weightsDir", ctypes.c_char_p),
    ]


_Artifact_p = ctypes.c_void_p
_Session_p = ctypes.c_void_p
_status = ctypes.c_int

# name: (restype, argtypes)
_SIGNATURES = {
    "tfcStatusName": (ctypes.c_char_p, [_status]),
    "tfcGetLastErrorMessage": (ctypes.c_char_p, []),
    "tfcArtifactLoadFile": (_status, [ctypes.c_char_p, ctypes.POINTER(_Artifact_p)]),
    "tfcArtifactLoadMemory": (
        _status,
        [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.POINTER(_Artifact_p)],
    ),
    "tfcArtifactRelease": (None, [_Artifact_p]),
    "tfcArtifactTargetArch": (ctypes.c_char_p, [_Artifact_p]),
    "tfcArtifactInputCount": (ctypes.c_uint32, [_Artifact_p]),
    "tfcArtifactOutputCount": (ctypes.c_uint32, [_Artifact_p]),
    "tfcArtifactWeightCount": (ctypes.c_uint32, [_Artifact_p]),
    "tfcArtifactLaunchCount": (ctypes.c_uint32, [_Artifact_p]),
    "tfcArtifactGetInput": (_status, [_Artifact_p, ctypes.c_uint32, ctypes.POINTER(TensorInfo)]),
    "tfcArtifactGetOutput": (_status, [_Artifact_p, ctypes.c_uint32, ctypes.POINTER(TensorInfo)]),
    "tfcArtifactGetWeight": (_status, [_Artifact_p, ctypes.c_uint32, ctypes.POINTER(WeightInfo)]),
    "tfcArtifactLaunchName": (ctypes.c_char_p, [_Artifact_p, ctypes.c_uint32]),
    "tfcArtifactDescribe": (ctypes.c_char_p, [_Artifact_p]),
    "tfcArtifactCheckWeights": (_status, [_Artifact_p, ctypes.POINTER(SessionOptions)]),
    "tfcSessionCreate": (
        _status,
        [_Artifact_p, ctypes.POINTER(SessionOptions), ctypes.POINTER(_Session_p)],
    ),
    "tfcSessionRelease": (None, [_Session_p]),
    "tfcSessionDescribe": (ctypes.c_char_p, [_Session_p]),
    "tfcSessionBindInputHost": (
        _status,
        [_Session_p, ctypes.c_char_p, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_size_t],
    ),
    "tfcSessionBindInputDevice": (
        _status,
        [_Session_p, ctypes.c_char_p, ctypes.c_uint32, ctypes.c_uint64, ctypes.c_size_t],
    ),
    "tfcSessionBindOutputDevice": (
        _status,
        [_Session_p, ctypes.c_char_p, ctypes.c_uint32, ctypes.c_uint64, ctypes.c_size_t],
    ),
    "tfcSessionRun": (_status, [_Session_p]),
    "tfcSessionRunTimed": (_status, [_Session_p, ctypes.POINTER(ctypes.c_float)]),
    "tfcSessionRunProfiled": (
        _status,
        [_Session_p, ctypes.POINTER(ctypes.c_float), ctypes.c_size_t],
    ),
    "tfcSessionPoison": (_status, [_Session_p, ctypes.c_uint8]),
    "tfcSessionCopyOutputToHost": (
        _status,
        [_Session_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t],
    ),
    "tfcSessionGetInputDevicePtr": (
        _status,
        [_Session_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_uint64)],
    ),
    "tfcSessionGetOutputDevicePtr": (
        _status,
        [_Session_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_uint64)],
    ),
}

_lock = threading.Lock()
_lib = None


def _repo_root():
    # python/tfc/_capi.py -> the repository root
    return pathlib.Path(__file__).resolve().parent.parent.parent


def candidate_paths():
    """Where the runtime library is looked for, in order."""
    paths = []
    env = os.environ.get("TFC_RUNTIME_LIB")
    if env:
        paths.append(pathlib.Path(env))
    here = pathlib.Path(__file__).resolve().parent
    paths.append(here / "libtfcrt.so")
    root = _repo_root()
    for build in ("build/runtime", "build-rt"):
        paths.append(root / build / "libtfcrt.so")
    return paths


def load_library():
    """The loaded libtfcrt (ctypes.CDLL), found as candidate_paths() says,
    else by the dynamic loader's search path."""
    global _lib
    with _lock:
        if _lib is not None:
            return _lib
        env = os.environ.get("TFC_RUNTIME_LIB")
        if env and not pathlib.Path(env).is_file():
            raise OSError(
                f"TFC_RUNTIME_LIB={env} does not exist; build the runtime "
                "(cmake -S runtime -B build-rt -G Ninja && ninja -C build-rt) "
                "and point TFC_RUNTIME_LIB at build-rt/libtfcrt.so"
            )
        tried = []
        path = None
        for candidate in candidate_paths():
            tried.append(str(candidate))
            if candidate.is_file():
                path = str(candidate)
                break
        if path is None:
            path = ctypes.util.find_library("tfcrt")
            tried.append("the dynamic loader's search path")
        if path is None:
            raise OSError(
                "cannot find the tfc runtime library libtfcrt.so; looked in "
                + ", ".join(tried)
                + ". Build it (cmake -S runtime -B build-rt -G Ninja && ninja -C "
                "build-rt) and set TFC_RUNTIME_LIB=/path/to/libtfcrt.so"
            )
        lib = ctypes.CDLL(path)
        for name, (restype, argtypes) in _SIGNATURES.items():
            function = getattr(lib, name)
            function.restype = restype
            function.argtypes = argtypes
        lib.tfc_path = path
        _lib = lib
        return lib
