"""A page's text as paragraphs wrapped to the pane's width, with its numbered equations marked.

The reader's worker hands over the page as paragraphs (``paperkit.pdf.reflow.Paragraph``: prose
joined again from the PDF's lines, headings, and rows kept as printed such as display maths).
``PageText`` wraps each paragraph to the width it has, one option per screen line, and wraps again
when the pane is resized, keeping the line under the cursor. A numbered equation keeps its rows,
marked ``┃`` and labelled ``(6) → cfg.6``; Enter (or a click) on one chooses that equation.
Search matches are underlined, and the match a search result points at is reversed.

Once the paper's notation is read (``show_paragraphs(marks=…)``), the symbols and cross-references
the engine found are marked: symbols in a colour (faint when the paper does not define them),
references underlined. The item the reader has chosen on the cursor line (``set_current``) is
reversed, and a paragraph jumped to (``target``) is tinted.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from .notation_text import is_mention

EQUATION_STYLE = "bold $text-warning on $warning-muted"
LABEL_STYLE = "italic $text-accent"
HEADING_STYLE = "bold $text-primary"
HIT_STYLE = "reverse"
MATCH_STYLE = "bold underline $text-accent"
MENTION_STYLE = "underline $text-secondary"  # "Eq. (6)", "[23]", "Table 2": a reference with a target
UNRESOLVED_STYLE = "underline $text-muted"  # a reference the engine found no target for
SYMBOL_STYLE = "$text-success"  # a symbol the paper defines
UNDEFINED_STYLE = "$text-success 55%"  # a symbol the paper uses without defining it
CURRENT_STYLE = "bold reverse"  # the item chosen on the cursor line
TARGET_STYLE = "on $accent-muted"  # the paragraph a jump landed on
GUTTER = 2  # "┃ " before an equation's rows, two spaces before the rest


@dataclass
class RowView:
    """One screen line of the page: its text, the paragraph it comes from, and its equation."""

    text: str
    para: int = -1  # index of its paragraph, -1 for a blank line
    start: int = 0  # offset of this line's text in the paragraph's
    top: float = 0.0  # top of the PDF row this line starts in
    equation: object | None = None  # the DetectedEquation this line belongs to
    first_of_equation: bool = False  # the line that carries the equation's label and catalog id

    @property
    def blank(self) -> bool:
        return not self.text

    @property
    def marker(self) -> str:
        """'(6) → cfg.6' on an equation's first line: the label as printed and its catalog equation."""
        eq = self.equation
        if eq is None or not self.first_of_equation:
            return ""
        return f"({eq.label})" + (f" → {eq.catalog_id}" if eq.catalog_id else "")


def wrap_offsets(text: str, width: int, first: int | None = None) -> list[tuple[int, int]]:
    """Greedy word wrap of ``text`` in cells: ``(start, end)`` offsets of each line, spaces at the
    breaks left out; a word wider than the line is cut. ``first`` is the first line's width."""
    width = max(width, 4)
    lines: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while start < n and text[start] == " ":
        start += 1
    while start < n:
        room = first if (first is not None and not lines) else width
        room = max(room, 4)
        end, used, last_break = start, 0, None
        while end < n:
            w = cell_len(text[end])
            if used + w > room:
                break
            if text[end] == " ":
                last_break = end
            used += w
            end += 1
        if end >= n:
            lines.append((start, n))
            break
        if text[end] == " ":
            cut = end
        elif last_break is not None and last_break > start:
            cut = last_break
        else:
            cut = max(end, start + 1)  # one word longer than the line: cut it
        stop = cut
        while stop > start and text[stop - 1] == " ":
            stop -= 1
        lines.append((start, stop))
        start = cut
        while start < n and text[start] == " ":
            start += 1
    return lines or [(0, 0)]


