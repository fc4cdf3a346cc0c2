"""Tokenizer: samp's HF-exact BERT WordPiece tokenizer, from Python."""
import os

from . import _errors as E
from ._errors import SampError
from ._handle import DEFAULT_TIMEOUT, RemoteObject
from ._tensors import output


class BatchEncoding(dict):
    """``input_ids``, ``token_type_ids`` and ``attention_mask`` (int32 arrays, [batch, seq], padded to the
    longest), and ``tokens`` when asked for; keys are also attributes."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class Tokenizer(RemoteObject):
    """A tokenizer from ``tokenizer.json`` or ``vocab.txt`` (``from_file``) or a model directory
    (``from_model``). ``granularity``: ``wordpiece`` (default), ``char`` or ``word``; ``max_length`` truncates."""

    _kind = "tokenizer"

    def __init__(self, *, path=None, model_dir=None, max_length=None, granularity=None, timeout=DEFAULT_TIMEOUT):
        if (path is None) == (model_dir is None):
            raise SampError(E.INVALID_ARGUMENT, "Give path (tokenizer.json or vocab.txt) or model_dir, one of them")
        args = {"max_length": max_length, "granularity": granularity}
        if path is not None:
            args["path"] = os.fspath(path)
        else:
            args["model_dir"] = os.fspath(model_dir)
        super().__init__("tokenizer.load", args, timeout)

    @classmethod
    def from_file(cls, path, **options):
        return cls(path=path, **options)

    @classmethod
    def from_model(cls, model_dir, **options):
        return cls(model_dir=model_dir, **options)

    def encode_batch(self, inputs, *, max_length=None, return_tokens=False, return_tensors="np"):
        """Encodes strings, or (text_a, text_b) pairs, into a BatchEncoding of int32 arrays."""
        items = []
        for i, x in enumerate(inputs):
            if isinstance(x, str):
                items.append(x)
            elif isinstance(x, (tuple, list)) and len(x) == 2 and all(isinstance(s, str) for s in x):
                items.append(list(x))
            else:
                raise SampError(E.INVALID_ARGUMENT, f"Expected a string or a (text_a, text_b) pair for inputs[{i}] but received {x!r:.60}")
        reply = self._call("tokenizer.encode_batch", {"inputs": items, "max_length": max_length, "tokens": bool(return_tokens)})
        enc = BatchEncoding({k: output(v, return_tensors) for k, v in reply.tensors.items()})
        if return_tokens:
            enc["tokens"] = reply.result["tokens"]
        return enc

    def encode(self, text, text_pair=None, **options):
        """One input: a BatchEncoding of 1-D arrays."""
        batch = self.encode_batch([text if text_pair is None else (text, text_pair)], **options)
        return BatchEncoding({k: v[0] for k, v in batch.items()})

    def __repr__(self):
        return f"<samp.Tokenizer {'closed' if self.closed else 'open'}>"
