"""Artifacts and sessions over the runtime's C API (libtfcrt, through ctypes).

``Artifact`` loads and validates a .tfcm file and describes it; it needs no
GPU. ``Session`` puts an artifact on a GPU: it binds the external weights
(the artifact's own files, or safetensors files given here), runs with NumPy
arrays in and out, or zero-copy with PyTorch CUDA tensors, and profiles.
Every failure raises ``TfcError`` with the runtime's message and status.
"""
import ctypes
import os
from collections import namedtuple

import numpy as np

from . import _capi
from .dtypes import NUMPY_DTYPES, TORCH_DTYPES, artifact_dtype_of, is_bfloat16


class TfcError(RuntimeError):
    """A failed runtime call: ``status_name`` (e.g. "TFC_ERROR_EXTERNAL_WEIGHTS"),
    ``status`` (its tfcStatus number) and the runtime's ``message``."""

    def __init__(self, status, message):
        self.status = int(status)
        self.status_name = (
            _capi.STATUS_NAMES[self.status]
            if 0 <= self.status < len(_capi.STATUS_NAMES)
            else f"TFC_ERROR_UNKNOWN({self.status})"
        )
        self.message = message
        super().__init__(f"{message} [{self.status_name}]")


def _check(lib, status):
    if status != _capi.TFC_OK:
        raise TfcError(status, lib.tfcGetLastErrorMessage().decode("utf-8", "replace"))


def _invalid(message):
    return TfcError(_capi.TFC_ERROR_INVALID_ARGUMENT, message)


def _fspath(path):
    return os.fsencode(os.fspath(path))


TensorInfo = namedtuple("TensorInfo", "name dtype shape nbytes")
TensorInfo.__doc__ = """An input or output: name, dtype ("f32", "bf16", ...),
shape (tuple) and byte size. ``numpy_dtype`` is the dtype of the host arrays
that carry it (bf16: uint16 raw bits)."""
TensorInfo.numpy_dtype = property(lambda self: NUMPY_DTYPES[self.dtype])

WeightInfo = namedtuple(
    "WeightInfo", "name dtype shape nbytes storage path tensor_name offset"
)
WeightInfo.__doc__ = """A weight: ``storage`` is "inline" (in the artifact),
"external" (``nbytes`` at ``offset`` of ``path``, e.g. ONNX external data) or
"safetensors" (tensor ``tensor_name`` of ``path``); ``path`` is relative to
the artifact. A safetensors file given to a Session binds every non-inline
weight by ``tensor_name``."""

LaunchTime = namedtuple("LaunchTime", "index name milliseconds")


def _tensor_info(info):
    return TensorInfo(
        info.name.decode(),
        _capi.DTYPE_NAMES[info.dtype],
        tuple(info.shape[i] for i in range(info.rank)),
        int(info.byteSize),
    )


def _session_options(weights, weights_dir, device=0, flags=0):
    """A SessionOptions and the objects that keep its pointers alive."""
    options = _capi.SessionOptions()
    options.device = device
    options.flags = flags
    keep = []
    if weights is not None:
        files = [weights] if isinstance(weights, (str, bytes, os.PathLike)) else list(weights)
        if not files:
            raise _invalid("weights is an empty list; give a .safetensors path or None")
        array = (ctypes.c_char_p * len(files))(*[_fspath(f) for f in files])
        keep.append(array)
        options.weightFiles = ctypes.cast(array, ctypes.POINTER(ctypes.c_char_p))
        options.weightFileCount = len(files)
    if weights_dir is not None:
        options.weightsDir = _fspath(weights_dir)
    return options, keep


