"""Tensors of other libraries, zero-copy, without importing them.

A value given to ``Session.run`` is one of:

* a PyTorch tensor (CUDA: its ``data_ptr()``; CPU: copied through NumPy),
* an object with ``__cuda_array_interface__`` (CuPy, Numba, ...),
* a DLPack producer (``__dlpack__`` / ``__dlpack_device__``: JAX, CuPy,
  PyTorch, NumPy ...), read through ctypes (legacy ``dltensor`` and DLPack
  1.x ``dltensor_versioned`` capsules),
* anything else NumPy takes (copied).

``device_view`` turns the device ones into a ``DeviceView`` (address, dtype,
shape, device, and the object that keeps the memory alive) after checking
that they are dense, row-major and on CUDA. ``DeviceArray`` goes the other
way: device memory (a session's output) exposed through
``__cuda_array_interface__`` and ``__dlpack__``, so that ``torch.from_dlpack``,
``cupy.asarray`` and ``jax.dlpack.from_dlpack`` read it without a copy.

Nothing here imports torch: a tensor is recognized by its type's module.
"""
import ctypes
import math
import threading
from collections import namedtuple

import numpy as np

from .dtypes import NUMPY_DTYPES, TORCH_DTYPES

# DLDeviceType values (dlpack.h).
KDL_CPU = 1
KDL_CUDA = 2
KDL_CUDA_HOST = 3
KDL_CUDA_MANAGED = 13
DEVICE_TYPE_NAMES = {1: "cpu", 2: "cuda", 3: "cuda_host", 4: "opencl", 7: "vulkan",
                     8: "metal", 9: "vpi", 10: "rocm", 11: "rocm_host", 13: "cuda_managed",
                     14: "oneapi", 15: "webgpu", 16: "hexagon"}
CUDA_DEVICE_TYPES = (KDL_CUDA, KDL_CUDA_MANAGED)
HOST_DEVICE_TYPES = (KDL_CPU, KDL_CUDA_HOST)

# (DLDataTypeCode, bits) <-> artifact dtype name. kDLInt 0, kDLUInt 1,
# kDLFloat 2, kDLBfloat 4, kDLBool 6 (older producers send bool as kDLUInt 8
# only for uint8, so that stays u8).
DLPACK_DTYPES = {
    (2, 32): "f32", (2, 16): "f16", (4, 16): "bf16", (0, 64): "i64",
    (0, 32): "i32", (0, 8): "i8", (1, 8): "u8", (6, 8): "bool",
}
DLPACK_CODES = {name: code for code, name in DLPACK_DTYPES.items()}
DLPACK_FLAG_READ_ONLY = 1

# __cuda_array_interface__ typestr (without the byte order) <-> artifact dtype.
CAI_DTYPES = {"f4": "f32", "f2": "f16", "i8": "i64", "i4": "i32", "i1": "i8",
              "u1": "u8", "b1": "bool"}
CAI_TYPESTRS = {name: ("|" if t[1] == "1" else "<") + t for t, name in CAI_DTYPES.items()}
CAI_TYPESTRS["bf16"] = "<V2"  # no bfloat16 typestr exists; raw 2-byte records


class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [
        ("data", ctypes.c_void_p),
        ("device", DLDevice),
        ("ndim", ctypes.c_int32),
        ("dtype", DLDataType),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("strides", ctypes.POINTER(ctypes.c_int64)),
        ("byte_offset", ctypes.c_uint64),
    ]


DLDELETER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class DLManagedTensor(ctypes.Structure):
    _fields_ = [("dl_tensor", DLTensor), ("manager_ctx", ctypes.c_void_p), ("deleter", DLDELETER)]


class DLPackVersion(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32)]


class DLManagedTensorVersioned(ctypes.Structure):
    _fields_ = [
        ("version", DLPackVersion),
        ("manager_ctx", ctypes.c_void_p),
        ("deleter", DLDELETER),
        ("flags", ctypes.c_uint64),
        ("dl_tensor", DLTensor),
    ]


