"""A numbered equation of any PDF explained from the paper itself: each of its symbols with the
paper's own definition, or — only where the paper gives none — the glossary's generic meaning,
marked as such (issue 14, item 4). The CLI (``paperkit pdf FILE --equations``) and the app's
equation panel both read it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

ACCENTED = re.compile(r"\\(?:hat|tilde|bar|dot|ddot|check|breve|vec)\{(.+)\}")
CLAUSE = re.compile(r"[;:]\s")


class Explained(NamedTuple):
    """One symbol of an equation: its LaTeX and Unicode, what it means, where the paper says so, and
    whose meaning it is (``source``: "paper", "glossary" or "none")."""

    latex: str
    text: str
    meaning: str | None
    page: int | None
    source: str
    redefined: bool = False

    def to_json(self) -> dict:
        return {"latex": self.latex, "text": self.text, "meaning": self.meaning, "page": self.page,
                "source": self.source, "redefined": self.redefined}


def glossary_entry(latex: str):
    """The glossary's entry for a symbol given as LaTeX (or one character), its indices (then its
    accent) dropped when the whole has none; the entry spelt exactly so first, never an APL glyph
    (APL's = is not the paper's). None when the glossary has no entry."""
    if not latex:
        return None
    try:
        from paperkit.glossary import glossary
        from paperkit.glossary.latex_keys import latex_key, strip_scripts

        g = glossary()
        key = latex_key(latex)
        bare = strip_scripts(key)
        inner = ACCENTED.fullmatch(bare)  # \hat{\mathbb{E}}: the accent's letter, when the whole has no entry
        for k in dict.fromkeys((latex, key, bare) + ((inner.group(1),) if inner else ())):
            ids = (g.by_char.get(k) if len(k) == 1 else None) or g.by_latex.get(k) or []
            entries = [g.entries[i] for i in ids if g.entries[i].category != "apl"]
            if entries:
                exact = [e for e in entries if e.latex and latex_key(e.latex[0]) == k]
                return (exact or entries)[0]
    except Exception:  # the glossary is a nicety here: never a reason to fail
        return None
    return None


def generic_meaning(latex: str, first_clause: bool = True) -> str | None:
    """The glossary's usual meaning of a symbol given as LaTeX — its first clause ("the gradient", not
    the whole explanation) unless ``first_clause`` is False — or None: an entry with no meanings (a
    plain Latin letter) says nothing."""
    entry = glossary_entry(latex)
    if entry is None or not entry.meanings:
        return None
    return CLAUSE.split(entry.meanings[0])[0] if first_clause else entry.meanings[0]


def explain_equation(notation, eq) -> list[Explained]:
    """Each symbol of ``eq`` (as the paper writes it: π_θ, θ_old) with the paper's definition, the
    glossary's meaning as a fallback, or nothing."""
    from .symbols import symbol_text

    out = []
    for latex, entry in notation.for_equation(eq):
        definition = entry.definition if entry is not None else None
        if definition is not None:
            out.append(Explained(latex, symbol_text(latex), definition.phrase, definition.place.page, "paper",
                                 entry.redefined))
            continue
        generic = generic_meaning(latex)
        out.append(Explained(latex, symbol_text(latex), generic, None, "glossary" if generic else "none"))
    return out
