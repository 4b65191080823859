"""Rebuild a display equation's LaTeX from its PDF glyphs and rules, by geometry alone (no model).

The input is what the PDF holds inside one display box: every glyph (character, font, size, baseline
origin, box) and every thin rule (fraction bars, radical vinculums, overlines, the fills of an
underbrace). pymupdf's glyph boxes are the font's ascender/descender, not the ink, so vertical
extents are estimated from the baseline and size (and, for CMEX, from the TFM height and depth).
The analysis is recursive and deterministic:

1. **Atoms.** Each glyph becomes an atom with its LaTeX and math class from ``fonts``. CMEX glyphs
   that pymupdf reports as U+FFFD are told by width and, where widths tie, by where their origin sits
   against the math axis (delimiters and big operators are centred on it); a radical-width glyph is
   a radical when a rule starts at its top right, else a wide accent. Extensible pieces stacked at
   one x become one delimiter; a zero-width slash (or CMMI's /) negates the relation under it (≠,
   ∉); integral signs set close together are ``\\iint``.
2. **Accents** (˜ ˆ ¯ ˙ ⃗ from CMR/CMMI) wrap the atom they overlap most (``\\tilde{\\epsilon}``);
   ``\\widehat``/``\\widetilde`` (CMEX) wrap the atoms centred under them.
3. **Radicals.** A rule that starts where a radical sign ends, at its top, is its vinculum:
   ``\\sqrt{…}`` of the ink grown downwards from it, ``\\sqrt[n]{…}`` when small ink sits on the
   sign's left arm.
4. **Bars and braces, widest first.** A rule with ink just above and just below within its span is
   a fraction bar, ``\\frac{…}{…}``: the parts are grown from the bar while the ink stays close
   (with TeX's clearance allowed next to a nested bar), so an aligned line above is not taken. Ink
   only below is ``\\overline`` (``\\bar`` over one symbol), only above ``\\underline``. Brace
   pieces joined by rules are an ``\\underbrace`` (or ``\\overbrace``) with its note, which may be
   wider than the brace. Nested structures are narrower than the ones around them, which is why
   widest-first is safe; each part is analysed recursively and the structure becomes one atom.
5. **Limits.** Big operators (∑ ∏ ∫…) take the ink right above and below them as limits; upright
   words set with a limit under them (lim, max, arg min, any word with a centred limit) become
   ``\\lim_{…}``, ``\\operatorname*{…}_{…}``.
6. **Arrays.** Tall delimiters around two or more rows are a matrix (``pmatrix``, ``bmatrix``…,
   columns split at em-wide gaps), a lone left brace before rows is ``cases``, two stacked cells in
   parentheses without a bar are ``\\binom``.
7. **Rows.** The remaining atoms are split into lines (``\\\\``) by baseline (a first or last line
   of words alone is the paragraph around the display and is dropped), then read left to right:
   atoms on the main baseline at the main size are bases; the others are scripts of the base
   before them, superscripts above the baseline and subscripts below (a smaller script belongs to
   the group of the script nearest before it), each script group analysed again as a row
   (``\\epsilon_\\theta^{(t)}``, ``\\alpha_{\\tau_{i-1}}``, primes as ``'``). Runs of upright
   letters become words: operator names (``\\log``), ``\\mathrm{…}``, or ``\\text{…}`` when they
   hold spaces or come from a text font. Delimiters whose side the font does not tell (U+FFFD CMEX)
   get the sides that balance the row, guided by what stands before and after them. Three dots
   are ``\\ldots``/``\\cdots``.

Output uses plain delimiters (no ``\\left``/``\\right``) and no spacing commands: the metric in
``latex_metric`` drops them anyway. What geometry cannot tell: \\widehat from \\widetilde,
\\oint from \\int, \\lfloor from \\lceil and \\langle at one size when the glyph name is lost
(U+FFFD), and \\text from \\mathrm in a Computer Modern document.
"""

from __future__ import annotations

import bisect
import itertools
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..render.tables import LATEX_OPERATORS
from . import fonts
from .model import Glyph, MathSymbol, Rule

