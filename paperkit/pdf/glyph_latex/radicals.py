"""Radicals: a rule that starts where a radical sign ends, at its top, is its vinculum; ``\\sqrt{…}``
of the ink grown down from it, ``\\sqrt[n]{…}`` with small ink on the sign's left arm.
"""

from __future__ import annotations

from . import analysis
from .atoms import Atom, _main_size
from .spans import _grow, _inside_x


def _vinculum_of(rule: Atom, live: list[Atom]) -> Atom | None:
    for r in live:
        if r.kind == "radical" and abs(r.x1 - rule.x0) < max(1.2, 0.12 * r.size) \
                and abs(r.top - rule.top) < max(1.6, 0.2 * r.size):
            return r
    return None


def _claim_radicals(live: list[Atom]) -> list[Atom]:
    for rule in sorted((a for a in live if a.kind == "rule"), key=lambda a: -a.width):
        if rule not in live:
            continue
        r = _vinculum_of(rule, live)
        if r is None:
            continue
        pool = [a for a in live if a is not rule and a is not r and _inside_x(a, rule.x0, rule.x1)
                and a.cy > rule.y and (a.y > rule.y or a.kind == "rule") and a.top < r.bottom]
        size = _main_size(pool) if pool else r.size
        content = _grow(pool, rule.bottom, False, size, 0.8 * size)
        inner = analysis._layout(content)
        y = inner.y if content else r.y + 0.8 * r.size
        # the index of \sqrt[n]{…}: small ink over the left part of the sign
        index = [a for a in live if a is not r and a.kind != "rule" and a not in content and a.x0 >= r.x0 - 0.6 * size
                 and a.x1 <= r.x0 + 0.75 * r.width and a.bottom <= r.top + 0.55 * (r.bottom - r.top)
                 and a.bottom >= r.top - 0.3 * size and a.size < 0.9 * size]
        root = f"[{analysis._layout(index).latex}]" if index else ""
        atom = Atom(min([r.x0] + [a.x0 for a in index]), rule.x1, min([rule.top] + [a.top for a in index]),
                    max([r.bottom] + [a.bottom for a in content]), y,
                    inner.size if content else r.size, rf"\sqrt{root}{{{inner.latex}}}", "struct",
                    glyphs=[g for a in content + index + [r] for g in a.glyphs])
        used = {id(a) for a in content + index} | {id(r), id(rule)}
        live = [a for a in live if id(a) not in used] + [atom]
    return live
