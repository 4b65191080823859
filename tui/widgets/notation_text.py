"""A paper's own notation in words, for the reader, its equations panel, the equation screen and the
glossary: what one symbol or cross-reference is ("θ  the parameters of the policy · defined p. 3"),
each symbol of a numbered equation with the paper's definition (the glossary's generic meaning only
as a marked fallback), and a search over the paper's symbols.

The data is ``paperkit.pdf.notation.Notation`` (``PaperSymbol``, ``Mention``), read from the PDF
alone; nothing here reads the PDF or imports pymupdf, and the glossary is loaded only when a fallback
is asked for (≈ 0.2 s once; the reader warms it in its worker).
"""

from __future__ import annotations

import re
import unicodedata

from paperkit.pdf.notation.explain import generic_meaning  # the glossary as a fallback (shared with the CLI)
from paperkit.pdf.xref.targets import one_line
from paperkit.render import to_unicode  # plain Python: pylatexenc

BOLD = re.compile(r"\\(?:boldsymbol|mathbf|bm)\{([^{}]*)\}")
KIND_WORDS = {"equation": "equation", "algorithm": "algorithm", "table": "table", "figure": "figure",
              "section": "section", "citation": "reference"}


def is_mention(item) -> bool:
    """A ``Mention`` (it has a target, maybe None) rather than a ``PaperSymbol``."""
    return hasattr(item, "target")


def pages_text(pages) -> str:
    """"p. 3", "pp. 3, 4, 7", runs shortened: "pp. 3–6, 9"."""
    numbers = sorted(set(pages))
    if not numbers:
        return ""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs]
    return ("p. " if len(numbers) == 1 else "pp. ") + ", ".join(parts)


def symbol_text(symbol) -> str:
    """How the symbol reads: the engine's Unicode, else its LaTeX rendered."""
    return symbol.text or to_unicode(symbol.latex) or symbol.latex


def symbol_head(symbol) -> str:
    """"θ  the parameters of the policy", or "θ  not defined in this PDF"."""
    definition = symbol.definition
    what = one_line(definition.phrase, 120) if definition is not None else "not defined in this PDF"
    return f"{symbol_text(symbol)}  {what}"


def symbol_details(symbol) -> str:
    """"defined p. 3 · used on pp. 3, 4, 7 · equations (1), (6) · redefined p. 9: “…”"."""
    parts = []
    if symbol.definition is not None:
        parts.append(f"defined p. {symbol.definition.place.page}")
    pages = symbol.pages
    if pages:
        parts.append(f"used on {pages_text(pages)}")
    if symbol.equations:
        parts.append("equations " + ", ".join(f"({label})" for label in symbol.equations))
    if symbol.redefined and len(symbol.definitions) > 1:
        later = symbol.definitions[1]
        parts.append(f"redefined p. {later.place.page}: “{one_line(later.phrase, 60)}”")
    return " · ".join(parts)


def target_summary(target) -> str:
    """What a target is, on one line: an equation's formula, a caption, a heading, a reference."""
    if target.kind == "equation":
        return one_line(to_unicode(target.text) if target.text else f"({target.label})", 160)
    return one_line(target.text, 160) or f"{KIND_WORDS.get(target.kind, target.kind)} {target.label}"


def mention_head(mention) -> str:
    """"Eq. (6) → page 4: L^CLIP(θ) = …", "[23] → page 11: Ho, J. …", or "… not found in this PDF"."""
    target = mention.target
    if target is None:
        return f"{mention.text} → not found in this PDF"
    summary = target_summary(target)
    if summary.startswith(mention.text + " "):  # "[KL02] → page 9: S. Kakade …", not "[KL02] [KL02] S. …"
        summary = summary[len(mention.text) + 1:]
    return f"{mention.text} → page {target.page}: {summary}"


def mention_details(mention) -> str:
    target = mention.target
    if target is None:
        return f"no {KIND_WORDS.get(mention.kind, mention.kind)} “{mention.label}” was found in this PDF"
    return f"{KIND_WORDS.get(target.kind, target.kind)} {target.label} · page {target.page}"


def item_lines(item) -> tuple[str, str]:
    """(head, details) of a symbol or a mention."""
    if is_mention(item):
        return mention_head(item), mention_details(item)
    return symbol_head(item), symbol_details(item)


def item_place(item):
    """Where Enter on the item goes: a mention's ``Target``, a symbol's definition ``Place``, or None."""
    if is_mention(item):
        return item.target
    definition = item.definition
    return definition.place if definition is not None else None


def _same_equation(notation, eq):
    """The notation's own copy of the reader's equation (same page and label), else ``eq``."""
    for other in getattr(notation, "equations", None) or ():
        if other.page == eq.page and other.label == eq.label:
            return other
    return eq