AXIS = 0.25  # TeX's axis height (cmsy10 param 22) in em of the row's size

_ASCENDING = set("bdfhklt") | set("βδζθλξ∂ℓϑ") | set("ΓΔ∆ΘΛΞΠΣΥΦΨΩΩ") | set("!?/\\|∥‖∞∀∃∇#$%&@")
_DESCENDING = set("gjpqy") | set("βγζημξρςφχψϕϱ") | set(",;")
# top of the accent glyph above its baseline, in em (cmr10/cmmi10 TFM heights)
_ACCENT_HEIGHT = {r"\bar": 0.568, r"\tilde": 0.668, r"\hat": 0.694, r"\dot": 0.669, r"\ddot": 0.669,
                  r"\vec": 0.714, r"\check": 0.628, r"\breve": 0.694, r"\acute": 0.694, r"\grave": 0.694}


@dataclass(eq=False)
class Atom:
    """A glyph, a rule, or a finished structure, with its horizontal span and estimated ink."""

    x0: float
    x1: float
    top: float
    bottom: float
    y: float  # baseline
    size: float
    latex: str
    kind: str  # fonts kinds, plus "rule", "struct"
    style: str = "upright"
    role: str = ""
    letter: bool = False
    char: str = ""
    side: str = ""  # open / close for delimiters, "" when the glyph does not say
    code: int = -1  # CMEX slot
    candidates: tuple = ()  # CMEX slots it may be
    glyphs: list = field(default_factory=list)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass
class Layout:
    latex: str
    y: float  # main baseline
    size: float  # main size
    kind: str = "ord"  # class of the whole (a single atom's class)


# --- atoms ----------------------------------------------------------------------------------------


def _ink(info: fonts.SymbolInfo, y: float, s: float) -> tuple[float, float]:
    ch, kind = info.char, info.kind
    if kind in ("open", "close", "fence"):
        return y - 0.75 * s, y + 0.25 * s
    if kind in ("bin", "rel"):
        return y - 0.6 * s, y + 0.1 * s
    if kind == "accent":
        height = _ACCENT_HEIGHT.get(info.latex, 0.69)
        return y - height * s, y - (height - 0.12) * s
    if kind == "radical":  # CMSY √: height .04, depth .96
        return y - 0.04 * s, y + 0.96 * s
    if ch in (".", "·"):
        return y - (0.3 if ch == "·" else 0.1) * s, y
    top = y - 0.7 * s if (ch in _ASCENDING or ch.isupper() or ch.isdigit() or len(info.base) > 1
                          and info.base[1:2].isupper()) else y - 0.45 * s
    bottom = y + 0.2 * s if ch in _DESCENDING else y + 0.01 * s
    return top, bottom


def _atom(g: Glyph) -> Atom | None:
    cls = fonts.font_class(g.font)
    x0, _, x1, _ = g.bbox
    oy = g.origin[1]
    s = g.size
    if cls.encoding == "OMX":
        cands = fonts.cmex_candidates(g.char, x1 - x0, s, g.font)
        if not cands:
            return None
        code = cands[0]
        info = fonts.cmex_info(code)
        w, h, d = fonts.CMEX_METRICS.get(code, (0, 0.04, 1.0))
        sides = {fonts.cmex_side(c) for c in cands}
        return Atom(x0, x1, oy - h * s, oy + d * s, oy, s, info.latex, info.kind, "upright", "ex", char=g.char,
                    side=sides.pop() if len(sides) == 1 else "", code=code, candidates=tuple(cands), glyphs=[g])
    info = fonts.glyph_info(g.font, g.char)
    if info.kind == "space":
        return None
    top, bottom = _ink(info, oy, s)
    side = {"open": "open", "close": "close"}.get(info.kind, "")
    return Atom(x0, x1, top, bottom, oy, s, info.latex, info.kind, info.style, info.role, info.letter, info.char,
                side=side, glyphs=[g])


def _rule_atom(r: Rule) -> Atom | None:
    x0, y0, x1, y1 = r.bbox
    if not r.horizontal or x1 - x0 < 1.0:
        return None
    return Atom(x0, x1, y0, y1, (y0 + y1) / 2, 0.0, "", "rule")


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


