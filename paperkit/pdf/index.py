"""Full indexing of an open PDF: numbered equations with their LaTeX and symbols, linked to the catalog.

Each page is read once (its rawdict, kept by the document), laid out, searched for labels; only the
glyphs inside an equation's box become ``Glyph`` objects for the LaTeX reconstruction.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import extract
from .document import PaperDocument, PdfError, _reason
from .equations import find_on_page
from .model import DetectedEquation


def page_equations(doc: PaperDocument, number: int, latex: bool = True) -> list[DetectedEquation]:
    """The numbered display equations of one page (1-based), with LaTeX and symbols when ``latex``."""
    layout = doc.layout(number)
    # read once, and only for pages with a label candidate
    drawings = functools.cache(lambda: doc.drawings(number))
    long_rules = functools.cache(lambda: extract.horizontal_rules(drawings()))

    try:
        found = find_on_page(layout, number, long_rules)
        if latex and found:
            from .glyph_latex import math_symbols, to_latex

            raw = doc.rawdict(number)
            notes = doc.annotation_boxes(number)  # a reader's notes over an equation are not part of it
            for eq in found:
                neighbours = [e for e in found if e is not eq and extract.overlaps(e.bbox, eq.bbox)]
                x0, y0, x1, y1 = eq.bbox
                box = (x0 - 1.0, y0, x1 + 1.0, y1)  # a zero-width \vec sits just outside the row's box
                others = _other_rows(layout, eq, box)  # prose a tall bracket's box reaches into
                glyphs = [g for g in extract.glyphs_in(raw, box)
                          if not extract.contains_center(eq.label_bbox, g.bbox)
                          and not (notes and any(extract.contains_center(n, g.bbox) for n in notes))
                          and not (others and any(extract.contains_center(o, g.bbox) for o in others))
                          and (not neighbours or _nearest(neighbours, eq, g) is eq)]
                eq.latex = to_latex(glyphs, extract.rules_in(drawings(), box))
                eq.symbols = math_symbols(glyphs)
    except PdfError:
        raise
    except Exception as exc:  # a malformed page must not take the whole document down
        raise PdfError(f"{doc.name}: page {number} could not be analysed ({_reason(exc)})") from None
    return found


def _other_rows(layout, eq: DetectedEquation, box) -> list:
    """The core boxes (CMEX glyphs left out) of the page's rows that overlap the display's box but are
    not its rows: a line of prose under a display whose big bracket's font box reaches down to it."""
    if not eq.rows:
        return []
    own = set(eq.rows)
    out = []
    for row in layout.rows:
        if row.bbox in own or not extract.overlaps(row.bbox, box):
            continue
        out.append((row.bbox[0], min(l.top for l in row.lines), row.bbox[2], max(l.bottom for l in row.lines)))
    return out


def _nearest(neighbours: list[DetectedEquation], eq: DetectedEquation, glyph) -> DetectedEquation:
    """Where the boxes of two lines of one derivation overlap, a glyph belongs to the line whose
    label is nearer vertically (labels sit on their line's axis)."""
    cy = (glyph.bbox[1] + glyph.bbox[3]) / 2
    owners = [eq] + [e for e in neighbours if extract.contains_center(e.bbox, glyph.bbox)]
    if len(owners) == 1:
        return eq
    return min(owners, key=lambda e: abs(cy - (e.label_bbox[1] + e.label_bbox[3]) / 2))


def iter_equations(doc: PaperDocument, latex: bool = True) -> Iterator[DetectedEquation]:
    for number in range(1, doc.page_count + 1):
        yield from page_equations(doc, number, latex=latex)


@dataclass
class EquationReport:
    equations: list[DetectedEquation]
    paper_id: str | None
    missing: list[str] = field(default_factory=list)  # catalog ids with a printed number not found


def find_equations(doc: PaperDocument, latex: bool = True, paper_id: str | None = None) -> EquationReport:
    """Every numbered equation, linked to the catalog when the paper is known (identified if not given)."""
    from .identify import identify

    equations = list(iter_equations(doc, latex=latex))
    if paper_id is None:
        found = identify(doc)
        paper_id = found.paper_id if found else None
    report = EquationReport(equations, paper_id)
    if paper_id:
        link_to_catalog(report)
    return report


def link_to_catalog(report: EquationReport) -> None:
    from ..catalog.store import load_catalog

    paper = load_catalog().paper(report.paper_id)
    by_number = {eq.number: eq.id for eq in paper.equations}
    seen = set()
    for eq in report.equations:
        eq.catalog_id = by_number.get(eq.label)
        if eq.catalog_id:
            seen.add(eq.catalog_id)
    report.missing = [eq.id for eq in paper.equations if _printed(eq.number) and eq.id not in seen]


def _printed(number: str) -> bool:
    """A catalog number that the PDF prints as a label ("12", "3.1"), not "Algorithm 2, line 4"."""
    from .equations import LABEL

    return bool(LABEL.fullmatch(f"({number})"))


@dataclass
class DocumentIndex:
    """Everything the reader needs from a PDF, computed in one pass over its pages."""

    pages: list[str]  # reading-order text, page 1 first
    equations: list[DetectedEquation]
    notation: object | None = None  # paperkit.pdf.notation.Notation: symbols, definitions, cross-references


def index_document(doc: PaperDocument, notation: bool = True) -> DocumentIndex:
    """Text, numbered equations, their LaTeX and symbols, and (with ``notation``) the paper's own
    symbol definitions and cross-references, for every page: each page is read once, and the
    running heads are found from all pages' margins once the pass is done."""
    from .layout import join_rows

    reader = None
    if notation:
        from .notation.index import NotationPass

        reader = NotationPass(doc)
    rows, equations = [], []
    for number in range(1, doc.page_count + 1):
        layout = doc.layout(number)
        rows.append((layout.text_rows(), layout.body_size))
        found = page_equations(doc, number)
        equations.extend(found)
        if reader is not None:
            reader.add_page(number, found)
    running = doc.running_texts
    return DocumentIndex([join_rows(r, running, size) for r, size in rows], equations,
                         reader.finish() if reader is not None else None)
