"""``to_2d(latex, width)``: an equation drawn in 2-D text as the paper writes it, no wider than ``width``.

Built from the LaTeX's own structure (``mathtree`` → ``layout`` → ``linebreak``), so the terms stay
in the paper's order and every script, label and brace is kept — unlike a computer-algebra
printer, which reorders terms and drops notation it does not model. Lines of an aligned display
(``\\\\``, ``&``) are drawn aligned when they fit, one under the other otherwise. Rendering a
catalog equation takes a few milliseconds (pylatexenc's parse is most of it), so it can run on
the UI thread. It never raises: whatever cannot be drawn within ``width`` comes back as the
one-line Unicode rendering (``to_unicode``) wrapped at ``width``.
"""

from __future__ import annotations

from .box import Box, display_width, shift
from .layout import pieces, table
from .linebreak import fit_pieces, stack_lines
from .mathtree import Newline, Parser, Space, Table, split_rows
from .unicode import to_unicode


def to_2d(latex: str, width: int = 100) -> str:
    """``latex`` (math mode, no ``$``) drawn in rows of text, none wider than ``width`` columns."""
    width = max(1, int(width))
    try:
        box = layout_2d(latex, width)
        out = box.text() if box is not None else None
    except Exception:  # a bug here must not cost the reader the equation: the one-line form is still right
        out = None
    if out is None or any(display_width(line) > width for line in out.split("\n")):
        out = wrap(to_unicode(latex) if isinstance(latex, str) else "", width)
    return out


def layout_2d(latex: str, width: int) -> Box | None:
    """The 2-D box of ``latex`` fitted to ``width`` (with its marks), or None when it cannot fit."""
    items = Parser().parse(latex)
    rows = _display_rows(items)
    if any(len(row) > 1 for row in rows):
        aligned = table(Table(rows, "align"), False)
        if aligned.width <= width:
            return aligned
    lines: list[Box] = []
    first_rel = None
    for k, row in enumerate(rows):
        ps = pieces([it for cell in row for it in cell])
        fitted = fit_pieces(ps, width, keep_first_gap=True)
        if fitted is None:
            return None
        if k == 0:
            first_rel = _first_relation_column(ps)
        elif first_rel and ps and ps[0].lc == "rel" and all(b.width + first_rel <= width for b in fitted):
            fitted = [shift(b, first_rel, b.width + first_rel) for b in fitted]  # "= …" under the first "="
        lines.extend(fitted)
    return stack_lines(lines) if lines else None


def _display_rows(items: list) -> list[list[list]]:
    """The display's lines and their ``&`` cells: split at ``\\\\``, or an aligned environment's rows."""
    if any(isinstance(it, Newline) for it in items):
        return split_rows(items)
    solid = [it for it in items if not isinstance(it, Space)]
    if len(solid) == 1 and isinstance(solid[0], Table) and solid[0].kind in ("align", "gather") \
            and not (solid[0].left or solid[0].right):
        return solid[0].rows
    return split_rows(items)


def _first_relation_column(ps: list) -> int | None:
    x = 0
    for i, p in enumerate(ps):
        x += p.gap if i else 0
        if p.lc == "rel" and i:
            return x
        x += p.box.width
    return None


def wrap(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` columns, broken at spaces where it can be."""
    width = max(1, width)
    text = "".join(c if c.isprintable() or c == " " else " " for c in text)
    lines: list[str] = []
    for word in text.split(" "):
        if not word:
            continue
        if lines and display_width(lines[-1]) + 1 + display_width(word) <= width:
            lines[-1] += " " + word
            continue
        cur = ""
        for c in word:
            if display_width(cur + c) > width:
                if cur:
                    lines.append(cur)
                cur = c if display_width(c) <= width else "?"
            else:
                cur += c
        lines.append(cur)
    return "\n".join(lines)