def _attach_wide_accents(atoms: list[Atom]) -> list[Atom]:
    """\\widehat{…}/\\widetilde{…}: a CMEX accent over the atoms centred under it."""
    wide = [a for a in atoms if a.kind == "accent" and a.role == "ex"]
    if not wide:
        return atoms
    rest = [a for a in atoms if not (a.kind == "accent" and a.role == "ex")]
    for acc in wide:
        s = acc.size
        under = [b for b in rest if b.kind != "rule" and acc.x0 - 0.2 * s <= b.cx <= acc.x1 + 0.2 * s
                 and acc.y - 0.2 * s <= b.y <= acc.y + 1.2 * s and b.top >= acc.top - 0.1 * s]
        if not under:
            continue
        inner = _layout(under)
        atom = Atom(min(b.x0 for b in under), max(b.x1 for b in under), acc.top, max(b.bottom for b in under),
                    inner.y, inner.size, f"{acc.latex}{{{inner.latex}}}", "struct",
                    glyphs=[g for b in under + [acc] for g in b.glyphs])
        used = set(map(id, under))
        rest = [b for b in rest if id(b) not in used] + [atom]
    return rest


def _attach_accents(atoms: list[Atom], wide: bool = True) -> list[Atom]:
    """Accents (˜ ˆ ¯ ˙ ⃗…) wrap the atom under them; ``wide``: also \\widehat/\\widetilde over groups."""
    atoms = _attach_wide_accents(atoms) if wide else [a for a in atoms if not (a.kind == "accent" and a.role == "ex")]
    accents = sorted((a for a in atoms if a.kind == "accent" and a.role != "ex"), key=lambda a: -a.y)
    if not accents:
        return atoms
    rest = [a for a in atoms if not (a.kind == "accent" and a.role != "ex")]
    for acc in accents:
        s = acc.size
        if acc.width < 0.3:  # zero-width accent (\vec): the ink lies over the next glyph
            cands = [b for b in rest if b.kind != "rule" and -0.2 * s <= b.x0 - acc.x0 <= 0.6 * s
                     and -0.3 * s <= b.y - acc.y <= 1.0 * s]
            base = min(cands, key=lambda b: b.x0 - acc.x0, default=None)
        else:
            best, base = 0.0, None
            for b in rest:
                if b.kind in ("rule",) or not (-0.3 * s <= b.y - acc.y <= 1.2 * s):
                    continue
                overlap = min(acc.x1, b.x1) - max(acc.x0, b.x0)
                if overlap > 0.3 * min(acc.width, max(b.width, 0.1)) and overlap > best:
                    best, base = overlap, b
        if base is None:
            continue
        base.latex = f"{acc.latex}{{{base.latex}}}"
        base.letter = False
        base.top = min(base.top, acc.top)
        base.glyphs = base.glyphs + acc.glyphs
    return rest


# --- structures -----------------------------------------------------------------------------------


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


def _main_size(atoms: Sequence[Atom]) -> float:
    sizes = [a.size for a in atoms if a.kind not in ("rule", "op", "delim", "radical", "piece", "brace") and a.size > 0]
    if not sizes:
        sizes = [a.size for a in atoms if a.size > 0]
    return max(sizes) if sizes else 10.0


