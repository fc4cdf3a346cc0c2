"""samp for Python: fast BERT-style inference (classification, tagging, matching, embeddings) on CPU and CUDA,
through samp's Node pipeline.

    from samp import Pipeline, Tokenizer
    with Pipeline("models/chnsenticorp", task="classify", device="cpu") as p:
        p(["房间很干净", "服务太差了"])   # [{"label": ..., "label_id": ..., "scores": [...]}, ...]
        p.embed(["房间很干净"])          # numpy float32 (1, hidden)
    convert("old-model/", "model/", onnx=True)  # pytorch_model.bin / UER-py -> samp model dir (+ model.onnx)
"""
from ._convert import convert
from ._errors import SampError
from ._pipeline import TASKS, Pipeline
from ._tokenizer import BatchEncoding, Tokenizer

__version__ = "0.1.0"
__all__ = ["BatchEncoding", "Pipeline", "SampError", "TASKS", "Tokenizer", "__version__", "convert"]
