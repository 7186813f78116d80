"""tfc.Artifact without a GPU: what a loaded artifact says, and the runtime's
errors as TfcError with status and message."""
import re

import pytest

import tfc
import tfcm_writer
from conftest import ROOT

# The newest format version the runtime of this checkout reads.
FORMAT_VERSION = int(re.search(
    r"#define TFCM_FORMAT_VERSION (\d+)u",
    (ROOT / "runtime" / "include" / "tfc" / "artifact_format.h").read_text()).group(1))


def test_signature_weights_and_launches(sample_dir):
    a = tfc.Artifact(sample_dir / "sample.tfcm")
    assert a.target_arch == "sm_90a"
    assert a.inputs == [tfc.TensorInfo("x", "f32", (2, 4), 32)]
    assert a.outputs == [tfc.TensorInfo("y", "f32", (2, 8), 64)]
    assert a.inputs[0].numpy_dtype.str == "<f4"
    assert a.input("x").shape == (2, 4)
    assert a.launches == ["k0_matmul"]
    assert [w.storage for w in a.weights] == ["inline", "external", "safetensors"]
    W, emb, pos = a.weights
    assert (W.name, W.dtype, W.shape, W.nbytes, W.offset) == ("W", "f32", (4, 8), 128, 0)
    assert (emb.path, emb.tensor_name, emb.offset) == ("weights.bin", "emb", 16)
    assert (pos.path, pos.tensor_name, pos.offset) == ("weights.safetensors", "pos_table", 0)
    assert [w.name for w in a.external_weights] == ["emb", "pos"]
    assert "sm_90a" in repr(a) and "x: f32[2, 4]" in repr(a)


def test_describe_is_the_inspect_listing(sample_dir):
    text = tfc.Artifact(sample_dir / "sample.tfcm").describe()
    assert text.startswith("tfcm format version 2, ")
    assert "  #1 'emb': bf16[2x4], 16 bytes, external 'weights.bin' tensor 'emb' at 16\n" in text
    assert "  #2 'pos': f32[2x2], 16 bytes, safetensors 'weights.safetensors' tensor 'pos_table'\n" in text
    assert "kernel 'k0_matmul' grid (1, 1, 1) block (32, 1, 1)" in text


def test_from_bytes(sample_dir):
    data = (sample_dir / "sample.tfcm").read_bytes()
    a = tfc.Artifact.from_bytes(data, base_dir=sample_dir)
    assert a.path is None and a.outputs[0].name == "y"
    a.check_weights()
    with pytest.raises(tfc.TfcError) as e:
        tfc.Artifact.from_bytes(data).check_weights()  # relative to the current folder
    assert e.value.status_name == "TFC_ERROR_EXTERNAL_WEIGHTS"


def test_version_1_still_loads(tmp_path, runtime_lib):
    w = tfcm_writer.sample()
    w.weights.pop()  # version 1 has no safetensors storage
    w.launches[0][3].pop(3)
    a = tfc.Artifact(w.write(tmp_path / "v1.tfcm", version=1))
    assert a.describe().startswith("tfcm format version 1, ")


@pytest.mark.parametrize(
    "damage, status, message",
    [
        (lambda b: b[:100], "TFC_ERROR_TRUNCATED", "artifact is truncated: the file has 100 bytes"),
        (lambda b: b"XFCM" + b[4:], "TFC_ERROR_BAD_MAGIC", "not a .tfcm artifact: the file starts with bytes 58 46 43 4d"),
        (lambda b: b[:4] + bytes([9, 0, 0, 0]) + b[8:], "TFC_ERROR_UNSUPPORTED_VERSION",
         f"artifact format version 9 is newer than this runtime; this runtime reads versions 1 to {FORMAT_VERSION}"),
        (lambda b: b[:-1] + bytes([b[-1] ^ 1]), "TFC_ERROR_CHECKSUM", "checksum mismatch"),
        (lambda b: b + b"x", "TFC_ERROR_INVALID_ARTIFACT", "but its header declares"),
    ],
)
def test_load_errors(sample_dir, damage, status, message):
    path = sample_dir / "bad.tfcm"
    path.write_bytes(damage((sample_dir / "sample.tfcm").read_bytes()))
    with pytest.raises(tfc.TfcError) as e:
        tfc.Artifact(path)
    assert e.value.status_name == status
    assert message in e.value.message
    assert str(e.value).endswith(f"[{status}]")


def test_missing_file(tmp_path, runtime_lib):
    with pytest.raises(tfc.TfcError, match=r"cannot open artifact '.*none.tfcm': No such file or directory \[TFC_ERROR_IO\]"):
        tfc.Artifact(tmp_path / "none.tfcm")


def test_invalid_record_names_the_field(tmp_path, runtime_lib):
    w = tfcm_writer.sample()
    w.weights[1] = (w.weights[1][0], 2, b"", "../escape.bin", "emb", 16)
    with pytest.raises(tfc.TfcError) as e:
        tfc.Artifact(w.write(tmp_path / "bad.tfcm"))
    assert e.value.status_name == "TFC_ERROR_INVALID_ARTIFACT"
    assert e.value.message == (
        f"{tmp_path}/bad.tfcm: weight 1 'emb': external path '../escape.bin' must be a "
        "non-empty relative path without '..' components")


def test_unknown_names(sample_dir):
    a = tfc.Artifact(sample_dir / "sample.tfcm")
    with pytest.raises(tfc.TfcError, match="the artifact has no input named 'z'; its inputs are 'x'"):
        a.input("z")


def test_library_not_found(monkeypatch, tmp_path):
    monkeypatch.setattr(tfc._capi, "_lib", None)
    monkeypatch.setenv("TFC_RUNTIME_LIB", str(tmp_path / "libtfcrt.so"))
    with pytest.raises(OSError, match="TFC_RUNTIME_LIB=.* does not exist; build the runtime"):
        tfc._capi.load_library()
