"""Plain data the PDF engine hands to the CLI, the app and the glossary: no pymupdf objects leak out.

Coordinates are PDF points in pymupdf's page space: origin at the top left, y growing downwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


class Glyph(NamedTuple):
    """One character as rawdict gives it: the text, its font, size, baseline origin and box. A named
    tuple: an engine pass makes tens of thousands, and a frozen dataclass costs three times as much
    to make."""

    char: str
    font: str
    size: float
    origin: tuple[float, float]
    bbox: Box
    flags: int = 0  # pymupdf span flags: 1 superscript, 2 italic, 4 serif, 8 mono, 16 bold


@dataclass(frozen=True)
class Rule:
    """A straight vector stroke or thin filled rectangle: fraction bars, radical vinculums, overlines."""

    bbox: Box

    @property
    def horizontal(self) -> bool:
        x0, y0, x1, y1 = self.bbox
        return (x1 - x0) > 3 * max(y1 - y0, 0.01)


@dataclass(frozen=True)
class MathSymbol:
    """One distinct symbol of an equation: the character, its LaTeX, and the font style it was set in."""

    char: str
    latex: str
    style: str  # "italic", "upright", "bold", "bold-italic", "calligraphic", "blackboard", "fraktur", "script"


@dataclass(frozen=True)
class TextLine:
    """A line of page text with its box, after headers, footers and line numbers are left out."""

    text: str
    bbox: Box
    column: int  # 0 for a spanning or one-column line, 1 left, 2 right


@dataclass(frozen=True)
class OutlineEntry:
    level: int
    title: str
    page: int  # 1-based
    source: str  # "bookmarks" or "headings"


@dataclass(frozen=True)
class SearchHit:
    page: int  # 1-based
    text: str  # the line that holds the match
    bbox: Box


@dataclass
class DetectedEquation:
    """A numbered display equation found on a page."""

    page: int  # 1-based
    label: str  # as printed, without parentheses: "12", "3.1", "A.2"
    bbox: Box  # the whole display, label included
    label_bbox: Box
    latex: str = ""
    symbols: list[MathSymbol] = field(default_factory=list)
    catalog_id: str | None = None
    rows: tuple[Box, ...] = ()  # the boxes of the page rows the display is made of (not in JSON)

    def to_json(self) -> dict:
        return {
            "page": self.page,
            "label": self.label,
            "bbox": [round(v, 2) for v in self.bbox],
            "latex": self.latex,
            "symbols": [{"char": s.char, "latex": s.latex, "style": s.style} for s in self.symbols],
            "catalog_id": self.catalog_id,
        }
