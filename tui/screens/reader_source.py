"""The reader's side of a PDF: ``paperkit.pdf`` behind one lock, plain data out. No Textual here.

pymupdf objects must not be used from two threads at once, and the reader has several workers
(open and index, turn a page, search, render an image). Every call below takes ``lock`` for one
page's worth of work at most, so turning a page never waits for the whole index. All of it runs in
thread workers: the first ``ReaderSource.open`` imports pymupdf (≈ 1 s).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Opened:
    """What the header shows once the file is open."""

    title: str
    paper: object | None  # the catalog Paper, when the PDF is one of them
    identified: object | None  # paperkit.pdf.identify.Identified, when it was identified (not given)
    sha256: str


@dataclass
class PageView:
    """One page, ready to show."""

    number: int
    paragraphs: list  # paperkit.pdf.reflow.Paragraph
    unknown: list[str]  # why each ⍰ in the text is there
    content_box: tuple | None  # (x0, y0, x1, y1) of the page's text, in points


class ReaderSource:
    """An open PDF for the reader, safe to use from its workers."""

    def __init__(self, doc, path: Path, paper_id: str | None):
        self.doc = doc
        self.path = path
        self.paper_id = paper_id
        self.lock = threading.RLock()
        self._equations: dict[int, list] = {}  # page -> DetectedEquation list, linked to the catalog

    @classmethod
    def open(cls, path: Path, paper_id: str | None = None) -> "ReaderSource":
        """Raises ``PdfError`` (a ``UserError``, one line) for a file that is not a readable PDF."""
        from paperkit.pdf.document import open_pdf  # imports pymupdf on first use: ≈ 1 s

        return cls(open_pdf(path), path, paper_id)

    @property
    def page_count(self) -> int:
        return self.doc.page_count

    def describe(self, log=None) -> Opened:
        """Identify the paper (unless its id was given), find its title and the file's hash."""
        from paperkit.catalog import load_catalog

        with self.lock:
            identified = None
            if self.paper_id is None:
                from paperkit.pdf.identify import identify

                try:
                    identified = identify(self.doc)
                except Exception as exc:  # identification is a nicety: never a reason to fail
                    if log:
                        log(f"identify failed: {exc!r}")
                self.paper_id = identified.paper_id if identified else None
            try:
                paper = load_catalog().paper(self.paper_id) if self.paper_id else None
            except Exception:  # a paper id the catalog does not know
                paper, self.paper_id = None, None
            return Opened(self._title(paper), paper, identified, self.doc.sha256)

    def _title(self, paper) -> str:
        if paper is not None:
            return paper.title
        title = self.doc.metadata.get("title", "")
        if not title:
            from paperkit.pdf.identify import title_candidates

            try:
                candidates = title_candidates(self.doc)
            except Exception:
                candidates = []
            title = candidates[-1] if candidates else ""
        title = " ".join(title.split())
        return title[:117] + "…" if len(title) > 120 else (title or self.path.name)

    def page_equations(self, number: int) -> list:
        """The page's numbered equations, with LaTeX and symbols, linked to the catalog (cached)."""
        with self.lock:
            if number not in self._equations:
                from paperkit.pdf.index import EquationReport, link_to_catalog, page_equations

                found = page_equations(self.doc, number)
                if self.paper_id and found:
                    link_to_catalog(EquationReport(found, self.paper_id))
                self._equations[number] = found
            return self._equations[number]

    def known_equations(self, number: int) -> list:
        """The page's equations if they were found already, else none (never reads the PDF)."""
        return self._equations.get(number, [])

    def page_view(self, number: int) -> "PageView":
        """What the reader shows of a page: its paragraphs (``paperkit.pdf.reflow.Paragraph``, the
        PDF's lines joined again, running heads left out, numbered equations' rows kept and tied to
        them), why any ⍰ is in them, and the box of its text (where a zoomed page image starts)."""
        from paperkit.pdf.layout import running_key

        with self.lock:
            paragraphs = self.doc.paragraphs(number, self.page_equations(number))
            layout = self.doc.layout(number)
            running = self.doc.running_texts
            boxes = [row.bbox for row in layout.rows if row.text and not (row.margin and running_key(row.text) in running)]
            box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                   max(b[3] for b in boxes)) if boxes else None
            return PageView(number, paragraphs, list(layout.unknown), box)

    def notation(self, progress=None, cancel=None):
        """The paper's notation (``paperkit.pdf.notation.Notation``): its symbols with their
        definitions and uses, and its cross-references with their targets. Read after the equation
        index, so every page's words are known and the paragraphs match those the reader shows, and
        with the equations found already (linked to the catalog).

        The lock is taken for one page at a time (``read_notation(lock=…)``), so a page turn or a search waits
        for one page at most; ``progress(page, pages)`` is called after each, without the lock.
        ``cancel()`` returning True stops it with what was read so far."""
        from paperkit.pdf.notation import read_notation

        return read_notation(self.doc, progress, cancel, equations=self.page_equations, lock=self.lock)

    def outline(self) -> list:
        from paperkit.pdf.outline import outline

        with self.lock:
            return outline(self.doc)

    def missing(self, equations: list) -> list[str]:
        """Catalog equations with a printed number that none of ``equations`` carries."""
        if not self.paper_id:
            return []
        from paperkit.pdf.index import EquationReport, link_to_catalog

        report = EquationReport(equations, self.paper_id)
        with self.lock:
            link_to_catalog(report)
        return report.missing

    def search_page(self, number: int, query: str, limit: int) -> list:
        from paperkit.pdf.search import search

        with self.lock:
            return search(self.doc, query, pages=range(number, number + 1), limit=limit)

    def render(self, number: int, zoom: float, clip=None) -> bytes:
        with self.lock:
            return self.doc.render_png(number, zoom=zoom, clip=clip)

    def close(self, timeout: float = 2.0) -> None:
        """Close the file, waiting at most ``timeout`` for a worker to finish its page."""
        if self.lock.acquire(timeout=timeout):
            try:
                self.doc.close()
            except Exception:
                pass
            finally:
                self.lock.release()
