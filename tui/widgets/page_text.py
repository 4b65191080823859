"""A page's text in reading order, one row per line of the PDF, with its numbered equations marked.

``build_rows`` is plain data work (it runs in the reader's worker): it leaves out running heads,
puts a blank row between columns and at large vertical gaps, as ``paperkit.pdf.layout.join_rows``
does, and ties each row to the numbered equation whose box it overlaps in the same column.
``PageText`` shows those rows; Enter (or a click) on an equation's row chooses that equation.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

EQUATION_STYLE = "bold $text-warning on $warning-muted"
LABEL_STYLE = "italic $text-accent"
HIT_STYLE = "reverse"
MATCH_STYLE = "bold underline $text-accent"


@dataclass
class RowView:
    """One row of the page: its text and place, and the equation it belongs to, if any."""

    text: str
    column: int = 0  # 0 spanning or one column, 1 left, 2 right
    top: float = 0.0
    bottom: float = 0.0
    equation: object | None = None  # the DetectedEquation whose box this row overlaps
    first_of_equation: bool = False  # the row that carries the equation's label and catalog id

    @property
    def blank(self) -> bool:
        return not self.text

    @property
    def marker(self) -> str:
        """'(6) → cfg.6' on an equation's first row: the label as printed and its catalog equation."""
        eq = self.equation
        if eq is None or not self.first_of_equation:
            return ""
        return f"({eq.label})" + (f" → {eq.catalog_id}" if eq.catalog_id else "")


def equation_column(bbox, gutter: float | None) -> int:
    """The column an equation sits in: 0 on a one-column page or where it spans the gutter."""
    if gutter is None:
        return 0
    x0, _, x1, _ = bbox
    if x0 < gutter - 2 and x1 > gutter + 2:
        return 0
    return 1 if (x0 + x1) / 2 < gutter else 2


def _overlap(top: float, bottom: float, bbox) -> float:
    return min(bottom, bbox[3]) - max(top, bbox[1])


def build_rows(text_rows, equations, running: frozenset[str], body_size: float,
               gutter: float | None, running_key=None) -> list[RowView]:
    """Rows for ``PageText`` from ``PageLayout.text_rows()`` and the page's ``DetectedEquation`` list.

    A row belongs to an equation when its vertical span overlaps the equation's box by more than
    half the row's height, in the same column: on a two-column page a display set across both
    columns takes only spanning rows, and a column's display only that column's rows.
    """
    fold = running_key or (lambda text: text)
    cols = [(eq, equation_column(eq.bbox, gutter)) for eq in equations]
    out: list[RowView] = []
    prev = None
    seen: set[int] = set()
    gap = 1.6 * body_size
    for text, column, margin, top, bottom in text_rows:
        if not text or (margin and fold(text) in running):
            continue
        if prev is not None and (column != prev[0] or top - prev[1] > gap):
            out.append(RowView(""))
        best, best_overlap = None, 0.0
        height = max(bottom - top, 0.1)
        for eq, eq_column in cols:
            if eq_column != column and gutter is not None:
                continue
            amount = _overlap(top, bottom, eq.bbox)
            if amount > 0.5 * height and amount > best_overlap:
                best, best_overlap = eq, amount
        row = RowView(text, column, top, bottom, best)
        if best is not None and id(best) not in seen:
            seen.add(id(best))
            row.first_of_equation = True
        out.append(row)
        prev = (column, bottom)
    return out


class PageText(OptionList):
    """The page's text: numbered equations highlighted with their label and catalog id; Enter on
    an equation's row opens it."""

    DEFAULT_CSS = """
    PageText {
        height: 1fr;
        border: none;
        padding: 0 1;
        scrollbar-gutter: stable;
    }
    PageText:focus {
        border: none;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[RowView] = []

    def show_rows(self, rows: list[RowView], query: str = "", hit_index: int | None = None) -> None:
        """Replace the text with ``rows``; ``query`` matches are underlined, the ``hit_index`` row reversed."""
        self.rows = rows
        self.clear_options()
        self.add_options([self._option(i, row, query, i == hit_index) for i, row in enumerate(rows)])
        if hit_index is None:
            self.highlighted = next((i for i, r in enumerate(rows) if not r.blank), None)
            self.scroll_home(animate=False)
        else:
            self.highlighted = hit_index

    def _option(self, index: int, row: RowView, query: str, hit: bool) -> Option:
        if row.blank:
            return Option("", id=f"row-{index}", disabled=True)
        body = Content(row.text)
        if query:
            folded, needle = row.text.casefold(), query.casefold()
            start = folded.find(needle)
            while needle and start != -1:
                body = body.stylize(MATCH_STYLE, start, start + len(needle))
                start = folded.find(needle, start + len(needle))
        if row.equation is not None:
            body = body.stylize(EQUATION_STYLE)
        if hit:
            body = body.stylize(HIT_STYLE)
        parts = [("┃ " if row.equation is not None else "  ", "$warning" if row.equation is not None else ""), body]
        if row.marker:
            parts.append((f"  {row.marker}", LABEL_STYLE))
        return Option(Content.assemble(*parts), id=f"row-{index}")

    def row_index(self, predicate) -> int | None:
        """The first row for which ``predicate(row)`` holds."""
        return next((i for i, row in enumerate(self.rows) if not row.blank and predicate(row)), None)