# The capsule functions of the C API, on a handle of our own so that the
# argtypes set here do not change ctypes.pythonapi for other code.
_py = ctypes.PyDLL("python-capi", handle=ctypes.pythonapi._handle)
_CapsuleNew = _py.PyCapsule_New
_CapsuleNew.restype = ctypes.py_object
_CapsuleNew.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
_CapsuleIsValid = _py.PyCapsule_IsValid
_CapsuleIsValid.restype = ctypes.c_int
_CapsuleIsValid.argtypes = [ctypes.py_object, ctypes.c_char_p]
_CapsuleGetPointer = _py.PyCapsule_GetPointer
_CapsuleGetPointer.restype = ctypes.c_void_p
_CapsuleGetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
_CapsuleSetName = _py.PyCapsule_SetName
_CapsuleSetName.restype = ctypes.c_int
_CapsuleSetName.argtypes = [ctypes.py_object, ctypes.c_char_p]
# The same two on a raw PyObject*, for the capsule destructor.
_RawIsValid = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p)(
    ("PyCapsule_IsValid", _py))
_RawGetPointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", _py))

# Capsule names; module constants, so the C strings outlive every capsule.
_DLTENSOR = b"dltensor"
_DLTENSOR_VERSIONED = b"dltensor_versioned"
_USED_DLTENSOR = b"used_dltensor"
_USED_DLTENSOR_VERSIONED = b"used_dltensor_versioned"


class InteropError(ValueError):
    """A value that cannot be bound; the caller adds which input it was."""


DeviceView = namedtuple("DeviceView", "ptr dtype shape nbytes device kind keep readonly")
DeviceView.__doc__ = """Device memory to bind: address ``ptr``, artifact dtype
name (None when it has none), ``shape``, ``nbytes``, CUDA ``device`` ordinal
(None: unknown, as for __cuda_array_interface__), ``kind`` ("torch",
"cuda_array_interface" or "dlpack"), ``keep`` (what must stay alive while the
memory is bound) and ``readonly``."""


def is_torch_tensor(value):
    return type(value).__module__.startswith("torch") and hasattr(value, "data_ptr")


def dlpack_device(value):
    """(device_type, device_id) of a DLPack producer, or None."""
    if not (hasattr(value, "__dlpack__") and hasattr(value, "__dlpack_device__")):
        return None
    device_type, device_id = value.__dlpack_device__()
    return int(device_type), int(device_id)


def is_device_value(value):
    """True for what binds zero-copy: CUDA torch tensors, objects with
    __cuda_array_interface__, DLPack producers on a CUDA device."""
    if isinstance(value, np.ndarray):
        return False
    if is_torch_tensor(value):
        return bool(value.is_cuda)
    if hasattr(value, "__cuda_array_interface__"):
        return True
    device = dlpack_device(value)
    return device is not None and device[0] not in HOST_DEVICE_TYPES


def host_array(value):
    """A NumPy array of a host value: NumPy arrays as they are, CPU torch
    tensors (bf16 as uint16 raw bits), host DLPack producers, else
    np.asarray."""
    if isinstance(value, np.ndarray):
        return value
    if is_torch_tensor(value):
        tensor = value.detach().cpu()
        if str(tensor.dtype) == "torch.bfloat16":
            import torch

            return tensor.view(torch.int16).numpy().view(np.uint16)
        return tensor.numpy()
    if dlpack_device(value) is not None:
        return np.from_dlpack(value)
    return np.asarray(value)


def _check_row_major(shape, strides, itemsize_or_one, what):
    """Raises unless ``strides`` (elements or bytes, as the caller counts)
    describe a dense row-major layout of ``shape``; size-1 dimensions are
    free."""
    expected = itemsize_or_one
    for size, stride in zip(reversed(shape), reversed(strides)):
        if size != 1 and stride != expected:
            raise InteropError(
                f"{what} is not contiguous (shape {list(shape)}, strides {list(strides)}); "
                "give a contiguous copy (e.g. .contiguous() or ascontiguousarray)")
        expected *= size


def device_view(value):
    """A DeviceView of a device value (see is_device_value); InteropError
    when it is not dense and row-major, not on CUDA, or of a layout tfc
    cannot read."""
    if is_torch_tensor(value):
        return _torch_view(value)
    if hasattr(value, "__cuda_array_interface__"):
        return _cai_view(value)
    return _dlpack_view(value)


