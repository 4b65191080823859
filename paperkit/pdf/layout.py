"""Page layout from pymupdf's rawdict: columns, rows in reading order, running text left out.

The rules, in the order they apply:

1. Lines that are not horizontal (arXiv's vertical stamp) go to ``sidebar``, not the text.
2. Running headers and footers: lines in the top or bottom 9 % of the page (or its first or last
   line) that are a bare page number with nothing beside them, or whose text (digits ignored)
   recurs on other pages of the document.
   A reader's FreeText notes, which pymupdf extracts with the page text, are left out too.
3. Line numbers: short all-digit lines outside the text block's left or right edge, or in the gutter.
4. Columns: the page is two-column when a vertical gutter near the middle is crossed by few
   prose lines while enough prose lies on each side of it. Lines that cross it span both columns.
5. Reading order: spanning lines cut the page into bands; in each band the left column is read
   before the right one. Lines are grouped into rows by vertical overlap, rows ordered top down.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from .glyph_text import math_font_names, read_blocks
from .model import Box

MARGIN_ZONE = 0.09
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
PAGE_NUMBER = re.compile(r"^(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,6})(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|medi|cmbx|cmb\b|-bd|\.b$|bx\d", re.I)


# TeX sets an accent as a glyph of its own over the letter, which pymupdf reads before it:
# "Hyv¨arinen", "˜σ". Read together they are one character (ä) or a letter with its mark (σ̃).
_COMBINING = {"\xa8": "\u0308", "\xb4": "\u0301", "\u02c6": "\u0302", "\u02dc": "\u0303", "\u02c7": "\u030c",
              "\u02d8": "\u0306", "\xaf": "\u0304", "\u02da": "\u030a", "\u02d9": "\u0307", "\u02dd": "\u030b"}
SPACING_ACCENT = re.compile("[" + "".join(_COMBINING) + "](?=[^\\W\\d_])")


def combine_accents(text: str) -> str:
    """Spacing accents before a letter become that letter's combining mark: "Hyv¨arinen" → "Hyvärinen"."""
    import unicodedata

    combined = re.sub("([" + "".join(_COMBINING) + "])([^\\W\\d_])", lambda m: m.group(2) + _COMBINING[m.group(1)], text)
    return unicodedata.normalize("NFC", combined)


def running_key(text: str) -> str:
    """Text with digits and spacing folded, so 'Page 3' and 'Page 4' compare equal."""
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text)).strip().lower()


@dataclass
class Line:
    """One pymupdf line, with the facts layout and equation detection need."""

    text: str
    bbox: Box
    size: float  # the largest span size
    bold: bool  # most of its letters are set in a bold font
    spans: list  # the rawdict spans, for per-glyph work (labels, fonts)
    core: tuple[float, float] | None = None  # top and bottom without CMEX glyphs, when it has both kinds
    texts: list[str] | None = None  # each span's characters as rawdict gives them (or as read again)

    @property
    def top(self) -> float:
        return self.core[0] if self.core else self.bbox[1]

    @property
    def bottom(self) -> float:
        return self.core[1] if self.core else self.bbox[3]

    @property
    def x0(self) -> float:
        return self.bbox[0]

    @property
    def x1(self) -> float:
        return self.bbox[2]

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


@dataclass
class Row:
    """Lines of one column that overlap vertically: a text line, or a line of a display."""

    lines: list[Line]
    column: int  # 0 spanning or single column, 1 left, 2 right
    margin: bool = False  # every line lies in the top or bottom margin zone: maybe a running head

    @cached_property
    def bbox(self) -> Box:
        """The union of its lines' boxes (read once: rows are final when anyone asks)."""
        return (min(l.bbox[0] for l in self.lines), min(l.bbox[1] for l in self.lines),
                max(l.bbox[2] for l in self.lines), max(l.bbox[3] for l in self.lines))

    @cached_property
    def text(self) -> str:
        """The row's lines left to right, a space where they stand apart (read once: rows are final)."""
        parts, last = [], None
        for line in sorted(self.lines, key=lambda l: l.x0):
            if last is not None and line.x0 - last > 0.15 * line.size:
                parts.append(" ")
            parts.append(line.text)
            last = line.x1
        return "".join(parts).strip()


