"""LaTeX of an inline run read by baseline and size alone: the common case of running-text maths.

Inline maths is flat: letters, operators and brackets on one baseline, with sub- and superscripts
(and now and then a script of a script: π_{θ_old}). The display engine (``glyph_latex.to_latex``)
reads any structure, but at about a millisecond per run; a paper has hundreds of distinct runs, and
the notation pass must stay within 2× of pymupdf's own text extraction. So a run is read here when
it is flat: each glyph's atom (``glyph_latex.atoms._atom``: its LaTeX, font and class), bases on
the main baseline at the main size, smaller glyphs after a base as its subscript (below) or
superscript (above), a smaller glyph after a script as that script's own script, and upright
letters set together as a word (``\\mathrm{old}``, ``\\log``). Anything else — big delimiters,
accents over a letter, stacked limits, glyphs overlapping — returns None, and the caller asks the
display engine. On the five real PDFs the identifiers read this way equal the display engine's.
"""

from __future__ import annotations

from ...render.tables import LATEX_OPERATORS
from ..glyph_latex.atoms import _atom


class _Item:
    __slots__ = ("latex", "x1", "size", "baseline", "subs", "sups", "word", "role")

    def __init__(self, latex: str, x1: float, size: float, baseline: float, word: bool, role: str) -> None:
        self.latex = latex
        self.x1 = x1
        self.size = size
        self.baseline = baseline
        self.subs: list[_Item] = []
        self.sups: list[_Item] = []
        self.word = word  # an upright letter, part of a word
        self.role = role


def _render(items: list[_Item]) -> str:
    out: list[str] = []
    words = _merge_words(_dots(items))
    for it in words:
        text = it.latex
        if it.subs:
            text += "_{" + _render(it.subs) + "}"
        if it.sups:
            if all(s.latex == "\\prime" for s in it.sups):
                text += "'" * len(it.sups)
            else:
                text += "^{" + _render(it.sups) + "}"
        if out and out[-1][-1:].isalpha() and text[:1].isalpha() and "\\" in out[-1]:
            out.append(" ")
        out.append(text)
    return "".join(out)


def _dots(items: list[_Item]) -> list[_Item]:
    """Three full stops in a row: ``\\ldots``."""
    out: list[_Item] = []
    for it in items:
        out.append(it)
        if len(out) >= 3 and all(x.latex == "." and not x.subs and not x.sups for x in out[-3:]):
            last = out[-1]
            del out[-3:]
            out.append(_Item("\\ldots", last.x1, last.size, last.baseline, False, last.role))
    return out


def _merge_words(items: list[_Item]) -> list[_Item]:
    """Upright letters set together, without scripts between them: one word (\\mathrm{old}, \\log)."""
    out: list[_Item] = []
    run: list[_Item] = []

    def flush() -> None:
        if run:
            word = "".join(it.latex for it in run)
            last = run[-1]
            if last.role == "text":
                latex = rf"\text{{{word}}}"
            else:
                latex = "\\" + word if word in LATEX_OPERATORS else rf"\mathrm{{{word}}}"
            merged = _Item(latex, last.x1, last.size, last.baseline, False, last.role)
            merged.subs, merged.sups = last.subs, last.sups
            out.append(merged)
        run.clear()

    for it in items:
        if it.word and (not run or (not run[-1].subs and not run[-1].sups and run[-1].role == it.role)):
            run.append(it)
            continue
        flush()
        if it.word:
            run.append(it)
        else:
            out.append(it)
    flush()
    return out


def inline_latex(glyphs) -> str | None:
    """The run's LaTeX when it is flat (see the module's docstring), else None."""
    atoms = []
    for g in glyphs:
        if "CMEX" in g.font:
            return None
        a = _atom(g)
        if a is None or a.kind in ("accent", "radical") or a.role == "ex":
            return None
        atoms.append(a)
    if not atoms:
        return None
    main = max(a.size for a in atoms)
    bases = [a.y for a in atoms if a.size >= 0.9 * main]
    base_y = sorted(bases)[len(bases) // 2]
    if any(abs(b - base_y) > 0.2 * main for b in bases):
        return None  # two lines, or a fraction
    items: list[_Item] = []
    last_x1 = float("-inf")
    for a in atoms:
        if a.x0 < last_x1 - 0.35 * a.size:
            return None  # glyphs set over one another: an accent, a stacked limit
        last_x1 = max(last_x1, a.x1)
        word = a.letter and a.style == "upright" and a.role in ("rm", "text") and len(a.latex) == 1
        item = _Item(a.latex, a.x1, a.size, a.y, word, a.role)
        if a.size >= 0.9 * main:
            items.append(item)
            continue
        if not items:
            return None  # a script with nothing before it
        owner = items[-1]
        # a script of a script: smaller than the script before it, right after it
        group = owner.subs or owner.sups
        if group and a.size < 0.9 * group[-1].size and a.x0 - group[-1].x1 < 0.3 * main:
            inner = group[-1]
            (inner.subs if a.y > inner.baseline + 0.05 * inner.size else inner.sups).append(item)
            inner.x1 = max(inner.x1, a.x1)  # the next glyph of λ_min's "min" is still λ's
            continue
        if a.y > base_y + 0.05 * main:
            if owner.sups and not owner.subs and a.x0 >= owner.sups[-1].x1 - 0.1:
                return None  # x^2_t read left to right is ambiguous here: the display engine decides
            owner.subs.append(item)
        elif a.y < base_y - 0.15 * main:
            owner.sups.append(item)
        else:
            return None
    return _render(items)
