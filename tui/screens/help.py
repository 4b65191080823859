"""``?``: every key binding of every screen, with what it does — the current screen's keys first, then
the keys that work everywhere, then each other screen's (library, paper, equation, reader, result,
glossary, notes, and the boxes that pop up over them).

The screens are found by looking through ``tui/screens`` when help opens (so a new screen's keys
appear without touching this file), imported then and not before: nothing here is on the start-up
path. Keys a screen hides from its footer (``show=False``) are listed too: this is where they are
documented. ``/`` filters the list.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

if TYPE_CHECKING:
    from rich.console import RenderableType

# the order screens are listed in after the current one; others follow alphabetically
ORDER = ("library", "paper", "equation", "reader", "result", "figure", "glossary", "notes", "message", "help")
TITLES = {
    "LibraryScreen": "Library — the first screen",
    "PaperScreen": "A paper's page",
    "EquationScreen": "An equation",
    "ReaderScreen": "The PDF reader",
    "ResultScreen": "A demo's result",
    "GlossaryScreen": "Glossary",
    "NotesScreen": "Notes",
    "ConfirmDelete": "Deleting a note (the question)",
    "NoteEditor": "Writing a note",
    "MessageScreen": "A message that stays (an error with something to copy)",
    "HelpScreen": "This help",
}
# widgets with keys of their own, listed with the screen they live in: (module, class, where)
WIDGET_KEYS = {"LibraryScreen": [("..widgets.path_input", "PathInput", "in the open-a-PDF box")],
               "ReaderScreen": [("..widgets.page_text", "PageText", "in the page text")]}
# screens kept outside tui/screens
OTHER_SCREENS = [("..widgets.note_editor", "NoteEditor")]


@dataclass
class Section:
    """One screen's keys: (keys as shown, description, tooltip) rows."""

    title: str
    cls: type | None
    rows: list[tuple[str, str, str]]
    problem: str = ""