def equation_entries(notation, eq) -> list[tuple[str, object | None]]:
    """(LaTeX, PaperSymbol or None) for each symbol of ``eq`` as the paper writes it (π_θ, θ_old);
    without the paper's notation, the equation's own symbols with no entry."""
    if notation is None:
        return [(s.latex or s.char, None) for s in eq.symbols]
    try:
        return list(notation.for_equation(_same_equation(notation, eq)))
    except Exception:
        return [(s.latex, notation.symbol(s.latex)) for s in eq.symbols]


def equation_symbol_lines(notation, eq) -> list[tuple[str, str, str]]:
    """(symbol, meaning, source) for each symbol of ``eq``: source "paper" with "(p. N)" in the
    meaning, "glossary" for the generic meaning, or "none" ("—")."""
    from paperkit.pdf.notation.symbols import symbol_text

    if notation is None:
        return [(symbol_text(latex), "—", "none") for latex, _ in equation_entries(None, eq)]
    out = []
    for latex, entry in equation_entries(notation, eq):
        text = symbol_text(latex)
        shown = text + (f" {latex}" if latex != text else "")
        if entry is not None and entry.definition is not None:
            out.append((shown, definition_text(entry), "paper"))
            continue
        generic = generic_meaning(latex)
        out.append((shown, one_line(generic, 100), "glossary") if generic else (shown, "—", "none"))
    return out


def _unbold(key: str) -> str:
    """``\\boldsymbol{\\epsilon}_{\\theta}`` → ``\\epsilon_{\\theta}``: a PDF sets vectors bold where the
    catalog's LaTeX may not (CFG prints 𝐳_λ, the catalog writes z_\\lambda)."""
    return BOLD.sub(r"\1", key)


def paper_entry_for(notation, detected, canonical: str | None, latex: str = ""):
    """The paper's symbol for a catalog row (``canonical``: its symbol's canonical LaTeX), looked for
    among the symbols of ``detected`` (the PDF's equation) first, then the whole paper: the same
    LaTeX, else the same but for bold type; within the equation, the symbol without its indices
    last. Only a symbol the paper defines; None when there is none."""
    if notation is None:
        return None
    from paperkit.glossary.latex_keys import latex_key, strip_scripts

    wanted = {k for k in (canonical, latex_key(canonical) if canonical else None, latex_key(latex) if latex else None) if k}
    if not wanted:
        return None
    in_equation = [entry for _, entry in (equation_entries(notation, detected) if detected is not None else []) if entry]
    defined = [entry for entry in in_equation + list(notation.symbols) if entry.definition is not None]
    loose = {_unbold(k) for k in wanted}
    for same in (lambda key: key in wanted, lambda key: _unbold(key) in loose):
        for entry in defined:
            if same(latex_key(entry.latex)):
                return entry
    bases = {strip_scripts(k) for k in loose}
    for entry in in_equation:
        if entry.definition is not None and strip_scripts(_unbold(latex_key(entry.latex))) in bases:
            return entry
    return None


def definition_text(entry) -> str:
    """"the log signal-to-noise ratio (p. 2)", and a redefinition: " · redefined p. 5: guidance strength"."""
    first = entry.definition
    text = f"{one_line(first.phrase, 120)} (p. {first.place.page})"
    if entry.redefined and len(entry.definitions) > 1:
        later = entry.definitions[1]
        text += f" · redefined p. {later.place.page}: {one_line(later.phrase, 80)}"
    return text


# -- searching the paper's symbols --------------------------------------------------------------
def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


def search_symbols(notation, query: str, limit: int = 50) -> list[tuple[object, float, str]]:
    """(PaperSymbol, score, matched) for ``query`` against each symbol's text, LaTeX and definitions;
    an empty query lists every symbol, defined ones first, in page order."""
    symbols = list(getattr(notation, "symbols", None) or ())
    q = _fold(query.strip())
    if not q:
        ordered = sorted(symbols, key=lambda s: (s.definition is None, s.page or 0))
        return [(s, 1.0, "all") for s in ordered[:limit]]
    bare = q.lstrip("\\")
    found = []
    for s in symbols:
        text, latex = _fold(symbol_text(s)), _fold(s.latex)
        words = " ".join(_fold(d.phrase) for d in s.definitions)
        if q in (text, latex) or bare == latex.lstrip("\\"):
            score, how = 1.0, "symbol"
        elif text.startswith(q) or latex.startswith(q) or latex.lstrip("\\").startswith(bare):
            score, how = 0.9, "symbol"
        elif q in text or (len(bare) > 1 and bare in latex):
            score, how = 0.8, "symbol"
        elif words and q in words:
            score, how = 0.7 if f" {q}" in f" {words}" else 0.6, "definition"
        else:
            continue
        if s.definition is None:
            score -= 0.05  # the paper's defined symbols first
        found.append((s, score, how))
    found.sort(key=lambda f: (-f[1], f[0].page or 0))
    return found[:limit]
