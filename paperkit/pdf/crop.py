"""A catalog equation as the paper prints it: the PDF's own picture of the display, cut out.

The equation screen shows this beside its own renderings when the paper's PDF is on this machine:
the numbered displays of the PDF are found (``find_equations``, without rebuilding their LaTeX),
linked to the catalog by their printed number, and the one asked for is rendered at a zoom that
gives crisp glyphs, its label left out (the screen names the equation already). Imports pymupdf
(≈ 1 s): call it from a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ZOOM = 5.0  # 360 dpi: the glyphs stay sharp when a terminal with Kitty/Sixel graphics enlarges them
MARGIN = 3.0  # points of white around the display


@dataclass(frozen=True)
class EquationCrop:
    """The PNG of one display equation, with where it came from."""

    png: bytes
    page: int
    label: str
    path: str


def equation_crop(pdf: str | Path, equation_id: str, paper_id: str) -> EquationCrop | None:
    """The display of catalog equation ``equation_id`` in ``pdf`` (a PDF of ``paper_id``), or None
    when the PDF does not print it as a numbered display (algorithms, unnumbered lines).
    Raises ``PdfError`` for a file that is not a readable PDF."""
    path = Path(pdf).expanduser().resolve()
    stat = path.stat()
    return _crop(str(path), stat.st_mtime_ns, stat.st_size, equation_id, paper_id)


@lru_cache(maxsize=32)
def _crop(path: str, _mtime: int, _size: int, equation_id: str, paper_id: str) -> EquationCrop | None:
    from .document import open_pdf
    from .index import find_equations

    with open_pdf(path) as doc:
        report = find_equations(doc, latex=False, paper_id=paper_id)
        found = next((eq for eq in report.equations if eq.catalog_id == equation_id), None)
        if found is None:
            return None
        x0, y0, x1, y1 = found.bbox
        label_x0 = found.label_bbox[0]
        right = x1 + MARGIN
        if label_x0 > x0:  # the label sits at the right edge: leave it out, its "(" included
            right = min(right, label_x0 - 0.5)
        clip = (x0 - MARGIN, y0 - MARGIN, right, y1 + MARGIN)
        png = trim(doc.render_png(found.page, ZOOM, clip), int(MARGIN * ZOOM))
        return EquationCrop(png, found.page, found.label, path)


def trim(png: bytes, margin: int) -> bytes:
    """The picture cut to its ink (the white between a display and its label goes), with
    ``margin`` pixels of white kept around it."""
    import io

    from PIL import Image, ImageOps

    image = Image.open(io.BytesIO(png)).convert("RGB")
    box = ImageOps.invert(image.convert("L")).point(lambda v: 255 if v > 24 else 0).getbbox()
    if box is None:
        return png
    x0, y0, x1, y1 = box
    image = image.crop((max(x0 - margin, 0), max(y0 - margin, 0), min(x1 + margin, image.width), min(y1 + margin, image.height)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
