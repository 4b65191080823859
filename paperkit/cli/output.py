"""Printing helpers shared by the sub-commands."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap

from ..render.box import display_width  # one rule for terminal widths: the 2-D renderer's

__all__ = ["display_width", "pad", "print_json", "wrap"]


def print_json(data) -> None:
    """Pretty JSON on stdout, Unicode kept as is."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def wrap(text: str, indent: str = "  ") -> str:
    """``text`` re-flowed to the terminal's width (at most 100 columns), each line indented."""
    width = min(shutil.get_terminal_size((100, 24)).columns, 100)
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(textwrap.fill(p, width=width, initial_indent=indent, subsequent_indent=indent) for p in paragraphs)




def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns."""
    return text + " " * max(0, width - display_width(text))
