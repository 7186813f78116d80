"""External weights without a GPU: the safetensors writer and reader, and
binding an artifact's weights (its own files, another folder, safetensors
files given at load time) with every error's message."""
import json

import numpy as np
import pytest

import tfc
from conftest import pos_table


def test_safetensors_round_trip(tmp_path):
    tensors = {
        "f32": np.arange(6, dtype=np.float32).reshape(2, 3),
        "f16": np.ones((4,), np.float16),
        "i64": np.array([[1, -2]], np.int64),
        "bool": np.array([True, False, True]),
        "scalar": np.float32(2.5),
        "empty": np.zeros((0, 3), np.int32),
        "big_endian": np.arange(3, dtype=">f4"),
        "bf16": tfc.float32_to_bf16(np.array([1.0, -2.0, 3.5], np.float32)),
    }
    path = tmp_path / "t.safetensors"
    tfc.write_safetensors(path, tensors, metadata={"format": "pt"}, dtypes={"bf16": "BF16"})
    raw = path.read_bytes()
    length = int.from_bytes(raw[:8], "little")
    assert length % 8 == 0
    header = json.loads(raw[8:8 + length])
    assert header["__metadata__"] == {"format": "pt"}
    assert header["f32"] == {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}
    assert header["bf16"]["dtype"] == "BF16"
    assert header["big_endian"]["dtype"] == "F32"
    back = tfc.read_safetensors(path)
    assert list(back) == list(tensors)
    for name, value in tensors.items():
        np.testing.assert_array_equal(back[name], np.asarray(value).astype(back[name].dtype))
    np.testing.assert_array_equal(tfc.bf16_to_float32(back["bf16"]), [1.0, -2.0, 3.5])


def test_safetensors_writer_errors(tmp_path):
    with pytest.raises(ValueError, match="dtype BF16 has 2-byte elements; the array's have 4"):
        tfc.write_safetensors(tmp_path / "a.safetensors", {"w": np.zeros(2, np.float32)},
                              dtypes={"w": "BF16"})
    with pytest.raises(ValueError, match=r"dtypes names tensors that are not written: \['v'\]"):
        tfc.write_safetensors(tmp_path / "a.safetensors", {"w": np.zeros(2)}, dtypes={"v": "F64"})
    with pytest.raises(TypeError, match="have no safetensors dtype"):
        tfc.write_safetensors(tmp_path / "a.safetensors", {"w": np.zeros(2, np.complex64)})
    with pytest.raises(ValueError, match="'__metadata__' is not allowed"):
        tfc.write_safetensors(tmp_path / "a.safetensors", {"__metadata__": np.zeros(2)})


def test_bf16_conversions():
    values = np.array([1.0, 1.00390625, 1.01171875, -0.0, np.inf, 3.0e38], np.float32)
    bits = tfc.float32_to_bf16(values)
    assert bits.dtype == np.uint16
    # 1 + 2^-8 is halfway between two bf16 values: ties go to even.
    assert list(bits[:3]) == [0x3F80, 0x3F80, 0x3F82]
    np.testing.assert_array_equal(tfc.bf16_to_float32(tfc.float32_to_bf16(np.float32([0.5, -8.0]))), [0.5, -8.0])
    assert tfc.float32_to_bf16(np.float32([np.nan]))[0] == 0x7FC0


def test_the_artifacts_own_files(sample_dir):
    a = tfc.Artifact(sample_dir / "sample.tfcm")
    a.check_weights()
    (sample_dir / "weights.bin").write_bytes(bytes(31))
    with pytest.raises(tfc.TfcError) as e:
        a.check_weights()
    assert e.value.status_name == "TFC_ERROR_EXTERNAL_WEIGHTS"
    assert e.value.message == (
        f"weight 1 'emb': external weights file '{sample_dir}/weights.bin' has 31 bytes; "
        "the weight needs bytes [16, +16)")


def test_another_folder(sample_dir, tmp_path_factory):
    a = tfc.Artifact(sample_dir / "sample.tfcm")
    other = tmp_path_factory.mktemp("other")
    with pytest.raises(tfc.TfcError, match=f"external weights file '{other}/weights.bin' is missing"):
        a.check_weights(weights_dir=other)
    for name in ("weights.bin", "weights.safetensors"):
        (other / name).write_bytes((sample_dir / name).read_bytes())
    a.check_weights(weights_dir=other)


@pytest.mark.parametrize(
    "tensors, message",
    [
        ({"pos_table": pos_table()}, "weight 1 'emb': no tensor 'emb' in the weights file '{f}' (1 tensors)"),
        ({"emb": np.zeros((2, 4), np.float32), "pos_table": pos_table()},
         "weight 1 'emb': tensor 'emb' of '{f}' is F32; the artifact needs bf16 (BF16)"),
        ({"emb": np.zeros(8, np.uint16), "pos_table": pos_table()},
         "weight 1 'emb': tensor 'emb' of '{f}' is U16; the artifact needs bf16 (BF16)"),
    ],
)
def test_given_file_errors(sample_dir, tensors, message):
    a = tfc.Artifact(sample_dir / "sample.tfcm")
    f = sample_dir / "given.safetensors"
    tfc.write_safetensors(f, tensors)
    with pytest.raises(tfc.TfcError) as e:
        a.check_weights(weights=f)
    assert e.value.status_name == "TFC_ERROR_EXTERNAL_WEIGHTS"
    assert e.value.message == message.format(f=f)