@dataclass
class PageLayout:
    width: float
    height: float
    columns: list[tuple[float, float]]  # one (x0, x1) per column, left to right
    gutter: float | None  # the x of the gutter on a two-column page
    rows: list[Row]  # reading order
    body_size: float  # the most common glyph size: the body text's
    sidebar: list[str] = field(default_factory=list)
    dropped: list[Line] = field(default_factory=list)  # page numbers, line numbers, a reader's notes
    unknown: list[str] = field(default_factory=list)  # why each ⍰ in the text is there (glyph_text)

    @property
    def two_column(self) -> bool:
        return self.gutter is not None

    def column_box(self, column: int) -> tuple[float, float]:
        if column == 0 or not self.two_column:
            return (min(c[0] for c in self.columns), max(c[1] for c in self.columns))
        return self.columns[column - 1]

    def text_rows(self) -> list[tuple[str, int, bool, float, float]]:
        """(text, column, in the margin zone, top, bottom) per row: all ``text`` needs, without the glyphs."""
        return [(row.text, row.column, row.margin, row.bbox[1], row.bbox[3]) for row in self.rows]

    @property
    def margin_texts(self) -> list[str]:
        return [row.text for row in self.rows if row.margin]

    def text(self, running: frozenset[str] = frozenset()) -> str:
        """Reading-order text; rows in the margin zone whose text is in ``running`` are left out."""
        return join_rows(self.text_rows(), running, self.body_size)


def join_rows(rows, running: frozenset[str], body_size: float) -> str:
    """Rows joined into text: a blank line between columns and where the vertical gap is large."""
    out: list[str] = []
    prev = None
    gap = 1.6 * body_size
    for text, column, margin, top, bottom in rows:
        if not text or (margin and running_key(text) in running):
            continue
        if prev is not None and (column != prev[0] or top - prev[1] > gap):
            out.append("")
        out.append(text)
        prev = (column, bottom)
    return "\n".join(out)


def _lines(raw: dict, unknown: list[str] | None = None) -> tuple[list[Line], list[str]]:
    """The page's horizontal lines, and the text of its vertical ones (``sidebar``). Glyphs the PDF
    does not name are read through the glyph tables (``glyph_text``); reasons for any left unknown
    go to ``unknown``."""
    lines: list[Line] = []
    sidebar: list[str] = []
    blocks = [block for block in raw["blocks"] if block.get("type", 0) == 0]
    maths = math_font_names()  # grows as fonts are met: one look-up per span
    all_texts: list[list[list[str]]] = []
    suspects: list[tuple[int, int, int]] = []  # spans set in a math font or holding U+FFFD
    for b, block in enumerate(blocks):
        block_texts = []
        for li, line in enumerate(block["lines"]):
            texts = []
            for si, span in enumerate(line["spans"]):
                t = "".join([ch["c"] for ch in span["chars"]])
                if span["font"] in maths or "\ufffd" in t:
                    suspects.append((b, li, si))
                texts.append(t)
            block_texts.append(texts)
        all_texts.append(block_texts)
    if suspects:
        reasons = read_blocks(blocks, all_texts, suspects)
        if unknown is not None:
            unknown.extend(reasons)
    for block, block_texts in zip(blocks, all_texts):
        for line, texts in zip(block["lines"], block_texts):
            spans = line["spans"]
            text = "".join(texts).strip().translate(LIGATURES)
            if SPACING_ACCENT.search(text):
                text = combine_accents(text)
            if not text:
                continue
            if abs(line["dir"][0]) < 0.99 or line["dir"][0] < 0:
                sidebar.append(text)
                continue
            letters = bold_letters = 0
            size = 0.0
            cmex = False
            for span, t in zip(spans, texts):
                n = sum(map(str.isalpha, t))
                letters += n
                if span["flags"] & 16 or _bold_font(span["font"]):
                    bold_letters += n
                size = max(size, span["size"])
                cmex = cmex or "CMEX" in span["font"]
            item = Line(text, tuple(line["bbox"]), size, letters > 0 and bold_letters * 2 > letters, spans, texts=texts)
            if cmex:
                # CMEX glyph boxes are the font's, 3 em high: a line with a \widehat or a big ∑ in it
                # would reach into the lines above and below. Its place among rows is its other glyphs'.
                core = [sp["bbox"] for sp in spans if "CMEX" not in sp["font"] and sp["chars"]]
                if core:
                    item.core = (min(b[1] for b in core), max(b[3] for b in core))
            lines.append(item)
    return lines, sidebar


@lru_cache(maxsize=512)
def _bold_font(name: str) -> bool:
    return BOLD_FONT.search(name) is not None


def _centre_in(box: Box, area: Box) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return area[0] <= cx <= area[2] and area[1] <= cy <= area[3]


def _body_size(lines: list[Line]) -> float:
    weights: dict[float, int] = {}
    for line in lines:
        weights[round(line.size, 1)] = weights.get(round(line.size, 1), 0) + len(line.text)
    return max(weights, key=weights.get) if weights else 10.0


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


