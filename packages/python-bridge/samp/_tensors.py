"""Arrays in and out: numpy, and torch tensors where torch is installed."""
import numpy as np

from . import _errors as E
from ._errors import SampError


def to_numpy(value):
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def as_int32_2d(name, value):
    array = to_numpy(value)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or not (np.issubdtype(array.dtype, np.integer) or array.size == 0):
        raise SampError(E.INVALID_ARGUMENT, f"Expected integers of shape [batch, seq] for {name} but received {array.dtype} {list(array.shape)}")
    if array.size and (array.min() < -(2**31) or array.max() >= 2**31):
        raise SampError(E.INVALID_ARGUMENT, f"{name} holds values outside int32")
    return np.ascontiguousarray(array, dtype=np.int32)


def output(array, return_tensors):
    """A received array as numpy (a writable copy) or, with return_tensors="pt", a torch tensor."""
    if return_tensors == "np":
        return np.array(array)
    if return_tensors == "pt":
        try:
            import torch
        except ImportError:
            raise SampError(E.INVALID_ARGUMENT, 'return_tensors="pt" needs torch, which is not installed') from None
        return torch.from_numpy(np.array(array))
    raise SampError(E.INVALID_ARGUMENT, f'Expected return_tensors "np" or "pt" but received {return_tensors!r}')
