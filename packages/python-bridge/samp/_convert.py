"""convert: a checkpoint (HF safetensors, pytorch_model.bin, UER-py) to a samp model directory, and ONNX."""
import os

from . import _driver
from . import _errors as E
from ._errors import SampError

FORMATS = ("auto", "hf", "torch-bin", "uer")
DTYPES = ("fp32", "fp16", "bf16")


def convert(from_path, to, *, format="auto", dtype=None, onnx=False, onnx_int8=None, config=None, vocab=None,
            overwrite=False, timeout=600.0):
    """Reads ``from_path`` (a model directory or a weights file) and writes the model directory ``to``:
    config.json, model.safetensors, vocab.txt and tokenizer.json, plus model.onnx (``onnx``) and an INT8 graph
    (``onnx_int8="dynamic"``: model.int8.onnx; ``"qdq"``: model.qdq.onnx from the model's samp.json plan).
    pytorch_model.bin is read by samp's restricted unpickler: nothing in the file runs, and a file naming any other
    global raises SampError ``SAMP_UNSAFE_PICKLE``. Returns a dict: to, format, tensors, dtypes, files, notes."""
    if format not in FORMATS:
        raise SampError(E.INVALID_ARGUMENT, f"Expected format to be one of {', '.join(FORMATS)} but received {format!r}")
    if onnx_int8 not in (None, "dynamic", "qdq"):
        raise SampError(E.INVALID_ARGUMENT, f"Expected onnx_int8 to be None, 'dynamic' or 'qdq' but received {onnx_int8!r}")
    if dtype is not None and dtype not in DTYPES:
        raise SampError(E.INVALID_ARGUMENT, f"Expected dtype to be one of {', '.join(DTYPES)} (or None) but received {dtype!r}")
    args = {
        "from": os.fspath(from_path), "to": os.fspath(to), "format": format, "dtype": dtype, "onnx": bool(onnx),
        "onnx_int8": onnx_int8, "config": None if config is None else os.fspath(config),
        "vocab": None if vocab is None else os.fspath(vocab), "overwrite": bool(overwrite),
    }
    driver = _driver.acquire()
    try:
        return driver.request("convert", args, timeout=timeout).result
    finally:
        _driver.release(driver)
