"""``?``: every key binding, the app's and each open screen's, with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown


class HelpScreen(ModalScreen):
    """Key bindings, screen by screen."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(self.text())

    def text(self) -> str:
        lines = ["# paperkit — keys", "", "The mouse works too: click any item, tab between panes, scroll with the wheel.", ""]
        seen: set[type] = set()
        sources = [("Everywhere", type(self.app))] + [(type(s).__doc__ or type(s).__name__, type(s))
                                                        for s in reversed(self.app.screen_stack[:-1])]
        for title, cls in sources:
            if cls in seen or cls.__module__.startswith("textual."):
                continue
            seen.add(cls)
            bindings = [b for b in getattr(cls, "BINDINGS", []) if isinstance(b, Binding)]
            if not bindings:
                continue
            lines += [f"## {title.strip().splitlines()[0]}", "", "| key | does |", "| --- | --- |"]
            for b in bindings:
                keys = ", ".join(self.app.get_key_display(Binding(k.strip(), "")) for k in b.key.split(","))
                lines.append(f"| {keys} | {b.description}{' — ' + b.tooltip if b.tooltip else ''} |")
            lines.append("")
        return "\n".join(lines)
