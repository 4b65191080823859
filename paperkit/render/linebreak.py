"""Fit a laid-out row to a width, breaking it where typeset mathematics breaks a display.

Break points, best first, outside brackets: between clauses (``\\quad``, ``\\qquad``, a comma
followed by a space), before a relation (=, :=, ≈, ≤ …), before + and −, before another binary
operator (·, ⊙, ×), after a comma, between two large factors (1/√α_t | (x_t − …)); then commas and
signs inside long brackets. Each line takes as many pieces as fit and breaks at the best point in
that window, weighing its kind against the room it leaves unused, so that a lone left-hand side
does not get a line of its own when a + further on would fill the line. The operator starts the
continued line, as in print: a continued relation lines up under the first one, a continued sum
under the start of its right-hand side (4 columns in when what follows would not fit there).

When no break point fits, or only a poor one, the widest piece is broken inside instead —
``\\left( … \\right)`` between its delimiters, a fraction's numerator and denominator at their own
+ and −, a root's radicand, cases row by row, a long ``\\text{}`` between words — with what
precedes it on its first line and what follows it on its last. ``fit`` returns None when nothing
makes the row fit: the caller then falls back to the one-line rendering, wrapped.
"""

from __future__ import annotations

from .box import Box, blank, hcat, shift, text
from .layout import (
    Boxed as _Boxed, Piece, delimiter_box, accent, brace, fraction, join, pieces, radical, row_box, scripted, table,
)
from .mathtree import Accent, Atom, Brace, Delimited, Frac, Group, Radical, Scripted, Table

SIGNS = {"+", "−", "±", "∓"}


def fit(items: list, width: int, first_width: int | None = None) -> list[Box] | None:
    """``items`` as lines no wider than ``width`` (the first no wider than ``first_width``), or None."""
    return fit_pieces(pieces(items), width, keep_first_gap=True, first_width=first_width)


def fit_pieces(ps: list[Piece], width: int, keep_first_gap: bool = False,
               first_width: int | None = None) -> list[Box] | None:
    """The pieces as lines no wider than ``width``.

    Each line takes as many pieces as fit; the break is then the best one in that window: the
    kind of break point (``PENALTY``) plus the room it would leave unused, so a lone left-hand
    side does not get a line of its own when a + further on fits the line."""
    if not ps:
        return [blank(0)]
    first_width = width if first_width is None else min(first_width, width)
    if width <= 0 or first_width <= 0:
        return None
    if _width(ps, keep_first_gap) <= first_width:
        return [join(ps, first_gap=keep_first_gap)]
    depths = _depths(ps)
    cands = _candidates(ps, depths)
    small = 4 if width >= 40 else 2
    lines: list[Box] = []
    pos: dict[int, int] = {}  # the column each piece was set at
    s, indent, clause_start = 0, 0, 0
    n = len(ps)
    while s < n:
        kfg = keep_first_gap and s == 0
        avail = (first_width if not lines else width) - indent
        x, e = 0, s
        for j in range(s, n):
            w = ps[j].box.width + (ps[j].gap if j > s or kfg else 0)
            if x + w > avail:
                break
            pos[j] = indent + x + (ps[j].gap if j > s or kfg else 0)
            x += w
            e = j + 1
        if e == n:
            lines.append(_indented(join(ps[s:], first_gap=kfg), indent))
            break
        window = [c for c in cands if s < c <= e]
        best = None
        if window:
            best = min(window, key=lambda c: (_score(ps, cands, s, c, avail, width, kfg), -c))
        if best is None or _score(ps, cands, s, best, avail, width, kfg) > PENALTY["factor"] + 0.5:
            # no break point fits, or only a poor one: break inside the widest piece instead
            c = next((c for c in sorted(cands) if c > e), n)
            run = _break_widest(ps[s:c], avail, kfg, width - indent)
            if run is not None:
                lines.extend(_indented(b, indent) for b in run)
                if c == n:
                    break
                best = None
            elif best is None:
                # last resort: between a function and its bracketed argument, 𝔼 | [ … ]
                fits = [i for i in range(s + 1, e + 1) if _anywhere(ps, i)]
                c = max((i for i in fits if depths[i] == depths[s]), default=max(fits, default=None))
                if c is None:
                    return None
                lines.append(_indented(join(ps[s:c], first_gap=kfg), indent))
                s, indent = c, small
                continue
        if best is not None:
            c = best
            lines.append(_indented(join(ps[s:c], first_gap=kfg), indent))
        kind = cands[c][1]
        if kind == "clause":
            clause_start, indent = c, 0
        else:
            indent = _indent_for(ps, depths, cands, c, clause_start, pos, small)
            rest = _width(ps[c:_next_break(cands, c, n)])
            if indent + rest > width or indent > width // 2:
                indent = small  # what follows will not fit beside the aligned column: more room
        s = c
    return lines