def _torch_view(tensor):
    if not tensor.is_cuda:
        raise InteropError(f"the torch tensor is on {tensor.device}, not a CUDA device")
    if not tensor.is_contiguous():
        raise InteropError(
            f"the torch tensor is not contiguous (shape {list(tensor.shape)}, strides "
            f"{list(tensor.stride())}); give tensor.contiguous()")
    shape = tuple(int(d) for d in tensor.shape)
    return DeviceView(
        int(tensor.data_ptr()), TORCH_DTYPES.get(str(tensor.dtype)), shape,
        math.prod(shape) * tensor.element_size(), tensor.device.index, "torch", tensor, False)


def _cai_view(value):
    cai = value.__cuda_array_interface__
    try:
        shape = tuple(int(d) for d in cai["shape"])
        typestr = cai["typestr"]
        ptr, readonly = cai["data"]
    except (KeyError, TypeError, ValueError) as e:
        raise InteropError(f"__cuda_array_interface__ is malformed ({e!r}): {cai!r}") from None
    if cai.get("mask") is not None:
        raise InteropError("__cuda_array_interface__ has a mask; masked arrays cannot be bound")
    dtype = None
    if typestr[0] in "<|" and typestr[1:] in CAI_DTYPES:
        dtype = CAI_DTYPES[typestr[1:]]
    elif typestr[0] in "<|" and typestr[1:] == "u2":
        dtype = "bf16"  # raw bits, as NumPy carries bf16
    itemsize = int(typestr[2:]) if typestr[2:].isdigit() else 0
    nbytes = math.prod(shape) * itemsize
    if cai.get("strides") is not None:
        _check_row_major(shape, tuple(int(s) for s in cai["strides"]), itemsize,
                         "the __cuda_array_interface__ array")
    if ptr is None or (ptr == 0 and nbytes):
        raise InteropError("__cuda_array_interface__ has a NULL data pointer")
    return DeviceView(int(ptr), dtype, shape, nbytes, None, "cuda_array_interface",
                      value, bool(readonly))


class DLPackTensor:
    """A consumed DLPack capsule: the DLTensor's fields, and the producer's
    deleter, called once by release() (or when this is collected), after
    which the memory may go away."""

    def __init__(self, address, versioned):
        self._address = address
        struct = (DLManagedTensorVersioned if versioned else DLManagedTensor).from_address(address)
        self._deleter = struct.deleter
        self.versioned = versioned
        self.version = (struct.version.major, struct.version.minor) if versioned else (0, 0)
        self.readonly = bool(versioned and struct.flags & DLPACK_FLAG_READ_ONLY)
        t = struct.dl_tensor
        self.device_type, self.device_id = int(t.device.device_type), int(t.device.device_id)
        self.ndim = int(t.ndim)
        self.code, self.bits, self.lanes = int(t.dtype.code), int(t.dtype.bits), int(t.dtype.lanes)
        self.shape = tuple(int(t.shape[i]) for i in range(self.ndim)) if self.ndim else ()
        self.strides = (tuple(int(t.strides[i]) for i in range(self.ndim))
                        if t.strides and self.ndim else None)
        self.ptr = (t.data or 0) + int(t.byte_offset)
        self._lock = threading.Lock()

    def release(self):
        with self._lock:
            address, self._address = self._address, None
        if address and self._deleter:
            self._deleter(address)

    def __del__(self):
        self.release()


def consume_dlpack(value):
    """Calls ``value.__dlpack__`` (DLPack 1.x if the producer speaks it) and
    takes ownership of the capsule: a DLPackTensor."""
    try:
        capsule = value.__dlpack__(max_version=(1, 0))
    except TypeError:  # a producer before DLPack 1.0 (no max_version)
        capsule = value.__dlpack__()
    if _CapsuleIsValid(capsule, _DLTENSOR_VERSIONED):
        address = _CapsuleGetPointer(capsule, _DLTENSOR_VERSIONED)
        versioned, used = True, _USED_DLTENSOR_VERSIONED
    elif _CapsuleIsValid(capsule, _DLTENSOR):
        address = _CapsuleGetPointer(capsule, _DLTENSOR)
        versioned, used = False, _USED_DLTENSOR
    else:
        raise InteropError(f"__dlpack__ returned {type(capsule).__name__} {capsule!r}, "
                           "not a 'dltensor' or 'dltensor_versioned' capsule")
    if versioned and DLPackVersion.from_address(address).major != 1:
        major = DLPackVersion.from_address(address).major
        # Unknown major version: the struct may differ; leave it to its capsule.
        raise InteropError(f"the DLPack capsule has major version {major}; tfc reads version 1")
    # Renamed, the capsule's destructor no longer frees it: it is ours now.
    _CapsuleSetName(capsule, used)
    return DLPackTensor(address, versioned)


