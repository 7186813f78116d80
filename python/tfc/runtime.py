"""Artifacts and sessions over the runtime's C API (libtfcrt, through ctypes).

``Artifact`` loads and validates a .tfcm file and describes it; it needs no
GPU. ``Session`` puts an artifact on a GPU: it binds the external weights
(the artifact's own files, or safetensors files given here), runs with NumPy
arrays in and out, or zero-copy with PyTorch CUDA tensors and other CUDA
arrays (``__cuda_array_interface__``, DLPack; see interop.py), and profiles.
Every failure raises ``TfcError`` with the runtime's message and status.
"""
import ctypes
import os
from collections import namedtuple

import numpy as np

from . import _capi
from . import interop
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
        handle = ctypes.c_void_p()
        options, keep = _session_options(
            weights, weights_dir, device, 0 if graph else _capi.TFC_SESSION_NO_GRAPH
        )
        _check(
            artifact._lib,
            artifact._lib.tfcSessionCreate(artifact._handle, ctypes.byref(options), ctypes.byref(handle)),
        )
        del keep
        self._attach(artifact, artifact._lib, handle, device)

    def _attach(self, artifact, lib, handle, device):
        """Sets up a session object around a created tfcSession handle."""
        self.artifact = artifact
        self._lib = lib
        self._handle = handle
        self.device = int(device)
        self._device_outputs = {}  # name -> bound device address
        self._torch_outputs = {}  # name -> session-owned torch tensor run() returns
        # ("input" | "output", name) -> what keeps bound device memory alive
        # (the tensor, the producer's object, the consumed DLPack capsule).
        self._keep = {}

    # -- bindings ---------------------------------------------------------

    def _tensor(self, tensors, what, name):
        return Artifact._find(tensors, what, name)

    def bind_input(self, name, array):
        """Copies a host array into input ``name`` now; dtype and shape must
        match the artifact's input (bf16: uint16 raw bits or ml_dtypes).
        NumPy arrays, CPU torch tensors, host DLPack producers, or anything
        np.asarray takes."""
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
        self._keep.pop(("input", name), None)

    def bind_input_device(self, name, value, nbytes=None):
        """Makes input ``name`` read device memory on later runs, without a
        copy. ``value`` is a CUDA torch tensor, an object with
        ``__cuda_array_interface__``, a DLPack producer on a CUDA device
        (dtype, shape, contiguity and device are checked, and the object is
        kept alive while bound), or a raw address (an int, ``nbytes``
        defaulting to the input's size). The memory must be on this session's
        device and be ready (synchronized) before run_bound(); run() waits
        for the device itself."""
        info = self._tensor(self.artifact.inputs, "input", name)
        ptr, nbytes, keep = self._device_binding(info, "input", value, nbytes)
        _check(
            self._lib,
            self._lib.tfcSessionBindInputDevice(
                self._handle, name.encode(), _capi.DTYPE_VALUES[info.dtype], ptr, nbytes
            ),
        )
        self._keep[("input", name)] = keep

    def bind_output_device(self, name, value, nbytes=None):
        """Makes output ``name`` be written to device memory on later runs,
        without a copy; ``value`` as for bind_input_device (not read-only)."""
        info = self._tensor(self.artifact.outputs, "output", name)
        ptr, nbytes, keep = self._device_binding(info, "output", value, nbytes)
        _check(
            self._lib,
            self._lib.tfcSessionBindOutputDevice(
                self._handle, name.encode(), _capi.DTYPE_VALUES[info.dtype], ptr, nbytes
            ),
        )
        self._device_outputs[name] = ptr
        self._keep[("output", name)] = keep

    @staticmethod
    def _host_array(info, what, array):
        array = interop.host_array(array)
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

    _KIND_NAMES = {
        "torch": "a torch tensor",
        "cuda_array_interface": "a __cuda_array_interface__ array",
        "dlpack": "a DLPack tensor",
    }

    def _device_binding(self, info, what, value, nbytes):
        """(address, byte size, keep-alive object) of a device value bound
        to ``info``, after checking it; TfcError (invalid argument) naming the
        input or output otherwise."""
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            return int(value), info.nbytes if nbytes is None else int(nbytes), None
        if not interop.is_device_value(value):
            raise _invalid(
                f"{what} '{info.name}': {type(value).__name__} is not device memory (a CUDA torch "
                "tensor, a __cuda_array_interface__ or CUDA DLPack object, or an address)"
            )
        try:
            view = interop.device_view(value)
        except interop.InteropError as e:
            raise _invalid(f"{what} '{info.name}': {e}") from None
        if view.dtype != info.dtype or view.shape != info.shape:
            got = str(value.dtype) if view.kind == "torch" else interop.describe_dtype(view)
            raise _invalid(
                f"{what} '{info.name}' is {info.dtype}{list(info.shape)}; got "
                f"{self._KIND_NAMES[view.kind]} of dtype {got} and shape {list(view.shape)}"
            )
        if view.device is not None and view.device != self.device:
            raise _invalid(
                f"{what} '{info.name}' is on cuda:{view.device}; this session runs on device {self.device}"
            )
        if what == "output" and view.readonly:
            raise _invalid(f"output '{info.name}': the memory is read-only")
        if nbytes is not None and int(nbytes) != view.nbytes:
            raise _invalid(f"{what} '{info.name}': nbytes={nbytes}, but the tensor holds {view.nbytes} bytes")
        return view.ptr, view.nbytes, view.keep

    def input_device_ptr(self, name):
        """Device address input ``name`` is read from (the session's buffer,
        or the bound one)."""
        value = ctypes.c_uint64()
        _check(self._lib, self._lib.tfcSessionGetInputDevicePtr(self._handle, name.encode(), ctypes.byref(value)))
        return value.value

    def output_device_ptr(self, name):
        """Device address output ``name`` is written to (the session's
        buffer, or the bound one)."""
        value = ctypes.c_uint64()
        _check(self._lib, self._lib.tfcSessionGetOutputDevicePtr(self._handle, name.encode(), ctypes.byref(value)))
        return value.value

    # -- running ------------------------------------------------------------

    def _bind_feeds(self, feeds, given_outputs=None):
        """Binds host values (copied) and device values (zero-copy) of
        ``feeds``, and ``given_outputs`` (device values); returns the kind of
        the results ("torch-cuda", "device", "torch-cpu" or "numpy") and
        whether the device must be waited for before the run."""
        given_outputs = dict(given_outputs or {})
        for name, value in feeds.items():
            if interop.is_device_value(value):
                self.bind_input_device(name, value)
            else:
                self.bind_input(name, value)
        for name, value in given_outputs.items():
            self.bind_output_device(name, value)
        values = list(feeds.values()) + list(given_outputs.values())
        on_device = [v for v in values if interop.is_device_value(v)]
        if any(interop.is_torch_tensor(v) for v in on_device):
            return "torch-cuda", True
        if on_device:
            return "device", True
        if any(interop.is_torch_tensor(v) for v in values):
            return "torch-cpu", False
        return "numpy", False

    def _synchronize(self, kind):
        """Waits for the device before a run that reads or writes memory of
        other libraries: the session runs on its own stream, so what the
        producers queued on theirs must land first."""
        if kind == "torch-cuda":
            import torch

            torch.cuda.synchronize(self.device)
            return
        try:
            interop.synchronize_device(self.device)
        except (OSError, interop.InteropError) as e:
            raise TfcError(_capi.STATUS_NAMES.index("TFC_ERROR_CUDA"), str(e)) from None

    def run(self, inputs=None, outputs=None, /, **kwargs):
        """Runs once and returns every output, by name.

        Inputs come as keyword arguments or a dict (for names that are not
        Python identifiers); an input not given keeps its last binding.
        What comes back follows what went in:

        * NumPy arrays (or anything np.asarray takes) are copied in; the
          outputs are new NumPy arrays.
        * CPU torch tensors are copied in; the outputs are new CPU tensors.
        * CUDA torch tensors are bound zero-copy; the outputs are CUDA torch
          tensors on the session's device that the kernels wrote in place.
        * Objects with ``__cuda_array_interface__`` or a CUDA ``__dlpack__``
          (CuPy, JAX, Numba, ...) are bound zero-copy; the outputs are
          ``tfc.DeviceArray`` objects over the output memory, which
          ``cupy.asarray``, ``torch.from_dlpack`` or ``jax.dlpack.from_dlpack``
          read without a copy.

        Device outputs are the session's own buffers (or torch tensors it
        made once), reused and overwritten by the next run so that the CUDA
        graph replays without re-capture: clone what you keep. To have them
        written elsewhere, give ``outputs``, a dict of device memory by
        output name (torch tensors, CuPy arrays, ...); those objects come
        back as the results.
        """
        feeds = dict(inputs or {})
        feeds.update(kwargs)
        given = dict(outputs or {})
        kind, wait = self._bind_feeds(feeds, given)
        if kind == "torch-cuda":
            return self._run_into_torch(given)
        if wait:
            self._synchronize(kind)
        self.run_bound()
        if kind == "device":
            return {
                info.name: given[info.name] if info.name in given else self._device_array(info)
                for info in self.artifact.outputs
            }
        results = self.outputs()
        if kind == "torch-cpu":
            import torch

            for name, array in results.items():
                if self.artifact.output(name).dtype == "bf16":
                    results[name] = torch.from_numpy(array.view(np.int16)).view(torch.bfloat16)
                else:
                    results[name] = torch.from_numpy(array)
        return results

    def _device_array(self, info):
        return interop.DeviceArray(
            self.output_device_ptr(info.name), info.dtype, info.shape, self.device,
            owner=self, to_host=lambda: self.output(info.name))

    def run_bound(self):
        """Runs once with the current bindings and waits: no copy in or out.
        With inputs and outputs bound to device memory (bind_input_device,
        bind_output_device), this is the zero-copy loop; the first run
        captures a CUDA graph, later ones replay it."""
        _check(self._lib, self._lib.tfcSessionRun(self._handle))

    def _run_into_torch(self, given):
        import torch

        device = torch.device("cuda", self.device)
        results = {}
        for info in self.artifact.outputs:
            if info.name in given:
                results[info.name] = given[info.name]
                continue
            tensor = self._torch_outputs.get(info.name)
            if tensor is None:
                torch_dtype = next(k for k, v in TORCH_DTYPES.items() if v == info.dtype)
                tensor = torch.empty(
                    info.shape, dtype=getattr(torch, torch_dtype.split(".")[1]), device=device
                )
                self._torch_outputs[info.name] = tensor
            if self._device_outputs.get(info.name) != tensor.data_ptr():
                self.bind_output_device(info.name, tensor)
            results[info.name] = tensor
        self._synchronize("torch-cuda")
        self.run_bound()
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
        kind, wait = self._bind_feeds(inputs)
        if wait:
            self._synchronize(kind)
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
        # Bound memory may go now (DLPack deleters run as their holders go).
        for attr in ("_keep", "_torch_outputs", "_device_outputs"):
            if hasattr(self, attr):
                getattr(self, attr).clear()

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
