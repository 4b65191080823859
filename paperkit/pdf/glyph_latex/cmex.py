"""CMEX glyphs told apart and joined: slots of equal width resolved against the math axis (radical
or wide accent by its vinculum), extensible pieces stacked into one delimiter, integral signs set
close together into ``\\iint``/``\\iiint``, and a negating slash combined with its relation (≠, ∉, ↦).
"""

from __future__ import annotations

from .. import fonts
from .atoms import AXIS, Atom
from .delimiters import _delim_family


def _resolve_cmex(atoms: list[Atom]) -> None:
    """Pick among CMEX slots of equal width by where the glyph sits against the math axis."""
    plain = [a for a in atoms if a.role != "ex" and a.kind not in ("rule", "accent")]
    bars = [a for a in atoms if a.kind == "rule"]
    for a in atoms:
        if a.role != "ex" or len(a.candidates) < 2:
            continue
        s = a.size
        if fonts.CMEX_TABLE[a.candidates[0]][1] == "radical":  # not centred on the axis; sized by its rule
            vinculum = any(abs(r.x0 - a.x1) < max(1.2, 0.12 * s) and abs(r.top - (a.y - 0.04 * s)) < max(1.6, 0.2 * s)
                           for r in bars)
            accents = [c for c in a.candidates if fonts.CMEX_TABLE[c][1] == "accent"]
            if vinculum or not accents:
                radicals = [c for c in a.candidates if fonts.CMEX_TABLE[c][1] == "radical"]
                a.kind, a.latex = "radical", r"\sqrt"
                a.top = a.y - 0.04 * s
                a.bottom = a.y + max(fonts.CMEX_METRICS[c][2] for c in radicals) * s
            else:  # \widehat or \widetilde (same widths; the hat is taken)
                _set_cmex(a, accents[0])
            continue
        axes = []
        near = [b for b in plain if abs(b.cx - a.cx) < 8 * s and a.y - 0.5 * s < b.y < a.y + 3.5 * s]
        if near:
            biggest = max(b.size for b in near)
            axes += [b.y - AXIS * b.size for b in near if b.size >= 0.95 * biggest]
        axes += [r.y for r in bars if abs(r.cx - a.cx) < 10 * s and a.y - 0.5 * s < r.y < a.y + 3.5 * s]
        if not axes:
            continue
        _set_cmex(a, fonts.cmex_by_axis(a.candidates, a.y, s, axes))
    # a text-size integral and a big angle bracket (or floor, ceiling) share width and place; brackets pair up
    ints = [a for a in atoms if a.role == "ex" and a.code == 82 and len(a.candidates) > 1]
    for a in ints:
        twins = [b for b in ints if b is not a and abs(b.y - a.y) < 0.3 and abs(b.x0 - a.x0) > a.width]
        if twins:
            left = a.x0 < min(b.x0 for b in twins)
            _set_cmex(a, 10 if left else 11)


def _merge_multiple_integrals(atoms: list[Atom]) -> list[Atom]:
    """amsmath's \\iint and \\iiint: integral signs set close together, one operator."""
    ints = sorted((a for a in atoms if a.role == "ex" and a.kind == "op" and a.latex == r"\int"), key=lambda a: a.x0)
    if len(ints) < 2:
        return atoms
    gone: set[int] = set()
    out = []
    i = 0
    while i < len(ints):
        run = [ints[i]]
        while i + len(run) < len(ints):
            b = ints[i + len(run)]
            if abs(b.y - run[-1].y) < 0.3 and b.x0 - run[-1].x1 < 0.14 * b.size and b.code == run[-1].code:
                run.append(b)
            else:
                break
        if len(run) in (2, 3):
            merged = Atom(run[0].x0, run[-1].x1, run[0].top, run[0].bottom, run[0].y, run[0].size,
                          r"\iint" if len(run) == 2 else r"\iiint", "op", "upright", "ex", code=run[0].code,
                          glyphs=[g for b in run for g in b.glyphs])
            out.append(merged)
            gone.update(id(b) for b in run)
        i += len(run)
    return [a for a in atoms if id(a) not in gone] + out