def _dlpack_view(value):
    device = dlpack_device(value)
    if device[0] not in CUDA_DEVICE_TYPES:
        name = DEVICE_TYPE_NAMES.get(device[0], f"device type {device[0]}")
        raise InteropError(f"the DLPack tensor is on {name}:{device[1]}, not a CUDA device")
    tensor = consume_dlpack(value)
    try:
        return dlpack_tensor_view(tensor)
    except InteropError:
        tensor.release()
        raise


def dlpack_tensor_view(tensor):
    """The DeviceView of a consumed DLPackTensor (which it keeps alive)."""
    if tensor.lanes != 1:
        raise InteropError(f"the DLPack tensor has {tensor.lanes}-lane vector elements")
    if tensor.bits % 8:
        raise InteropError(f"the DLPack tensor has {tensor.bits}-bit elements")
    itemsize = tensor.bits // 8
    if tensor.strides is not None:
        _check_row_major(tensor.shape, tensor.strides, 1, "the DLPack tensor")
    nbytes = math.prod(tensor.shape) * itemsize
    if tensor.ptr == 0 and nbytes:
        raise InteropError("the DLPack tensor has a NULL data pointer")
    device = tensor.device_id if tensor.device_type in CUDA_DEVICE_TYPES else None
    return DeviceView(tensor.ptr, DLPACK_DTYPES.get((tensor.code, tensor.bits)), tensor.shape,
                      nbytes, device, "dlpack", tensor, tensor.readonly)


def describe_dtype(view):
    """How an error message names a view's element type."""
    return view.dtype or "an element type tfc does not have"


# --- export ----------------------------------------------------------------

# address of an exported DLManagedTensor(Versioned) -> (the struct, its
# shape array, the DeviceArray), alive until the consumer calls the deleter.
_exports = {}
_exports_lock = threading.Lock()


@DLDELETER
def _export_deleter(address):
    with _exports_lock:
        _exports.pop(address, None)


@ctypes.CFUNCTYPE(None, ctypes.c_void_p)
def _export_capsule_destructor(capsule):
    # A capsule nobody consumed still has its first name: free what it holds.
    for name in (_DLTENSOR, _DLTENSOR_VERSIONED):
        if _RawIsValid(capsule, name):
            _export_deleter(_RawGetPointer(capsule, name))
            return


def exports_alive():
    """How many exported DLPack tensors are not deleted yet (for tests)."""
    return len(_exports)