def screen_classes() -> tuple[list[type], list[str]]:
    """Every Screen class defined in ``tui/screens`` (and the few kept among the widgets), in the
    order help lists them, and a line for each module that could not be imported."""
    from textual.screen import Screen

    package = importlib.import_module(__package__)
    names = [m.name for m in pkgutil.iter_modules(package.__path__)]
    names.sort(key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    classes: list[type] = []
    problems: list[str] = []
    for name in names:
        try:
            module = importlib.import_module(f"{__package__}.{name}")
        except Exception as exc:  # a screen being rewritten must not take help down
            problems.append(f"tui/screens/{name}.py could not be read ({type(exc).__name__}: {exc})")
            continue
        classes += [obj for obj in vars(module).values()
                    if inspect.isclass(obj) and issubclass(obj, Screen) and obj.__module__ == module.__name__]
    for module_name, class_name in OTHER_SCREENS:
        try:
            classes.append(getattr(importlib.import_module(module_name, __package__), class_name))
        except Exception as exc:
            problems.append(f"{class_name} could not be read ({type(exc).__name__}: {exc})")
    return classes, problems


def own_bindings(cls: type) -> list[Binding]:
    """The bindings a class declares itself (not those it inherits from Textual)."""
    found = []
    for item in cls.__dict__.get("BINDINGS", []):
        if isinstance(item, Binding):
            found.append(item)
        elif isinstance(item, tuple) and len(item) >= 2:
            found.append(Binding(*item))
    return found


def title_of(cls: type) -> str:
    if cls.__name__ in TITLES:
        return TITLES[cls.__name__]
    doc = (cls.__doc__ or "").strip()
    return doc.splitlines()[0].rstrip(".") if doc else cls.__name__


class HelpScreen(ModalScreen):
    """Key bindings, screen by screen"""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", tooltip="Close the help"),
        Binding("slash", "filter", "Filter", tooltip="Type a word to keep only the keys that mention it"),
    ]

    def compose(self) -> ComposeResult:
        box = Vertical(id="help")
        box.border_title = "paperkit — every key"
        with box:
            yield Input(placeholder="/ filters: type a key or a word (Esc closes help)", id="help-filter")
            with VerticalScroll(id="help-scroll"):
                yield Static(self.view(), id="help-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#help-filter", Input))  # at once: the next keys typed are the filter

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#help-text", Static).update(self.view(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#help-scroll").focus()

    # -- the text ------------------------------------------------------------------------------
    def sections(self) -> list[Section]:
        """The current screen's keys, the app's, then every other screen's."""
        classes, problems = screen_classes()
        below = [s for s in self.app.screen_stack if s is not self]
        current = type(below[-1]) if below else None
        if current in classes:
            classes.remove(current)
            classes.insert(0, current)
        out: list[Section] = []
        for cls in classes:
            title = title_of(cls) + (" (this screen)" if cls is current else "")
            rows = self._rows(own_bindings(cls))
            for module_name, class_name, where in WIDGET_KEYS.get(cls.__name__, []):
                try:
                    widget = getattr(importlib.import_module(module_name, __package__), class_name)
                except Exception as exc:
                    problems.append(f"{class_name} could not be read ({type(exc).__name__}: {exc})")
                    continue
                rows += [(keys, f"{does} ({where})", more) for keys, does, more in self._rows(own_bindings(widget))]
            if rows:
                out.append(Section(title, cls, rows))
            if cls is current:
                out.append(Section("Everywhere", type(self.app), self._rows(own_bindings(type(self.app)))))
        if current not in classes:
            out.insert(0, Section("Everywhere", type(self.app), self._rows(own_bindings(type(self.app)))))
        for problem in problems:
            out.append(Section("Not listed", None, [], problem))
        return out

    def _rows(self, bindings: list[Binding]) -> list[tuple[str, str, str]]:
        rows = []
        for b in bindings:
            keys = b.key_display or ", ".join(self.app.get_key_display(Binding(k.strip(), "")) for k in b.key.split(","))
            rows.append((keys, b.description or b.action, b.tooltip or ""))
        return rows

    def view(self, query: str = "") -> "RenderableType":
        """What is shown: a heading and a borderless two-column table per screen (a key, then its
        description in bold and what it does in full), compact enough for 80×24."""
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        parts: list = [Text("The mouse works too: click any item, scroll with the wheel. Keys hidden "
                            "from a screen's footer are listed here; / filters.", style="dim")]
        shown = 0
        for section in self.sections():
            if section.problem:
                if not query:
                    parts.append(Text(section.problem, style="italic dim"))
                continue
            rows = self._matching(section.rows, query)
            if not rows:
                continue
            parts.append(Text(""))
            parts.append(Text(section.title, style="bold underline"))
            table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
            table.add_column(no_wrap=True, style="bold", min_width=5)
            table.add_column(ratio=1)
            for keys, does, more in rows:
                table.add_row(keys, Text.assemble((does, "bold"), (f" — {more}" if more else "", "")))
            parts.append(table)
            shown += len(rows)
        if query and not shown:
            parts.append(Text(f"\nNo key mentions {query!r}."))
        return Group(*parts)

    @staticmethod
    def _matching(rows: list[tuple[str, str, str]], query: str) -> list[tuple[str, str, str]]:
        words = query.lower().split()
        return [r for r in rows if all(w in " ".join(r).lower() for w in words)]

    def text(self, query: str = "") -> str:
        """The help as Markdown: a table per screen; with ``query``, only the rows that mention it."""
        words = query.lower().split()
        lines = ["# paperkit — every key", "",
                 "The mouse works too: click any item, scroll with the wheel. Keys hidden from a screen's "
                 "footer are listed here.", ""]
        shown = 0
        for section in self.sections():
            if section.problem:
                if not words:
                    lines += [f"*{_cell(section.problem)}*", ""]
                continue
            rows = self._matching(section.rows, query)
            if not rows:
                continue
            lines += [f"## {section.title}", "", "| key | does |", "| --- | --- |"]
            for keys, does, more in rows:
                lines.append(f"| `{_cell(keys)}` | **{_cell(does)}**{' — ' + _cell(more) if more else ''} |")
            lines.append("")
            shown += len(rows)
        if words and not shown:
            lines.append(f"No key mentions {query!r}.")
        return "\n".join(lines)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