def _set_cmex(a: Atom, code: int) -> None:
    info = fonts.cmex_info(code)
    w, h, d = fonts.CMEX_METRICS[code]
    a.code, a.latex, a.kind = code, info.latex, info.kind
    same_width = [c for c in a.candidates if fonts.CMEX_TABLE[c][0:2] != fonts.CMEX_TABLE[code][0:2]
                  and _delim_family(fonts.CMEX_TABLE[c][0]) == _delim_family(info.latex)]
    a.side = "" if same_width else fonts.cmex_side(code)
    a.top, a.bottom = a.y - h * a.size, a.y + d * a.size


def _merge_stacks(atoms: list[Atom]) -> list[Atom]:
    """Extensible delimiters and radicals: CMEX pieces stacked at one x become one atom."""
    ex = [a for a in atoms if a.role == "ex"]
    if len(ex) < 2:
        return atoms
    used: set[int] = set()
    out = [a for a in atoms if a.role != "ex"]
    ex.sort(key=lambda a: (round(a.x0, 0), a.y))
    for i, a in enumerate(ex):
        if id(a) in used:
            continue
        stack = [a]
        for b in ex[i + 1:]:
            if id(b) in used or abs(b.x0 - a.x0) > 0.6 or abs(b.width - a.width) > 0.6:
                continue
            last = stack[-1]
            reach = max(fonts.CMEX_METRICS[c][2] for c in (last.candidates or (last.code,))) + 0.15
            if 0.1 * a.size < b.y - last.y <= reach * a.size:
                stack.append(b)
        for b in stack:
            used.add(id(b))
        if len(stack) == 1:
            out.append(a)
            continue
        codes = set()
        for b in stack:
            codes.update(b.candidates or (b.code,))
        merged = Atom(min(b.x0 for b in stack), max(b.x1 for b in stack), min(b.top for b in stack),
                      max(b.bottom for b in stack), stack[0].y, a.size, "", "delim", "upright", "ex",
                      glyphs=[g for b in stack for g in b.glyphs])
        if codes & {116, 117, 118} and not codes & set(range(48, 68)):
            merged.kind, merged.latex = "radical", r"\sqrt"
        elif codes & {13, 119}:
            merged.kind, merged.latex = "fence", r"\|"
        elif 12 in codes or 63 in codes and not codes & {50, 51, 52, 53, 54, 55}:
            merged.kind, merged.latex = "fence", "|"
        else:
            sides = [fonts.cmex_side(b.code) for b in stack if fonts.cmex_side(b.code)]
            latexes = [fonts.CMEX_TABLE[b.code][0] for b in stack if b.code in fonts.CMEX_TABLE and fonts.CMEX_TABLE[b.code][0]]
            merged.latex = max(latexes, key=latexes.count) if latexes else "|"  # first of the commonest
            merged.side = sides[0] if sides else ""
            merged.kind = "delim"
        out.append(merged)
    return out


def _combine_negations(atoms: list[Atom]) -> list[Atom]:
    """≠ and friends: a zero-width slash (or a CMMI '/' overprinted) on a relation; ↦ from its bar."""
    out: list[Atom] = []
    atoms = sorted(atoms, key=lambda a: a.x0)
    skip: set[int] = set()
    for i, a in enumerate(atoms):
        if id(a) in skip:
            continue
        if a.kind == "negation":
            target = next((b for b in atoms[i + 1:i + 4] if b.kind == "rel" and b.x0 - a.x1 < 0.4 * a.size
                           and abs(b.y - a.y) < 0.2 * a.size), None)
            if target is not None:
                if a.char == "\u21a6" and target.latex == r"\rightarrow":
                    target.latex = r"\mapsto"
                else:
                    target.latex = _negated(target.latex)
            continue
        if a.char == "/" and a.role in ("math", "rm"):
            target = next((b for b in atoms if b is not a and b.kind == "rel" and b.x0 - 0.5 < a.cx < b.x1 + 0.5
                           and abs(b.y - a.y) < 0.2 * a.size), None)
            if target is not None:
                target.latex = _negated(target.latex)
                continue
        out.append(a)
    return out


def _negated(latex: str) -> str:
    return {"=": r"\neq", r"\in": r"\notin", r"\equiv": r"\not\equiv", r"\sim": r"\nsim", r"\leq": r"\nleq",
            r"\geq": r"\ngeq", "<": r"\nless", ">": r"\ngtr", r"\subseteq": r"\nsubseteq"}.get(latex, r"\not" + latex)
