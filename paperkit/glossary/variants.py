"""A letter's decorated forms that matter in the catalog papers: asking for "alpha" also shows ᾱ
("alpha bar"), asking for "epsilon" also shows ε_θ and ε̃ — the notation a learner meets next to the
letter in DDPM, DDIM, DiffEdit and CFG — ranked right after the letter itself.

A glossary entry is a decorated form of a letter when its canonical LaTeX is that letter under
accents and/or indices (``\\bar{\\alpha}``, ``\\epsilon_\\theta``, ``x_t``); it *matters* when a
catalog equation writes it (its LaTeX or its symbol rows), or when a notation clash says a paper
means it by the letter (DDIM's α_t is the ᾱ entry). Most written first.
"""

from __future__ import annotations

from collections import defaultdict

from . import catalog_symbols as cs
from .latex_keys import latex_key
from .paper_meanings import clash_key, clashes_for
from .search import fold

MAX_VARIANTS = 4  # after the letter: enough for ε's ε_θ, ε̃, ε̂, ε_t, few enough to leave room for the rest


def build(entries, by_latex: dict[str, list[int]], paper: str | None = None) -> dict[int, tuple[int, ...]]:
    """Entry index of a letter → indices of its decorated forms that ``paper`` (or any catalog paper) writes."""
    texts = [text for _, _, text in cs.equation_keys(paper)]
    texts += [r.key for r in cs.rows() if paper is None or r.paper == paper]
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for j, e in enumerate(entries):
        if e.source != "hand" or not e.latex or e.category == "apl":
            continue
        first = latex_key(e.latex[0])
        letter = cs.base(first)
        if letter == first or letter not in by_latex:
            continue
        keys = {latex_key(s) for s in e.latex}
        uses = sum(1 for text in texts if any(occurs_in(k, text) for k in keys))
        if not uses:
            continue
        named = set(fold(e.name).split())
        for i in by_latex[letter]:
            if i != j and letter_words(entries[i]) & named:  # "X sub t", not "Descriptive subscript"
                found[i].append((-uses, len(first), j))
    out = {i: [j for *_, j in sorted(forms)] for i, forms in found.items()}
    if paper:  # the paper's own reading of a letter first: DDIM's α_t is ᾱ
        key_index = {e.key: j for j, e in enumerate(entries)}
        for clash in clashes_for(paper):
            target = key_index.get(clash.entries.get(paper, ""))
            for i in by_latex.get(cs.base(clash_key(clash)[0]), ()):
                if target is not None and target != i:
                    out[i] = [target] + [j for j in out.get(i, []) if j != target]
    return {i: tuple(js[:MAX_VARIANTS]) for i, js in out.items()}


GENERIC = {"greek", "latin", "small", "capital", "letter", "symbol", "sign", "mathematical"}


def letter_words(entry) -> set[str]:
    """What a letter is called ("alpha", "epsilon", "x"): a form's name must say it."""
    return {w for w in fold(f"{entry.name} {entry.say}").split() if w not in GENERIC}


def occurs_in(key: str, text: str) -> bool:
    return key in text and cs.occurs(key, text)