class PageText(OptionList):
    """The page's text, wrapped to the pane: numbered equations highlighted with their label and
    catalog id; Enter on an equation's line opens it. ←/→ (in place of an OptionList's sideways
    scroll: the text is wrapped) choose among the cursor line's symbols and references."""

    BINDINGS = [
        Binding("left", "item(-1)", "Previous item", key_display="←", group=Binding.Group("Item", compact=True),
                tooltip="The previous symbol or reference on the cursor line (the footer shows ←→ Item when it has any)"),
        Binding("right", "item(1)", "Next item", key_display="→", group=Binding.Group("Item", compact=True),
                tooltip="The next symbol or reference on the cursor line; Enter jumps to its target or definition"),
    ]

    class StepItem(Message):
        """←/→ on a line with symbols or references: choose the previous (-1) or next (1)."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

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
        self.paragraphs: list = []
        self.rows: list[RowView] = []
        self._query = ""
        self._hit: tuple[int, int, int] | None = None  # (paragraph, start, end) of the match to reverse
        self._wrapped_at = 0
        self._anchor: tuple[int, int] | None = None  # (paragraph, offset) the cursor stays on across resizes
        self._marks: dict[int, list[tuple[int, int, object]]] = {}  # paragraph -> (start, end, item) of the notation
        self._current: tuple[int, int, int] | None = None  # (paragraph, start, end) of the chosen item
        self._target_para: int | None = None  # the paragraph a jump landed on, tinted
        self._wrap_width = 78

    # -- what is shown ---------------------------------------------------------------------------
    def show_paragraphs(self, paragraphs: list, query: str = "", hit: tuple[int, int, int] | None = None,
                        marks: dict | None = None, target: int | None = None) -> None:
        """Show ``paragraphs``; ``query`` matches are underlined, the ``hit`` match (paragraph, start,
        end) reversed and its line highlighted; else the first line is. ``marks`` maps a paragraph to
        the (start, end, item) of its symbols and references; ``target`` is a paragraph to tint."""
        self.paragraphs = paragraphs
        self._query = query
        self._hit = hit
        self._anchor = None
        self._marks = {p: [m for m in found if 0 <= m[0] < m[1] <= len(paragraphs[p].text)]
                       for p, found in (marks or {}).items() if 0 <= p < len(paragraphs)}
        self._current = None
        self._target_para = target
        self._rebuild()
        if hit is not None:
            self.highlighted = self.line_of(hit[0], hit[1])
        else:
            self.highlighted = next((i for i, r in enumerate(self.rows) if not r.blank), None)
            self.scroll_home(animate=False)

    def line_of(self, para: int, offset: int) -> int | None:
        """The screen line that shows character ``offset`` of paragraph ``para``."""
        found = None
        for i, row in enumerate(self.rows):
            if row.para == para and row.start <= offset:
                found = i
            elif row.para > para:
                break
        return found

    def place(self) -> tuple[int, int] | None:
        """(paragraph, offset) the cursor line stands for: the place kept across resizes while it is
        on this line, else the line's first character; None on a blank line or an empty page."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self.rows) or self.rows[index].blank:
            return None
        row = self.rows[index]
        para, offset = self._anchor or (-1, -1)
        if row.para == para and row.start <= offset <= row.start + len(row.text):
            return self._anchor
        return (row.para, row.start)

    def hold(self, para: int, offset: int) -> int | None:
        """Put the cursor on the line showing character ``offset`` of paragraph ``para`` and keep
        that place across resizes (a page shown again keeps the place it had, not a line's start)."""
        line = self.line_of(para, offset)
        if line is not None:
            self.highlighted = line
            self._anchor = (para, offset)
        return line

    def on_resize(self) -> None:
        """Wrap again to the new width, keeping the cursor on the same words: the place is the first
        character of the line under the cursor, kept across resizes until the cursor moves."""
        if not self.paragraphs or self._width() == self._wrapped_at:
            return
        self._anchor = self.place()
        self._rebuild()
        if self._anchor is not None:
            self.highlighted = self.line_of(*self._anchor)
            self.call_after_refresh(self.scroll_to_highlight)

    def _width(self) -> int:
        return max(self.scrollable_content_region.width, 8)

    def _rebuild(self) -> None:
        width = self._width() if self.size.width else 78
        self._wrapped_at = self._width() if self.size.width else 0
        self._wrap_width = width
        rows: list[RowView] = []
        options: list[Option] = []
        for p, para in enumerate(self.paragraphs):
            if para.gap_before and rows:
                rows.append(RowView(""))
                options.append(Option("", disabled=True))
            for row, prompt in self._screen_lines(p, para, width):
                rows.append(row)
                options.append(Option(prompt))
        self.rows = rows
        self.clear_options()
        self.add_options(options)

    def _screen_lines(self, p: int, para, width: int):
        """(RowView, prompt) for each screen line of paragraph ``para``."""
        text = para.text
        equation = getattr(para, "equation", None)
        marker = RowView(text, equation=equation, first_of_equation=getattr(para, "first_of_equation", False)).marker
        room = width - GUTTER
        first = room - (cell_len(marker) + 2 if marker else 0)
        spans = wrap_offsets(text, room, first if marker else None)
        body = Content(text)
        if self._query:
            folded, needle = text.casefold(), self._query.casefold()
            at = folded.find(needle) if needle and len(folded) == len(text) else -1
            while at != -1:
                body = body.stylize(MATCH_STYLE, at, at + len(needle))
                at = folded.find(needle, at + len(needle))
        for start, end, item in self._marks.get(p, ()):
            if is_mention(item):
                body = body.stylize(MENTION_STYLE if item.target is not None else UNRESOLVED_STYLE, start, end)
            else:
                body = body.stylize(SYMBOL_STYLE if item.definitions else UNDEFINED_STYLE, start, end)
        if self._target_para == p:
            body = body.stylize(TARGET_STYLE)
        if self._hit is not None and self._hit[0] == p:
            body = body.stylize(HIT_STYLE, self._hit[1], self._hit[2])
        if self._current is not None and self._current[0] == p:
            body = body.stylize(CURRENT_STYLE, self._current[1], self._current[2])
        if equation is not None:
            body = body.stylize(EQUATION_STYLE)
        elif para.kind == "heading":
            body = body.stylize(HEADING_STYLE)
        sources = para.rows
        for k, (start, end) in enumerate(spans):
            top = sources[0].top if sources else 0.0
            for source in sources:
                if source.offset <= start:
                    top = source.top
            row = RowView(text[start:end], p, start, top, equation, bool(marker) and k == 0)
            parts = [("┃ " if equation is not None else "  ", "$warning" if equation is not None else ""),
                     body[start:end]]
            if row.marker and not (equation.catalog_id is None and row.text.endswith(row.marker)):
                parts.append((f"  {row.marker}", LABEL_STYLE))  # "(6) → cfg.6"; a bare "(5)" is printed already
            yield row, Content.assemble(*parts)

    def page_by(self, step: int) -> bool:
        """Move the cursor a screen down (``step`` 1) or up (-1); False when it is at that end
        already (the reader then turns the page). One option is one screen line here."""
        lines = [i for i, row in enumerate(self.rows) if not row.blank]
        if not lines:
            return False
        here = self.highlighted if self.highlighted is not None else lines[0]
        if (step > 0 and here >= lines[-1]) or (step < 0 and here <= lines[0]):
            return False
        height = max(1, self.scrollable_content_region.height - 1)
        target = max(lines[0], min(lines[-1], here + step * height))
        while self.rows[target].blank:  # land on words, not on the blank line between paragraphs
            target += 1 if step > 0 else -1
        self.highlighted = target
        self.scroll_to_highlight()
        return True

    # -- the notation's items -------------------------------------------------------------------
    @property
    def has_marks(self) -> bool:
        return any(self._marks.values())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "item":  # shown, and working, only on a line that has items
            return bool(self.items_on(self.highlighted))
        return True

    def action_item(self, step: int) -> None:
        self.post_message(self.StepItem(step))

    def items_on(self, index: int | None) -> list[tuple[int, int, object]]:
        """(start, end, item) of the symbols and references printed on screen line ``index``, left to
        right, each item once (a reference broken across two lines belongs to both). Symbols the
        engine places on the same span (the inline formula they are read from: σ_λ, σ and λ in
        "σλ [ϵ∗(zλ, c)]") come defined ones first, then the most specific (longest LaTeX) first."""
        if index is None or not 0 <= index < len(self.rows):
            return []
        row = self.rows[index]
        if row.blank:
            return []
        stop = row.start + len(row.text)
        out, seen = [], set()
        for start, end, item in self._marks.get(row.para, ()):
            if start < stop and end > row.start and id(item) not in seen:
                seen.add(id(item))
                out.append((start, end, item))
        out.sort(key=lambda m: (m[0], -m[1], not getattr(m[2], "definitions", True), -len(getattr(m[2], "latex", ""))))
        return out

    def set_current(self, para: int | None, start: int = 0, end: int = 0) -> None:
        """Reverse the chosen item (paragraph ``para``, offsets ``start``–``end``); None clears it.
        Only the lines of the paragraphs concerned are drawn again."""
        new = (para, start, end) if para is not None else None
        if new == self._current:
            return
        old, self._current = self._current, new
        for p in {span[0] for span in (old, new) if span is not None}:
            self._redraw_paragraph(p)

    def _redraw_paragraph(self, p: int) -> None:
        if not 0 <= p < len(self.paragraphs):
            return
        indices = [i for i, row in enumerate(self.rows) if row.para == p]
        lines = list(self._screen_lines(p, self.paragraphs[p], self._wrap_width))
        if len(lines) != len(indices):  # wrapped at another width meanwhile: draw everything
            keep = self.highlighted
            self._rebuild()
            self.highlighted = keep
            return
        for i, (_, prompt) in zip(indices, lines):
            self.replace_option_prompt_at_index(i, prompt)

    def tint(self, para: int | None) -> None:
        """Tint paragraph ``para`` (where a jump landed); None removes the tint."""
        old, self._target_para = self._target_para, para
        for p in {old, para} - {None}:
            self._redraw_paragraph(p)

    def paragraph_at(self, top: float) -> int | None:
        """The paragraph holding the PDF row nearest to ``top`` (a target's box, when its paragraph
        is not known)."""
        best, gap = None, None
        for p, para in enumerate(self.paragraphs):
            for source in para.rows:
                d = abs(source.top - top)
                if gap is None or d < gap:
                    best, gap = p, d
        return best

    # -- looking up ------------------------------------------------------------------------------
    def find(self, top: float, text: str, query: str) -> tuple[int, int, int] | None:
        """Where a search hit lands: the paragraph holding the PDF row at ``top`` (with ``text``) and
        the match of ``query`` in it at or after that row, as (paragraph, start, end)."""
        best = None
        for p, para in enumerate(self.paragraphs):
            for source in para.rows:
                if abs(source.top - top) < 1.5 and (best is None or source.text == text):
                    best = (p, source.offset)
        if best is None:
            return None
        p, offset = best
        folded, needle = self.paragraphs[p].text.casefold(), query.casefold()
        at = folded.find(needle, offset) if needle else -1
        if at == -1:
            at = folded.find(needle) if needle else -1
        if at == -1:
            return (p, offset, offset)
        return (p, at, at + len(needle))

    def row_index(self, predicate) -> int | None:
        """The first line for which ``predicate(row)`` holds."""
        return next((i for i, row in enumerate(self.rows) if not row.blank and predicate(row)), None)