class Artifact:
    """A loaded and validated .tfcm artifact (no GPU needed).

    ``Artifact(path)`` reads a file; ``Artifact.from_bytes(data, base_dir)``
    reads bytes held in memory. External weight files are not opened here:
    ``check_weights()`` binds them as a Session would.
    """

    def __init__(self, path):
        self._lib = _capi.load_library()
        self._handle = ctypes.c_void_p()
        self.path = os.fspath(path)
        _check(self._lib, self._lib.tfcArtifactLoadFile(_fspath(path), ctypes.byref(self._handle)))
        self._read_signature()

    @classmethod
    def from_bytes(cls, data, base_dir=None):
        """An artifact from bytes; its external files are relative to
        ``base_dir`` (None: the current folder)."""
        self = cls.__new__(cls)
        self._lib = _capi.load_library()
        self._handle = ctypes.c_void_p()
        self.path = None
        data = bytes(data)
        _check(
            self._lib,
            self._lib.tfcArtifactLoadMemory(
                data,
                len(data),
                None if base_dir is None else _fspath(base_dir),
                ctypes.byref(self._handle),
            ),
        )
        self._read_signature()
        return self

    def _read_signature(self):
        lib, handle = self._lib, self._handle
        info = _capi.TensorInfo()
        self.inputs = []
        for i in range(lib.tfcArtifactInputCount(handle)):
            _check(lib, lib.tfcArtifactGetInput(handle, i, ctypes.byref(info)))
            self.inputs.append(_tensor_info(info))
        self.outputs = []
        for i in range(lib.tfcArtifactOutputCount(handle)):
            _check(lib, lib.tfcArtifactGetOutput(handle, i, ctypes.byref(info)))
            self.outputs.append(_tensor_info(info))
        weight = _capi.WeightInfo()
        self.weights = []
        for i in range(lib.tfcArtifactWeightCount(handle)):
            _check(lib, lib.tfcArtifactGetWeight(handle, i, ctypes.byref(weight)))
            t = _tensor_info(weight.tensor)
            self.weights.append(
                WeightInfo(
                    t.name,
                    t.dtype,
                    t.shape,
                    t.nbytes,
                    _capi.STORAGE_NAMES[weight.storage],
                    weight.externalPath.decode(),
                    weight.externalName.decode(),
                    int(weight.dataOffset),
                )
            )
        self.launches = [
            lib.tfcArtifactLaunchName(handle, i).decode()
            for i in range(lib.tfcArtifactLaunchCount(handle))
        ]
        self.target_arch = lib.tfcArtifactTargetArch(handle).decode()

    @property
    def external_weights(self):
        """The weights bound at session creation (storage other than inline)."""
        return [w for w in self.weights if w.storage != "inline"]

    def input(self, name):
        return self._find(self.inputs, "input", name)

    def output(self, name):
        return self._find(self.outputs, "output", name)

    @staticmethod
    def _find(tensors, what, name):
        for t in tensors:
            if t.name == name:
                return t
        names = ", ".join(f"'{t.name}'" for t in tensors) or "none"
        raise _invalid(f"the artifact has no {what} named '{name}'; its {what}s are {names}")

    def describe(self):
        """What ``tfc-run --inspect`` prints: every part of the artifact."""
        return self._lib.tfcArtifactDescribe(self._handle).decode()

    def check_weights(self, weights=None, weights_dir=None):
        """Binds the external weights as a Session would, without a GPU;
        raises TfcError (TFC_ERROR_EXTERNAL_WEIGHTS) naming the weight and
        file when one is missing or of another dtype or shape."""
        options, keep = _session_options(weights, weights_dir)
        _check(self._lib, self._lib.tfcArtifactCheckWeights(self._handle, ctypes.byref(options)))
        del keep

    def close(self):
        if getattr(self, "_handle", None):
            self._lib.tfcArtifactRelease(self._handle)
            self._handle = ctypes.c_void_p()

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        sig = lambda ts: ", ".join(f"{t.name}: {t.dtype}{list(t.shape)}" for t in ts)
        return (
            f"<tfc.Artifact {self.path or '(memory)'} {self.target_arch} "
            f"({sig(self.inputs)}) -> ({sig(self.outputs)}), "
            f"{len(self.weights)} weights, {len(self.launches)} launches>"
        )


def _is_torch_tensor(value):
    return type(value).__module__.startswith("torch") and hasattr(value, "data_ptr")


