"""One row read left to right, and a display split into lines.

Atoms on the main baseline at the main size are bases; the others are scripts of the base before
them, superscripts above the baseline and subscripts below (a smaller script belongs to the group of
the script nearest before it), each script group analysed again. Lines split by baseline; a line of
words alone is prose, not maths.
"""

from __future__ import annotations

from . import analysis
from .atoms import AXIS, Atom, Layout, _Item
from .delimiters import _resolve_sides
from .words import _join, _merge_dots, _merge_words


def _gaps_split(values: list[float], gap: float) -> list[list[float]]:
    """Sorted baselines cut into groups wherever two neighbours are more than ``gap`` apart."""
    groups: list[list[float]] = [[values[0]]]
    for y in values[1:]:
        if y - groups[-1][-1] > gap:
            groups.append([y])
        else:
            groups[-1].append(y)
    return groups


def _split_lines(atoms: list[Atom], size: float) -> list[list[Atom]]:
    mains = sorted({round(a.y, 1) for a in atoms if a.size >= 0.9 * size and a.role != "ex" and a.kind != "struct"})
    if not mains:
        return [atoms]
    clusters = _gaps_split(mains, 1.05 * size)
    if len(clusters) == 1:
        return [atoms]
    # a line needs a few atoms of its own to count (a lone numerator is not a line)
    centers = []
    for c in clusters:
        ys = set(c)
        members = [a for a in atoms if round(a.y, 1) in ys and a.size >= 0.9 * size]
        if len(members) >= 2:
            centers.append(sum(c) / len(c))
    if len(centers) < 2:
        return [atoms]
    lines: list[list[Atom]] = [[] for _ in centers]
    for a in atoms:
        y = a.cy + AXIS * size if a.role == "ex" else a.y
        i = min(range(len(centers)), key=lambda k: abs(centers[k] - y))
        lines[i].append(a)
    return [line for line in lines if line]


def _words_only(line: list[Atom]) -> bool:
    """Upright letters and punctuation only, in a text or roman font: prose, not a line of maths."""
    letters = 0
    for a in line:
        if a.role not in ("rm", "text") or a.kind == "struct":
            return False
        if a.letter:
            letters += 1
        elif a.char not in ",.;:!?'’”“-–—()" or a.latex.startswith("\\"):
            return False
    return letters >= 2


def _baseline(atoms: list[Atom], size: float) -> float:
    """The main baseline: the commonest baseline among atoms of the main size (wider wins ties)."""
    votes: dict[float, float] = {}
    for a in atoms:
        if a.size >= 0.9 * size and a.role != "ex" and a.kind != "accent":
            key = round(a.y * 2) / 2
            votes[key] = votes.get(key, 0.0) + 1.0 + (0.5 if a.kind != "struct" else 0.0)
    if not votes:
        return atoms[0].y
    best = max(votes.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    close = [a.y for a in atoms if abs(a.y - best) <= 0.6 and a.size >= 0.9 * size and a.role != "ex"]
    return sum(close) / len(close) if close else best


def _row(atoms: list[Atom], size: float) -> Layout:
    atoms = sorted(atoms, key=lambda a: (a.x0, a.y))
    base_y = _baseline(atoms, size)
    tol = 0.12 * size
    items: list[_Item] = []
    bases = {id(a) for a in atoms if _on_baseline(a, base_y, size, tol)}
    if not bases:  # always one base, so that every script group is smaller than its row
        bases = {id(min(atoms, key=lambda a: (abs(a.y - base_y), -a.size)))}
    for a in atoms:
        if id(a) in bases:
            items.append(_Item(a))
            continue
        if not items:
            items.append(_Item(None))
        items[-1].subs.append(a)  # split into sub/sup below
    for it in items:
        if it.subs:
            it.subs, it.sups = _split_scripts(it.subs, base_y, size)
    _resolve_sides(items)
    items = _merge_words(items, size)
    items = _merge_dots(items, size)
    parts: list[tuple[str, str]] = []
    for it in items:
        text = it.latex if it.latex else (it.base.latex if it.base else "{}")
        kind = it.kind if it.latex else (it.base.kind if it.base else "ord")
        if it.subs:
            text += "_" + _brace(analysis._layout(it.subs).latex)
        if it.sups:
            sup = analysis._layout(it.sups).latex
            if sup and all(t == r"\prime" for t in sup.split()):
                text += "'" * len(sup.split())
            else:
                text += "^" + _brace(sup)
        parts.append((text, kind))
    return Layout(_join(parts), base_y, size)


def _on_baseline(a: Atom, base_y: float, size: float, tol: float) -> bool:
    if a.role == "ex" and a.kind in ("op", "delim", "fence", "radical", "piece"):
        if a.kind == "op" and a.side == "limits":
            return abs(a.y - base_y) <= 0.3 * size
        axis = base_y - AXIS * size
        return a.top - 0.3 * size <= axis <= a.bottom + 0.3 * size and a.size >= 0.75 * size
    if a.kind == "struct":  # a fraction inside a text-style part has smaller parts but sits on the axis
        small_ok = a.latex.startswith("\\frac") and a.size >= 0.6 * size
        return abs(a.y - base_y) <= 0.25 * size and (a.size >= 0.8 * size or small_ok)
    return abs(a.y - base_y) <= tol and a.size >= 0.8 * size


def _split_scripts(scripts: list[Atom], base_y: float, size: float) -> tuple[list[Atom], list[Atom]]:
    top_size = max(a.size for a in scripts)
    level = [a for a in scripts if a.size >= 0.9 * top_size]
    subs, sups = [], []
    group_of: dict[int, str] = {}
    for a in sorted(scripts, key=lambda a: a.x0):
        if a in level:
            g = "sup" if a.y < base_y else "sub"
        else:
            left = [b for b in level if b.x0 <= a.x0 + 0.1 and id(b) in group_of]
            if left:  # the script's own base: the nearest before it, sideways and up or down
                g = group_of[id(min(left, key=lambda b: max(0.0, a.x0 - b.x1) + abs(a.y - b.y)))]
            else:
                g = "sup" if a.y < base_y else "sub"
        group_of[id(a)] = g
        (sups if g == "sup" else subs).append(a)
    return subs, sups


def _brace(latex: str) -> str:
    return "{" + latex + "}"
