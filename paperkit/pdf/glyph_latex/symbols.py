"""The distinct math symbols of one equation (``math_symbols``), for the symbol look-up: letters,
operators, relations and words, without delimiters, digits, punctuation or the prose around them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...render.tables import LATEX_OPERATORS
from ..model import Glyph, MathSymbol
from .accents import _attach_accents
from .atoms import _Item, _atom, _main_size
from .cmex import _combine_negations, _merge_multiple_integrals, _merge_stacks, _resolve_cmex
from .rows import _split_lines, _words_only


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