class Session:
    """An artifact on a GPU, ready to run.

    ``Session(artifact, device=0, graph=True, weights=None, weights_dir=None)``:
    ``artifact`` is an Artifact or a path. ``weights`` (a .safetensors path or
    a list of them) binds every external weight by tensor name from those
    files instead of the files the artifact names; ``weights_dir`` is where
    the artifact's own files are looked up instead of its folder. ``graph``
    False launches kernels one by one instead of replaying a CUDA graph.
    """

    def __init__(self, artifact, device=0, graph=True, weights=None, weights_dir=None):
        if not isinstance(artifact, Artifact):
            artifact = Artifact(artifact)
        self.artifact = artifact
        self._lib = artifact._lib
        self._handle = ctypes.c_void_p()
        self.device = device
        options, keep = _session_options(
            weights, weights_dir, device, 0 if graph else _capi.TFC_SESSION_NO_GRAPH
        )
        _check(
            self._lib,
            self._lib.tfcSessionCreate(artifact._handle, ctypes.byref(options), ctypes.byref(self._handle)),
        )
        del keep
        self._device_outputs = {}  # name -> bound device address
        self._torch_outputs = {}  # name -> torch tensor run() returns

    # -- bindings ---------------------------------------------------------

    def _tensor(self, tensors, what, name):
        return Artifact._find(tensors, what, name)

    def bind_input(self, name, array):
        """Copies a host array into input ``name`` now; dtype and shape must
        match the artifact's input (bf16: uint16 raw bits or ml_dtypes)."""
        info = self._tensor(self.artifact.inputs, "input", name)
        array = self._host_array(info, "input", array)
        _check(
            self._lib,
            self._lib.tfcSessionBindInputHost(
                self._handle,
                name.encode(),
                _capi.DTYPE_VALUES[info.dtype],
                array.ctypes.data_as(ctypes.c_void_p),
                array.nbytes,
            ),
        )

    def bind_input_device(self, name, ptr, nbytes=None):
        """Makes input ``name`` read device memory at ``ptr`` (an int, e.g.
        ``tensor.data_ptr()``, or a CUDA torch tensor) on later runs, without
        a copy. The memory must be on this session's device, stay alive while
        bound, and be ready (synchronized) before run()."""
        info = self._tensor(self.artifact.inputs, "input", name)
        ptr, nbytes = self._device_pointer(info, "input", ptr, nbytes)
        _check(
            self._lib,
            self._lib.tfcSessionBindInputDevice(
                self._handle, name.encode(), _capi.DTYPE_VALUES[info.dtype], ptr, nbytes
            ),
        )

    def bind_output_device(self, name, ptr, nbytes=None):
        """Makes output ``name`` be written to device memory at ``ptr`` (an
        int or a CUDA torch tensor) on later runs, without a copy."""
        info = self._tensor(self.artifact.outputs, "output", name)
        ptr, nbytes = self._device_pointer(info, "output", ptr, nbytes)
        _check(
            self._lib,
            self._lib.tfcSessionBindOutputDevice(
                self._handle, name.encode(), _capi.DTYPE_VALUES[info.dtype], ptr, nbytes
            ),
        )
        self._device_outputs[name] = ptr

    @staticmethod
    def _host_array(info, what, array):
        if _is_torch_tensor(array):
            array = array.detach().cpu()
            if str(array.dtype) == "torch.bfloat16":
                import torch

                array = array.view(torch.int16)
            array = array.numpy()
        array = np.asarray(array)
        got = artifact_dtype_of(array)
        if got != info.dtype or tuple(array.shape) != info.shape:
            raise _invalid(
                f"{what} '{info.name}' is {info.dtype}{list(info.shape)}; got an array of "
                f"dtype {array.dtype} and shape {list(array.shape)}"
                + (" (bf16 goes as uint16 raw bits or ml_dtypes.bfloat16)" if info.dtype == "bf16" else "")
            )
        if is_bfloat16(array.dtype):
            array = array.view(np.uint16)
        return np.ascontiguousarray(array)

    @staticmethod
    def _device_pointer(info, what, ptr, nbytes):
        if _is_torch_tensor(ptr):
            tensor = ptr
            if not tensor.is_cuda:
                raise _invalid(f"{what} '{info.name}': the torch tensor is on {tensor.device}, not a CUDA device")
            dtype = TORCH_DTYPES.get(str(tensor.dtype))
            if dtype != info.dtype or tuple(tensor.shape) != info.shape:
                raise _invalid(
                    f"{what} '{info.name}' is {info.dtype}{list(info.shape)}; got a torch tensor of "
                    f"dtype {tensor.dtype} and shape {list(tensor.shape)}"
                )
            if not tensor.is_contiguous():
                raise _invalid(f"{what} '{info.name}': the torch tensor is not contiguous")
            return int(tensor.data_ptr()), tensor.numel() * tensor.element_size()
        return int(ptr), info.nbytes if nbytes is None else int(nbytes)

    def input_device_ptr(self, name):
        """Device address input ``name`` is read from (the session's buffer,
        or the bound one)."""
        value = ctypes.c_uint64()
        _check(self._lib, self._lib.tfcSessionGetInputDevicePtr(self._handle, name.encode(), ctypes.byref(value)))
        return value.value

    def output_device_ptr(self, name):
        value = ctypes.c_uint64()
        _check(self._lib, self._lib.tfcSessionGetOutputDevicePtr(self._handle, name.encode(), ctypes.byref(value)))
        return value.value

    # -- running ------------------------------------------------------------

    def _bind_feeds(self, feeds):
        """Binds host arrays (copied) and CUDA torch tensors (zero-copy);
        returns the torch device of the latter, or None."""
        torch_device = None
        for value in feeds.values():
            if _is_torch_tensor(value) and value.is_cuda:
                torch_device = value.device
        if torch_device is not None:
            import torch

            # The session runs on its own stream: what torch queued must land.
            torch.cuda.synchronize(torch_device)
        for name, value in feeds.items():
            if _is_torch_tensor(value) and value.is_cuda:
                self.bind_input_device(name, value)
            else:
                self.bind_input(name, value)
        return torch_device

    def run(self, inputs=None, /, **kwargs):
        """Runs once and returns every output, by name.

        Inputs come as keyword arguments or a dict (for names that are not
        Python identifiers); an input not given keeps its last binding. NumPy
        arrays (or anything np.asarray takes) are copied in, and the outputs
        come back as new NumPy arrays. CUDA torch tensors are bound zero-copy;
        when any input is one, the outputs come back as torch tensors on that
        device that the kernels wrote in place: the session's own output
        tensors, reused (and overwritten) by the next run, so that replaying
        the CUDA graph needs no re-capture; clone them to keep them.
        """
        feeds = dict(inputs or {})
        feeds.update(kwargs)
        torch_device = self._bind_feeds(feeds)
        if torch_device is not None:
            return self._run_into_torch(torch_device)
        _check(self._lib, self._lib.tfcSessionRun(self._handle))
        return self.outputs()

    def run_bound(self):
        """Runs once with the current bindings and waits: no copy in or out.
        With inputs and outputs bound to device memory (bind_input_device,
        bind_output_device), this is the zero-copy loop; the first run
        captures a CUDA graph, later ones replay it."""
        _check(self._lib, self._lib.tfcSessionRun(self._handle))

    def _run_into_torch(self, device):
        import torch

        results = {}
        for info in self.artifact.outputs:
            tensor = self._torch_outputs.get(info.name)
            if tensor is None or tensor.device != device:
                torch_dtype = next(k for k, v in TORCH_DTYPES.items() if v == info.dtype)
                tensor = torch.empty(
                    info.shape, dtype=getattr(torch, torch_dtype.split(".")[1]), device=device
                )
                self._torch_outputs[info.name] = tensor
            if self._device_outputs.get(info.name) != tensor.data_ptr():
                self.bind_output_device(info.name, tensor)
            results[info.name] = tensor
        _check(self._lib, self._lib.tfcSessionRun(self._handle))
        return results

    def outputs(self):
        """Every output of the last run, copied to NumPy arrays."""
        return {info.name: self.output(info.name) for info in self.artifact.outputs}

    def output(self, name):
        """Output ``name`` of the last run as a NumPy array (bf16: uint16
        raw bits)."""
        info = self._tensor(self.artifact.outputs, "output", name)
        array = np.empty(info.shape, dtype=info.numpy_dtype)
        _check(
            self._lib,
            self._lib.tfcSessionCopyOutputToHost(
                self._handle, name.encode(), array.ctypes.data_as(ctypes.c_void_p), array.nbytes
            ),
        )
        return array

    def run_timed(self):
        """Runs once; returns the GPU time in milliseconds (CUDA events)."""
        ms = ctypes.c_float()
        _check(self._lib, self._lib.tfcSessionRunTimed(self._handle, ctypes.byref(ms)))
        return ms.value

    def benchmark(self, repeat=100, warmup=10):
        """Median, min and max milliseconds of ``repeat`` timed runs after
        ``warmup`` untimed ones, with the current bindings."""
        for _ in range(warmup):
            _check(self._lib, self._lib.tfcSessionRun(self._handle))
        times = sorted(self.run_timed() for _ in range(repeat))
        return {
            "median_ms": times[len(times) // 2],
            "min_ms": times[0],
            "max_ms": times[-1],
            "repeat": repeat,
        }

    def profile(self, **inputs):
        """Runs once launch by launch (no graph) with CUDA events around each
        launch; returns a LaunchTime (index, name, milliseconds) per launch.
        Inputs given here are bound first, as run() binds them."""
        self._bind_feeds(inputs)
        count = len(self.artifact.launches)
        times = (ctypes.c_float * max(count, 1))()
        _check(self._lib, self._lib.tfcSessionRunProfiled(self._handle, times, count))
        return [LaunchTime(i, self.artifact.launches[i], times[i]) for i in range(count)]

    def poison(self, byte=0xFF):
        """Fills every output and the arena with ``byte`` (0xFF: NaN), so that
        an element no kernel writes shows after the next run."""
        _check(self._lib, self._lib.tfcSessionPoison(self._handle, byte))

    def describe(self):
        """The device and the images chosen for it."""
        return self._lib.tfcSessionDescribe(self._handle).decode()

    def close(self):
        if getattr(self, "_handle", None):
            self._lib.tfcSessionRelease(self._handle)
            self._handle = ctypes.c_void_p()

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
