"""One line for a failed run, in the user's words: what failed and what to try instead.

Shared by the demo process (which sees the real exception) and the app (which shows the line).
"""

from __future__ import annotations


def describe_failure(exc: BaseException, demo: str) -> str:
    """``exc`` raised by demo ``demo`` as one line: a UserError's or a NaN's own message as it is,
    out-of-memory with what to change, CUDA failures with the way back to the CPU."""
    name = type(exc).__name__
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if name == "UserError":
        return text.replace("--device ", "device ")
    if name == "NonFiniteError":
        return text
    if name == "OutOfMemoryError" or "out of memory" in text.lower():
        return f"{demo}: out of GPU memory — switch the device to cpu or use quick steps"
    if isinstance(exc, ValueError):
        return f"{demo}: {text}"
    if "CUDA" in text or "cuda" in text:
        return f"{demo}: CUDA failed ({text}) — switch the device to cpu"
    return f"{demo} failed: {name}: {text}" if text else f"{demo} failed: {name}"
