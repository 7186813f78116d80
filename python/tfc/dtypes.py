"""Element types: the artifact's names ("f32", "bf16", ...), NumPy's, and
safetensors' ("F32", "BF16", ...), and bfloat16 as raw 16-bit patterns.

NumPy has no bfloat16. tfc passes bf16 tensors as ``uint16`` arrays holding
the raw bits (what ``tfc-run`` reads and writes in .npy files);
``float32_to_bf16`` and ``bf16_to_float32`` convert. Arrays of
``ml_dtypes.bfloat16`` are accepted wherever bf16 data goes in.
"""
import numpy as np

# artifact dtype name -> NumPy dtype of the host arrays tfc exchanges
NUMPY_DTYPES = {
    "f32": np.dtype("<f4"),
    "f16": np.dtype("<f2"),
    "bf16": np.dtype("<u2"),  # raw bits
    "i64": np.dtype("<i8"),
    "i32": np.dtype("<i4"),
    "i8": np.dtype("i1"),
    "u8": np.dtype("u1"),
    "bool": np.dtype("?"),
}

# artifact dtype name -> safetensors dtype name
SAFETENSORS_DTYPES = {
    "f32": "F32",
    "f16": "F16",
    "bf16": "BF16",
    "i64": "I64",
    "i32": "I32",
    "i8": "I8",
    "u8": "U8",
    "bool": "BOOL",
}

# torch dtype name (str(torch.float32) == "torch.float32") -> artifact dtype
TORCH_DTYPES = {
    "torch.float32": "f32",
    "torch.float16": "f16",
    "torch.bfloat16": "bf16",
    "torch.int64": "i64",
    "torch.int32": "i32",
    "torch.int8": "i8",
    "torch.uint8": "u8",
    "torch.bool": "bool",
}


def is_bfloat16(dtype):
    """True for ml_dtypes' bfloat16 (without importing ml_dtypes)."""
    return np.dtype(dtype).name == "bfloat16"


def artifact_dtype_of(array):
    """The artifact dtype name a NumPy array holds, or None."""
    if is_bfloat16(array.dtype):
        return "bf16"
    kind, size = array.dtype.kind, array.dtype.itemsize
    return {
        ("f", 4): "f32",
        ("f", 2): "f16",
        ("i", 8): "i64",
        ("i", 4): "i32",
        ("i", 1): "i8",
        ("u", 1): "u8",
        ("b", 1): "bool",
        ("u", 2): "bf16",  # raw bits
    }.get((kind, size))


def float32_to_bf16(values):
    """bf16 bit patterns (uint16) of float32 values, rounded to nearest even."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32)
    nan = np.isnan(bits.view(np.float32))
    rounded = bits + np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1))
    out = (rounded >> np.uint32(16)).astype(np.uint16)
    out[nan] = np.uint16(0x7FC0)
    return out


def bf16_to_float32(bits):
    """float32 values of bf16 bit patterns (uint16, or ml_dtypes.bfloat16)."""
    bits = np.ascontiguousarray(bits)
    if is_bfloat16(bits.dtype):
        bits = bits.view(np.uint16)
    return (bits.astype(np.uint32) << np.uint32(16)).view(np.float32)
