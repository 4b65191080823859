"""Sides of CMEX delimiters the font does not tell (U+FFFD): the assignment that balances the row,
guided by what stands before and after each one; delimiter families and their sided LaTeX.
"""

from __future__ import annotations

import itertools

from .atoms import _Item


_OPENING_CONTEXT = {"bin", "rel", "punct", "open", "op"}
_CLOSING_CONTEXT = {"bin", "rel", "punct", "close"}


def _resolve_sides(items: list[_Item]) -> None:
    """Give each CMEX delimiter without a known side (U+FFFD glyphs) one, balancing each row."""
    groups: dict[tuple[str, float], list[int]] = {}
    for i, it in enumerate(items):
        b = it.base
        if b is not None and b.role == "ex" and b.kind == "delim" and b.latex not in ("|", r"\|", "/", r"\backslash"):
            key = (_delim_family(b.latex), round(b.bottom - b.top, 0))
            groups.setdefault(key, []).append(i)
    for (family, _h), idx in groups.items():
        known = {i: items[i].base.side for i in idx if items[i].base.side}
        free = [i for i in idx if i not in known]
        if not free:
            continue
        best, best_score = None, None
        for combo in _assignments(len(free)):
            sides = dict(known)
            sides.update(zip(free, combo))
            pattern = [sides[i] for i in idx]
            score = sum(_side_evidence(items, i, sides[i]) for i in free) + (3.0 if _is_balanced(pattern) else 0.0)
            if best_score is None or score > best_score + 1e-9:
                best, best_score = combo, score
        for i, side in zip(free, best):
            b = items[i].base
            b.side = side
            b.latex = _sided(family, side)
            b.kind = side


def _assignments(n: int) -> list[tuple[str, ...]]:
    if n > 12:  # alternate: a guess, but bounded work
        return [tuple("open" if k % 2 == 0 else "close" for k in range(n))]
    return list(itertools.product(("open", "close"), repeat=n))


def _is_balanced(pattern: list[str]) -> bool:
    depth = 0
    for side in pattern:
        depth += 1 if side == "open" else -1
        if depth < 0:
            return False
    return depth == 0


def _delim_family(latex: str) -> str:
    return {"(": "(", ")": "(", "[": "[", "]": "[", r"\{": "{", r"\}": "{", r"\langle": "<", r"\rangle": "<",
            r"\lfloor": "floor", r"\rfloor": "floor", r"\lceil": "ceil", r"\rceil": "ceil"}.get(latex, latex)


def _sided(family: str, side: str) -> str:
    pairs = {"(": ("(", ")"), "[": ("[", "]"), "{": (r"\{", r"\}"), "<": (r"\langle", r"\rangle"),
             "floor": (r"\lfloor", r"\rfloor"), "ceil": (r"\lceil", r"\rceil")}
    if family not in pairs:
        return family
    return pairs[family][0 if side == "open" else 1]


def _side_evidence(items: list[_Item], i: int, side: str) -> float:
    prev_kind = _item_kind(items[i - 1]) if i > 0 else "start"
    next_kind = _item_kind(items[i + 1]) if i + 1 < len(items) else "end"
    opening = (prev_kind in _OPENING_CONTEXT or prev_kind == "start") + (next_kind == "open") * 0.5
    closing = (next_kind in _CLOSING_CONTEXT or next_kind == "end") + bool(items[i].sups or items[i].subs) \
        + (prev_kind == "close") * 0.5
    return opening - closing if side == "open" else closing - opening


def _item_kind(it: _Item) -> str:
    if it.base is None:
        return "ord"
    k = it.base.kind
    if it.base.role == "ex" and k == "delim":
        return it.base.side or "delim"
    return k