def _find_gutter(prose: list[Line], width: float) -> float | None:
    """The x of a column gutter: the position in the middle 40 % of the page crossed by the fewest
    prose lines (ties: nearest the middle), if enough prose lies on each side of it."""
    if len(prose) < 8:
        return None
    starts = sorted(l.x0 + 2 for l in prose)
    ends = sorted(l.x1 - 2 for l in prose)
    best, best_x = None, None
    x = 0.3 * width
    while x <= 0.7 * width:
        crossing = bisect_left(starts, x) - bisect_right(ends, x)  # lines with x0 + 2 < x < x1 - 2
        key = (crossing, abs(x - width / 2))
        if best is None or key < best:
            best, best_x = key, x
        x += 2
    crossing = best[0]
    left = sum(1 for l in prose if l.x1 <= best_x + 2)
    right = sum(1 for l in prose if l.x0 >= best_x - 2)
    if left >= 4 and right >= 4 and crossing <= 0.2 * (left + right):
        # centre the gutter in the empty strip around the best x
        lo = max((l.x1 for l in prose if l.x1 <= best_x + 2), default=best_x)
        hi = min((l.x0 for l in prose if l.x0 >= best_x - 2), default=best_x)
        return (lo + hi) / 2 if lo < hi else best_x
    return None


def _rows(lines: list[Line], column: int) -> list[Row]:
    """Group lines into rows. A line joins a row when it overlaps the row's main line (its largest,
    longest one) by 40 % of the smaller height: sub- and superscripts join their line, while an inline
    fraction's numerator cannot chain two text lines into one row.
    """
    rows: list[Row] = []
    anchors: list[Line] = []
    for line in sorted(lines, key=lambda l: (l.top, l.x0)):
        if rows:
            main = anchors[-1]
            overlap = min(main.bottom, line.bottom) - max(main.top, line.top)
            small = min(line.bottom - line.top, main.bottom - main.top)
            if overlap > 0.4 * small and (line.size <= main.size + 0.5 or overlap > 0.8 * small):
                rows[-1].lines.append(line)
                if (line.size, len(line.text)) > (main.size, len(main.text)):
                    anchors[-1] = line
                continue
        rows.append(Row([line], column))
        anchors.append(line)
    return rows


