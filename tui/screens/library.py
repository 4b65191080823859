"""The first screen: the catalog papers (each opens without its PDF), Lesson 11 as its own entry,
and the PDFs opened before. Enter opens; ``o`` opens a PDF by path.

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


class LibraryScreen(Screen):
    """Catalog papers and recent PDFs."""

    BINDINGS = [
        Binding("o", "open_path", "Open PDF…", tooltip="Type the path of a PDF to open"),
        Binding("escape", "cancel_path", "Cancel", show=False),
    ]

    def compose(self) -> ComposeResult:
        # a plain title and key line rather than Header and Footer: their many small widgets would
        # add half again to the time to show this screen
        yield Static("[b]paperkit[/b] — papers · equations · symbols · code", id="title-bar")
        yield OptionList(id="papers")
        yield Static("[b]Enter[/b] open  [b]o[/b] open a PDF  [b]g[/b] glossary  [b]n[/b] notes  "
                     "[b]ctrl+p[/b] commands  [b]?[/b] help  [b]q[/b] quit", id="key-bar")

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

    def action_open_path(self) -> None:
        from textual.widgets import Input

        found = self.query("#path")
        box = found.first() if found else None
        if box is None:
            box = Input(placeholder="path to a PDF, then Enter (Esc cancels)", id="path")
            self.mount(box, before=self.query_one("#key-bar"))
        box.display = True
        box.focus()

    def action_cancel_path(self) -> None:
        found = self.query("#path")
        if found:
            found.first().display = False
        self.query_one("#papers", OptionList).focus()

    def on_input_submitted(self, event) -> None:
        value = event.value.strip()
        if not value:
            return
        target = Path(value).expanduser()
        if not target.is_file():
            self.notify(f"No such file: {value}", severity="error", markup=False)
            return
        event.input.value = ""
        self.action_cancel_path()
        self.app.open_pdf(target)
