"""What the engine reads off a pymupdf page: the rawdict text once per page, glyphs and vector
rules inside a box. Glyph objects are made only for the boxes that need them (equations), so
indexing a page costs little more than pymupdf's own ``get_text("rawdict")``.
"""

from __future__ import annotations

from .model import Box, Glyph, Rule

# keep ligatures (ﬁ) as one char, keep whitespace so spaces separate words, no images
TEXT_FLAGS = 1 | 2  # TEXT_PRESERVE_LIGATURES | TEXT_PRESERVE_WHITESPACE
# … and the boxes of the page's vector paths (type-3 blocks), in the same pass over the page: the
# rules of fractions, radicals and bars cost a few per cent more here, where get_cdrawings()
# interprets the page a second time (300 ms for a plot-heavy page of ppo.pdf)
RAWDICT_FLAGS = TEXT_FLAGS | 1024 | 1048576  # | TEXT_COLLECT_VECTORS | TEXT_LAZY_VECTORS (text as without them)


def read_rawdict(page) -> dict:
    """The page's rawdict: blocks → lines → spans → chars, as pymupdf gives it."""
    return page.get_text("rawdict", flags=RAWDICT_FLAGS)


def overlaps(a: Box, b: Box, slack: float = 0.0) -> bool:
    return a[0] < b[2] + slack and b[0] < a[2] + slack and a[1] < b[3] + slack and b[1] < a[3] + slack


def contains_center(box: Box, inner: Box) -> bool:
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def glyphs_in(raw: dict, box: Box) -> list[Glyph]:
    """Every non-blank horizontal character whose centre lies in ``box``, in rawdict order."""
    out: list[Glyph] = []
    for block in raw["blocks"]:
        if block.get("type", 0) != 0 or not overlaps(block["bbox"], box):
            continue
        for line in block["lines"]:
            if line["dir"][0] < 0.99 or not overlaps(line["bbox"], box):
                continue
            for span in line["spans"]:
                if not overlaps(span["bbox"], box):
                    continue
                font, size, flags = span["font"], span["size"], span["flags"]
                big_delimiters = "CMEX" in font  # some producers map a CMEX parenthesis to ' '
                for ch in span["chars"]:
                    c = ch["c"]
                    if (c.isspace() and not big_delimiters) or not contains_center(box, ch["bbox"]):
                        continue
                    out.append(Glyph(c, font, size, tuple(ch["origin"]), tuple(ch["bbox"]), flags))
    return out


def vector_paths(raw: dict) -> list[dict]:
    """The page's vector paths from its rawdict (``RAWDICT_FLAGS`` collects them), in the shape of
    ``page.get_cdrawings()`` that ``rules_in`` and ``horizontal_rules`` read: one rectangle item
    per path, its box (a stroke's box includes its width)."""
    out = []
    for block in raw["blocks"]:
        if block.get("type") == 3:
            box = tuple(block["bbox"])
            out.append({"rect": box, "items": [("re", box)]})
    return out


def rules_in(drawings: list[dict], box: Box, thickness: float = 2.0) -> list[Rule]:
    """Straight horizontal or vertical strokes and thin filled rectangles inside ``box``.

    pdfTeX draws fraction bars, radical vinculums and \\overline as filled rectangles; other
    producers stroke a line. Both become one ``Rule`` with the box of the ink. ``drawings`` is
    ``page.get_cdrawings()``, or ``vector_paths`` of the page's rawdict.
    """
    out: list[Rule] = []
    for path in drawings:
        rect = path["rect"]
        if not overlaps(tuple(rect), box):
            continue
        for item in path["items"]:
            kind = item[0]
            if kind == "re":
                x0, y0, x1, y1 = item[1]
                if min(x1 - x0, y1 - y0) <= thickness:
                    out.append(Rule((x0, y0, x1, y1)))
            elif kind == "l":
                (xa, ya), (xb, yb) = item[1], item[2]
                half = (path.get("width") or 0.4) / 2
                if abs(ya - yb) < 0.1:  # horizontal stroke
                    out.append(Rule((min(xa, xb), ya - half, max(xa, xb), ya + half)))
                elif abs(xa - xb) < 0.1:  # vertical stroke
                    out.append(Rule((xa - half, min(ya, yb), xa + half, max(ya, yb))))
    return [r for r in out if contains_center(box, r.bbox)]


def horizontal_rules(drawings: list[dict], min_length: float = 20.0) -> list[Box]:
    """Boxes of the page's long horizontal rules (table rules, header rules), for telling tables apart."""
    out: list[Box] = []
    for path in drawings:
        for item in path["items"]:
            if item[0] == "re":
                x0, y0, x1, y1 = item[1]
                if y1 - y0 <= 2.0 and x1 - x0 >= min_length:
                    out.append((x0, y0, x1, y1))
            elif item[0] == "l":
                (xa, ya), (xb, yb) = item[1], item[2]
                if abs(ya - yb) < 0.1 and abs(xb - xa) >= min_length:
                    out.append((min(xa, xb), ya, max(xa, xb), ya))
    return out