def _claim_structures(atoms: list[Atom]) -> list[Atom]:
    """Radicals first (a sign and its vinculum are unambiguous), then fraction bars, overlines and
    braces, widest first; then big operators' limits. Each becomes one atom."""
    live = list(atoms)
    if any(a.kind == "rule" for a in live):
        live = _claim_radicals(live)
        live = _claim_bars(live)
    return _claim_limits(live)


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
        inner = _layout(content)
        y = inner.y if content else r.y + 0.8 * r.size
        # the index of \sqrt[n]{…}: small ink over the left part of the sign
        index = [a for a in live if a is not r and a.kind != "rule" and a not in content and a.x0 >= r.x0 - 0.6 * size
                 and a.x1 <= r.x0 + 0.75 * r.width and a.bottom <= r.top + 0.55 * (r.bottom - r.top)
                 and a.bottom >= r.top - 0.3 * size and a.size < 0.9 * size]
        root = f"[{_layout(index).latex}]" if index else ""
        atom = Atom(min([r.x0] + [a.x0 for a in index]), rule.x1, min([rule.top] + [a.top for a in index]),
                    max([r.bottom] + [a.bottom for a in content]), y,
                    inner.size if content else r.size, rf"\sqrt{root}{{{inner.latex}}}", "struct",
                    glyphs=[g for a in content + index + [r] for g in a.glyphs])
        used = {id(a) for a in content + index} | {id(r), id(rule)}
        live = [a for a in live if id(a) not in used] + [atom]
    return live


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
        num, den = _layout(above), _layout(below)
        s = max(num.size, den.size)
        latex = rf"\frac{{{num.latex}}}{{{den.latex}}}"
        atom = Atom(rule.x0, rule.x1, min(a.top for a in above), max(a.bottom for a in below), rule.y + AXIS * s, s,
                    latex, "struct", glyphs=[g for a in above + below for g in a.glyphs])
        return atom, above + below + [rule]
    if below and not above:
        inner = _layout(below)
        single = len([a for a in below if a.kind != "rule"]) == 1 and rule.width < 1.2 * inner.size
        latex = rf"\bar{{{inner.latex}}}" if single else rf"\overline{{{inner.latex}}}"
        atom = Atom(min(rule.x0, *(a.x0 for a in below)), max(rule.x1, *(a.x1 for a in below)), rule.top,
                    max(a.bottom for a in below), inner.y, inner.size, latex, "struct",
                    glyphs=[g for a in below for g in a.glyphs])
        return atom, below + [rule]
    if above and not below:
        inner = _layout(above)
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
    body, label = _layout(content), _layout(note)
    latex = f"{cmd}{{{body.latex}}}{mark}{{{label.latex}}}"
    atom = Atom(box.x0, box.x1, min(a.top for a in above), max(a.bottom for a in below), body.y, body.size, latex,
                "struct", glyphs=[g for a in content + note for g in a.glyphs])
    return atom, content + note + parts


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
            latex += f"_{{{_layout(lower).latex}}}"
        if upper:
            latex += f"^{{{_layout(upper).latex}}}"
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


# --- rows -----------------------------------------------------------------------------------------


_DEPTH = threading.local()
MAX_DEPTH = 40  # nesting deeper than any real equation: the rest is read flat


def _layout(atoms: list[Atom], multiline: bool = False) -> Layout:
    if not atoms:
        return Layout("", 0.0, 0.0)
    depth = getattr(_DEPTH, "value", 0)
    if depth >= MAX_DEPTH:
        flat = sorted((a for a in atoms if a.kind not in ("rule", "brace")), key=lambda a: (a.x0, a.y))
        return Layout(" ".join(a.latex for a in flat if a.latex), atoms[0].y, _main_size(atoms))
    _DEPTH.value = depth + 1
    try:
        return _layout_inner(list(atoms), multiline)
    finally:
        _DEPTH.value = depth


def _layout_inner(atoms: list[Atom], multiline: bool) -> Layout:
    atoms = _claim_structures(atoms)
    atoms = [a for a in atoms if a.kind not in ("rule", "brace")]
    if not atoms:
        return Layout("", 0.0, 0.0)
    size = _main_size(atoms)
    atoms = _claim_arrays(atoms, size)
    if multiline:
        lines = _split_lines(atoms, size)
        # a line of words alone above or below the equation is the end of the paragraph around it
        while len(lines) > 1 and _words_only(lines[0]):
            lines.pop(0)
        while len(lines) > 1 and _words_only(lines[-1]):
            lines.pop()
        if len(lines) == 1:
            return _row(lines[0], _main_size(lines[0]))
        if len(lines) > 1:
            parts = [_row(line, size) for line in lines]
            return Layout(r" \\ ".join(p.latex for p in parts), parts[0].y, size)
    return _row(atoms, size)


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


