"""A paper's notation and cross-references in one pass over its pages: ``read_notation(doc)``.

Each page is laid out once, its numbered equations found, its paragraphs joined (the text the
reader shows); the symbol reader (``symbols.SymbolReader``) and the cross-reference reader
(``paperkit.pdf.xref.XrefReader``) each take the page and keep only what they need, so memory stays
flat however long the PDF. Both finish once the last page is read: definitions are attached to
symbols, and mentions resolved to targets that may come later (the bibliography).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from ..model import DetectedEquation
from ..xref.model import Mention
from .model import PaperSymbol


@dataclass
class Notation:
    """Everything ``read_notation`` found: the paper's symbols, its cross-references, its equations."""

    symbols: list[PaperSymbol]
    mentions: list[Mention]
    equations: list[DetectedEquation] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_latex = {s.latex: s for s in self.symbols}
        self._places: dict[tuple[int, int], list[tuple[int, int, object]]] = {}
        for s in self.symbols:
            for use in s.uses:
                if use.equation is None:
                    p = use.place
                    self._places.setdefault((p.page, p.para), []).append((p.start, p.end, s))
        for m in self.mentions:
            p = m.place
            self._places.setdefault((p.page, p.para), []).append((p.start, p.end, m))
        for items in self._places.values():
            items.sort(key=lambda item: (item[0], -item[1]))

    def symbol(self, latex: str) -> PaperSymbol | None:
        return self._by_latex.get(latex)

    def places(self, page: int, para: int) -> list[tuple[int, int, object]]:
        """(start, end, item) of every symbol use and mention in a paragraph, left to right."""
        return list(self._places.get((page, para), []))

    def for_equation(self, eq: DetectedEquation) -> list[tuple[str, PaperSymbol | None]]:
        """Each symbol of a numbered equation — its identifiers as the paper writes them (π_θ, θ_old,
        Â_t, L^{CPI}; not the letters of a name such as CPI) — once each, in order, with the paper's
        own entry for it (None: the paper does not use it elsewhere; an entry without a definition:
        the caller may fall back to the glossary and say so)."""
        from .atoms import identifiers

        out, seen = [], set()
        for ident in identifiers(eq.latex or ""):
            if ident.latex not in seen:
                seen.add(ident.latex)
                out.append((ident.latex, self._by_latex.get(ident.latex)))
        return out


class NotationPass:
    """The per-page half of ``read_notation``, for a caller that walks the pages itself (the full
    index of ``paperkit.pdf.index.index_document`` reads text, equations and notation in one pass)."""

    def __init__(self, doc) -> None:
        from ..xref import XrefReader
        from .symbols import SymbolReader

        self.doc = doc
        self.symbols = SymbolReader(doc)
        self.xrefs = XrefReader(doc)
        self.equations: list[DetectedEquation] = []

    def add_page(self, number: int, equations: list[DetectedEquation]) -> None:
        doc = self.doc
        self.equations.extend(equations)
        paragraphs = doc.paragraphs(number, equations)
        layout = doc.layout(number)
        self.symbols.add_page(number, paragraphs, equations, layout)
        self.xrefs.add_page(number, paragraphs, equations, layout)

    def finish(self) -> Notation:
        return Notation(self.symbols.finish(), self.xrefs.finish(), self.equations)


def read_notation(doc, progress: Callable[[int, int], None] | None = None, cancel: Callable[[], bool] | None = None,
                  equations: Callable[[int], list[DetectedEquation]] | None = None, lock=None) -> Notation:
    """The paper's symbols (with definitions and uses) and cross-references (with targets), from the
    PDF alone. ``progress(page, pages)`` is called after each page; ``cancel()`` returning True stops
    early with what was read so far; ``equations(page)`` gives a page's numbered equations when the
    caller has them already (the reader does), else they are found here. ``lock``, when given, is
    held for one page's work at a time (never during ``progress``): the reader's other workers wait
    for one page at most."""
    from ..index import page_equations

    guard = lock if lock is not None else nullcontext()
    with guard:
        reader = NotationPass(doc)
    pages = doc.page_count
    for number in range(1, pages + 1):
        if cancel is not None and cancel():
            break
        with guard:
            found = equations(number) if equations is not None else page_equations(doc, number)
            reader.add_page(number, found)
        if progress is not None:
            progress(number, pages)
    with guard:
        return reader.finish()
