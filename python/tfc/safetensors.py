"""Write and read safetensors files with NumPy only.

The format: an 8-byte little-endian header length N, N bytes of JSON
(``{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [b, e]}, ...,
"__metadata__": {"k": "v"}}``, padded with spaces), then the tensors' bytes
(C order, little-endian); offsets are relative to the end of the header.
This is what ``tfc.Session(..., weights=...)`` and ``tfc-run --weights`` bind
an artifact's external weights from, by tensor name.
"""
import json
import os

import numpy as np

from .dtypes import is_bfloat16

# safetensors dtype -> NumPy dtype (BF16: uint16 raw bits)
_NUMPY = {
    "F64": "<f8",
    "F32": "<f4",
    "F16": "<f2",
    "BF16": "<u2",
    "I64": "<i8",
    "I32": "<i4",
    "I16": "<i2",
    "I8": "i1",
    "U64": "<u8",
    "U32": "<u4",
    "U16": "<u2",
    "U8": "u1",
    "BOOL": "?",
}
_SIZES = {name: np.dtype(d).itemsize for name, d in _NUMPY.items()}
_SIZES.update({"F8_E4M3": 1, "F8_E5M2": 1})


def _safetensors_dtype(array):
    if is_bfloat16(array.dtype):
        return "BF16"
    kind, size = array.dtype.kind, array.dtype.itemsize
    name = {"f": "F", "i": "I", "u": "U"}.get(kind)
    if kind == "b":
        return "BOOL"
    if name and f"{name}{size * 8}" in _SIZES:
        return f"{name}{size * 8}"
    raise TypeError(f"arrays of dtype {array.dtype} have no safetensors dtype")


def _to_numpy(name, value):
    """A C-contiguous little-endian NumPy array and its safetensors dtype."""
    module = type(value).__module__
    if module.startswith("torch"):
        import torch

        tensor = value.detach().cpu().contiguous()
        if tensor.dtype == torch.bfloat16:
            return tensor.view(torch.int16).numpy().view(np.uint16), "BF16"
        value = tensor.numpy()
    array = np.asarray(value)
    dtype = _safetensors_dtype(array)
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    return np.ascontiguousarray(array), dtype


def write_safetensors(path, tensors, metadata=None, dtypes=None):
    """Writes ``tensors`` (name -> NumPy array, torch tensor, or anything
    np.asarray takes) to ``path`` as a safetensors file, in the order given.

    bf16: pass ``ml_dtypes.bfloat16`` arrays or bf16 torch tensors, or uint16
    raw-bit arrays with ``dtypes={name: "BF16"}`` (``dtypes`` relabels an
    array whose elements have the size of the named dtype). ``metadata`` is a
    dict of strings stored as ``__metadata__``.
    """
    dtypes = dict(dtypes or {})
    header = {}
    if metadata:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise TypeError("safetensors metadata must map strings to strings")
        header["__metadata__"] = dict(metadata)
    arrays = []
    offset = 0
    for name, value in tensors.items():
        if not isinstance(name, str) or name == "__metadata__":
            raise ValueError(f"tensor name {name!r} is not allowed")
        array, dtype = _to_numpy(name, value)
        if name in dtypes:
            dtype = dtypes.pop(name)
            if _SIZES.get(dtype) != array.dtype.itemsize:
                raise ValueError(
                    f"tensor '{name}': dtype {dtype} has {_SIZES.get(dtype)}-byte elements; "
                    f"the array's have {array.dtype.itemsize}"
                )
        header[name] = {
            "dtype": dtype,
            "shape": [int(d) for d in array.shape],
            "data_offsets": [offset, offset + array.nbytes],
        }
        offset += array.nbytes
        arrays.append(array)
    if dtypes:
        raise ValueError(f"dtypes names tensors that are not written: {sorted(dtypes)}")
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = os.fspath(path) + ".tmp"
    with open(tmp, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for array in arrays:
            if array.nbytes:
                f.write(memoryview(array.reshape(-1).view(np.uint8)))
    os.replace(tmp, path)


def read_safetensors_header(path):
    """(header dict, byte offset where the tensor data starts)."""
    with open(path, "rb") as f:
        length_bytes = f.read(8)
        if len(length_bytes) != 8:
            raise ValueError(f"{path}: not a safetensors file (shorter than 8 bytes)")
        length = int.from_bytes(length_bytes, "little")
        if length > 100 << 20:
            raise ValueError(f"{path}: not a safetensors file (header length {length})")
        text = f.read(length)
        if len(text) != length:
            raise ValueError(f"{path}: truncated header")
    return json.loads(text), 8 + length


def read_safetensors(path):
    """name -> NumPy array for every tensor of ``path`` (BF16 as uint16 raw
    bits), in header order."""
    header, start = read_safetensors_header(path)
    out = {}
    with open(path, "rb") as f:
        for name, entry in header.items():
            if name == "__metadata__":
                continue
            if entry["dtype"] not in _NUMPY:
                raise ValueError(f"{path}: tensor '{name}' has dtype {entry['dtype']}, "
                                 "which NumPy cannot hold")
            begin, end = entry["data_offsets"]
            f.seek(start + begin)
            data = f.read(end - begin)
            if len(data) != end - begin:
                raise ValueError(f"{path}: truncated at tensor '{name}'")
            out[name] = np.frombuffer(data, dtype=_NUMPY[entry["dtype"]]).reshape(entry["shape"]).copy()
    return out
