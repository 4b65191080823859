"""The reader's two-line notation panel, under the page text: what the symbol or reference chosen on
the cursor line is ("θ  the parameters of the policy" / "defined p. 3 · used on pp. 3, 4, 7 ·
equations (1), (6)"; "Eq. (6) → page 4: L^CLIP(θ) = …"), or, on a line without any, how to use them.

It keeps its height while the cursor moves, so the text above it never jumps; the reader shows it on
pages where the notation marked something, and hides it elsewhere.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from .notation_text import is_mention, item_lines, item_place


class NotationPanel(Static):
    """Two lines about the chosen symbol or reference (``show_item``), or a hint (``show_hint``)."""

    DEFAULT_CSS = """
    NotationPanel {
        height: 2;
        padding: 0 1;
        background: $boost;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        display: none;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.item = None  # the item shown, None for the hint
        self.plain = ""  # what the panel says, for tests and for reading back

    def show_item(self, item, index: int, count: int, back: int | None = None) -> None:
        """``item``, the ``index``-th (0-based) of ``count`` on the cursor line; ``back`` is the page
        Backspace returns to, if any. The first line says what the item is, the second the keys."""
        head, details = item_lines(item)
        mention = is_mention(item)
        place = item_place(item)
        joiner = " → " if mention else "  "
        name, _, rest = head.partition(joiner)
        first = Content.assemble((name, "bold $text-secondary" if mention else "bold $text-success"),
                                 (joiner, "$text-muted"), (rest, "" if place is not None else "$text-muted"),
                                 (f"  ·  {details}" if details else "", "$text-muted"))
        keys = []
        if count > 1:
            keys.append(f"←/→ {index + 1} of {count} on this line")
        if place is None:
            keys.append("no target to go to" if mention else "no definition to go to")
        else:
            keys.append(f"Enter: {'go to' if mention else 'its definition,'} p. {place.page}")
        if back is not None:
            keys.append(f"Backspace: back to p. {back}")
        second = " · ".join(keys)
        self.item = item
        self.plain = f"{head}  ·  {details}\n{second}" if details else f"{head}\n{second}"
        self.update(Content("\n").join([first, Content.styled(second, "italic $text-muted")]))

    def show_hint(self, symbols: int, references: int, back: int | None = None) -> None:
        """No item on the cursor line: what the marks on this page are, and the keys."""
        counts = []
        if symbols:
            counts.append(f"{symbols} symbol{'s' if symbols != 1 else ''} (coloured)")
        if references:
            counts.append(f"{references} reference{'s' if references != 1 else ''} (underlined)")
        first = "On this page: " + " and ".join(counts) if counts else "Nothing marked on this page"
        second = "On a marked line: ←/→ choose, Enter goes there"
        second += f" · Backspace: back to p. {back}" if back is not None else ", Backspace comes back"
        self.item = None
        self.plain = f"{first}\n{second}"
        self.update(Content.assemble((first, "$text-muted"), "\n", (second, "italic $text-muted")))
