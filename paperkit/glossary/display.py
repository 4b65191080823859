"""Showing what the reader typed back to them: LaTeX exactly as typed (``\\nabla``, never the
``'\\\\nabla'`` of a Python repr), with only control characters made visible, and cut when long."""

from __future__ import annotations

import unicodedata


def as_typed(text: str, limit: int = 40) -> str:
    """``text`` in quotes, as the reader typed it: backslashes single, control characters (which would
    move the cursor or colour the terminal) written as ``\\x1b``, cut to ``limit`` characters with "…"."""
    cut = text if len(text) <= limit else text[:limit] + "…"
    shown = "".join(c if unicodedata.category(c)[0] != "C" else repr(c)[1:-1] for c in cut)
    return f"'{shown}'"