def _gaps_split(values: list[float], gap: float) -> list[list[float]]:
    """Sorted baselines cut into groups wherever two neighbours are more than ``gap`` apart."""
    groups: list[list[float]] = [[values[0]]]
    for y in values[1:]:
        if y - groups[-1][-1] > gap:
            groups.append([y])
        else:
            groups[-1].append(y)
    return groups


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


@dataclass
class _Item:
    base: Atom | None
    subs: list[Atom] = field(default_factory=list)
    sups: list[Atom] = field(default_factory=list)
    latex: str = ""
    kind: str = "ord"
    x1: float = 0.0  # right edge of a merged word
    words: str = ""  # the text of a merged word


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
            text += "_" + _brace(_layout(it.subs).latex)
        if it.sups:
            sup = _layout(it.sups).latex
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


def _merge_words(items: list[_Item], size: float) -> list[_Item]:
    """Runs of upright letters: operator names, \\mathrm{…} words, \\text{…} phrases."""
    out: list[_Item] = []
    run: list[_Item] = []

    def flush() -> None:
        if not run:
            return
        letters = [it.base for it in run]
        gaps = [b.x0 - a.x1 for a, b in zip(letters, letters[1:])]
        words, current = [], letters[0].char
        for gap, b in zip(gaps, letters[1:]):
            if gap > 0.18 * size:
                words.append(current)
                current = b.char
            else:
                current += b.char
        words.append(current)
        text_font = letters[0].role == "text"
        merged = _Item(letters[0], list(run[-1].subs), list(run[-1].sups), x1=letters[-1].x1, words=" ".join(words))
        if len(words) == 1 and words[0] in LATEX_OPERATORS and not text_font:
            merged.latex, merged.kind = "\\" + words[0], "op"
        elif len(words) == 1 and not text_font:
            merged.latex = rf"\mathrm{{{_escape(words[0])}}}"
        else:
            merged.latex = rf"\text{{{_escape(' '.join(words))}}}"
        out.append(merged)
        run.clear()

    for it in items:
        b = it.base
        word_part = b is not None and b.kind == "ord" and (b.letter or (b.char in "“”‘’" and b.role in ("rm", "text")))
        if word_part and run:
            prev = run[-1].base
            if run[-1].subs or run[-1].sups or b.x0 - prev.x1 > 0.6 * size or prev.role != b.role \
                    or abs(b.size - prev.size) > 0.05 * size:
                flush()
        if word_part:
            run.append(it)
        else:
            flush()
            out.append(it)
    flush()
    return _parenthesised_words(out, size)


def _parenthesised_words(items: list[_Item], size: float) -> list[_Item]:
    """``\text{(linear)}``: upright parentheses hugging a word (no gap either side) belong to it."""
    out: list[_Item] = []
    i = 0
    while i < len(items):
        trio = items[i:i + 3]
        if len(trio) == 3 and trio[1].words and not trio[0].subs and not trio[0].sups and not trio[1].subs \
                and not trio[1].sups and all(t.base is not None for t in trio):
            a, w, b = trio[0].base, trio[1], trio[2].base
            if a.char == "(" and b.char == ")" and a.role == w.base.role == b.role \
                    and w.base.x0 - a.x1 < 0.05 * size and b.x0 - w.x1 < 0.05 * size:
                merged = _Item(a, list(trio[2].subs), list(trio[2].sups), latex=rf"\text{{({_escape(w.words)})}}",
                               x1=b.x1, words=f"({w.words})")
                out.append(merged)
                i += 3
                continue
        out.append(items[i])
        i += 1
    return out


def _escape(text: str) -> str:
    return text.replace("“", "``").replace("”", "''").replace("‘", "`").replace("’", "'")