class DeviceArray:
    """Device memory of a known dtype and shape, zero-copy to other
    libraries: ``torch.from_dlpack(a)``, ``cupy.asarray(a)``,
    ``jax.dlpack.from_dlpack(a)``. What ``Session.run`` returns for outputs
    when the inputs were CUDA arrays of a library other than PyTorch.

    ``ptr``, ``dtype`` (artifact name), ``shape``, ``nbytes``, ``device``;
    ``numpy()`` copies to the host. The memory belongs to ``owner`` (the
    session, kept alive by this object and by every DLPack export of it) and
    is overwritten by the session's next run.
    """

    def __init__(self, ptr, dtype, shape, device=0, owner=None, to_host=None,
                 device_type=KDL_CUDA):
        if dtype not in DLPACK_CODES:
            raise InteropError(f"DeviceArray of unknown dtype {dtype!r}")
        self.ptr = int(ptr)
        self.dtype = dtype
        self.shape = tuple(int(d) for d in shape)
        self.device = int(device)
        self.owner = owner
        self._to_host = to_host
        self._device_type = device_type

    @property
    def nbytes(self):
        return math.prod(self.shape) * NUMPY_DTYPES[self.dtype].itemsize

    def data_ptr(self):
        return self.ptr

    def numpy(self):
        """A NumPy copy (bf16: uint16 raw bits)."""
        if self._to_host is None:
            raise InteropError("this DeviceArray has no way to copy to the host")
        return self._to_host()

    @property
    def __cuda_array_interface__(self):
        if self._device_type not in CUDA_DEVICE_TYPES:
            raise AttributeError("__cuda_array_interface__ (the memory is not on a CUDA device)")
        # stream None: the data is ready (the session's run waited for it).
        return {"shape": self.shape, "typestr": CAI_TYPESTRS[self.dtype],
                "data": (self.ptr, False), "strides": None, "version": 3, "stream": None}

    def __dlpack_device__(self):
        return (self._device_type, self.device)

    def __dlpack__(self, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule of this memory (DLPack 1.0 when ``max_version``
        allows it). The data is ready: ``stream`` needs no wait. Copies are
        not made: ``copy=True`` or another ``dl_device`` is refused."""
        if copy:
            raise BufferError("tfc.DeviceArray exports without copying; copy=True is not supported")
        if dl_device is not None and tuple(dl_device) != self.__dlpack_device__():
            raise BufferError(f"tfc.DeviceArray is on {self.__dlpack_device__()}, not {tuple(dl_device)}")
        versioned = max_version is not None and tuple(max_version)[0] >= 1
        managed = DLManagedTensorVersioned() if versioned else DLManagedTensor()
        shape = (ctypes.c_int64 * max(len(self.shape), 1))(*self.shape)
        with _exports_lock:
            _exports[ctypes.addressof(managed)] = (managed, shape, self)
        if versioned:
            managed.version.major, managed.version.minor = 1, 0
            managed.flags = 0
        managed.manager_ctx = None
        managed.deleter = _export_deleter
        t = managed.dl_tensor
        t.data = self.ptr
        t.device.device_type, t.device.device_id = self._device_type, self.device
        t.ndim = len(self.shape)
        t.dtype.code, t.dtype.bits = DLPACK_CODES[self.dtype]
        t.dtype.lanes = 1
        t.shape = ctypes.cast(shape, ctypes.POINTER(ctypes.c_int64))
        t.strides = None  # compact row-major
        t.byte_offset = 0
        name = _DLTENSOR_VERSIONED if versioned else _DLTENSOR
        return _CapsuleNew(ctypes.addressof(managed), name,
                           ctypes.cast(_export_capsule_destructor, ctypes.c_void_p))

    def __repr__(self):
        return (f"<tfc.DeviceArray {self.dtype}{list(self.shape)} at 0x{self.ptr:x} "
                f"({DEVICE_TYPE_NAMES.get(self._device_type, self._device_type)}:{self.device})>")


# --- CUDA synchronization -------------------------------------------------

_libcuda = None


def synchronize_device(device):
    """Waits for all work queued on CUDA device ``device`` (its primary
    context), through the driver: a producer's kernels that write an input
    must land before the session, on its own stream, reads it."""
    global _libcuda
    if _libcuda is None:
        _libcuda = ctypes.CDLL("libcuda.so.1")
    cu = _libcuda
    dev, ctx, old = ctypes.c_int(), ctypes.c_void_p(), ctypes.c_void_p()

    def check(status, what):
        if status != 0:
            raise InteropError(f"{what} failed with CUresult {status} while waiting for device {device}")

    check(cu.cuInit(0), "cuInit")
    check(cu.cuDeviceGet(ctypes.byref(dev), int(device)), "cuDeviceGet")
    check(cu.cuDevicePrimaryCtxRetain(ctypes.byref(ctx), dev), "cuDevicePrimaryCtxRetain")
    try:
        check(cu.cuCtxPushCurrent_v2(ctx), "cuCtxPushCurrent")
        try:
            check(cu.cuCtxSynchronize(), "cuCtxSynchronize")
        finally:
            cu.cuCtxPopCurrent_v2(ctypes.byref(old))
    finally:
        cu.cuDevicePrimaryCtxRelease_v2(dev)
