"""The bridge's wire format, one frame per message in both directions over stdio:

    u32 LE header length | u32 LE body length | header (UTF-8 JSON) | body (raw tensor bytes)

The header's ``tensors`` lists each tensor's name, dtype, shape and byte range in the body (no base64)."""
import json
import struct

import numpy as np

from ._errors import BRIDGE_PROTOCOL, SampError

MAX_HEADER_BYTES = 64 << 20
_DTYPES = {"float32": np.dtype("<f4"), "int32": np.dtype("<i4")}


def encode_frame(header, tensors=None):
    """The frame as a list of buffers (header bytes, then each tensor's bytes, not copied)."""
    infos, parts, offset = [], [], 0
    for name, array in (tensors or {}).items():
        dtype = next((k for k, v in _DTYPES.items() if array.dtype == v), None)
        if dtype is None:
            raise SampError(BRIDGE_PROTOCOL, f"tensor {name!r} must be float32 or int32, not {array.dtype}")
        array = np.ascontiguousarray(array)
        infos.append({"name": name, "dtype": dtype, "shape": list(array.shape), "offset": offset, "nbytes": array.nbytes})
        parts.append(memoryview(array).cast("B"))
        offset += array.nbytes
    if infos:
        header = {**header, "tensors": infos}
    head = json.dumps(header, ensure_ascii=False).encode("utf-8")
    return [struct.pack("<II", len(head), offset), head, *parts]


def _read_exact(stream, n):
    """n bytes, or None if the stream ends first (pipes return what they have: read until there are n)."""
    data = bytearray(n)
    view, got = memoryview(data), 0
    while got < n:
        k = stream.readinto(view[got:])
        if not k:
            return None
        got += k
    return data


def read_frame(stream):
    """The next frame (header dict, body bytes) from a binary stream, or None at its end."""
    prefix = _read_exact(stream, 8)
    if prefix is None:
        return None
    header_length, body_length = struct.unpack("<II", prefix)
    if header_length == 0 or header_length > MAX_HEADER_BYTES:
        raise SampError(BRIDGE_PROTOCOL, f"frame header of {header_length} bytes from the driver")
    head = _read_exact(stream, header_length)
    body = _read_exact(stream, body_length)
    if head is None or body is None:
        return None
    try:
        header = json.loads(head.decode("utf-8"))
    except ValueError as e:
        raise SampError(BRIDGE_PROTOCOL, f"frame header is not JSON: {e}") from None
    return header, body


def tensors_of(header, body):
    """The frame's tensors as numpy arrays (views of the body, read-only), by name."""
    out = {}
    for t in header.get("tensors", []):
        dtype = _DTYPES.get(t.get("dtype"))
        count = int(np.prod(t["shape"], dtype=np.int64))
        if dtype is None or t["nbytes"] != count * 4 or t["offset"] + t["nbytes"] > len(body):
            raise SampError(BRIDGE_PROTOCOL, f"tensor {t.get('name')!r} does not fit its frame")
        out[t["name"]] = np.frombuffer(body, dtype=dtype, count=count, offset=t["offset"]).reshape(t["shape"])
    return out
