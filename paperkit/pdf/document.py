"""Open a PDF, from a path or from bytes, and read it page by page.

``open_pdf`` checks the input before pymupdf sees it, so a missing, empty, non-PDF, truncated or
encrypted file gives one clear ``PdfError`` (a ``UserError``) rather than a MuPDF traceback. Pages
are read lazily: opening a 1,000-page PDF reads only its cross-reference table, and a page's
rawdict is kept for the few most recently used pages only.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from functools import cached_property
from pathlib import Path

from ..errors import UserError
from . import extract
from .paths import pdf_path_problem

PAGE_CACHE = 8  # rawdicts kept: enough for the reader's neighbourhood, bounded for huge files


class PdfError(UserError):
    """The PDF cannot be read: the message names the file and says why, on one line."""


def _pymupdf():
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)  # MuPDF's own stderr chatter; we report errors ourselves
    pymupdf.TOOLS.mupdf_display_warnings(False)
    return pymupdf


def _check_bytes(data: bytes, name: str) -> None:
    if not data:
        raise PdfError(f"{name} is empty (0 bytes)")
    head = data[:1024]
    if b"%PDF-" not in head:
        shown = ascii(head[:16].decode("latin-1"))
        raise PdfError(f"{name} is not a PDF: it starts with {shown}, not '%PDF-'")
    if b"%%EOF" not in data[-2048:]:
        raise PdfError(f"{name} is truncated: it has no end-of-file marker (download it again)")


def open_pdf(source: str | os.PathLike | bytes, name: str | None = None) -> "PaperDocument":
    """Open a PDF from a path or bytes; every failure is a one-line ``PdfError``."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = name or "the PDF"
        path = None
    else:
        path = Path(source).expanduser()
        name = name or str(source)
        problem = pdf_path_problem(path, name)  # missing, a folder (its PDFs named), not a regular file
        if problem:
            raise PdfError(problem)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise PdfError(f"cannot read {name}: {exc.strerror or exc}") from None
    _check_bytes(data, name)
    pymupdf = _pymupdf()
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # pymupdf raises several types for damaged files
        raise PdfError(f"{name} is damaged and cannot be opened ({_reason(exc)})") from None
    if doc.needs_pass:
        doc.close()
        raise PdfError(f"{name} is encrypted with a password; paperkit cannot read it")
    try:
        count = doc.page_count
    except Exception as exc:
        raise PdfError(f"{name} is damaged: {_reason(exc)}") from None
    if count == 0:
        raise PdfError(f"{name} has no pages")
    return PaperDocument(doc, data, name, path)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