def _merge_dots(items: list[_Item], size: float) -> list[_Item]:
    out: list[_Item] = []
    i = 0
    while i < len(items):
        trio = items[i:i + 3]
        if len(trio) == 3 and all(t.base is not None and not t.subs and not t.sups for t in trio):
            chars = {t.base.char for t in trio}
            gaps = [b.base.x0 - a.base.x1 for a, b in zip(trio, trio[1:])]
            if chars in ({"."}, {"·"}) and all(0 <= g < 0.4 * size for g in gaps):
                merged = _Item(trio[0].base, [], [])
                merged.latex = r"\ldots" if chars == {"."} else r"\cdots"
                merged.kind = "ord"
                out.append(merged)
                i += 3
                continue
        out.append(items[i])
        i += 1
    return out


def _join(parts: list[tuple[str, str]]) -> str:
    out = ""
    prev_kind = "start"
    for text, kind in parts:
        if not text:
            continue
        spaced = kind in ("rel", "bin") and prev_kind not in ("start", "open", "rel", "bin", "punct")
        if out and (spaced or prev_kind in ("rel", "punct") or (prev_kind == "bin" and kind != "bin")):
            out += " "
        elif out and out[-1].isalpha() and text[0].isalpha() and _ends_with_command(out):
            out += " "
        out += text
        prev_kind = kind if kind != "bin" or spaced else "ord"
    return out


def _ends_with_command(text: str) -> bool:
    i = len(text) - 1
    while i >= 0 and text[i].isalpha():
        i -= 1
    return i >= 0 and text[i] == "\\"


# --- entry points ---------------------------------------------------------------------------------


def _prepare(glyphs: Sequence[Glyph], rules: Sequence[Rule] = ()) -> list[Atom]:
    atoms = [a for a in (_atom(g) for g in glyphs) if a is not None]
    atoms += [a for a in (_rule_atom(r) for r in rules) if a is not None]
    atoms = _merge_stacks(atoms)
    _resolve_cmex(atoms)
    atoms = _merge_multiple_integrals(atoms)
    atoms = _combine_negations(atoms)
    atoms = _attach_accents(atoms)
    return atoms


def to_latex(glyphs: Sequence[Glyph], rules: Sequence[Rule] = ()) -> str:
    """The LaTeX of one display equation from its glyphs and rules (the label's glyphs left out)."""
    atoms = _prepare(glyphs, rules)
    if not atoms:
        return ""
    return _layout(atoms, multiline=True).latex.strip()


_SYMBOL_KINDS = {"ord", "bin", "rel", "op"}
_OP_CHARS = {r"\sum": "∑", r"\prod": "∏", r"\int": "∫", r"\oint": "∮", r"\coprod": "∐", r"\bigcup": "⋃",
             r"\bigcap": "⋂", r"\bigoplus": "⨁", r"\bigotimes": "⨂", r"\bigodot": "⨀", r"\bigvee": "⋁",
             r"\bigwedge": "⋀", r"\biguplus": "⨄", r"\bigsqcup": "⨆", r"\sqrt": "√"}


