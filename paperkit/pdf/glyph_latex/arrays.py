"""Arrays: tall delimiters around two or more rows are a matrix (columns split at em-wide gaps), a
lone left brace before rows is ``cases``, two stacked cells in parentheses are ``\\binom``.
"""

from __future__ import annotations

from .atoms import AXIS, Atom, _main_size
from .delimiters import _delim_family
from .rows import _gaps_split, _row


_ARRAY_ENV = {"(": "pmatrix", "[": "bmatrix", "{": "Bmatrix", "|": "vmatrix", r"\|": "Vmatrix"}


def _claim_arrays(atoms: list[Atom], size: float) -> list[Atom]:
    """Matrices, ``cases`` and ``\\binom``: tall delimiters around several rows of atoms."""
    tall = sorted((a for a in atoms if a.role == "ex" and a.kind in ("delim", "fence", "open", "close")
                   and a.bottom - a.top >= 1.8 * size), key=lambda a: a.x0)
    if not tall:
        return atoms
    gone: set[int] = set()
    made: list[Atom] = []
    for i, left in enumerate(tall):
        if id(left) in gone or left.side == "close":
            continue
        family = _delim_family(left.latex)
        right = next((b for b in tall[i + 1:] if id(b) not in gone and _delim_family(b.latex) == family
                      and abs(b.top - left.top) < 1.0 and abs(b.bottom - left.bottom) < 1.0), None)
        if right is None and family != "{":
            continue
        x_end = right.x0 if right is not None else float("inf")
        content = [a for a in atoms if a is not left and a is not right and id(a) not in gone
                   and left.x1 - 0.5 <= a.cx <= x_end + 0.5 and left.top - 0.5 <= a.cy <= left.bottom + 0.5]
        if right is None:  # cases: the brace's rows run to the end of the display
            content = [a for a in content if a.cx > left.x1]
        rows = _array_rows(content, size)
        if len(rows) < 2:
            continue
        cells = [_array_cells(row, size) for row in rows]
        if family == "(" and right is not None and all(len(c) == 1 for c in cells) and len(cells) == 2:
            latex = rf"\binom{{{cells[0][0]}}}{{{cells[1][0]}}}"
        else:
            env = "cases" if right is None else _ARRAY_ENV.get(family, "matrix")
            body = r" \\ ".join(" & ".join(c) for c in cells)
            latex = rf"\begin{{{env}}}{body}\end{{{env}}}"
            if env == "matrix" and right is not None:
                latex = f"{left.latex}{latex}{right.latex}"
        x1 = right.x1 if right is not None else max(a.x1 for a in content)
        atom = Atom(left.x0, x1, left.top, left.bottom, (left.top + left.bottom) / 2 + AXIS * size, size, latex,
                    "struct", glyphs=[g for a in content + [left] + ([right] if right else []) for g in a.glyphs])
        gone.update(id(a) for a in content)
        gone.add(id(left))
        if right is not None:
            gone.add(id(right))
        made.append(atom)
    if not made:
        return atoms
    return [a for a in atoms if id(a) not in gone] + made


def _array_rows(content: list[Atom], size: float) -> list[list[Atom]]:
    mains = sorted(a.y for a in content if a.size >= 0.9 * size and a.role != "ex" and a.kind != "struct")
    if not mains:
        return [content] if content else []
    centers = _gaps_split(mains, 0.8 * size)
    if len(centers) < 2:
        return [content]
    mids = [sum(c) / len(c) for c in centers]
    rows: list[list[Atom]] = [[] for _ in mids]
    for a in content:
        y = a.cy + AXIS * size if a.role == "ex" else a.y
        rows[min(range(len(mids)), key=lambda k: abs(mids[k] - y))].append(a)
    return [r for r in rows if r]


def _array_cells(row: list[Atom], size: float) -> list[str]:
    """One row's cells: split where the gap between atoms is a column gap (about an em or more)."""
    row = sorted(row, key=lambda a: a.x0)
    cells: list[list[Atom]] = [[row[0]]]
    right = row[0].x1
    for a in row[1:]:
        if a.x0 - right > 0.9 * size:
            cells.append([a])
        else:
            cells[-1].append(a)
        right = max(right, a.x1)
    return [_row(c, _main_size(c)).latex for c in cells]
