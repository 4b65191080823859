"""Frames between the app and the demo process: an 8-byte big-endian length, then a pickle.

Both ends are this package, in the same Python, on one machine: pickle carries a ``DemoResult``
(numpy arrays and plain data) without a schema of its own. Messages are tuples whose first item
names them:

    app → runner   ("run", id, request)       request: name, model, device, seed, steps, out_dir, options
                                              (model: "scenes", "digits", a Stable Diffusion folder or a Hub id)
                   ("cancel", id)             stop run ``id`` between two steps
                   ("device", id, name)       resolve a device name (auto → cuda/mps/cpu)
                   ("shutdown",)
    runner → app   ("ready", info)            torch imported; info: pid, torch version, threads
                   ("status", id, text)       e.g. "loading the scenes model on cpu…"; "device: …" texts
                                              name the device (then the device and dtype the model runs in)
                   ("progress", id, step, total, info)   info["stage"]: "load" while the model loads
                                              (with "component" and "model"), else the demo's own stages
                   ("done", id, result, paths, seconds)
                   ("failed", id, kind, message)   kind: "cancelled" or "error"
                   ("device", id, ok, text)
"""

from __future__ import annotations

import pickle
import struct
from typing import Any, BinaryIO

HEADER = struct.Struct(">Q")


def write_frame(stream: BinaryIO, message: Any) -> None:
    """Write one message and flush (the other end waits for it)."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def read_frame(stream: BinaryIO) -> Any | None:
    """The next message, or None at the end of the stream (the other end has gone)."""
    header = _read_exactly(stream, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    data = _read_exactly(stream, size)
    if data is None:
        return None
    return pickle.loads(data)


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