def math_symbols(glyphs: Sequence[Glyph]) -> list[MathSymbol]:
    """The distinct math symbols of one equation, in reading order, distinct by (LaTeX, style).

    ``latex`` names the symbol without a bold wrapper (a bold ε is ``\\epsilon`` with style
    "bold-italic", a bold z is ``z`` with style "bold": papers set vectors bold where the catalog
    writes them plain); other alphabets stay in the name (``\\mathcal{N}``, ``\\mathbb{E}``), as they
    are different symbols, and the style says them too. Kept: letters (Latin in any alphabet: italic, \\mathbf, \\mathcal, \\mathbb…, Greek), with their
    accent when they carry one (``\\tilde{\\epsilon}``); upright words of letters as one symbol
    (``\\log``, ``\\mathrm{std}``, ``\\text{cfg}``); binary operators and relations (``-``, ``\\cdot``,
    ``\\approx``, ``\\in``…); big operators (``\\sum``, ``\\prod``, ``\\int``) and radicals (``\\sqrt``);
    other symbols of class ord such as ``\\nabla``, ``\\partial``, ``\\infty``, ``\\ell``.
    Left out: digits, punctuation (``,`` ``;`` ``.`` ``:`` as punctuation), brackets, bars and other
    delimiters, primes, and lone accents.
    """
    atoms = [a for a in (_atom(g) for g in glyphs) if a is not None]
    atoms = _merge_stacks(atoms)
    _resolve_cmex(atoms)
    atoms = _merge_multiple_integrals(atoms)
    atoms = _combine_negations(atoms)
    atoms = _attach_accents(atoms, wide=False)
    if not atoms:
        return []
    lines = _split_lines(atoms, _main_size(atoms))
    while len(lines) > 1 and _words_only(lines[0]):  # the paragraph's end caught in the box
        lines.pop(0)
    while len(lines) > 1 and _words_only(lines[-1]):
        lines.pop()
    main_size = _main_size(atoms)
    atoms = [a for line in lines for a in sorted(line, key=lambda a: (a.x0, a.y))]
    # upright words
    items = [_Item(a) for a in atoms]
    merged: list[_Item] = []
    for it in items:  # words only from letters on one baseline
        b = it.base
        if merged and b.letter and merged[-1].base.letter and abs(merged[-1].base.y - b.y) < 0.1 * b.size \
                and -0.05 * b.size <= b.x0 - _last_x1(merged[-1]) < 0.3 * b.size and merged[-1].base.role == b.role:
            prev = merged[-1]
            prev.latex = (prev.latex or prev.base.char) + b.char
            prev.subs.append(b)  # remember the glyph's right edge
            continue
        merged.append(_Item(b))
    seen: set[tuple[str, str]] = set()
    out: list[MathSymbol] = []
    for n, it in enumerate(merged):
        a = it.base
        if it.latex:  # a word
            word = it.latex
            if word.lower() in _PROSE_WORDS or a.role == "text" or a.size < 0.85 * main_size:
                continue  # commentary ("where", \text{…}) and index labels (θ_old, x_data) are not symbols
            applied = n + 1 < len(merged) and merged[n + 1].base.char in "([{"
            if word not in LATEX_OPERATORS and not applied and len(word) > 1:
                continue  # a named function is applied (softmax(x), KL[·]); a bare word is a note
            latex = "\\" + word if word in LATEX_OPERATORS else (
                rf"\text{{{word}}}" if a.role == "text" else rf"\mathrm{{{word}}}")
            char, style = word, "upright"
        else:
            if a.kind not in _SYMBOL_KINDS and a.kind != "radical":
                continue
            if a.kind == "radical":
                latex, char = r"\sqrt", "√"
            else:
                latex, char = a.latex, a.char
            if a.role == "ex":
                char = _OP_CHARS.get(latex, char)
            if not latex or latex in (r"\prime", "'", ".", ",", ";", ":", "!", "?", "/", "``", "''", "`"):
                continue
            if char.isdigit() or (len(latex) == 1 and latex.isdigit()):
                continue
            style = a.style if a.kind == "ord" else "upright"
            if a.role in ("bf", "boldsymbol", "bsy") and a.kind != "ord":
                style = "bold"
            if a.letter and len(a.char) == 1 and a.role in ("rm", "text") and a.latex == a.char:
                latex = rf"\mathrm{{{a.char}}}" if a.role == "rm" else rf"\text{{{a.char}}}"
            latex = _unbold(latex)
        key = (latex, style)
        if key in seen:
            continue
        seen.add(key)
        out.append(MathSymbol(char, latex, style))
    return out


_PROSE_WORDS = frozenset(
    "a an and all any as at be by define defined denote denotes each else for from given if in is it let "
    "of on or otherwise s.t. st such that the then to where which with subject".split())

_BOLD = re.compile(r"\\(?:boldsymbol|mathbf)\{((?:[^{}]|\{[^{}]*\})*)\}")


def _unbold(latex: str) -> str:
    """``\\tilde{\\boldsymbol{\\epsilon}}`` → ``\\tilde{\\epsilon}``: bold is the symbol's style, not its name."""
    while True:
        plain = _BOLD.sub(r"\1", latex)
        if plain == latex:
            return plain
        latex = plain


def _last_x1(it: _Item) -> float:
    return it.subs[-1].x1 if it.subs else it.base.x1


__all__ = ["to_latex", "math_symbols"]
