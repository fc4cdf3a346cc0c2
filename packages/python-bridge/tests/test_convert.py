"""samp.convert from Python: the PyTorch fixture to a model the Pipeline runs, ONNX beside it, and the refusal of a
pickle that would run a command."""
import os
import tempfile

import pytest

from conftest import REPO
from samp import Pipeline, SampError, convert

FIXTURES = REPO / "packages" / "converters" / "fixtures"


def test_convert_then_run(tmp_path):
    out = tmp_path / "model"
    r = convert(FIXTURES / "cls", out, onnx=True)
    assert r["format"] == "torch-bin"
    assert {"model.safetensors", "tokenizer.json", "model.onnx"} <= set(r["files"])
    with Pipeline(out, task="classify", device="cpu") as p:
        [res] = p(['!"#$'])
    assert res["label"] in {"LABEL_0", "LABEL_1", "LABEL_2"}


def test_unsafe_pickle_and_bad_arguments(tmp_path):
    marker = os.path.join(tempfile.gettempdir(), "samp-unsafe-pickle-ran")
    if os.path.exists(marker):
        os.remove(marker)
    with pytest.raises(SampError) as e:
        convert(FIXTURES / "unsafe-zip.bin", tmp_path / "x")
    assert e.value.code == "SAMP_UNSAFE_PICKLE" and "posix.system" in str(e.value)
    assert not os.path.exists(marker)
    with pytest.raises(SampError) as e:
        convert(FIXTURES / "cls", tmp_path / "y", dtype="int4")
    assert e.value.code == "SAMP_INVALID_ARGUMENT"
