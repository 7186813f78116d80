"""Zero-copy bindings and result kinds of tfc.Session.run without a GPU.

The DLPack consumer is checked against NumPy (a real producer, on the CPU)
and against a CUDA producer written here from dlpack.h; tfc.DeviceArray's
export against NumPy's consumer. Session.run's dispatch (which binding each
value gets, what comes back, when the device is waited for) runs on a real
artifact with a fake C library in place of libtfcrt, so every check that
happens before the GPU is exercised; gpu_test_session.py does the same on a
GPU with PyTorch.
"""
import ctypes
import gc
import sys
import types

import numpy as np
import pytest

import tfc
from tfc import interop

# --- a CUDA DLPack producer, written from dlpack.h (not from tfc.interop) --

_api = ctypes.PyDLL("test-capi", handle=ctypes.pythonapi._handle)
_api.PyCapsule_New.restype = ctypes.py_object
_api.PyCapsule_New.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
DELETER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class _Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device_type", ctypes.c_int32),
                ("device_id", ctypes.c_int32), ("ndim", ctypes.c_int32),
                ("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16),
                ("shape", ctypes.c_void_p), ("strides", ctypes.c_void_p),
                ("byte_offset", ctypes.c_uint64)]


class _Legacy(ctypes.Structure):
    _fields_ = [("t", _Tensor), ("ctx", ctypes.c_void_p), ("deleter", DELETER)]


class _Versioned(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32), ("ctx", ctypes.c_void_p),
                ("deleter", DELETER), ("flags", ctypes.c_uint64), ("t", _Tensor)]


class FakeDLPack:
    """A DLPack producer of device memory at ``ptr`` (never dereferenced).
    ``versioned`` producers speak DLPack 1.0 (max_version), the others are
    pre-1.0 (no max_version argument). ``deleted`` counts deleter calls."""

    F32, F16, BF16, I64 = (2, 32), (2, 16), (4, 16), (0, 64)

    def __init__(self, ptr, shape, dtype=F32, device=(2, 0), strides=None, versioned=True,
                 readonly=False, byte_offset=0, lanes=1, major=1):
        self.ptr, self.shape, self.dtype, self.device = ptr, shape, dtype, device
        self.strides, self.versioned, self.readonly = strides, versioned, readonly
        self.byte_offset, self.lanes, self.major = byte_offset, lanes, major
        self.deleted = 0
        self._alive = []
        self._deleter = DELETER(self._delete)

    def _delete(self, address):
        self.deleted += 1

    def __dlpack_device__(self):
        return self.device

    def _capsule(self, versioned):
        m = _Versioned() if versioned else _Legacy()
        shape = (ctypes.c_int64 * max(len(self.shape), 1))(*self.shape)
        strides = (ctypes.c_int64 * max(len(self.shape), 1))(*(self.strides or ()))
        self._alive += [m, shape, strides]
        t = m.t
        t.data, t.byte_offset = self.ptr, self.byte_offset
        t.device_type, t.device_id = self.device
        t.ndim = len(self.shape)
        t.code, t.bits = self.dtype
        t.lanes = self.lanes
        t.shape = ctypes.addressof(shape)
        t.strides = ctypes.addressof(strides) if self.strides is not None else None
        m.deleter = self._deleter
        if versioned:
            m.major, m.minor, m.flags = self.major, 0, 1 if self.readonly else 0
        name = b"dltensor_versioned" if versioned else b"dltensor"
        return _api.PyCapsule_New(ctypes.addressof(m), name, None)

    def __dlpack__(self, stream=None, **kwargs):
        if not self.versioned:
            if kwargs:
                raise TypeError("__dlpack__() got an unexpected keyword argument")
            return self._capsule(False)
        return self._capsule(kwargs.get("max_version") is not None)


class FakeCudaArray:
    """An object with __cuda_array_interface__ (version 3)."""

    def __init__(self, ptr, shape, typestr="<f4", strides=None, readonly=False, mask=None):
        self.__cuda_array_interface__ = {
            "shape": shape, "typestr": typestr, "data": (ptr, readonly),
            "strides": strides, "version": 3, "mask": mask, "stream": 1}


# --- a session over a fake libtfcrt ----------------------------------------


