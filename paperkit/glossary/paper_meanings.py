"""What a symbol means in one paper of the catalog, from the symbols its equations list, and the
notation clashes between papers (``symbols/clashes.toml``)."""

from __future__ import annotations

import functools
import re

from .latex_keys import latex_key, strip_scripts
from .load import clashes
from .model import Clash, Entry


@functools.cache
def paper_symbols(paper: str) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """For one paper: exact LaTeX key → meaning, and bare key (indices stripped) → (LaTeX, meaning),
    the shortest spelling winning, as the catalog's equations list them."""
    from ..catalog.store import load_catalog

    exact: dict[str, str] = {}
    bare: dict[str, tuple[str, str]] = {}
    for eq in load_catalog().paper(paper).equations:
        for sym in eq.symbols:
            key = latex_key(sym.latex)
            exact.setdefault(key, sym.meaning)
            called = re.match(r"(.+?)\((?:[^()]|\([^()]*\))*\)$", key)  # ε_θ(z_λ, c) → ε_θ too
            if called:
                exact.setdefault(called.group(1), sym.meaning)
            b = strip_scripts(key)
            if b not in bare or len(key) < len(latex_key(bare[b][0])):
                bare[b] = (sym.latex, sym.meaning)
    return exact, bare


def paper_meaning(entry: Entry, paper: str, query_key: str | None = None) -> str | None:
    """The entry's meaning in ``paper`` (see ``paper_view``), prefixed with the paper's spelling when
    that is not the entry's own (``\\alpha_t: cumulative …`` for ᾱ in DDIM); None when unknown."""
    from .paper_view import entry_keys, paper_view

    view = paper_view(entry, paper, query_key)
    if view.meaning is None:
        return None
    written = latex_key(view.written) if view.written else None
    if written and written not in entry_keys(entry)[0] and written != query_key:
        return f"{view.written}: {view.meaning}"
    return view.meaning


@functools.cache
def clash_key(clash: Clash) -> tuple[str, str]:
    """The clash symbol's canonical key, and that key without indices."""
    key = latex_key(clash.symbol)
    return key, strip_scripts(key)


def clashes_for(paper: str | None = None, latex: str | None = None, entry: str | None = None) -> list[Clash]:
    """The notation clashes that involve ``paper`` and/or the symbol ``latex`` or glossary ``entry``
    (ᾱ's entry is in the α_t clash: DDIM writes it α_t). All clashes when none is given."""
    out = []
    key = strip_scripts(latex_key(latex)) if latex else None
    for clash in clashes():
        if paper and paper not in clash.papers:
            continue
        if (key or entry) and not ((key and clash_key(clash)[1] == key)
                                   or (entry and entry in clash.entries.values())):
            continue
        out.append(clash)
    return out
