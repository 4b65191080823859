"""A glossary entry as one catalog paper writes and means it — what a learner asks when they look a
symbol up with a paper open: "DDIM has no ᾱ: it writes α_t for it, the cumulative product".

The rules, in order:

1. A notation clash (``symbols/clashes.toml``) that covers the paper *governs* the entry when the
   clash names this entry as the paper's notation (DDIM's α_t is the ᾱ entry) or when the entry is
   the clash's glyph (α, σ, τ …). The paper's meaning then differs from the glossary's general
   one, so only the paper's own PyTorch and example (the clash's ``torch``/``example`` for that
   paper) are shown: DDIM's α_t is ``alphas_cumprod``, never DDPM's ``alphas = 1 - betas``.
2. How the paper writes it and what it means come from the catalog's per-equation symbol rows: the
   spelling asked for, else the entry's own spelling, else the clash's, else the shortest spelling
   with indices (``\\bar{\\alpha}_t``). Without a row, a governing clash's sentence for the paper.
3. Without a governing clash the paper agrees with the glossary, and the entry's general PyTorch
   and example stand.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from . import catalog_symbols as cs
from .latex_keys import latex_key
from .model import Clash, Entry
from .paper_meanings import clash_key, clashes_for


@dataclass(frozen=True)
class PaperView:
    paper: str
    name: str  # how readers name the paper: "DDIM"
    written: str = ""  # LaTeX as the paper writes it; "" when its catalog equations do not list it
    meaning: str | None = None  # the paper's meaning; None when the catalog does not know it
    torch: str = ""  # the PyTorch to show with that meaning
    example: str = ""  # an equation (LaTeX) to show with that meaning
    specific: bool = False  # a clash governs: torch and example are the paper's own, not the entry's
    means_entry: str | None = None  # the glossary key the paper's notation is, when not this entry
    renamed: bool = False  # the paper writes it with another symbol: DDIM writes ᾱ as α_t
    equations: tuple[str, ...] = ()  # ids of the paper's equations that use it
    clashes: tuple[Clash, ...] = field(default=(), hash=False)  # the governing one first
    clash: Clash | None = field(default=None, hash=False)  # the governing clash

    def to_json(self) -> dict:
        return {"paper": self.paper, "written": self.written, "meaning": self.meaning, "torch": self.torch,
                "example": self.example, "paper_specific": self.specific, "means_entry": self.means_entry,
                "renamed": self.renamed,
                "equations": list(self.equations), "clashes": [c.key for c in self.clashes]}


@functools.cache
def _paper_rows(paper: str) -> tuple[dict[str, cs.Row], dict[str, cs.Row]]:
    """The paper's rows by canonical key (first listed wins) and by bare key (shortest spelling wins)."""
    exact: dict[str, cs.Row] = {}
    by_bare: dict[str, cs.Row] = {}
    for row in cs.rows():
        if row.paper != paper:
            continue
        exact.setdefault(row.key, row)
        if row.bare not in by_bare or len(row.key) < len(by_bare[row.bare].key):
            by_bare[row.bare] = row
    return exact, by_bare


@functools.cache
def entry_keys(entry: Entry) -> tuple[tuple[str, ...], frozenset[str]]:
    """The entry's canonical spellings, and their bare keys."""
    keys = tuple(dict.fromkeys(latex_key(s) for s in entry.latex))
    return keys, frozenset(cs.bare(k) for k in keys)


def _governing(entry: Entry, paper: str, clashes) -> Clash | None:
    """The clash that says what the paper means by this entry (see the module's rule 1)."""
    _, bares = entry_keys(entry)
    for clash in clashes:  # the paper's notation *is* this entry
        if clash.entries.get(paper) == entry.key:
            return clash
    for clash in clashes:  # the entry is the clash's glyph
        if clash_key(clash)[1] in bares:
            return clash
    return None


@functools.lru_cache(maxsize=4096)
def paper_view(entry: Entry, paper: str, query_key: str | None = None) -> PaperView:
    """How ``paper`` writes ``entry`` and what it means there; ``query_key`` (the canonical LaTeX the
    reader typed) is preferred as the spelling when the paper lists it for this symbol."""
    exact, by_bare = _paper_rows(paper)
    keys, bares = entry_keys(entry)
    clashes = clashes_for(paper, entry.latex[0] if entry.latex else None, entry.key)
    governing = _governing(entry, paper, clashes)
    ckey, cbare = clash_key(governing) if governing else ("", "")
    row = None
    if query_key and query_key in exact and cs.bare(query_key) in bares | {cbare}:
        row = exact[query_key]
    row = row or next((exact[k] for k in keys if k in exact), None)
    if row is None and governing is not None:
        row = exact.get(ckey)
    row = row or next((by_bare[b] for b in sorted(bares) if b in by_bare), None)
    if row is None and governing is not None:
        row = by_bare.get(cbare)
    meaning = row.meaning if row else (governing.papers.get(paper) if governing else None)
    if governing is not None:
        torch, example = governing.torch.get(paper, ""), governing.example.get(paper, "")
    else:
        torch, example = entry.torch, entry.example
    target = governing.entries.get(paper) if governing else None
    used = [row.key, row.bare] if row else [k for k in keys if len(k) > 1]
    ordered = tuple(sorted(clashes, key=lambda c: c is not governing))
    return PaperView(
        paper=paper, name=cs.papers().get(paper, paper), written=row.latex if row else "", meaning=meaning,
        torch=torch, example=example, specific=governing is not None,
        means_entry=target if target and target != entry.key else None,
        renamed=row is not None and row.bare not in bares,
        equations=tuple(cs.equations_using(used, paper)), clashes=tuple(ordered), clash=governing,
    )


@dataclass(frozen=True)
class Use:
    paper: str
    meaning: str
    equations: tuple[str, ...]


@dataclass(frozen=True)
class Form:
    """One way the catalog papers write a letter (α_t, ᾱ_t, α_{t−1}), and what each paper means by it."""

    latex: str
    uses: tuple[Use, ...]


@functools.lru_cache(maxsize=1024)
def catalog_forms(entry: Entry, paper: str | None = None) -> tuple[Form, ...]:
    """Every spelling of the entry's letter in the catalog's symbol rows — with indices and accents,
    so α's forms are α_t, ᾱ_t, α_{t−1}, α_{τ_i} — in the catalog's order, each with its meaning in
    each paper (the first row's) and the equations that list it; only ``paper``'s when given."""
    keys, _ = entry_keys(entry)
    letters = {cs.base(k) for k in keys}
    grouped: dict[str, dict[str, list]] = {}
    latex_of: dict[str, str] = {}
    for row in cs.rows():
        if (paper and row.paper != paper) or cs.base(row.key) not in letters:
            continue
        latex_of.setdefault(row.key, row.latex)
        use = grouped.setdefault(row.key, {}).setdefault(row.paper, [row.meaning, []])
        use[1].append(row.equation)
    return tuple(Form(latex_of[k], tuple(Use(p, m, tuple(dict.fromkeys(eqs))) for p, (m, eqs) in uses.items()))
                 for k, uses in grouped.items())