def _score(ps, cands, s, c, avail, width, kfg) -> float:
    """A break's cost: its kind, and the room it leaves unused on the line."""
    return cands[c][0] + 6 * (avail - _width(ps[s:c], kfg)) / width


PENALTY = {"clause": 0, "rel": 2, "sign": 3, "bin": 4, "comma": 5, "factor": 6, "inner": 7, "anywhere": 10}


def _candidates(ps: list[Piece], depths: list[int]) -> dict[int, tuple[float, str, int]]:
    """Where the row may break: {index of the piece that starts the new line: (penalty, kind, opener)}."""
    out: dict[int, tuple[float, str, int]] = {}
    openers: list[int] = []
    for i in range(len(ps)):
        d = depths[i]
        if i and isinstance(ps[i - 1].node, Atom) and ps[i - 1].node.cls == "open":
            openers = openers[:d - 1] + [i - 1]
        if i == 0:
            continue
        if d == 0:
            for kind, check in LEVELS:
                if check(ps, i):
                    out[i] = (PENALTY[kind], kind, -1)
                    break
            else:
                if _anywhere(ps, i) and not (ps[i].lc == "open" and _function_like(ps[i - 1])):
                    out[i] = (PENALTY["anywhere"], "anywhere", -1)
        elif d <= 2 and (_comma(ps, i) or _relation(ps, i) or _sign(ps, i)) and len(openers) >= d \
                and _bracket_width(ps, depths, openers[d - 1]) >= 16:
            # inside long brackets only: 𝒩(x_t; √(1−β_t) x_{t−1}, β_t I), not ε_θ(x_t, t)
            out[i] = (PENALTY["inner"] + d + (0 if _comma(ps, i) else 1), "inner", openers[d - 1])
    return out


def _bracket_width(ps: list[Piece], depths: list[int], opener: int) -> int:
    """Columns from the opening bracket ``ps[opener]`` to its closing one."""
    end = next((j for j in range(opener + 1, len(ps)) if depths[j] <= depths[opener]), len(ps))
    return _width(ps[opener:end + 1])


def _indent_for(ps, depths, cands, c, clause_start, pos, small) -> int:
    """The column a line broken before ``ps[c]`` continues at."""
    penalty, kind, opener = cands[c]
    if kind == "inner":
        return pos[opener] + ps[opener].box.width if opener in pos else small
    rels = [i for i in range(clause_start, c + 1) if ps[i].lc == "rel" and depths[i] == 0]
    if kind == "rel":
        first = rels[0] if rels else c
        return pos.get(first, small) if first != clause_start else small
    if rels and rels[0] + 1 < len(ps) and rels[0] + 1 in pos:
        return pos[rels[0] + 1]
    return pos.get(clause_start, 0) + small


def _next_break(cands, c, n) -> int:
    """The next break point as good as the one at ``c``: what follows ``c`` up to it must fit."""
    return next((k for k in sorted(cands) if k > c and cands[k][0] <= cands[c][0]), n)


def _indented(box: Box, indent: int) -> Box:
    return shift(box, indent, box.width + indent) if indent else box


def _width(ps: list[Piece], keep_first_gap: bool = False) -> int:
    return sum(p.box.width + (p.gap if i or keep_first_gap else 0) for i, p in enumerate(ps))


def _depths(ps: list[Piece]) -> list[int]:
    """How many plain brackets are open before each piece (a \\left…\\right pair is one piece)."""
    out, d = [], 0
    for p in ps:
        if isinstance(p.node, Atom) and p.node.cls == "close":
            d = max(0, d - 1)
        out.append(d)
        if isinstance(p.node, Atom) and p.node.cls == "open":
            d += 1
    return out


def _is_atom(p: Piece, cls: str, texts=None) -> bool:
    return isinstance(p.node, Atom) and p.lc == cls and (texts is None or p.node.text in texts)


# --- where a row may break, best first ----------------------------------------------------------


