"""A 2-D block of text for the equation renderer: rows of equal display width and a baseline.

Boxes are put side by side aligned on their baselines (``hcat``) and stacked (``vstack``), the way
TeX builds a formula out of boxes. Widths are terminal columns, counted as the CLI counts them
(``paperkit.cli.output.display_width``): a combining accent takes none, a wide character two.

A box also knows its *core*, the rows that make it tall for a delimiter: a radical's overbar and a
lowered subscript are outside it, so ``\\left( x_t - \\sqrt{a}\\,\\epsilon_\\theta \\right)`` keeps
one-row parentheses, while a fraction inside them makes them grow to its full height.

Each box also carries ``marks``: where each symbol of the source was drawn, ``(row, col, text)`` in
the order the LaTeX writes them, so a test can check that the picture keeps the paper's term order.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache


@lru_cache(maxsize=4096)
def char_width(c: str) -> int:
    if unicodedata.combining(c):
        return 0
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: combining marks take none, wide characters two."""
    if text.isascii():
        return len(text)
    return sum(char_width(c) for c in text)


@dataclass
class Box:
    """``rows`` are padded with spaces to ``width`` columns; ``baseline`` is the row the box sits on;
    ``core`` the first and last row of its core (None: all rows)."""

    rows: list[str]
    baseline: int = 0
    width: int = 0
    marks: list[tuple[int, int, str]] = field(default_factory=list)
    core: tuple[int, int] | None = None

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def core_top(self) -> int:
        return self.core[0] if self.core else 0

    @property
    def core_bottom(self) -> int:
        return self.core[1] if self.core else len(self.rows) - 1

    @property
    def depth(self) -> int:
        """Rows below the baseline."""
        return len(self.rows) - 1 - self.baseline

    def text(self) -> str:
        """The rows joined by newlines, trailing spaces dropped."""
        return "\n".join(row.rstrip() for row in self.rows)


def text(s: str, mark: bool = True) -> Box:
    """A one-row box; ``mark`` records ``s`` as a symbol of the source."""
    w = display_width(s)
    return Box([s], 0, w, [(0, 0, s)] if mark and s.strip() else [], (0, 0))


def blank(width: int, height: int = 1, baseline: int = 0) -> Box:
    return Box([" " * width] * height, baseline, width, [], (baseline, baseline))


def hcat(boxes: list[Box]) -> Box:
    """Side by side, baselines aligned."""
    boxes = [b for b in boxes if b.width or b.rows]
    if not boxes:
        return Box([""], 0, 0, [], (0, 0))
    if len(boxes) == 1:
        return boxes[0]
    up = max(b.baseline for b in boxes)
    down = max(b.depth for b in boxes)
    height = up + down + 1
    rows = [[] for _ in range(height)]
    marks = []
    x = 0
    ctop, cbot = up, up
    for b in boxes:
        top = up - b.baseline
        pad = " " * b.width
        for r in range(height):
            i = r - top
            rows[r].append(b.rows[i] if 0 <= i < b.height else pad)
        marks.extend((r + top, c + x, t) for r, c, t in b.marks)
        ctop, cbot = min(ctop, top + b.core_top), max(cbot, top + b.core_bottom)
        x += b.width
    return Box(["".join(r) for r in rows], up, x, marks, (ctop, cbot))


def shift(box: Box, left: int, width: int) -> Box:
    """``box`` placed ``left`` columns in, in a box ``width`` columns wide."""
    right = width - box.width - left
    if left == 0 and right == 0:
        return box
    lpad, rpad = " " * left, " " * max(0, right)
    return Box([lpad + r + rpad for r in box.rows], box.baseline, width, [(r, c + left, t) for r, c, t in box.marks],
               box.core)


def vstack(boxes: list[Box], baseline_of: int = 0, align: str = "center", width: int | None = None) -> Box:
    """One above the other, each aligned left, right or centred in the widest; the result's
    baseline is the baseline of ``boxes[baseline_of]``."""
    w = max([b.width for b in boxes] + [width or 0])
    rows, marks = [], []
    baseline = 0
    for k, b in enumerate(boxes):
        left = 0 if align == "left" else w - b.width if align == "right" else (w - b.width) // 2
        placed = shift(b, left, w)
        if k == baseline_of:
            baseline = len(rows) + b.baseline
        marks.extend((r + len(rows), c, t) for r, c, t in placed.marks)
        rows.extend(placed.rows)
    return Box(rows, baseline, w, marks)


def column(pieces: list[str], baseline: int) -> Box:
    """A one-column box of the given single-width pieces, one per row (a tall delimiter)."""
    return Box(list(pieces), baseline, 1 if pieces else 0, [])
