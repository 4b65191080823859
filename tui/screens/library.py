"""The first screen: the catalog papers (each opens without its PDF), Lesson 11 as its own entry,
and the PDFs opened before. Enter opens; ``o`` opens a PDF by path."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option


class LibraryScreen(Screen):
    """Catalog papers and recent PDFs."""

    BINDINGS = [
        Binding("o", "open_path", "Open PDF…", tooltip="Type the path of a PDF to open"),
        Binding("escape", "cancel_path", "Cancel", show=False),
    ]

    def compose(self) -> ComposeResult:
        # a plain title and key line rather than Header and Footer: this is the first screen, and
        # their many small widgets would double the time to show it (bench/startup.py)
        yield Static("[b]paperkit[/b] — papers · equations · symbols · code", id="title-bar")
        with Vertical(id="library"):
            yield Label("Papers", classes="section-title")
            yield OptionList(id="papers")
            yield Label("Opened before", classes="section-title")
            yield OptionList(id="recent")
            yield Input(placeholder="path to a PDF, then Enter", id="path")
        yield Static("[b]Enter[/b] open  [b]o[/b] open a PDF  [b]g[/b] glossary  [b]n[/b] notes  "
                     "[b]ctrl+p[/b] commands  [b]?[/b] help  [b]q[/b] quit", id="key-bar")

    def on_mount(self) -> None:
        from paperkit.catalog import load_catalog

        papers = self.query_one("#papers", OptionList)
        for p in load_catalog().papers:
            count = f"{len(p.equations)} equation{'s' if len(p.equations) != 1 else ''}"
            prompt = f"{p.short:<10} {p.title}  [dim]{p.year} · {count}[/dim]"
            papers.add_option(Option(prompt, id=f"paper:{p.id}"))
        self.query_one("#path", Input).display = False
        papers.highlighted = 0
        papers.focus()
        # the notes database (recent PDFs) is read just after the first paint: it is secondary,
        # and opening SQLite would otherwise delay the first screen (bench/startup.py)
        self.call_after_refresh(self.refresh_recent)

    def on_screen_resume(self) -> None:
        self.refresh_recent()

    def refresh_recent(self) -> None:
        recent = self.query_one("#recent", OptionList)
        recent.clear_options()
        try:
            documents = self.app.notes.recent_documents()
        except Exception as exc:  # a broken notes database must not hide the catalog
            self.notify(f"Recent PDFs unavailable: {exc}", severity="warning")
            documents = []
        for doc in documents:
            label = doc.get("title") or Path(doc["path"]).name
            recent.add_option(Option(f"{label}  [dim]{doc['path']}[/dim]", id=f"pdf:{doc['path']}"))
        if not documents:
            recent.add_option(Option("[dim]none yet: press o to open a PDF, or fetch one from a paper[/dim]", disabled=True))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        kind, _, value = (event.option.id or "").partition(":")
        if kind == "paper":
            self.app.open_paper(value)
        elif kind == "pdf":
            self.app.open_pdf(Path(value))

    def action_open_path(self) -> None:
        path = self.query_one("#path", Input)
        path.display = True
        path.focus()

    def action_cancel_path(self) -> None:
        path = self.query_one("#path", Input)
        path.display = False
        self.query_one("#papers", OptionList).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            return
        target = Path(value).expanduser()
        if not target.is_file():
            self.notify(f"No such file: {value}", severity="error")
            return
        event.input.value = ""
        self.action_cancel_path()
        self.app.open_pdf(target)
