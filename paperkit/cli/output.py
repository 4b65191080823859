"""Printing helpers shared by the sub-commands."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
import unicodedata


def print_json(data) -> None:
    """Pretty JSON on stdout, Unicode kept as is."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def wrap(text: str, indent: str = "  ") -> str:
    """``text`` re-flowed to the terminal's width (at most 100 columns), each line indented."""
    width = min(shutil.get_terminal_size((100, 24)).columns, 100)
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(textwrap.fill(p, width=width, initial_indent=indent, subsequent_indent=indent) for p in paragraphs)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: combining marks take none, wide characters two."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns."""
    return text + " " * max(0, width - display_width(text))