def _clause(ps, i) -> bool:
    if ps[i].clause and ps[i - 1].clause and _is_word(ps[i - 1]):
        return False  # \quad and \quad, or: the connective starts the next clause's line
    return ps[i].clause or (_is_atom(ps[i - 1], "punct", {",", ";"}) and ps[i].spaced)


def _is_word(p: Piece) -> bool:
    return isinstance(p.node, Atom) and len(p.node.text.strip()) > 1 and p.node.text.strip().isalpha()


def _relation(ps, i) -> bool:
    return ps[i].lc == "rel"


def _sign(ps, i) -> bool:
    return _is_atom(ps[i], "bin", SIGNS)


def _binary(ps, i) -> bool:
    return ps[i].lc == "bin"


def _comma(ps, i) -> bool:
    return _is_atom(ps[i - 1], "punct")


def _function_like(p: Piece) -> bool:
    """A name that brackets after it apply to: f, ε_θ, μ̃ₜ, 𝒩, log."""
    node = p.node.base if isinstance(p.node, Scripted) else p.node
    return isinstance(node, (Atom, Accent)) or (isinstance(node, Group) and len(node.items) == 1)


def _factor(ps, i) -> bool:
    """Between two factors of a product: not inside a name, not between a function and its argument."""
    a, b = ps[i - 1], ps[i]
    if not _anywhere(ps, i) or a.rc in ("op", "bin", "rel") or b.lc in ("bin", "rel"):
        return False
    if b.lc == "open" and _function_like(a):
        return False
    big = lambda p: p.box.width >= 4 or p.box.core_bottom > p.box.core_top  # noqa: E731
    return big(a) and big(b)  # 1/√α_t | (x_t − …), not √(1−α_t) | ε


def _anywhere(ps, i) -> bool:
    """Not just inside a bracket, not before a closing one or punctuation, not after an operator."""
    return ps[i - 1].rc not in ("open", "bin", "rel") and ps[i].lc not in ("close", "punct")


LEVELS = (("clause", _clause), ("rel", _relation), ("sign", _sign), ("bin", _binary), ("comma", _comma),
          ("factor", _factor))