class PaperDocument:
    """An open PDF. Page numbers in this API are 1-based, as readers say them."""

    def __init__(self, doc, data: bytes, name: str, path: Path | None):
        self._doc = doc
        self._data = data
        self.name = name
        self.path = path
        self._raw: OrderedDict[int, dict] = OrderedDict()
        self._layouts: OrderedDict[int, object] = OrderedDict()
        self._margins: dict[int, list[str]] = {}  # texts in each laid-out page's margin zones
        self._running: frozenset[str] | None = None
        self._row_texts: dict[int, list[str]] = {}  # each laid-out page's rows, for the vocabulary
        self._vocabulary = None  # (the pages counted, reflow.Vocabulary)
        # pages laid out only to find the running heads, kept (at most 8) until they are asked for,
        # so a pass over every page does not read them twice
        self._pinned: dict[int, tuple[dict, object]] = {}

    # -- basic facts ---------------------------------------------------------------------------
    @property
    def page_count(self) -> int:
        return self._doc.page_count

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self._data).hexdigest()

    @cached_property
    def metadata(self) -> dict:
        """Title, author, subject, keywords, creator, producer, dates: blank fields left out."""
        meta = self._doc.metadata or {}
        out = {k: v.strip() for k, v in meta.items() if isinstance(v, str) and v.strip()}
        out["pages"] = self.page_count
        return out

    def close(self) -> None:
        self._doc.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- pages ---------------------------------------------------------------------------------
    def _check_page(self, number: int) -> int:
        if not isinstance(number, int) or not 1 <= number <= self.page_count:
            raise PdfError(f"{self.name} has pages 1–{self.page_count}; there is no page {number}")
        return number - 1

    def page(self, number: int):
        """The pymupdf page (1-based number)."""
        index = self._check_page(number)
        try:
            return self._doc.load_page(index)
        except Exception as exc:
            raise PdfError(f"{self.name}: page {number} is damaged ({_reason(exc)})") from None

    def page_size(self, number: int) -> tuple[float, float]:
        rect = self.page(number).rect
        return rect.width, rect.height

    def rawdict(self, number: int) -> dict:
        """The page's rawdict, kept for the most recently used ``PAGE_CACHE`` pages."""
        if number in self._raw:
            self._raw.move_to_end(number)
            return self._raw[number]
        if number in self._pinned:
            self._unpin(number)
            return self._raw[number]
        page = self.page(number)
        try:
            raw = extract.read_rawdict(page)
        except Exception as exc:
            raise PdfError(f"{self.name}: the text of page {number} cannot be read ({_reason(exc)})") from None
        self._raw[number] = raw
        while len(self._raw) > PAGE_CACHE:
            self._raw.popitem(last=False)
        return raw

    def drawings(self, number: int) -> list[dict]:
        """The page's vector paths, as boxes (``extract.vector_paths``), from the rawdict already read:
        the equations' rules and an inline overline (R̄M̄S̄) without reading the page again."""
        return extract.vector_paths(self.rawdict(number))

    def layout(self, number: int):
        """The page's ``PageLayout``: columns, rows in reading order, running text left out."""
        from .layout import analyse_page

        if number in self._layouts:
            self._layouts.move_to_end(number)
            return self._layouts[number]
        if number in self._pinned:
            self._unpin(number)
            return self._layouts[number]
        width, height = self.page_size(number)
        result = analyse_page(self.rawdict(number), width, height, self.annotation_notes(number))
        self._margins[number] = result.margin_texts
        self._row_texts[number] = [row.text for row in result.rows if not row.margin]
        self._layouts[number] = result
        while len(self._layouts) > PAGE_CACHE:
            self._layouts.popitem(last=False)
        return result

    def _unpin(self, number: int) -> None:
        raw, layout = self._pinned.pop(number)
        self._raw[number] = raw
        self._layouts[number] = layout
        while len(self._raw) > PAGE_CACHE:
            self._raw.popitem(last=False)
        while len(self._layouts) > PAGE_CACHE:
            self._layouts.popitem(last=False)

    def annotation_notes(self, number: int) -> list[tuple[tuple[float, float, float, float], str]]:
        """(box, text) of a reader's text annotations on the page (FreeText notes): pymupdf extracts
        their text with the page's, but it is not the paper's. A note's box may cover the paper's
        own lines (ppo.pdf page 2): only lines of the note's text are left out."""
        page = self.page(number)
        try:
            return [(tuple(a.rect), (a.info or {}).get("content", "") or "") for a in page.annots()
                    if a.type[1] in ("FreeText", "Text", "Stamp")]
        except Exception:
            return []

    def annotation_boxes(self, number: int) -> list[tuple[float, float, float, float]]:
        """Boxes of a reader's text annotations on the page (FreeText notes): pymupdf extracts their
        text with the page's, but they are not the paper's text."""
        page = self.page(number)
        try:
            return [tuple(a.rect) for a in page.annots() if a.type[1] in ("FreeText", "Text", "Stamp")]
        except Exception:
            return []

    @property
    def running_texts(self) -> frozenset[str]:
        """Headers and footers: margin texts (digits folded) that recur on the pages of a sample of
        at most 8, spread over the document. Pages already laid out are not read again."""
        if self._running is None:
            from .layout import running_key

            count = self.page_count
            k = min(count, 8)
            sample = sorted({1 + round(i * (count - 1) / (k - 1)) for i in range(k)}) if k > 1 else [1]
            seen: dict[str, int] = {}
            for number in sample:
                if number not in self._margins:
                    self.layout(number)
                    if number in self._layouts and number in self._raw:
                        # out of the page caches, so these pages do not push out the ones in use
                        self._pinned[number] = (self._raw.pop(number), self._layouts.pop(number))
                for key in {running_key(t) for t in self._margins[number]}:
                    seen[key] = seen.get(key, 0) + 1
            need = 2 if len(sample) > 1 else 99
            self._running = frozenset(key for key, n in seen.items() if n >= need)
        return self._running

    def vocabulary(self):
        """The words of every page laid out so far (``reflow.Vocabulary``), for telling a line-end
        hyphen from a real one. Pages are not read for it: the reader lays out every page while it
        indexes, and a page's own words are there as soon as it is shown."""
        from .reflow import Vocabulary

        if self._vocabulary is None:
            self._vocabulary = (set(), Vocabulary())
        counted, vocabulary = self._vocabulary
        for number in self._row_texts.keys() - counted:
            vocabulary.add(self._row_texts[number])
            counted.add(number)
        return vocabulary

    def paragraphs(self, number: int, equations=()) -> list:
        """Page ``number`` as paragraphs (``reflow.Paragraph``): the PDF's lines joined again, words
        broken at a line's end mended, running heads left out, ``equations``' rows kept as printed."""
        from .reflow import paragraphs

        layout = self.layout(number)
        return paragraphs(layout, self.running_texts, equations, self.vocabulary())

    def text(self, number: int) -> str:
        """Page text in reading order: columns one after the other, no headers, footers or line numbers."""
        layout = self.layout(number)
        return layout.text(self.running_texts)

    def render_png(self, number: int, zoom: float = 2.0, clip=None) -> bytes:
        """The page, or the ``clip`` box (x0, y0, x1, y1) of it, as PNG bytes at ``zoom``× (72 dpi × zoom)."""
        if not 0.1 <= zoom <= 16:
            raise PdfError(f"zoom {zoom} is out of range (0.1 to 16)")
        page = self.page(number)
        pymupdf = _pymupdf()
        try:
            rect = pymupdf.Rect(clip) & page.rect if clip is not None else None
            if rect is not None and rect.is_empty:
                raise PdfError(f"the clip {tuple(clip)} lies outside page {number}")
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=rect, alpha=False)
            return pix.tobytes("png")
        except PdfError:
            raise
        except Exception as exc:
            raise PdfError(f"{self.name}: page {number} cannot be rendered ({_reason(exc)})") from None

    def toc(self) -> list:
        try:
            return self._doc.get_toc(simple=True)
        except Exception:
            return []
