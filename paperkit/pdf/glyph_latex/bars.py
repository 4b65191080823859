"""Fraction bars, over/underlines and horizontal braces, widest first.

A rule with ink just above and below is ``\\frac``; ink only below is ``\\overline`` (``\\bar`` over one
symbol), only above ``\\underline``. CMEX brace pieces joined by rules are ``\\underbrace`` or
``\\overbrace`` with their note, which may be wider than the brace.
"""

from __future__ import annotations

from . import analysis
from .atoms import AXIS, Atom, _main_size
from .spans import _extend_row, _grow, _inside_x


def _claim_bars(live: list[Atom]) -> list[Atom]:
    rules = sorted((a for a in live if a.kind == "rule"), key=lambda a: -a.width)
    structures: list[tuple[float, str, object]] = [(r.width, "rule", r) for r in rules]
    structures += [(b[0].x1 - b[0].x0, "brace", b) for b in _brace_assemblies(live)]
    structures.sort(key=lambda t: -t[0])
    gone: set[int] = set()
    for _w, what, obj in structures:
        if what == "brace":
            box, parts = obj
            if any(id(p) in gone for p in parts):
                continue
            made = _make_brace(box, parts, [a for a in live if id(a) not in gone])
        else:
            if id(obj) in gone:
                continue
            made = _make_bar(obj, [a for a in live if id(a) not in gone])
        if made is None:
            continue
        new, used = made
        for u in used:
            gone.add(id(u))
        live = [a for a in live if id(a) not in gone] + [new]
    return [a for a in live if id(a) not in gone]


def _make_bar(rule: Atom, live: list[Atom]) -> tuple[Atom, list[Atom]] | None:
    pool = [a for a in live if a is not rule and _inside_x(a, rule.x0, rule.x1)]
    size = _main_size(pool) if pool else 10.0
    above = _grow([a for a in pool if a.cy < rule.y and a.y < rule.y + 0.2 * size], rule.top, True, size, 0.65 * size)
    below = _grow([a for a in pool if a.cy > rule.y and a.top > rule.top - 0.2 * size], rule.bottom, False, size,
                  0.75 * size)
    if above and below:
        num, den = analysis._layout(above), analysis._layout(below)
        s = max(num.size, den.size)
        latex = rf"\frac{{{num.latex}}}{{{den.latex}}}"
        atom = Atom(rule.x0, rule.x1, min(a.top for a in above), max(a.bottom for a in below), rule.y + AXIS * s, s,
                    latex, "struct", glyphs=[g for a in above + below for g in a.glyphs])
        return atom, above + below + [rule]
    if below and not above:
        inner = analysis._layout(below)
        single = len([a for a in below if a.kind != "rule"]) == 1 and rule.width < 1.2 * inner.size
        latex = rf"\bar{{{inner.latex}}}" if single else rf"\overline{{{inner.latex}}}"
        atom = Atom(min(rule.x0, *(a.x0 for a in below)), max(rule.x1, *(a.x1 for a in below)), rule.top,
                    max(a.bottom for a in below), inner.y, inner.size, latex, "struct",
                    glyphs=[g for a in below for g in a.glyphs])
        return atom, below + [rule]
    if above and not below:
        inner = analysis._layout(above)
        atom = Atom(min(rule.x0, *(a.x0 for a in above)), max(rule.x1, *(a.x1 for a in above)),
                    min(a.top for a in above), rule.bottom, inner.y, inner.size, rf"\underline{{{inner.latex}}}",
                    "struct", glyphs=[g for a in above for g in a.glyphs])
        return atom, above + [rule]
    return None


def _brace_assemblies(live: list[Atom]) -> list[tuple[Atom, list[Atom]]]:
    """Horizontal braces: CMEX brace pieces (slots 122–125) joined by rules on one line."""
    pieces = [a for a in live if a.kind == "brace"]
    if not pieces:
        return []
    rules = [a for a in live if a.kind == "rule"]
    parts = sorted(pieces + [r for r in rules if any(p.top - 1 <= r.cy <= p.bottom + 1 for p in pieces)],
                   key=lambda a: a.x0)
    out, group = [], []
    for a in parts:
        if group and (a.x0 - max(g.x1 for g in group) > 1.0 or abs(a.cy - group[0].cy) > 1.5):
            out.append(group)
            group = []
        group.append(a)
    if group:
        out.append(group)
    result = []
    for g in out:
        if sum(1 for a in g if a.kind == "brace") < 2:
            continue
        box = Atom(min(a.x0 for a in g), max(a.x1 for a in g), min(a.top for a in g), max(a.bottom for a in g),
                   g[0].y, g[0].size, "", "brace")
        result.append((box, g))
    return result


def _make_brace(box: Atom, parts: list[Atom], live: list[Atom]) -> tuple[Atom, list[Atom]] | None:
    ids = {id(p) for p in parts}
    pool = [a for a in live if id(a) not in ids and _inside_x(a, box.x0, box.x1, slack=2.0)]
    size = _main_size(pool) if pool else box.size
    above = _grow([a for a in pool if a.cy < box.cy], box.top, True, size, 0.8 * size)
    below = _grow([a for a in pool if a.cy > box.cy], box.bottom, False, size, 0.8 * size)
    if not above or not below:
        return None
    a_sz, b_sz = _main_size(above), _main_size(below)
    rest = [a for a in live if id(a) not in ids and a not in above and a not in below]
    if b_sz <= a_sz:  # content above, note below (a note may be wider than its brace)
        below = _extend_row(below, [a for a in rest if a.top > box.cy], reach=0.6)
        content, note, cmd, mark = above, below, r"\underbrace", "_"
    else:
        above = _extend_row(above, [a for a in rest if a.bottom < box.cy], reach=0.6)
        content, note, cmd, mark = below, above, r"\overbrace", "^"
    body, label = analysis._layout(content), analysis._layout(note)
    latex = f"{cmd}{{{body.latex}}}{mark}{{{label.latex}}}"
    atom = Atom(box.x0, box.x1, min(a.top for a in above), max(a.bottom for a in below), body.y, body.size, latex,
                "struct", glyphs=[g for a in content + note for g in a.glyphs])
    return atom, content + note + parts
