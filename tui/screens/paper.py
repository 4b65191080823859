"""A catalog paper without its PDF: summary, notation notes, its equations (Enter opens one), and
the PDF — opened from the cache, or fetched from arXiv with a progress bar (in a worker)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Markdown, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option


class PaperScreen(Screen):
    """A paper's catalog view."""

    BINDINGS = [
        Binding("escape", "back", "Back / cancel", tooltip="Cancel a running lab, else back to the previous screen"),
        Binding("r", "run_lab", "Run lab", tooltip="Lesson 11: run the matmul lab here"),
        Binding("f", "pdf", "Fetch / open PDF", tooltip="Open the paper's PDF, fetching it from arXiv the first time"),
        Binding("g", "glossary", "Glossary", tooltip="The glossary with this paper's meanings and clashes"),
    ]
    DEFAULT_CSS = """
    PaperScreen #paper-body { width: 1fr; }
    PaperScreen #equations { width: 1fr; height: 1fr; border: round $accent; }
    PaperScreen #pdf-row { height: auto; padding: 0 1; }
    PaperScreen #pdf-status { width: 1fr; padding: 0 1; }
    PaperScreen ProgressBar { display: none; }
    PaperScreen ProgressBar.running { display: block; }
    """

    def __init__(self, paper_id: str):
        super().__init__()
        from paperkit.catalog import load_catalog

        self.paper = load_catalog().paper(paper_id)

    def compose(self) -> ComposeResult:
        p = self.paper
        yield Header()
        with Horizontal():
            with VerticalScroll(id="paper-body"):
                authors = ", ".join(p.authors)
                source = f"arXiv [{p.arxiv_versioned}]({p.url})" if p.arxiv else (p.venue or "fast.ai course")
                notes = "\n".join(f"- {n}" for n in p.notes)
                yield Markdown(f"# {p.title}\n\n{authors} · {p.year} · {source}\n\n{p.summary}"
                               + (f"\n\n## Notation\n\n{notes}" if notes else ""))
                with Horizontal(id="pdf-row"):
                    if p.arxiv:
                        yield Button("Open PDF", id="pdf", variant="primary")
                    yield Static(id="pdf-status")
                yield ProgressBar(id="fetch-progress", show_eta=False)
                labs = sorted({e.demo for e in p.equations if e.demo == "matmul"})
                if labs:  # Lesson 11's matmul lab runs here, its table and ladder of speed-ups inline
                    from ..widgets.run_panel import RunPanel

                    yield Static("[b]The matmul lab[/b]  (r runs it: Python loops → Numba → broadcasting → "
                                 "einsum → torch, timed on this machine)", classes="section-title")
                    yield RunPanel(labs[0], id="lab")
            yield OptionList(*[Option(f"[b]{e.label}[/b]  {e.title}", id=e.id) for e in p.equations], id="equations")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.paper.short}: {len(self.paper.equations)} equations"
        self.query_one("#equations", OptionList).focus()
        if self.paper.arxiv:
            self._show_cache_state()

    def _show_cache_state(self) -> None:
        from paperkit.pdf.fetch import cached_path

        status = self.query_one("#pdf-status", Static)
        try:
            cached = cached_path(self.paper.id)
        except Exception:
            cached = None
        if cached:
            status.update(f"[dim]cached: {cached}[/dim]")
        else:
            status.update(f"[dim]not downloaded yet: f fetches arXiv {self.paper.arxiv_versioned}[/dim]")
            self.query_one("#pdf", Button).label = "Fetch PDF"

    def _lab(self):
        from ..widgets.run_panel import RunPanel

        found = self.query(RunPanel)
        return found.first() if found else None

    def action_run_lab(self) -> None:
        lab = self._lab()
        if lab is None:
            self.notify("This paper has no lab to run here; open an equation and press r.", severity="warning")
        else:
            lab.run()

    def action_back(self) -> None:
        lab = self._lab()
        if lab is not None and lab.cancel():
            return
        self.app.pop_screen()

    def on_unmount(self) -> None:
        lab = self._lab()
        if lab is not None:
            lab.cancel()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.open_equation(event.option.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "pdf":
            self.action_pdf()

    def action_glossary(self) -> None:
        self.app.open_glossary("", paper=self.paper.id)

    def action_pdf(self) -> None:
        if not self.paper.arxiv:
            self.notify("This entry has no PDF: it is the lesson's own material.", severity="warning")
            return
        self.query_one("#fetch-progress", ProgressBar).add_class("running")
        self.query_one("#pdf-status", Static).update("fetching…")
        self.fetch()

    @work(thread=True, exclusive=True, group="fetch", description="fetch the paper's PDF from arXiv")
    def fetch(self) -> None:
        from paperkit.errors import UserError
        from paperkit.pdf.fetch import fetch_paper

        def progress(done: int, total: int | None) -> None:
            self.app.call_from_thread(self._progress, done, total)

        try:
            path = fetch_paper(self.paper.id, progress=progress)
        except UserError as exc:  # no network, a dropped connection, not a PDF: one line, and carry on
            self.app.call_from_thread(self._fetch_failed, str(exc))
            return
        except Exception as exc:  # anything else is still only this download failing
            self.app.call_from_thread(self._fetch_failed, f"download failed: {exc}")
            return
        self.app.call_from_thread(self._fetched, path)

    def _progress(self, done: int, total: int | None) -> None:
        bar = self.query_one("#fetch-progress", ProgressBar)
        bar.update(total=total, progress=done)

    def _fetch_failed(self, message: str) -> None:
        self.query_one("#fetch-progress", ProgressBar).remove_class("running")
        self.query_one("#pdf-status", Static).update(f"[red]{message}[/red]")
        self.notify(message, severity="error", timeout=10)

    def _fetched(self, path) -> None:
        self.query_one("#fetch-progress", ProgressBar).remove_class("running")
        self.query_one("#pdf-status", Static).update(f"[dim]cached: {path}[/dim]")
        self.app.open_pdf(path, paper_id=self.paper.id)
