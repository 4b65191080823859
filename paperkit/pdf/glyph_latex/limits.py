"""Limits: big operators (∑ ∏ ∫…) take the ink right above and below them; upright words set with a
limit under them (lim, max, arg min, any word with a centred limit) become ``\\lim_{…}``,
``\\operatorname*{…}_{…}``.
"""

from __future__ import annotations

import bisect

from . import analysis
from .atoms import AXIS, Atom
from .spans import _extend_row


def _claim_limits(live: list[Atom]) -> list[Atom]:
    """Big operators with limits set above and below them (display style, \\limits), and named
    operators (lim, max, arg min…) with a limit under them."""
    word_ops = _word_operators(live, any_word=len(live) < 400)
    ops = [a for a in live if a.kind == "op"] + [w for w, _ in word_ops]
    if not ops:
        return live
    letters_of = {id(w): letters for w, letters in word_ops}
    gone: set[int] = set()
    made: list[Atom] = []
    by_x = sorted((a for a in live if a.kind != "rule"), key=lambda a: a.x0)
    xs = [a.x0 for a in by_x]
    widest = max((a.width for a in by_x), default=0.0)
    for op in sorted(ops, key=lambda a: -a.width):
        if id(op) in gone or any(id(b) in gone for b in letters_of.get(id(op), ())):
            continue
        s = op.size
        skip = set(map(id, letters_of.get(id(op), ())))
        # limits lie within a few ems of the operator: look only there
        lo = bisect.bisect_left(xs, op.x0 - 12 * s - widest)
        hi = bisect.bisect_right(xs, op.x1 + 12 * s)
        pool = [a for a in by_x[lo:hi] if a is not op and id(a) not in gone and id(a) not in skip
                and a.bottom > op.top - 4 * s and a.top < op.bottom + 4 * s]
        upper = _limit(pool, op, True)
        lower = _limit([a for a in pool if a not in upper], op, False)
        if op.role == "rm":  # a named operator: a limit below only, centred under it unless TeX names it
            upper = []
            if lower:
                lx0, lx1 = min(a.x0 for a in lower), max(a.x1 for a in lower)
                if lx0 > op.x1 - 0.3 * op.width:  # a subscript at its right (text style), not a limit
                    lower = []
                elif op.char == "word" and (abs((lx0 + lx1) / 2 - op.cx) > 0.2 * op.width + 0.2 * s
                                            or lx0 < op.x0 - 0.5 * s):
                    lower = []
        if not upper and not lower:
            continue
        latex = op.latex
        if lower:
            latex += f"_{{{analysis._layout(lower).latex}}}"
        if upper:
            latex += f"^{{{analysis._layout(upper).latex}}}"
        members = upper + lower
        atom = Atom(min([op.x0] + [a.x0 for a in members]), max([op.x1] + [a.x1 for a in members]),
                    min([op.top] + [a.top for a in upper]), max([op.bottom] + [a.bottom for a in lower]),
                    op.y if op.role == "rm" else op.cy + AXIS * s, s, latex, "op", "upright", "ex", code=op.code,
                    glyphs=[g for a in members + [op] for g in a.glyphs])
        atom.side = "limits"
        for a in members + [op] + list(letters_of.get(id(op), ())):
            gone.add(id(a))
        made.append(atom)
    return [a for a in live if id(a) not in gone] + made


_LIMIT_WORDS = {"lim": r"\lim", "liminf": r"\liminf", "limsup": r"\limsup", "max": r"\max", "min": r"\min",
                "sup": r"\sup", "inf": r"\inf", "det": r"\det", "Pr": r"\Pr", "gcd": r"\gcd",
                "argmin": r"\operatorname*{arg\,min}", "argmax": r"\operatorname*{arg\,max}"}


def _word_operators(live: list[Atom], any_word: bool = True) -> list[tuple[Atom, list[Atom]]]:
    """Upright words that TeX sets with limits below (lim, max, arg min…), as operator atoms; with
    ``any_word``, every upright word of three letters or more may be one (``\\operatorname*``)."""
    letters = sorted((a for a in live if a.letter and a.role in ("rm", "text")),
                     key=lambda a: (a.role, round(a.size, 1), a.y))
    lines: list[list[Atom]] = []
    for a in letters:  # one font and baseline each, then left to right
        last = lines[-1][-1] if lines else None
        if last is not None and last.role == a.role and abs(last.size - a.size) < 0.05 and a.y - last.y <= 0.05 * a.size:
            lines[-1].append(a)
        else:
            lines.append([a])
    letters = [a for line in lines for a in sorted(line, key=lambda a: a.x0)]
    out, run = [], []

    def close() -> None:
        word = "".join(a.char for a in run)
        if word in _LIMIT_WORDS or (any_word and len(word) >= 3):
            latex = _LIMIT_WORDS.get(word, rf"\operatorname*{{{word}}}")
            op = Atom(run[0].x0, run[-1].x1, min(a.top for a in run), max(a.bottom for a in run), run[0].y,
                      run[0].size, latex, "op", "upright", "rm", glyphs=[g for a in run for g in a.glyphs])
            op.char = "known" if word in _LIMIT_WORDS else "word"
            out.append((op, list(run)))

    for a in letters:
        if run and (abs(a.y - run[-1].y) > 0.05 * a.size or not 0 <= a.x0 - run[-1].x1 <= 0.25 * a.size
                    or abs(a.size - run[-1].size) > 0.05 * a.size):
            close()
            run = []
        run.append(a)
    if run:
        close()
    return out


def _limit(pool: list[Atom], op: Atom, upper: bool) -> list[Atom]:
    s = op.size
    if upper:
        seeds = [a for a in pool if a.x1 > op.x0 - 0.1 * s and a.x0 < op.x1 + 0.1 * s and a.bottom <= op.top + 0.2 * s
                 and op.top - a.bottom < 0.6 * s and a.y < op.top + 0.3 * s]
    else:
        seeds = [a for a in pool if a.x1 > op.x0 - 0.1 * s and a.x0 < op.x1 + 0.1 * s and a.top >= op.bottom - 0.2 * s
                 and a.top - op.bottom < 0.6 * s]
    if not seeds:
        return []
    if upper:
        pool = [a for a in pool if a.bottom <= op.top + 0.2 * s]
    else:
        pool = [a for a in pool if a.top >= op.bottom - 0.2 * s]
    return _extend_row(list(seeds), pool, max_width=op.width + 10 * s)