def _note_text(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def _is_note(line: Line, notes) -> bool:
    """Whether a line is a reader's note: its centre lies in a note's box and, where the note's own
    text is known, the line's text is part of it (a note drawn over the paper's text must not
    take that text away)."""
    for note in notes:
        box, text = note if len(note) == 2 else (note, None)
        if _centre_in(line.bbox, box):
            if text is None:
                return True
            mine = _note_text(line.text)
            if mine and mine in _note_text(text):
                return True
    return False


def analyse_page(raw: dict, width: float, height: float, annotations=()) -> PageLayout:
    """Columns, rows in reading order, and what was left out, for one page's rawdict. Lines whose
    centre lies in one of ``annotations`` (a reader's notes: boxes, or (box, the note's text) pairs,
    when only the note's own text is left out) are left out too. Running heads need
    the other pages: rows in the margin zones are flagged, and ``text(running)`` leaves them out."""
    unknown: list[str] = []
    lines, sidebar = _lines(raw, unknown)
    dropped: list[Line] = []
    if annotations:
        noted = [l for l in lines if _is_note(l, annotations)]
        dropped.extend(noted)
        lines = [l for l in lines if l not in noted]
    kept: list[Line] = []
    def has_neighbour(line: Line) -> bool:  # a section number beside its title is not a page number
        y0, y1 = line.bbox[1], line.bbox[3]
        return any(o is not line and min(y1, o.bbox[3]) - max(y0, o.bbox[1]) > 0.5 * line.height
                   and (o.x0 - line.x1 < 30 and line.x0 - o.x1 < 30) for o in lines)

    top = min((l.bbox[1] for l in lines), default=0.0)
    bottom = max((l.bbox[3] for l in lines), default=height)
    margin_lines: set[int] = set()
    for line in lines:
        in_margin = line.bbox[3] < MARGIN_ZONE * height or line.bbox[1] > (1 - MARGIN_ZONE) * height
        at_edge = line.bbox[1] <= top or line.bbox[3] >= bottom  # the first or last line of the page
        if (in_margin or at_edge) and PAGE_NUMBER.match(line.text) and not has_neighbour(line):
            dropped.append(line)
            continue
        if in_margin:
            margin_lines.add(id(line))
        kept.append(line)
    prose = [l for l in kept if len(l.text) >= 20]
    if prose:
        left_edge, right_edge = _percentile([l.x0 for l in prose], 0.05), _percentile([l.x1 for l in prose], 0.95)
    else:
        left_edge, right_edge = 0.0, width
    gutter = _find_gutter(prose, width)

    gutter_zone = None
    if gutter is not None:
        left_x1 = max((l.x1 for l in prose if l.x1 <= gutter + 2), default=gutter)
        right_x0 = min((l.x0 for l in prose if l.x0 >= gutter - 2), default=gutter)
        gutter_zone = (left_x1 + 1, right_x0 - 1)

    def is_line_number(line: Line) -> bool:
        if not (line.text.isdigit() and len(line.text) <= 4):
            return False
        if line.x1 <= left_edge + 1 or line.x0 >= right_edge - 1:
            return True
        return gutter_zone is not None and line.x0 > gutter_zone[0] and line.x1 < gutter_zone[1]

    body = []
    for line in kept:
        (dropped if is_line_number(line) else body).append(line)
    prose = [l for l in body if len(l.text) >= 20]
    body_size = _body_size(body)

    if gutter is None:
        columns = [(left_edge, right_edge)]
        rows = _rows(body, 0)
    else:
        left = [l for l in prose if l.x1 <= gutter + 2]
        right = [l for l in prose if l.x0 >= gutter - 2]
        columns = [(min(l.x0 for l in left), _percentile([l.x1 for l in left], 0.95)),
                   (_percentile([l.x0 for l in right], 0.05), max(l.x1 for l in right))]
        rows = _two_column_order(body, gutter, columns[0][1], columns[1][0])
    for row in rows:
        row.margin = all(id(line) in margin_lines for line in row.lines)
    return PageLayout(width, height, columns, gutter, rows, body_size, sidebar, dropped, unknown)


def _spanning_bands(lines: list[Line], gutter: float, left_x1: float, right_x0: float) -> list[tuple[float, float]]:
    """Vertical bands taken by things that span both columns: a title, a wide figure, or a display
    set across the page, which pymupdf may hand over as two half-lines that each reach into the
    gutter. A band grows to every line it overlaps (a fraction's denominator, an underbrace's note).
    """
    bands = sorted((l.bbox[1], l.bbox[3]) for l in lines
                   if (l.x0 < gutter - 2 and l.x1 > gutter + 2)
                   or (l.x0 < gutter and l.x1 > left_x1 + 3) or (l.x1 > gutter and l.x0 < right_x0 - 3))
    changed = True
    while changed and bands:
        changed = False
        merged: list[tuple[float, float]] = []
        for y0, y1 in bands:
            if merged and y0 <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], y1))
            else:
                merged.append((y0, y1))
        grown = []
        for y0, y1 in merged:
            for l in lines:
                ly0, ly1 = l.bbox[1], l.bbox[3]
                if min(y1, ly1) - max(y0, ly0) > 0.5 * (ly1 - ly0) and (ly0 < y0 or ly1 > y1):
                    y0, y1, changed = min(y0, ly0), max(y1, ly1), True
            grown.append((y0, y1))
        bands = grown
    return bands


def _two_column_order(lines: list[Line], gutter: float, left_x1: float, right_x0: float) -> list[Row]:
    bands = _spanning_bands(lines, gutter, left_x1, right_x0)

    def band_of(line: Line) -> int | None:
        centre = (line.bbox[1] + line.bbox[3]) / 2
        for i, (y0, y1) in enumerate(bands):
            if y0 - 0.5 <= centre <= y1 + 0.5:
                return i
        return None

    spanning: dict[int, list[Line]] = {}
    sides: dict[int, tuple[list[Line], list[Line]]] = {}
    for line in lines:
        band = band_of(line)
        if band is not None:
            spanning.setdefault(band, []).append(line)
            continue
        segment = sum(1 for y0, _ in bands if y0 <= line.bbox[1])  # spanning bands cut the page
        side = 0 if line.x1 <= gutter + 2 or (line.x0 + line.x1) / 2 < gutter else 1
        sides.setdefault(segment, ([], []))[side].append(line)
    ordered: list[Row] = []
    for segment in range(len(bands) + 1):
        if segment >= 1 and segment - 1 in spanning:
            ordered.extend(_rows(spanning[segment - 1], 0))
        left, right = sides.get(segment, ([], []))
        ordered.extend(_rows(left, 1))
        ordered.extend(_rows(right, 2))
    return ordered
