"""Pipeline: text in, results out, through samp's Node pipeline."""
import os


from . import _errors as E
from ._errors import SampError
from ._handle import DEFAULT_TIMEOUT, RemoteObject
from ._tensors import as_int32_2d, output

TASKS = ("classify", "match", "tag", "embed")


def _bad(name, expected, value):
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    raise SampError(E.INVALID_ARGUMENT, f"Expected {expected} for {name} but received {shown}")


def _input(task, x, i):
    if isinstance(x, dict):
        return x
    if task == "match":
        if isinstance(x, (tuple, list)) and len(x) == 2 and all(isinstance(s, str) for s in x):
            return {"text_a": x[0], "text_b": x[1]}
        _bad(f"inputs[{i}]", "a (text_a, text_b) pair of strings", x)
    if isinstance(x, str):
        return {"text": x}
    _bad(f"inputs[{i}]", "a string", x)


class Pipeline(RemoteObject):
    """A model directory loaded for a task (``classify``, ``match``, ``tag`` or ``embed``) on a device.

    ``p(texts)`` gives one dict per input, as ``samp run`` writes them: ``{"label", "label_id", "scores"}``
    (classify, match), ``{"score"}`` (match with ``matching="bi-encoder"``), ``{"entities": [...]}`` (tag),
    ``{"embedding": [...]}`` (embed). ``p.embed(texts)`` gives a float32 array (n, hidden). Options are those of
    ``samp run``: device (``cpu``, ``cuda``, ``cuda:N``, ``auto``), precision or plan (a dict, a list, or a plan
    file), max_length, batch_size, granularity (``wordpiece``, ``char``, ``word``), pooling, normalize, matching.
    ``timeout`` (seconds, or None) bounds every request."""

    _kind = "pipeline"

    def __init__(self, model_dir, task="classify", *, device="auto", precision=None, plan=None, max_length=None,
                 batch_size=32, granularity=None, pooling=None, normalize=None, matching=None, timeout=DEFAULT_TIMEOUT):
        if task not in TASKS:
            _bad("task", " | ".join(f'"{t}"' for t in TASKS), task)
        if precision is not None and plan is not None:
            raise SampError(E.INVALID_ARGUMENT, "Give precision or plan, not both (a plan sets every layer's precision)")
        if isinstance(plan, os.PathLike):
            plan = os.fspath(plan)
        self.task = task
        args = {
            "model_dir": os.fspath(model_dir), "task": task, "device": device, "precision": precision, "plan": plan,
            "max_length": max_length, "batch_size": batch_size, "granularity": granularity, "pooling": pooling,
            "normalize": normalize, "matching": matching,
        }
        super().__init__("pipeline.load", args, timeout)

    @property
    def device(self):
        """The device it runs on, e.g. ``cpu (avx512, 2 threads)``."""
        return self._info["device"]

    @property
    def plan(self):
        """The precision of each encoder layer."""
        return list(self._info["plan"])

    @property
    def labels(self):
        """The head's labels (None for embed and bi-encoder match)."""
        return self._info.get("labels")

    @property
    def hidden_size(self):
        return self._info["hidden"]

    @property
    def max_length(self):
        return self._info["max_length"]

    def __call__(self, inputs):
        """Results for one input (a string, or a pair for match) or a list of them, in order."""
        single = isinstance(inputs, (str, dict)) or (self.task == "match" and isinstance(inputs, tuple))
        items = [inputs] if single else list(inputs)
        reply = self._call("pipeline.run", {"inputs": [_input(self.task, x, i) for i, x in enumerate(items)]})
        results = reply.result["results"]
        return results[0] if single else results

    def embed(self, texts, *, pooling=None, normalize=None, return_tensors="np"):
        """Sentence embeddings from this pipeline's encoder (whatever its task): float32 (n, hidden), or (hidden,)
        for one string. ``pooling``: ``mean`` (default) or ``cls``; ``normalize``: L2 (default False)."""
        single = isinstance(texts, str)
        items = [texts] if single else list(texts)
        for i, t in enumerate(items):
            if not isinstance(t, str):
                _bad(f"texts[{i}]", "a string", t)
        reply = self._call("pipeline.embed", {"texts": items, "pooling": pooling, "normalize": normalize})
        out = reply.tensors["embeddings"]
        return output(out[0] if single else out, return_tensors)

    def encode(self, input_ids, attention_mask=None, token_type_ids=None, *, return_tensors="np"):
        """The encoder alone on token ids (numpy arrays, torch tensors or lists; [batch, seq]): a dict with
        ``last_hidden_state`` (batch, seq, hidden) and, when the model has a pooler, ``pooler_output``."""
        tensors = {"input_ids": as_int32_2d("input_ids", input_ids)}
        for name, value in (("attention_mask", attention_mask), ("token_type_ids", token_type_ids)):
            if value is not None:
                tensors[name] = as_int32_2d(name, value)
        reply = self._call("pipeline.encode", {}, tensors)
        return {k: output(v, return_tensors) for k, v in reply.tensors.items()}

    def __repr__(self):
        state = "closed" if self.closed else self.device
        return f"<samp.Pipeline task={self.task!r} {state}>"


__all__ = ["Pipeline"]