def _break_widest(ps: list[Piece], first: int, keep_first_gap: bool, width: int | None = None) -> list[Box] | None:
    """Break the widest piece that can be broken: the pieces before it, then its first line, fit in
    ``first`` columns; its later lines hang under it (4 columns in when what precedes it is long)
    within ``width``; the pieces after it follow its last line, or go on a line of their own."""
    width = first if width is None else width
    small = 4 if width >= 40 else 2
    for k in sorted(range(len(ps)), key=lambda j: -ps[j].box.width):
        if not _breakable(ps[k].node) or ps[k].box.width < 16 and ps[k].box.width <= first:
            continue  # a short piece, ε_θ(x_t, Q), is not worth breaking
        pre, suf = ps[:k], ps[k + 1:]
        gap = ps[k].gap if (k or keep_first_gap) else 0
        wp = _width(pre, keep_first_gap) + gap
        hang = wp if wp <= max(4, width // 3) else small
        for ws in ([_width(suf, True), 0] if suf else [0]):
            if first - wp - ws < 4 or width - hang - ws < 4:
                continue
            lines = break_lines(ps[k].node, width - hang - ws, first - wp - ws)
            if lines is None or len(lines) == 1 and lines[0].width >= ps[k].box.width:
                continue  # not broken: no narrower than it was
            head = [join(pre, first_gap=keep_first_gap)] if pre else []
            if gap:
                head.append(blank(gap))
            out = [hcat((head if j == 0 else [blank(hang)] if hang else []) + [line]) for j, line in enumerate(lines)]
            if suf:
                if ws:
                    out[-1] = hcat([out[-1], join(suf, first_gap=True)])
                else:
                    rest = fit_pieces(suf, width - hang)
                    if rest is None:
                        continue
                    out.extend(_indented(b, hang) for b in rest)
            if out[0].width <= first and all(b.width <= width for b in out):
                return out
    return None


def _breakable(node) -> bool:
    if isinstance(node, Atom):
        return " " in node.text.strip()
    if isinstance(node, Table):
        return node.kind in ("cases", "align", "gather")
    return isinstance(node, (Group, Delimited, Frac, Radical, Brace, Accent)) or (
        isinstance(node, Scripted) and not node.limits and _breakable(node.base))


# --- breaking inside one piece -------------------------------------------------------------------


def stack_lines(lines: list[Box], gap: bool | None = None) -> Box:
    """Lines one under the other, left-aligned; a blank row between two lines when the upper one
    hangs below its baseline or the lower one rises above its own, so that their scripts do not
    meet (``gap`` forces it on or off). The baseline is the first line's."""
    if len(lines) == 1:
        return lines[0]
    width = max(b.width for b in lines)
    rows, marks = [], []
    for k, b in enumerate(lines):
        if k and (gap if gap is not None else lines[k - 1].depth > 0 or b.baseline > 0):
            rows.append(" " * width)
        placed = shift(b, 0, width)
        marks.extend((r + len(rows), c, t) for r, c, t in placed.marks)
        rows.extend(placed.rows)
    return Box(rows, lines[0].baseline, width, marks)


def break_lines(node, width: int, first: int | None = None) -> list[Box] | None:
    """``node`` laid out in lines no wider than ``width``, the first no wider than ``first`` (a
    fraction or a root: one tall box within both), or None."""
    first = width if first is None else min(first, width)
    if width <= 0 or first <= 0:
        return None
    if isinstance(node, Group):
        return fit(node.items, width, first)
    if isinstance(node, Delimited):
        return _broken_delimited(node, width, first)
    if isinstance(node, Scripted) and not node.limits:
        probe = scripted(Scripted(Atom(""), node.sub, node.sup, False, node.sup_first), False)
        lines = break_lines(node.base, width - probe.width, first - probe.width)
        if lines is None:
            return None
        return lines[:-1] + [scripted(node, False, base_box=lines[-1])]
    if isinstance(node, Table):
        box = _broken_table(node, first)
        return [box] if box is not None else None
    if isinstance(node, Atom) and " " in node.text.strip():
        return _wrapped_words(node.text, width, first)
    box = None
    if isinstance(node, Frac):
        num, den = _stacked(node.num, first), _stacked(node.den, first)
        box = fraction(num, den, node.rule) if num and den else None
    elif isinstance(node, Radical):
        body = _stacked(node.body, first - 8)
        box = radical(body, row_box(node.index, True) if node.index else None) if body else None
    elif isinstance(node, Brace):
        body = _stacked(node.body, first)
        label = _stacked(node.label, first) if node.label else None
        box = brace(body, label, node.over) if body and (label or not node.label) else None
    elif isinstance(node, Accent):
        base = _stacked(node.base, first)
        box = accent(base, node.name) if base else None
    return [box] if box is not None and box.width <= first else None


def _stacked(items: list, width: int) -> Box | None:
    if width <= 0:
        return None
    lines = fit(items, width)
    return stack_lines(lines, gap=False) if lines else None


def _broken_delimited(node: Delimited, width: int, first: int) -> list[Box] | None:
    """``\\left( a + b \\right)`` over several lines: the left delimiter on the first, the right on
    the last, each as tall as its line."""
    lw = 1 if node.left else 0
    rw = 1 if node.right else 0
    lines = fit(node.items, width - lw - rw, first - lw - rw)
    if lines is None:
        return None
    out = []
    for k, line in enumerate(lines):
        parts = [delimiter_box(node.left, line) if k == 0 else blank(lw, 1, 0), line]
        if k == len(lines) - 1:
            parts.append(delimiter_box(node.right, line))
        out.append(hcat(parts))
    return out


def _broken_table(node: Table, width: int) -> Box | None:
    """Cases or aligned lines too wide side by side: each row's later cells go under its first,
    indented (``if i is even`` under its value); a matrix is not broken."""
    if node.kind not in ("cases", "align", "gather"):
        return None
    inner = width - (2 if node.left else 0) - (2 if node.right else 0)
    rows = []
    for row in node.rows:
        cells = []
        for j, cell in enumerate(row):
            lines = fit(cell, inner - (2 if j else 0))
            if lines is None:
                return None
            cells.extend(_indented(b, 2) if j else b for b in lines)
        rows.append([[_Boxed(stack_lines(cells, gap=False))]])
    box = table(Table(rows, node.kind, node.left, node.right, "l"), False)
    return box if box.width <= width else None


def _wrapped_words(words: str, width: int, first: int) -> list[Box] | None:
    lines, cur = [], ""
    for word in words.split(" "):
        trial = f"{cur} {word}" if cur else word
        if text(trial).width <= (first if not lines else width):
            cur = trial
        else:
            if cur:
                lines.append(cur)
            cur = word
            if text(cur).width > (first if not lines else width):
                return None
    lines.append(cur)
    return [text(line) for line in lines]
