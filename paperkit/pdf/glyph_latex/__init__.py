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

The package, one step per module: ``atoms`` (glyphs and rules as atoms), ``cmex`` (step 1's CMEX
glyphs, stacks, multiple integrals, negations), ``accents`` (2), ``radicals`` (3), ``bars`` (4),
``spans`` (growing what a rule or operator spans, for 3–5), ``limits`` (5), ``arrays`` (6), ``rows``,
``delimiters`` and ``words`` (7), ``analysis`` (the recursion over 3–7), ``symbols`` (``math_symbols``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Glyph, Rule
from .accents import _attach_accents
from .analysis import MAX_DEPTH, _layout
from .atoms import AXIS, Atom, Layout, _atom, _rule_atom
from .cmex import _combine_negations, _merge_multiple_integrals, _merge_stacks, _resolve_cmex
from .symbols import math_symbols


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


# AXIS, MAX_DEPTH, Atom and Layout were public names of the single module this package replaces
__all__ = ["to_latex", "math_symbols", "AXIS", "MAX_DEPTH", "Atom", "Layout"]
