"""Find numbered display equations: the label as printed, the box of the whole display, the page.

A row of the page ends in a label such as "(12)", "(3.1)" or "(A.2)". It is taken for an equation
number only when all of these hold:

- it sits flush with the right edge of its column (a table cell or inline reference rarely does);
- the glyph before it does not touch it ("O(1)" is an expression, not a label);
- its row is not a line of prose ("… as shown in (5)" at the end of a justified line, however
  stretched): prose has words in text fonts, few math glyphs, and starts at the column's edge;
- it is not a year ("(2013)") and it is not boxed in above and below by table rules.

The display is then grown from the label's row, up and down through the rows of the same column
that are not prose: numerators, limits, aligned lines, an underbrace's note. Growing stops at
prose, at a large vertical gap, and at another label's row. A row that two labels reach (the
lower limit of one line of an ``align`` and the upper limit of the next) goes to the nearer label.
"""

from __future__ import annotations

import re

from ..render.tables import LATEX_OPERATORS
from .layout import PageLayout, Row
from .model import Box, DetectedEquation

LABEL = re.compile(r"\(((?:[A-Z]\.)?\d{1,3}(?:\.\d{1,3})?[a-z]?)\)$")
MATH_FONT = re.compile(r"(?:^|\+)(?:CMMI|CMSY|CMEX|CMBSY|MSBM|MSAM|EUSM|EUFM|EUEX|RSFS|STMARY|WASY|TXSY|TXEX|PXSY|PXEX|"
                       r"LINE|Symbol|MTSY|MTEX|RMTMI)|Math", re.I)
WORD = re.compile(r"[A-Za-z]{2,}(?![A-Za-z]|\s*\()")  # a word applied to "(" is a function name
# operator and function names, which are not prose words: LaTeX's own and the usual ML ones
OPERATOR_NAMES = frozenset(w.lower() for w in LATEX_OPERATORS) | frozenset(
    "argmax argmin diag tr softmax var cov std clip sign relu sigmoid".split())


def _word_counts(row: Row) -> tuple[int, float]:
    """Words set in text fonts, and the share of the row's glyphs set in math fonts."""
    words = glyphs = math = 0
    for line in row.lines:
        for span in line.spans:
            text = "".join(ch["c"] for ch in span["chars"])
            n = sum(1 for c in text if not c.isspace())
            glyphs += n
            if MATH_FONT.search(span["font"]):
                math += n
            else:
                words += sum(1 for w in WORD.findall(text) if w.lower() not in OPERATOR_NAMES)
    return words, (math / glyphs if glyphs else 0.0)


def is_prose(row: Row, layout: PageLayout) -> bool:
    """A line of running text: words in text fonts and few math glyphs, starting at the column's edge
    (a paragraph's last line too: "Gaussian,") or filling the column. Operator names such as
    "softmax" are not words here, and a display's math keeps its share of math glyphs high.
    """
    x0, x1 = layout.column_box(row.column)
    bx0, _, bx1, _ = row.bbox
    at_edge = abs(bx0 - x0) <= 1.8 * layout.body_size
    wide = (bx1 - bx0) >= 0.7 * (x1 - x0)
    if not (at_edge or wide):
        return False
    words, math = _word_counts(row)
    if at_edge and words >= 1 and math == 0:
        return True
    return math < 0.3 and words >= (2 if at_edge else 4) or words >= 6


def _label_in(row: Row) -> tuple[str, Box, float] | None:
    """The label at the row's right end: (label, its box, the x1 of the glyph before it or -inf)."""
    last = max(row.lines, key=lambda l: l.x1)
    match = LABEL.search(last.text)
    if not match:
        return None
    chars = [ch for span in last.spans for ch in span["chars"] if not ch["c"].isspace()]
    n = len(match.group(0))
    if len(chars) < n:
        return None
    label_chars, before = chars[-n:], chars[:-n]
    box = (min(c["bbox"][0] for c in label_chars), min(c["bbox"][1] for c in label_chars),
           max(c["bbox"][2] for c in label_chars), max(c["bbox"][3] for c in label_chars))
    prev = max((c["bbox"][2] for c in before), default=float("-inf"))
    for line in row.lines:
        if line is not last and line.x1 <= box[0] + 0.5:
            prev = max(prev, line.x1)
    return match.group(1), box, prev


def _boxed_by_rules(box: Box, rules: list[Box], reach: float = 120.0) -> bool:
    cx0, cx1 = box[0], box[2]
    above = below = False
    for x0, y0, x1, y1 in rules:
        if x0 <= cx0 + 1 and x1 >= cx1 - 1:
            if box[1] - reach <= y1 <= box[1]:
                above = True
            elif box[3] <= y0 <= box[3] + reach:
                below = True
    return above and below


def _label_ok(row: Row, found: tuple[str, Box, float], layout: PageLayout, rules) -> bool:
    label, box, prev = found
    size = layout.body_size
    if label.isdigit() and int(label) >= 1000:
        return False
    col_right = layout.column_box(row.column)[1]
    if box[2] < col_right - 0.8 * size:
        return False
    gap = box[0] - prev
    if gap < 0.15 * size or is_prose(row, layout):
        return False
    return not _boxed_by_rules(box, rules())


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def find_on_page(layout: PageLayout, page_number: int, horizontal_rules) -> list[DetectedEquation]:
    """Every numbered display equation on one page. ``horizontal_rules()`` gives the page's long rules."""
    labelled: dict[int, tuple[str, Box, float]] = {}
    for i, row in enumerate(layout.rows):
        found = _label_in(row)
        if found and _label_ok(row, found, layout, horizontal_rules):
            labelled[i] = found
    claims: dict[int, list[int]] = {}  # row → the labelled rows whose display reaches it
    for i in labelled:
        for j in _grow(layout, i, labelled, -1) + _grow(layout, i, labelled, +1):
            claims.setdefault(j, []).append(i)
    members: dict[int, list[int]] = {i: [i] for i in labelled}
    for j, owners in claims.items():
        # a row between two labelled lines of one display (a limit, a numerator) goes to the nearer
        centre = (layout.rows[j].bbox[1] + layout.rows[j].bbox[3]) / 2
        owner = min(owners, key=lambda i: abs(centre - (labelled[i][1][1] + labelled[i][1][3]) / 2))
        members[owner].append(j)
    equations = []
    for i, (label, box, _) in labelled.items():
        bbox = _union([layout.rows[j].bbox for j in members[i]] + [box])
        equations.append(DetectedEquation(page_number, label, bbox, box,
                                          rows=tuple(layout.rows[j].bbox for j in sorted(members[i]))))
    return equations


def _grow(layout: PageLayout, start: int, labelled: dict, step: int) -> list[int]:
    """Rows above (step -1) or below (+1) the label's row that may belong to its display: up to
    prose, a large gap, or the next labelled row."""
    rows = layout.rows
    column = rows[start].column
    gap_limit = 2.2 * layout.body_size
    taken: list[int] = []
    edge = rows[start].bbox
    j = start + step
    while 0 <= j < len(rows):
        row = rows[j]
        if row.column != column or j in labelled:
            break
        bbox = row.bbox
        gap = (edge[1] - bbox[3]) if step < 0 else (bbox[1] - edge[3])
        if gap > gap_limit or is_prose(row, layout):
            break
        taken.append(j)
        edge = bbox
        j += step
    return taken