def test_given_file_of_another_shape(sample_dir):
    f = sample_dir / "given.safetensors"
    tfc.write_safetensors(f, {"emb": tfc.float32_to_bf16(np.zeros((2, 4))),
                              "pos_table": pos_table().reshape(4)}, dtypes={"emb": "BF16"})
    with pytest.raises(tfc.TfcError) as e:
        tfc.Artifact(sample_dir / "sample.tfcm").check_weights(weights=f)
    assert e.value.message == (
        f"weight 2 'pos': tensor 'pos_table' of '{f}' has shape [4]; the artifact needs [2, 2]")


def test_given_files_bind_by_name(sample_dir):
    a = tfc.Artifact(sample_dir / "sample.tfcm")
    (sample_dir / "weights.bin").unlink()
    (sample_dir / "weights.safetensors").unlink()
    with pytest.raises(tfc.TfcError, match="is missing"):
        a.check_weights()
    f = sample_dir / "given.safetensors"
    tfc.write_weights_for(a, f, {"emb": tfc.float32_to_bf16(np.ones((2, 4))), "pos_table": pos_table()})
    a.check_weights(weights=f)
    a.check_weights(weights=[str(f)])
    # Sharded, and a tensor in two shards.
    tfc.write_safetensors(sample_dir / "a.safetensors", {"pos_table": pos_table()})
    tfc.write_safetensors(sample_dir / "b.safetensors", {"emb": np.zeros(8, np.uint16).reshape(2, 4)},
                          dtypes={"emb": "BF16"})
    a.check_weights(weights=[sample_dir / "a.safetensors", sample_dir / "b.safetensors"])
    with pytest.raises(tfc.TfcError, match="tensor 'pos_table' is in two weights files"):
        a.check_weights(weights=[sample_dir / "a.safetensors", f])
    with pytest.raises(tfc.TfcError, match="weights is an empty list"):
        a.check_weights(weights=[])


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is truncated: it has 0 bytes; the header length alone needs 8"),
        ((64).to_bytes(8, "little") + b"{}", "the file is truncated: it has 10 bytes; its header needs 8 + 64"),
        ((4).to_bytes(8, "little") + b"[1] ", "not a safetensors file: the header does not start with '{'"),
        ((8).to_bytes(8, "little") + b'{"a":1} ', "tensor 'a' is a number; it must be an object"),
        (bytes(range(64)), "not a safetensors file: its first 8 bytes give a header length of"),
    ],
)
def test_corrupt_given_file(sample_dir, content, message):
    f = sample_dir / "bad.safetensors"
    f.write_bytes(content)
    with pytest.raises(tfc.TfcError) as e:
        tfc.Artifact(sample_dir / "sample.tfcm").check_weights(weights=f)
    assert e.value.message.startswith(f"safetensors file '{f}': {message}")


def test_truncated_given_file(sample_dir):
    f = sample_dir / "given.safetensors"
    tfc.write_weights_for(sample_dir / "sample.tfcm", f,
                          {"emb": tfc.float32_to_bf16(np.ones((2, 4))), "pos_table": pos_table()})
    f.write_bytes(f.read_bytes()[:-4])
    with pytest.raises(tfc.TfcError) as e:
        tfc.Artifact(sample_dir / "sample.tfcm").check_weights(weights=f)
    size = f.stat().st_size
    assert e.value.message.startswith(f"safetensors file '{f}': the file is truncated: it has {size} bytes; "
                                      "tensor 'pos_table' needs bytes [")


def test_random_weights(sample_dir):
    a = tfc.Artifact(sample_dir / "sample.tfcm")
    weights = tfc.random_weights(a, seed=3)
    assert sorted(weights) == ["emb", "pos_table"]
    assert weights["emb"].dtype == np.uint16 and weights["emb"].shape == (2, 4)
    assert weights["pos_table"].dtype == np.float32
    f = tfc.write_weights_for(a, sample_dir / "random.safetensors", weights)
    a.check_weights(weights=f)
    np.testing.assert_array_equal(tfc.random_weights(a, seed=3)["pos_table"], weights["pos_table"])


def test_ml_dtypes_bfloat16(tmp_path):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    values = np.array([1.5, -2.0], dtype=ml_dtypes.bfloat16)
    tfc.write_safetensors(tmp_path / "m.safetensors", {"w": values})
    back = tfc.read_safetensors(tmp_path / "m.safetensors")["w"]
    np.testing.assert_array_equal(tfc.bf16_to_float32(back), [1.5, -2.0])
