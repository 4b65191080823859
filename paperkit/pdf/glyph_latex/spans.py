"""Growing a group of atoms from an edge: the ink a rule, a brace or an operator spans above or below
it (with TeX's clearance next to a rule), and a limit or note extended sideways.
"""

from __future__ import annotations

from .atoms import Atom


def _inside_x(a: Atom, x0: float, x1: float, slack: float = 1.0) -> bool:
    return a.x0 >= x0 - slack and a.x1 <= x1 + slack and x0 - 0.01 <= a.cx <= x1 + 0.01 or (
        a.kind == "rule" and a.x0 >= x0 - slack and a.x1 <= x1 + slack)


def _grow(pool: list[Atom], start: float, upward: bool, size: float, first_gap: float) -> list[Atom]:
    """Atoms of ``pool`` reached from the edge ``start`` going up (or down) while the ink stays close."""
    if upward:
        cands = sorted(pool, key=lambda a: -a.bottom)
    else:
        cands = sorted(pool, key=lambda a: a.top)
    taken: list[Atom] = []
    frontier = start
    for a in cands:
        gap = (frontier - a.bottom) if upward else (a.top - frontier)
        # next to a rule (a fraction bar, a vinculum) TeX leaves a clearance: as wide a gap as at the start
        limit = first_gap if not taken or taken[-1].kind == "rule" or a.kind == "rule" else 0.3 * max(size, a.size or size)
        if gap > limit:
            break
        taken.append(a)
        frontier = min(frontier, a.top) if upward else max(frontier, a.bottom)
    return taken


def _extend_row(group: list[Atom], pool: list[Atom], reach: float = 0.35, max_width: float = float("inf")) -> list[Atom]:
    """Grow ``group`` sideways with atoms of ``pool`` in its vertical band that come within ``reach``
    em of it: the rest of a limit or a note wider than what it sits under. Gives [] when the group
    grows wider than ``max_width`` (it is then a line of its own, not a limit)."""
    taken = {id(a) for a in group}
    rest = sorted((a for a in pool if id(a) not in taken and a.kind != "rule"), key=lambda a: a.x0)
    group = list(group)
    changed = True
    while changed and rest:
        changed = False
        gx0, gx1 = min(a.x0 for a in group), max(a.x1 for a in group)
        gtop, gbot = min(a.top for a in group), max(a.bottom for a in group)
        keep = []
        for a in rest:
            near_x = a.x0 < gx1 + reach * a.size and a.x1 > gx0 - reach * a.size
            near_y = a.bottom > gtop - 0.1 * a.size and a.top < gbot + 0.1 * a.size
            if near_x and near_y:
                group.append(a)
                gx0, gx1 = min(gx0, a.x0), max(gx1, a.x1)
                gtop, gbot = min(gtop, a.top), max(gbot, a.bottom)
                changed = True
                if gx1 - gx0 > max_width:
                    return []
            else:
                keep.append(a)
        rest = keep
    return group
