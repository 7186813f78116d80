"""tfc.compile around tfc-opt (skipped where tfc-opt is not built), and the
external weights of compiled models: ONNX external data recorded with its
file and offset, or a safetensors file bound by name."""
import shutil

import numpy as np
import pytest

import tfc
from conftest import MODELS, ROOT

try:
    TFC_OPT = tfc.find_tfc_opt()
except tfc.CompileError:
    TFC_OPT = None
pytestmark = pytest.mark.skipif(TFC_OPT is None, reason="tfc-opt is not built")

HANDMADE = MODELS / "handmade_mlp_ln_softmax.onnx"
EXTERNAL_DATA = ROOT / "test" / "Import" / "Inputs" / "external_data.onnx"


def test_inline(tmp_path, runtime_lib):
    out = tfc.compile(HANDMADE, tmp_path / "m.tfcm", ptxas="none")
    a = tfc.Artifact(out)
    assert a.target_arch == "sm_90a"
    assert a.inputs == [tfc.TensorInfo("x", "f32", (4, 32, 64), 4 * 32 * 64 * 4)]
    assert [o.name for o in a.outputs] == ["y"]
    assert {w.storage for w in a.weights} == {"inline"}
    assert a.launches and "ptx sm_90a" in a.describe()


def test_default_output_path(tmp_path):
    model = tmp_path / "copy.onnx"
    shutil.copy(HANDMADE, model)
    assert tfc.compile(model, ptxas="none") == tmp_path / "copy.tfcm"
    assert (tmp_path / "copy.tfcm").is_file()


def test_safetensors_weights(tmp_path, runtime_lib):
    onnx = pytest.importorskip("onnx")
    from onnx import numpy_helper

    out = tfc.compile(HANDMADE, tmp_path / "m.tfcm", ptxas="none", weights="external",
                      external_weights_file=tmp_path / "m.safetensors")
    a = tfc.Artifact(out)
    assert [(w.name, w.storage, w.path, w.tensor_name) for w in a.weights] == [
        ("W", "safetensors", "m.safetensors", "W"),
        ("b", "safetensors", "m.safetensors", "b"),
        ("ln_scale", "safetensors", "m.safetensors", "ln_scale"),
        ("ln_bias", "safetensors", "m.safetensors", "ln_bias"),
    ]
    with pytest.raises(tfc.TfcError, match="m.safetensors': cannot open it"):
        a.check_weights()
    model = onnx.load(HANDMADE)
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    tfc.write_weights_for(a, tmp_path / "m.safetensors", weights)
    a.check_weights()
    # The same artifact binds a file made elsewhere, by name.
    other = tmp_path / "elsewhere.safetensors"
    tfc.write_safetensors(other, {k: v * 2 for k, v in weights.items()})
    a.check_weights(weights=other)


def test_onnx_external_data(tmp_path, runtime_lib):
    out = tfc.compile(EXTERNAL_DATA, tmp_path / "e.tfcm", ptxas="none", weights="external",
                      input_shapes={"a": (2, 4)})
    a = tfc.Artifact(out)
    (w,) = a.weights
    assert (w.name, w.storage, w.path, w.offset, w.nbytes) == ("w", "external", "external_data.bin", 0, 128)
    with pytest.raises(tfc.TfcError, match="external_data.bin' is missing"):
        a.check_weights()
    shutil.copy(EXTERNAL_DATA.parent / "external_data.bin", tmp_path)
    a.check_weights()
    a.check_weights(weights_dir=EXTERNAL_DATA.parent)


def test_errors(tmp_path):
    with pytest.raises(tfc.CompileError) as e:
        tfc.compile(tmp_path / "none.onnx", tmp_path / "x.tfcm")
    assert "tfc-opt exit" in str(e.value) and e.value.returncode != 0 and e.value.stderr
    with pytest.raises(tfc.CompileError, match="without an ONNX external-data location; give tfc-compile "
                                              "external-weights-file=FILE.safetensors"):
        tfc.compile(HANDMADE, tmp_path / "x.tfcm", ptxas="none", weights="external")
    with pytest.raises(tfc.CompileError, match="'w.bin' is not a .safetensors file"):
        tfc.compile(HANDMADE, tmp_path / "x.tfcm", ptxas="none", weights="external",
                    external_weights_file="w.bin")
    with pytest.raises(ValueError, match="is not inside the artifact's folder"):
        tfc.compile(HANDMADE, tmp_path / "x.tfcm", weights="external",
                    external_weights_file="/elsewhere/w.safetensors")
    with pytest.raises(ValueError, match="external_weights_file needs weights='external'"):
        tfc.compile(HANDMADE, tmp_path / "x.tfcm", external_weights_file="w.safetensors")
    with pytest.raises(ValueError, match="weights='both'"):
        tfc.compile(HANDMADE, tmp_path / "x.tfcm", weights="both")
    with pytest.raises(tfc.CompileError, match="cannot run"):
        tfc.compile(HANDMADE, tmp_path / "x.tfcm", tfc_opt=tmp_path / "no-tfc-opt")
