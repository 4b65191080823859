"""The math list (``paperkit.render.mathtree``) → a 2-D text box, the way TeX sets a display.

Atoms are spaced by TeX's table of atom classes (a space around relations and binary operators,
none inside scripts), fractions are stacked over a rule as wide as the wider part, roots get a
radical and an overbar, ∑ and ∏ take their limits above and below, ``\\left … \\right`` delimiters
grow to the height of what they enclose, ``\\underbrace`` draws its brace and its label beneath.
A script whose every character has a Unicode sub- or superscript form is written with them (ᾱₜ₋₁,
x²); any other script is lowered or raised on a row of its own, as in print.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .box import Box, char_width, blank, column, display_width, hcat, shift, text, vstack
from .mathtree import (
    Accent, Amp, Atom, Brace, Delimited, Frac, Group, Newline, Radical, Scripted, Space, Stack, Table,
)
from .tables import ACCENTS, SUBSCRIPT, SUPERSCRIPT, TALL_DELIMITERS, WIDE_ACCENTS

# TeX's spacing between atom classes (The TeXbook, ch. 18): 0 none; 1 a space; 2 a space in a
# display that scripts drop (TeX's parenthesised entries)
_CLASSES = ("ord", "op", "bin", "rel", "open", "close", "punct", "inner")
_TABLE = {
    "ord":   "01220002",
    "op":    "11120002",
    "bin":   "22002002",
    "rel":   "22202002",
    "open":  "00000000",
    "close": "01220002",
    "punct": "22222222",
    "inner": "21222002",
}
SPACING = {(a, b): int(_TABLE[a][j]) for a in _CLASSES for j, b in enumerate(_CLASSES)}
LEFT_OF_UNARY = {None, "bin", "op", "rel", "open", "punct"}
RIGHT_OF_UNARY = {None, "rel", "close", "punct"}

MINUS_FOR_SCRIPTS = str.maketrans({"−": "-", "∗": "*"})
COMBINING = dict(ACCENTS, underline="\u0332", overrightarrow="\u20d7", overleftarrow="\u20d6")


@dataclass
class Piece:
    """One item of a row, laid out: its box, its classes on each side, the gap before it and
    whether a clause boundary (``\\quad`` or wider) precedes it."""

    node: object
    box: Box
    lc: str
    rc: str
    gap: int = 0
    clause: bool = False
    spaced: bool = False  # an explicit space (\, \ ~) came before it


@dataclass
class Boxed:
    """An item already laid out (a table row broken by the line breaker)."""

    box: Box


def pieces(items: list, script: bool = False, after_ord: bool = False) -> list[Piece]:
    """``items`` laid out one by one and spaced. ``after_ord``: space the first item as if an
    ordinary symbol came before it (an aligned line's ``&= …``)."""
    out: list[Piece] = []
    explicit, clause = 0, False
    for it in items:
        if isinstance(it, Space):
            explicit += it.width
            clause = clause or it.clause
            continue
        if isinstance(it, (Newline, Amp)):
            continue
        lc, rc = classes(it)
        out.append(Piece(it, node_box(it, script), lc, rc, explicit, clause, explicit > 0))
        explicit, clause = 0, False
    for i, p in enumerate(out):
        if p.lc == "bin":
            before = out[i - 1].rc if i else ("ord" if after_ord else None)
            after = out[i + 1].lc if i + 1 < len(out) else None
            if before in LEFT_OF_UNARY or after in RIGHT_OF_UNARY:
                p.lc = p.rc = "ord"  # a sign, not an operation: −x, (−1)
    for i, p in enumerate(out):
        before = out[i - 1].rc if i else ("ord" if after_ord else None)
        auto = 0 if before is None else SPACING[before, p.lc]
        if i and (_text_of(out[i - 1].node).endswith(" ") or _text_of(p.node).startswith(" ")):
            auto = 0  # \text{if } already holds its space
        if script and auto == 2 and not (before == "punct" and _text_of(out[i - 1].node) in ",;"):
            auto = 0  # scripts are set tight (x_{1:T}, t=1), but a comma still gets its space
        auto = 1 if auto else 0
        p.gap = max(0, auto + p.gap) if p.gap < 0 else max(auto, p.gap)
    return out


def _text_of(node) -> str:
    return node.text if isinstance(node, Atom) else ""


def join(ps: list[Piece], first_gap: bool = True) -> Box:
    """The pieces side by side with their gaps (the first one's too when ``first_gap``)."""
    boxes = []
    for i, p in enumerate(ps):
        if p.gap and (i or first_gap):
            boxes.append(blank(p.gap))
        boxes.append(p.box)
    return hcat(boxes)


def row_box(items: list, script: bool = False, after_ord: bool = False) -> Box:
    return join(pieces(items, script, after_ord))


def classes(node) -> tuple[str, str]:
    """TeX's class of ``node`` on its left and right side."""
    if isinstance(node, Atom):
        return node.cls, node.cls
    if isinstance(node, Scripted):
        return classes(node.base)
    if isinstance(node, Stack):
        inner = [n for n in node.base if not isinstance(n, Space)]
        return classes(inner[0]) if len(inner) == 1 else ("ord", "ord")
    if isinstance(node, Frac):
        return "inner", "inner"
    if isinstance(node, Delimited):
        return "open", "close"
    if isinstance(node, Table):
        return ("open", "close") if node.left or node.right else ("inner", "inner")
    return "ord", "ord"


def node_box(node, script: bool = False) -> Box:
    """``node`` laid out (memoised on the node: the line breaker asks for the same boxes again)."""
    if isinstance(node, Atom):
        return text(node.text) if node.text else blank(0)
    cache = getattr(node, "cache", None)
    if cache is None:
        cache = {}
        try:
            node.cache = cache
        except AttributeError:
            pass
    box = cache.get(script)
    if box is None:
        box = cache[script] = _node_box(node, script)
    return box


def _node_box(node, script: bool) -> Box:
    if isinstance(node, Boxed):
        return node.box
    if isinstance(node, Group):
        return row_box(node.items, script)
    if isinstance(node, Scripted):
        return scripted(node, script)
    if isinstance(node, Frac):
        return fraction(row_box(node.num, script), row_box(node.den, script), node.rule)
    if isinstance(node, Radical):
        return radical(row_box(node.body, script), row_box(node.index, True) if node.index else None)
    if isinstance(node, Delimited):
        return delimited(node.left, row_box(node.items, script), node.right)
    if isinstance(node, Accent):
        return accent(row_box(node.base, script), node.name)
    if isinstance(node, Brace):
        return brace(row_box(node.body, script), row_box(node.label, True) if node.label else None, node.over)
    if isinstance(node, Stack):
        return limits(row_box(node.base, script), _opt(node.top), _opt(node.bottom), top_first=True, base_first=False)
    if isinstance(node, Table):
        return table(node, script)
    return blank(0)


def _opt(items):
    return row_box(items, True) if items is not None else None


# --- the constructions --------------------------------------------------------------------------


def overlay(placed: list[tuple[Box, int, int]], width: int, height: int, baseline: int,
            core: tuple[int, int] | None = None) -> Box:
    """Boxes drawn at (row, col) on a blank canvas, spaces transparent (a root's index may sit in
    the corner of its radical's box). Marks are kept in the order of ``placed``: give it in the
    order of the source."""
    canvas = [[" "] * width for _ in range(height)]
    marks = []
    for box, r0, c0 in placed:
        for i, row in enumerate(box.rows):
            r = r0 + i
            if not 0 <= r < height or not row.strip():
                continue
            line = canvas[r]
            for k, cell in enumerate(cells(row)):
                c = c0 + k
                if cell != " " and 0 <= c < width:
                    line[c] = cell
        marks.extend((r + r0, c + c0, t) for r, c, t in box.marks)
    return Box(["".join(line) for line in canvas], baseline, width, marks, core)


def cells(row: str) -> list[str]:
    """One string per column: a character with its combining marks; a wide character and an
    empty string for its second column."""
    if row.isascii():
        return list(row)
    out: list[str] = []
    for ch in row:
        w = char_width(ch)
        if w == 0 and out:
            out[-1 if out[-1] else -2] += ch
        elif w == 2:
            out.extend((ch, ""))
        elif w == 1:
            out.append(ch)
    return out


def fraction(num: Box, den: Box, rule: bool = True) -> Box:
    """Numerator over a rule as wide as the wider part, both centred; the rule on the baseline."""
    w = max(num.width, den.width, 1)
    if not rule:
        return vstack([num, den], baseline_of=0, width=w)
    return vstack([num, Box(["─" * w], 0, w, []), den], baseline_of=1, width=w)


def radical(body: Box, index: Box | None = None) -> Box:
    """√ and an overbar for a one-row radicand; a diagonal grown to its height for a taller one."""
    h, w = body.height, body.width
    if h == 1:
        rad = overlay([(Box([" " + "_" * w], 0, w + 1, []), 0, 0), (Box(["√"], 0, 1, []), 1, 0), (body, 1, 1)],
                      w + 1, 2, 1, core=(1, 1))
    else:
        parts = [(Box(["_" * (w + 1)], 0, w + 1, []), 0, h + 1)]
        for r in range(h):
            col = h - r
            if r == h - 1:
                parts.append((Box(["╲╱"], 0, 2, []), r + 1, 0))
            else:
                parts.append((Box(["╱"], 0, 1, []), r + 1, col))
        parts.append((body, 1, h + 2))
        rad = overlay(parts, h + 2 + w, h + 1, body.baseline + 1)
    if index is None or not index.width:
        return rad
    sup = _inline(index, SUPERSCRIPT)
    idx = text(sup) if sup is not None else index
    # the index sits up and to the left of the radical: ³√x; on a tall one, against the diagonal
    # just above its foot
    bottom = rad.height - (1 if h == 1 and sup is not None else 2)
    top = min(0, bottom - idx.height + 1)
    if h == 1:
        at, dx = 0, idx.width
    else:
        dx = max(0, idx.width - 2)
        at = dx + 2 - idx.width
    return overlay([(idx, bottom - idx.height + 1 - top, at), (rad, -top, dx)], dx + rad.width,
                   rad.height - top, rad.baseline - top, (rad.core_top - top, rad.core_bottom - top))


def tall(delim: str, height: int, baseline: int) -> Box:
    """``delim`` as one column of ``height`` rows."""
    if not delim:
        return blank(0, height, baseline)
    if height == 1:
        return Box([delim], 0, display_width(delim), [])
    pieces = TALL_DELIMITERS.get(delim)
    if pieces is None:
        return column([delim] * height, baseline)
    top, ext, bottom, middle = pieces
    if delim in "⟨⟩":
        half = height // 2
        rows = [top] * half + ([middle] if height % 2 else []) + [bottom] * half
        return column(rows, baseline)
    if middle and height == 2:
        return column(["⎰", "⎱"] if delim == "{" else ["⎱", "⎰"], baseline)
    rows = [top] + [ext] * (height - 2) + [bottom]
    if middle:
        rows[(height - 1) // 2] = middle
    return column(rows, baseline)


def delimited(left: str, body: Box, right: str) -> Box:
    """Delimiters as tall as the body's core (its overbars and lowered scripts do not count)."""
    return hcat([delimiter_box(left, body), body, delimiter_box(right, body)])


def delimiter_box(d: str, body: Box) -> Box:
    top, bottom = body.core_top, body.core_bottom
    h = bottom - top + 1
    glyphs = tall(d, h, body.baseline - top)
    if not d:
        return blank(0, body.height, body.baseline)
    if h == 1:
        glyphs.marks = [(0, 0, d)]
    pad = " " * glyphs.width
    rows = [pad] * top + glyphs.rows + [pad] * (body.height - 1 - bottom)
    return Box(rows, body.baseline, glyphs.width, [(r + top, c, t) for r, c, t in glyphs.marks], (top, bottom))


def accent(base: Box, name: str) -> Box:
    """A combining mark on a lone character (ᾱ, x̂); a row above (or below) a wider base."""
    core = base.rows[0].strip() if base.height == 1 else ""
    mark = COMBINING.get(name)
    if mark and core and sum(1 for c in core if not unicodedata.combining(c)) == 1:
        lead = len(base.rows[0]) - len(base.rows[0].lstrip())
        accented = unicodedata.normalize("NFC", core + mark)
        inner = text(accented)
        inner.marks = [(0, 0, accented)] if base.marks else []
        return shift(inner, lead, base.width) if base.width != inner.width or lead else inner
    w = max(base.width, 1)
    if name == "underline":
        under = vstack([base, Box(["‾" * w], 0, w, [])], baseline_of=0, width=w)
        under.core = base.core
        return under
    glyph = WIDE_ACCENTS.get(name, "^")
    if name in ("bar", "overline", "tilde", "widetilde"):
        line = glyph * w
    elif name in ("vec", "overrightarrow"):
        line = "─" * (w - 1) + "→"
    elif name == "overleftarrow":
        line = "←" + "─" * (w - 1)
    else:
        line = " " * ((w - 1) // 2) + glyph + " " * (w - 1 - (w - 1) // 2)
    over = vstack([Box([line], 0, w, []), base], baseline_of=1, width=w)
    over.core = (base.core_top + 1, base.core_bottom + 1)
    return over


def brace(body: Box, label: Box | None, over: bool) -> Box:
    """``\\underbrace``: the body, a brace line ╰──┬──╯ under it and the label under that
    (``\\overbrace``: ╭──┴──╮ and the label above)."""
    w = body.width
    if w >= 3:
        c = (w - 1) // 2
        line = ("╭" if over else "╰") + "─" * (c - 1) + ("┴" if over else "┬") + "─" * (w - c - 2) + ("╮" if over else "╯")
    else:
        line = ("╭╮" if over else "╰╯")[:w] if w == 2 else "─" * w
    line_box = Box([line], 0, w, [])
    parts = [line_box] + ([label] if label is not None and label.width else [])
    width = max([w] + [p.width for p in parts])
    if over:
        stack = vstack(list(reversed(parts)) + [body], baseline_of=len(parts), width=width)
    else:
        stack = vstack([body] + parts, baseline_of=0, width=width)
    return stack


def limits(base: Box, top: Box | None, bottom: Box | None, top_first: bool = False, base_first: bool = True) -> Box:
    """``top`` above and ``bottom`` below ``base``, centred; the base's baseline. Marks in the
    order base, then the scripts as the source gives them (``top_first``)."""
    w = max(base.width, top.width if top else 0, bottom.width if bottom else 0)
    up = top.height if top else 0
    height = up + base.height + (bottom.height if bottom else 0)
    placed = [(base, up, (w - base.width) // 2)]
    scripts = []
    if top:
        scripts.append((top, 0, (w - top.width) // 2))
    if bottom:
        scripts.append((bottom, up + base.height, (w - bottom.width) // 2))
    if not top_first:
        scripts.reverse()
    return overlay(placed + scripts if base_first else scripts + placed, w, height, up + base.baseline)


def scripted(node: Scripted, script: bool, base_box: Box | None = None) -> Box:
    """A base with its scripts: in Unicode script characters beside it when they all have one,
    else raised and lowered on rows of their own; limits above and below for ∑, ∏, lim."""
    base = base_box if base_box is not None else node_box(node.base, script)
    sub = row_box(node.sub, True) if node.sub is not None else None
    sup = row_box(node.sup, True) if node.sup is not None else None
    if node.limits:
        return limits(base, sup, sub, top_first=_sup_first(node))
    sub_s = _inline(sub, SUBSCRIPT) if sub is not None else None
    sup_s = _inline(sup, SUPERSCRIPT) if sup is not None else None
    order = [("sup", sup, sup_s), ("sub", sub, sub_s)] if _sup_first(node) else [("sub", sub, sub_s), ("sup", sup, sup_s)]
    order = [o for o in order if o[1] is not None]
    if not order:
        return base
    # rows relative to the base's top: a superscript ends on the row above the base's core (on the
    # core's top row, beside it, when the core is tall); a subscript starts on the row below it
    ctop, cbot = base.core_top, base.core_bottom
    tall_base = cbot > ctop
    if not tall_base and all(s is not None for _, _, s in order):
        joined = text("".join(s for _, _, s in order))
        if ctop == base.baseline:
            return hcat([base, joined])
        placed_scripts = [(joined, ctop)]
    else:
        placed_scripts = []
        for kind, box, inline in order:
            b = text(inline) if inline is not None else box
            if kind == "sup":
                bottom = ctop if tall_base else ctop - (inline is None)
                r0 = bottom - b.height + 1
            else:
                r0 = cbot if tall_base else cbot + (inline is None)
            placed_scripts.append((b, r0))
    top = min([0] + [r for _, r in placed_scripts])
    bottom = max([base.height] + [r + b.height for b, r in placed_scripts])
    sw = max(b.width for b, _ in placed_scripts)
    placed = [(base, -top, 0)] + [(b, r - top, base.width) for b, r in placed_scripts]
    return overlay(placed, base.width + sw, bottom - top, base.baseline - top, (ctop - top, cbot - top))


def _sup_first(node: Scripted) -> bool:
    return node.sup_first


def _inline(box: Box | None, table: dict) -> str | None:
    """The script in Unicode sub/superscript characters when every character has one, else None."""
    if box is None or box.height != 1:
        return None
    s = box.rows[0].strip().translate(MINUS_FOR_SCRIPTS)
    if not s:
        return ""
    if table is SUPERSCRIPT and all(c in "′″" for c in s):
        return s
    if all(c in table for c in s):
        return "".join(table[c] for c in s)
    return None


def table(node: Table, script: bool) -> Box:
    """Rows and columns: matrices centred, cases left, aligned equations right|left in pairs."""
    rows = [[_cell(cell, script, node.kind, j) for j, cell in enumerate(row)] for row in node.rows]
    ncols = max((len(r) for r in rows), default=0)
    if not ncols:
        return blank(0)
    widths = [max((r[j].width for r in rows if j < len(r)), default=0) for j in range(ncols)]
    gaps = [_column_gap(node.kind, j) for j in range(ncols)]
    xs, x = [], 0
    for j in range(ncols):
        x += gaps[j] if j else 0
        xs.append(x)
        x += widths[j]
    total_w = x
    tall_rows = any(c.height > 1 for r in rows for c in r)
    placed, y = [], 0
    for i, row in enumerate(rows):
        up = max((c.baseline for c in row), default=0)
        down = max((c.depth for c in row), default=0)
        for j, c in enumerate(row):
            align = _align(node, j)
            dx = 0 if align == "l" else widths[j] - c.width if align == "r" else (widths[j] - c.width) // 2
            placed.append((c, y + up - c.baseline, xs[j] + dx))
        y += up + down + 1
        if tall_rows and i + 1 < len(rows):
            y += 1
    height = max(y, 1)
    grid = overlay(placed, total_w, height, (height - 1) // 2)
    if not (node.left or node.right):
        return grid
    left = tall(node.left, height, grid.baseline) if node.left else blank(0, height, grid.baseline)
    right = tall(node.right, height, grid.baseline) if node.right else blank(0, height, grid.baseline)
    pad = [blank(1, height, grid.baseline)] if node.kind == "cases" else []
    return hcat([left] + pad + [grid] + pad + [right])


def _cell(items: list, script: bool, kind: str, j: int) -> Box:
    return row_box(items, script, after_ord=kind == "align" and j % 2 == 1)


def _column_gap(kind: str, j: int) -> int:
    if kind == "align":
        return 0 if j % 2 == 1 else 3
    return 2


def _align(node: Table, j: int) -> str:
    if node.kind == "align":
        return "r" if j % 2 == 0 else "l"
    a = node.aligns or "c"
    return a[j] if j < len(a) else a[-1]