class FakeLib:
    """The C API calls a Session makes after creation, recorded."""

    OWN_OUTPUT = 0x7F0000000000

    def __init__(self):
        self.calls = []
        self.outputs = {}
        self.runs = 0

    def tfcGetLastErrorMessage(self):
        return b"fake error"

    def tfcSessionBindInputHost(self, handle, name, dtype, data, nbytes):
        self.calls.append(("host", name.decode(), ctypes.string_at(data, nbytes)))
        return 0

    def tfcSessionBindInputDevice(self, handle, name, dtype, ptr, nbytes):
        self.calls.append(("input", name.decode(), ptr, nbytes))
        return 0

    def tfcSessionBindOutputDevice(self, handle, name, dtype, ptr, nbytes):
        self.calls.append(("output", name.decode(), ptr, nbytes))
        self.outputs[name.decode()] = ptr
        return 0

    def tfcSessionRun(self, handle):
        self.runs += 1
        self.calls.append(("run",))
        return 0

    def tfcSessionGetOutputDevicePtr(self, handle, name, ptr):
        ptr._obj.value = self.outputs.get(name.decode(), self.OWN_OUTPUT)
        return 0

    def tfcSessionCopyOutputToHost(self, handle, name, data, nbytes):
        values = np.full(nbytes // 4, self.runs, np.float32)
        ctypes.memmove(data, values.ctypes.data, nbytes)
        return 0

    def tfcSessionRelease(self, handle):
        self.calls.append(("release",))


@pytest.fixture
def session(sample_dir, monkeypatch):
    """A Session on sample.tfcm (x: f32[2, 4] -> y: f32[2, 8]) over FakeLib;
    ``session.synced`` counts waits for the device."""
    s = tfc.Session.__new__(tfc.Session)
    s._attach(tfc.Artifact(sample_dir / "sample.tfcm"), FakeLib(), ctypes.c_void_p(1), 0)
    s.synced = []
    monkeypatch.setattr(interop, "synchronize_device", lambda device: s.synced.append(device))
    yield s
    s.close()


def invalid(session_call, message):
    with pytest.raises(tfc.TfcError) as e:
        session_call()
    assert e.value.status_name == "TFC_ERROR_INVALID_ARGUMENT"
    assert e.value.message == message
    return e.value


# --- DLPack with NumPy, a real producer and consumer ------------------------


@pytest.mark.parametrize("dtype,name", [(np.float32, "f32"), (np.float16, "f16"), (np.int64, "i64"),
                                        (np.int32, "i32"), (np.int8, "i8"), (np.uint8, "u8"),
                                        (np.bool_, "bool")])
def test_numpy_arrays_read_through_dlpack(dtype, name):
    a = np.zeros((3, 5), dtype)
    t = interop.consume_dlpack(a)
    view = interop.dlpack_tensor_view(t)
    assert (view.ptr, view.dtype, view.shape, view.nbytes) == (a.ctypes.data, name, (3, 5), a.nbytes)
    assert view.device is None and view.kind == "dlpack" and t.device_type == interop.KDL_CPU
    t.release()
    t.release()  # once only


def test_numpy_views_with_offsets_and_strides():
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    view = interop.dlpack_tensor_view(interop.consume_dlpack(a[1:3]))
    assert view.ptr == a.ctypes.data + 6 * 4 and view.shape == (2, 6)
    # A size-1 dimension's stride does not matter.
    assert interop.dlpack_tensor_view(interop.consume_dlpack(a[:, 2:3][1:2])).shape == (1, 1)
    with pytest.raises(interop.InteropError, match=r"the DLPack tensor is not contiguous \(shape \[4, 3\], strides \[6, 2\]\)"):
        interop.dlpack_tensor_view(interop.consume_dlpack(a[:, ::2]))
    with pytest.raises(interop.InteropError, match="not contiguous"):
        interop.dlpack_tensor_view(interop.consume_dlpack(a.T))


@pytest.mark.parametrize("max_version", [None, (1, 0), (1, 3)])
def test_device_array_exports_to_numpy(max_version):
    host = np.arange(6, dtype=np.float32).reshape(2, 3)
    d = interop.DeviceArray(host.ctypes.data, "f32", (2, 3), device=0, owner=host,
                            device_type=interop.KDL_CPU)
    before = interop.exports_alive()
    if max_version is None:
        class Legacy:  # what a pre-1.0 consumer asks for
            __dlpack_device__ = d.__dlpack_device__

            def __dlpack__(self):
                return d.__dlpack__()
        got = np.from_dlpack(Legacy())
    else:
        got = np.from_dlpack(d)
    assert got.ctypes.data == host.ctypes.data and (got == host).all()
    assert interop.exports_alive() == before + 1
    del got
    gc.collect()
    assert interop.exports_alive() == before  # the consumer called the deleter
    # A capsule nobody consumes is freed by its destructor.
    capsule = d.__dlpack__(max_version=max_version)
    assert interop.exports_alive() == before + 1
    del capsule
    assert interop.exports_alive() == before
    # And tfc's own consumer reads it back.
    t = interop.consume_dlpack(d)
    assert (t.ptr, t.shape, t.code, t.bits, t.versioned) == (host.ctypes.data, (2, 3), 2, 32, True)
    t.release()
    assert interop.exports_alive() == before


def test_device_array_interfaces():
    d = interop.DeviceArray(0x7000, "bf16", (4, 2), device=1)
    assert d.__dlpack_device__() == (interop.KDL_CUDA, 1)
    assert d.__cuda_array_interface__ == {"shape": (4, 2), "typestr": "<V2", "data": (0x7000, False),
                                          "strides": None, "version": 3, "stream": None}
    assert d.nbytes == 16 and d.data_ptr() == 0x7000
    assert interop.DeviceArray(0, "bool", (3,)).__cuda_array_interface__["typestr"] == "|b1"
    t = interop.consume_dlpack(d)
    assert (t.code, t.bits, t.lanes, t.device_type, t.device_id) == (4, 16, 1, interop.KDL_CUDA, 1)
    t.release()
    with pytest.raises(BufferError, match="copy=True is not supported"):
        d.__dlpack__(copy=True)
    with pytest.raises(BufferError, match=r"is on \(2, 1\), not \(1, 0\)"):
        d.__dlpack__(dl_device=(1, 0))
    with pytest.raises(interop.InteropError, match="unknown dtype 'c64'"):
        interop.DeviceArray(0, "c64", (1,))
    assert not hasattr(interop.DeviceArray(0, "f32", (1,), device_type=interop.KDL_CPU),
                       "__cuda_array_interface__")


# --- binding device memory ------------------------------------------------


@pytest.mark.parametrize("versioned", [True, False])
def test_dlpack_input_is_bound_in_place(session, versioned):
    x = FakeDLPack(0x10000, (2, 4), byte_offset=64, versioned=versioned)
    session.bind_input_device("x", x)
    assert session._lib.calls == [("input", "x", 0x10000 + 64, 32)]
    assert x.deleted == 0  # held while bound
    session.bind_input("x", np.zeros((2, 4), np.float32))
    gc.collect()
    assert x.deleted == 1  # a host binding replaced it
    session.bind_input_device("x", x)
    session.close()
    assert x.deleted == 2


def test_dlpack_errors(session):
    def refused(value, message, what="input", consumed=True):
        """Refused with ``message``; a capsule taken is given back (deleted)."""
        bind = session.bind_input_device if what == "input" else session.bind_output_device
        invalid(lambda: bind("x" if what == "input" else "y", value), message)
        gc.collect()
        assert value.deleted == (1 if consumed else 0), message

    refused(FakeDLPack(0x10000, (2, 4), FakeDLPack.F16),
            "input 'x' is f32[2, 4]; got a DLPack tensor of dtype f16 and shape [2, 4]")
    refused(FakeDLPack(0x10000, (4, 2)),
            "input 'x' is f32[2, 4]; got a DLPack tensor of dtype f32 and shape [4, 2]")
    refused(FakeDLPack(0x10000, (2, 4), (5, 64)),
            "input 'x' is f32[2, 4]; got a DLPack tensor of dtype an element type tfc does not have and shape [2, 4]")
    refused(FakeDLPack(0x10000, (2, 4), strides=(1, 2)),
            "input 'x': the DLPack tensor is not contiguous (shape [2, 4], strides [1, 2]); "
            "give a contiguous copy (e.g. .contiguous() or ascontiguousarray)")
    refused(FakeDLPack(0x10000, (2, 4), lanes=4), "input 'x': the DLPack tensor has 4-lane vector elements")
    refused(FakeDLPack(0, (2, 4)), "input 'x': the DLPack tensor has a NULL data pointer")
    refused(FakeDLPack(0x10000, (2, 4), device=(2, 1)),
            "input 'x' is on cuda:1; this session runs on device 0")
    refused(FakeDLPack(0x10000, (2, 8), readonly=True), "output 'y': the memory is read-only", "output")
    refused(FakeDLPack(0x10000, (2, 4), major=2),
            "input 'x': the DLPack capsule has major version 2; tfc reads version 1", consumed=False)
    refused(FakeDLPack(0x10000, (2, 4), device=(1, 0)),
            "input 'x': FakeDLPack is not device memory (a CUDA torch tensor, a "
            "__cuda_array_interface__ or CUDA DLPack object, or an address)", consumed=False)
    # A device that is neither CUDA nor the host: named.
    bad = FakeDLPack(0x10000, (2, 4), device=(10, 0))
    invalid(lambda: session.bind_input_device("x", bad),
            "input 'x': the DLPack tensor is on rocm:0, not a CUDA device")
    assert [c for c in session._lib.calls if c[0] != "release"] == []  # nothing reached the runtime

    class NotACapsule:
        def __dlpack_device__(self):
            return (2, 0)

        def __dlpack__(self, **kwargs):
            return "capsule"
    invalid(lambda: session.bind_input_device("x", NotACapsule()),
            "input 'x': __dlpack__ returned str 'capsule', not a 'dltensor' or 'dltensor_versioned' capsule")


def test_cuda_array_interface(session):
    x = FakeCudaArray(0x20000, (2, 4))
    session.bind_input_device("x", x)
    assert session._lib.calls == [("input", "x", 0x20000, 32)]
    assert session._keep[("input", "x")] is x
    session.bind_input_device("x", FakeCudaArray(0x30000, (2, 4), strides=(16, 4)))
    session.bind_output_device("y", FakeCudaArray(0x40000, (2, 8)))
    assert session._lib.calls[1:] == [("input", "x", 0x30000, 32), ("output", "y", 0x40000, 64)]
    invalid(lambda: session.bind_input_device("x", FakeCudaArray(0x20000, (2, 4), strides=(4, 8))),
            "input 'x': the __cuda_array_interface__ array is not contiguous (shape [2, 4], strides [4, 8]); "
            "give a contiguous copy (e.g. .contiguous() or ascontiguousarray)")
    invalid(lambda: session.bind_input_device("x", FakeCudaArray(0x20000, (2, 4), "<f8")),
            "input 'x' is f32[2, 4]; got a __cuda_array_interface__ array of dtype "
            "an element type tfc does not have and shape [2, 4]")
    invalid(lambda: session.bind_input_device("x", FakeCudaArray(0x20000, (2, 4), mask=object())),
            "input 'x': __cuda_array_interface__ has a mask; masked arrays cannot be bound")
    invalid(lambda: session.bind_output_device("y", FakeCudaArray(0x20000, (2, 8), readonly=True)),
            "output 'y': the memory is read-only")
    invalid(lambda: session.bind_input_device("x", FakeCudaArray(0, (2, 4))),
            "input 'x': __cuda_array_interface__ has a NULL data pointer")
    invalid(lambda: session.bind_input_device("x", FakeCudaArray(0x20000, (2, 4)), nbytes=16),
            "input 'x': nbytes=16, but the tensor holds 32 bytes")

    class Broken:
        __cuda_array_interface__ = {"shape": (2, 4)}
    with pytest.raises(tfc.TfcError, match=r"input 'x': __cuda_array_interface__ is malformed \(KeyError\('typestr'\)\)"):
        session.bind_input_device("x", Broken())
    assert len(session._lib.calls) == 3


def test_raw_addresses(session):
    session.bind_output_device("y", 0x1000)
    session.bind_output_device("y", 0x1000, 32)
    session.bind_input_device("x", np.uint64(0x2000))
    assert session._lib.calls == [("output", "y", 0x1000, 64), ("output", "y", 0x1000, 32),
                                  ("input", "x", 0x2000, 32)]
    invalid(lambda: session.bind_input_device("x", np.zeros((2, 4), np.float32)),
            "input 'x': ndarray is not device memory (a CUDA torch tensor, a "
            "__cuda_array_interface__ or CUDA DLPack object, or an address)")


# --- what run() returns -----------------------------------------------------


def test_run_with_numpy(session):
    out = session.run(x=np.ones((2, 4), np.float32))
    assert list(out) == ["y"] and isinstance(out["y"], np.ndarray) and (out["y"] == 1).all()
    assert session._lib.calls[0] == ("host", "x", np.ones((2, 4), np.float32).tobytes())
    assert session.synced == []  # host data needs no wait
    # Host DLPack producers (not NumPy) are copied like arrays.
    memory = np.arange(8, dtype=np.float32)
    session.run(x=FakeDLPack(memory.ctypes.data, (2, 4), device=(1, 0)))
    assert session._lib.calls[2] == ("host", "x", memory.tobytes())
    invalid(lambda: session.run({"x": [[1.0, 2.0]]}),
            "input 'x' is f32[2, 4]; got an array of dtype float64 and shape [1, 2]")


def test_run_with_device_arrays(session):
    x = FakeCudaArray(0x20000, (2, 4))
    out = session.run({"x": x})
    y = out["y"]
    assert isinstance(y, tfc.DeviceArray) and (y.ptr, y.dtype, y.shape, y.device) == (
        FakeLib.OWN_OUTPUT, "f32", (2, 8), 0)
    assert y.owner is session and (y.numpy() == 1).all()
    assert session.synced == [0]
    assert session._lib.calls == [("input", "x", 0x20000, 32), ("run",)]
    # Outputs given: written there, and returned as given.
    dst = FakeDLPack(0x50000, (2, 8))
    out = session.run({"x": x}, {"y": dst})
    assert out["y"] is dst and session._lib.calls[-2:] == [("output", "y", 0x50000, 64), ("run",)]
    assert session.synced == [0, 0]
    # NumPy inputs with a device output also give device results.
    assert session.run({"x": np.zeros((2, 4), np.float32)}, {"y": dst})["y"] is dst
    invalid(lambda: session.run({"x": x}, {"z": dst}),
            "the artifact has no output named 'z'; its outputs are 'y'")


# --- PyTorch, faked: the module is never imported in CI -----------------------


class FakeTorchTensor:
    """Enough of torch.Tensor for tfc: CUDA tensors have fake addresses."""

    __module__ = "torch"
    _next = 0x90000

    def __init__(self, shape, dtype="torch.float32", device="cuda:0", array=None):
        self.shape, self.dtype = tuple(shape), dtype
        self.device = FakeTorchDevice(device)
        self.is_cuda = self.device.type == "cuda"
        self.array = array
        self._ptr = FakeTorchTensor._next
        FakeTorchTensor._next += 0x1000

    def data_ptr(self):
        return self._ptr

    def element_size(self):
        return 2 if self.dtype in ("torch.float16", "torch.bfloat16") else 4

    def is_contiguous(self):
        return True

    def stride(self):
        return ()

    def detach(self):
        return self

    def cpu(self):
        return self

    def numpy(self):
        return self.array


class FakeTorchDevice:
    def __init__(self, spec):
        self.type, _, index = str(spec).partition(":")
        self.index = int(index) if index else None

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"


@pytest.fixture
def fake_torch(monkeypatch):
    torch = types.ModuleType("torch")
    torch.float32 = "torch.float32"
    torch.synced = []
    torch.cuda = types.SimpleNamespace(synchronize=lambda device=None: torch.synced.append(device))
    torch.device = lambda kind, index: f"{kind}:{index}"
    torch.empty = lambda shape, dtype, device: FakeTorchTensor(shape, dtype, device)
    torch.from_numpy = lambda array: ("from_numpy", array)
    monkeypatch.setitem(sys.modules, "torch", torch)
    return torch


def test_run_with_torch_cuda_tensors(session, fake_torch):
    x = FakeTorchTensor((2, 4))
    out = session.run(x=x)
    y = out["y"]
    assert isinstance(y, FakeTorchTensor) and y.shape == (2, 8) and str(y.device) == "cuda:0"
    assert session._lib.calls == [("input", "x", x.data_ptr(), 32), ("output", "y", y.data_ptr(), 64),
                                  ("run",)]
    assert fake_torch.synced == [0] and session.synced == []
    # The next run reuses the output tensor: no rebinding, the graph replays.
    assert session.run(x=x)["y"] is y
    assert session._lib.calls[3:] == [("input", "x", x.data_ptr(), 32), ("run",)]
    # Outputs given are used instead.
    mine = FakeTorchTensor((2, 8))
    assert session.run({"x": x}, {"y": mine})["y"] is mine
    invalid(lambda: session.run(x=FakeTorchTensor((2, 4), "torch.float16")),
            "input 'x' is f32[2, 4]; got a torch tensor of dtype torch.float16 and shape [2, 4]")
    invalid(lambda: session.run(x=FakeTorchTensor((2, 4), device="cuda:1")),
            "input 'x' is on cuda:1; this session runs on device 0")


def test_run_with_torch_cpu_tensors(session, fake_torch):
    x = FakeTorchTensor((2, 4), device="cpu", array=np.full((2, 4), 2, np.float32))
    out = session.run(x=x)
    kind, array = out["y"]
    assert kind == "from_numpy" and array.shape == (2, 8) and (array == 1).all()
    assert session._lib.calls[0] == ("host", "x", x.array.tobytes())
    assert fake_torch.synced == [] and session.synced == []
    invalid(lambda: session.bind_input_device("x", x),
            "input 'x': FakeTorchTensor is not device memory (a CUDA torch tensor, a "
            "__cuda_array_interface__ or CUDA DLPack object, or an address)")
