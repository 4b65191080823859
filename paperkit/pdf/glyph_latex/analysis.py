"""The recursive analysis of a group of atoms: structures (radicals, bars and braces, limits), then
arrays, then rows (lines split by baseline when ``multiline``). Every part of a structure and every
script group comes back here; nesting past ``MAX_DEPTH`` is read flat.

The stages call ``analysis._layout`` through the module, as it calls them: the recursion is mutual.
"""

from __future__ import annotations

import threading

from .arrays import _claim_arrays
from .atoms import Atom, Layout, _main_size
from .bars import _claim_bars
from .limits import _claim_limits
from .radicals import _claim_radicals
from .rows import _row, _split_lines, _words_only


_DEPTH = threading.local()
MAX_DEPTH = 40  # nesting deeper than any real equation: the rest is read flat


def _layout(atoms: list[Atom], multiline: bool = False) -> Layout:
    if not atoms:
        return Layout("", 0.0, 0.0)
    depth = getattr(_DEPTH, "value", 0)
    if depth >= MAX_DEPTH:
        flat = sorted((a for a in atoms if a.kind not in ("rule", "brace")), key=lambda a: (a.x0, a.y))
        return Layout(" ".join(a.latex for a in flat if a.latex), atoms[0].y, _main_size(atoms))
    _DEPTH.value = depth + 1
    try:
        return _layout_inner(list(atoms), multiline)
    finally:
        _DEPTH.value = depth


def _layout_inner(atoms: list[Atom], multiline: bool) -> Layout:
    atoms = _claim_structures(atoms)
    atoms = [a for a in atoms if a.kind not in ("rule", "brace")]
    if not atoms:
        return Layout("", 0.0, 0.0)
    size = _main_size(atoms)
    atoms = _claim_arrays(atoms, size)
    if multiline:
        lines = _split_lines(atoms, size)
        # a line of words alone above or below the equation is the end of the paragraph around it
        while len(lines) > 1 and _words_only(lines[0]):
            lines.pop(0)
        while len(lines) > 1 and _words_only(lines[-1]):
            lines.pop()
        if len(lines) == 1:
            return _row(lines[0], _main_size(lines[0]))
        if len(lines) > 1:
            parts = [_row(line, size) for line in lines]
            return Layout(r" \\ ".join(p.latex for p in parts), parts[0].y, size)
    return _row(atoms, size)


def _claim_structures(atoms: list[Atom]) -> list[Atom]:
    """Radicals first (a sign and its vinculum are unambiguous), then fraction bars, overlines and
    braces, widest first; then big operators' limits. Each becomes one atom."""
    live = list(atoms)
    if any(a.kind == "rule" for a in live):
        live = _claim_radicals(live)
        live = _claim_bars(live)
    return _claim_limits(live)
