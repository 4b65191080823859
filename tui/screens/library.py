"""The first screen: the catalog papers (each opens without its PDF), Lesson 11 as its own entry,
and the PDFs opened before. Enter opens; ``o`` opens a PDF by path, in a box where Tab completes
the path like a shell (``tui/widgets/path_input.py``) and the matches are listed under it.

Enter in the box opens the file — a file that is not a PDF too, as the reader then says what is
wrong with it; a folder or a missing file is said so under the box, which stays open to fix it.

It is the screen start-up waits for (bench/startup.py), so it is one list and two lines of text:
the path box is mounted only when asked for, and the recent PDFs are read just after the paint.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

RECENT_HEADING = "recent-heading"
KEYS = ("[b]Enter[/b] open  [b]o[/b] open a PDF  [b]g[/b] glossary  [b]n[/b] notes  "
        "[b]ctrl+p[/b] commands  [b]?[/b] help  [b]q[/b] quit")
PATH_KEYS = "[b]Tab[/b] complete  [b]Enter[/b] open  [b]Esc[/b] cancel"


class LibraryScreen(Screen):
    """Catalog papers and recent PDFs."""

    _shown_for: str | None = None  # the path the message under the box is about
    _path = None  # the PathInput, once made
    _box = None  # the box holding it and the line under it

    BINDINGS = [
        Binding("o", "open_path", "Open PDF…", tooltip="Type the path of a PDF to open"),
        Binding("escape", "cancel_path", "Cancel", show=False, tooltip="Close the open-a-PDF box"),
    ]

    def compose(self) -> ComposeResult:
        # a plain title and key line rather than Header and Footer: their many small widgets would
        # add half again to the time to show this screen
        yield Static("[b]paperkit[/b] — papers · equations · symbols · code", id="title-bar")
        yield OptionList(id="papers")
        yield Static(KEYS, id="key-bar")

    def on_mount(self) -> None:
        from paperkit.catalog import load_catalog

        papers = self.query_one("#papers", OptionList)
        papers.add_option(Option("[b $accent]Papers[/]", disabled=True))
        for p in load_catalog().papers:
            count = f"{len(p.equations)} equation{'s' if len(p.equations) != 1 else ''}"
            papers.add_option(Option(f"{p.short:<10} {p.title}  [dim]{p.year} · {count}[/dim]", id=f"paper:{p.id}"))
        papers.add_option(None)
        papers.add_option(Option("[b $accent]Opened before[/]", id=RECENT_HEADING, disabled=True))
        papers.highlighted = 1
        papers.focus()

    def on_screen_resume(self) -> None:
        # shown first, or shown again after a PDF was opened: the notes database (recent PDFs) is
        # read just after the paint, as it is secondary and SQLite would delay the first screen
        self.call_after_refresh(self.refresh_recent)
        self.call_after_refresh(self._path_box)

    def refresh_recent(self) -> None:
        papers = self.query_one("#papers", OptionList)
        heading = papers.get_option_index(RECENT_HEADING)
        while papers.option_count > heading + 1:
            papers.remove_option_at_index(heading + 1)
        try:
            documents = self.app.notes.recent_documents()
        except Exception as exc:  # a broken notes database must not hide the catalog
            self.notify(f"Recent PDFs unavailable: {exc}", severity="warning", markup=False)
            documents = []
        for doc in documents:
            label = doc.get("title") or Path(doc["path"]).name
            papers.add_option(Option(f"{label}  [dim]{doc['path']}[/dim]", id=f"pdf:{doc['path']}"))
        if not documents:
            papers.add_option(Option("[dim]none yet: press o to open a PDF, or fetch one from a paper[/dim]", disabled=True))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        kind, _, value = (event.option.id or "").partition(":")
        if kind == "paper":
            self.app.open_paper(value)
        elif kind == "pdf":
            self.app.open_pdf(Path(value))

    def _path_box(self) -> None:
        """Make the path box and its input, mounted hidden just after the first paint (``on_screen_resume``)."""
        from textual.containers import Vertical

        from ..widgets.path_input import PathInput

        if self._path is None:
            self._path = PathInput(placeholder="path to a PDF: Tab completes, Enter opens, Esc cancels", id="path")
            self._box = Vertical(self._path, Static("", id="path-hint", markup=False), id="path-box")
            self._box.display = False
            self.mount(self._box, before=self.query_one("#key-bar"))

    def action_open_path(self) -> None:
        self._path_box()
        self._box.display = True
        self._hint("")
        self.query_one("#key-bar", Static).update(PATH_KEYS)
        if self._path.is_mounted:  # focused at once, not a turn later as Widget.focus does: keys typed right after o go to the box
            self.set_focus(self._path)
        else:  # o pressed before the box was mounted: focus it as soon as it is
            self._path.focus()

    def action_cancel_path(self) -> None:
        if self._box is not None:
            self._box.display = False
        self.query_one("#key-bar", Static).update(KEYS)
        self.query_one("#papers", OptionList).focus()

    def _hint(self, text: str, error: bool = False) -> None:
        found = self.query("#path-hint")
        if found:
            hint = found.first()
            hint.update(text)
            hint.display = bool(text)
            hint.set_class(error, "-error")

    def on_path_input_completed(self, event) -> None:
        from ..widgets.path_input import describe

        completion = event.completion
        self._hint(describe(completion) if event.listed else "", error=bool(completion.problem))

    def on_input_changed(self, event) -> None:
        if event.input.id == "path" and event.value != self._shown_for and self.query("#path-hint.-error"):
            self._hint("")  # an old complaint goes as soon as the path is edited

    def on_input_submitted(self, event) -> None:
        if event.input.id != "path":
            return
        value = event.value.strip()
        if not value:
            self._hint("Type the path of a PDF; Tab completes it.")
            return
        target = Path(value).expanduser()
        if target.is_dir():
            from ..widgets.path_input import complete, describe

            inside = value if value.endswith("/") else value + "/"
            self._shown_for = inside  # the Changed this causes keeps the message below
            event.input.value = inside
            event.input.cursor_position = len(inside)
            listing = complete(inside)
            self._hint(f"{value} is a folder, not a PDF. {describe(listing, 'folders and PDFs in it')}", error=True)
            return
        if not target.exists():
            self._hint(f"No such file: {value}", error=True)
            return
        if not target.is_file():
            self._hint(f"Not a file: {value}", error=True)
            return
        event.input.value = ""
        self.action_cancel_path()
        self.app.open_pdf(target)  # a file that is not a PDF still opens: the reader says what is wrong
