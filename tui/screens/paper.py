"""A catalog paper without its PDF: summary, notation notes, its equations (Enter opens one), and
the PDF — a copy already on this machine when there is one (the cached download, or a file the
reader opened before and identified as this paper: ``paperkit.pdf.fetch.local_pdf``), else fetched
from arXiv with a progress bar (in a worker). A failed download is a message that stays, with the
URL to download by hand and the path to save it as, ready to copy.

The paper's PDF line sits under its title, so what ``f`` will do is in sight at 80×24; the footer
offers ``f`` as "Open PDF" or "Fetch PDF" accordingly, and ``r`` only where there is a lab to run.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Markdown, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

RECENT_LIMIT = 1000  # documents opened before that are searched for a copy of the paper


class _Cancelled(Exception):
    """The screen went away (or Esc was pressed) while its PDF was downloading."""


class PaperScreen(Screen):
    """A paper's catalog view"""

    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Stop a download or a running lab, else back to the previous screen"),
        Binding("f", "open_pdf", "Open PDF",
                tooltip="Open the paper's PDF already on this machine (the cached download, or your copy "
                        "that the reader identified as this paper)"),
        Binding("f", "fetch_pdf", "Fetch PDF", tooltip="Download the paper's PDF from arXiv into the cache, then open it"),
        Binding("r", "run_lab", "Run lab", tooltip="Lesson 11: run the matmul lab on this page (Esc stops it)"),
        Binding("g", "glossary", "Glossary", tooltip="The glossary with this paper's meanings and notation clashes"),
    ]
    DEFAULT_CSS = """
    PaperScreen #paper-body { width: 1fr; }
    PaperScreen #equations { width: 1fr; height: 1fr; border: round $accent; }
    PaperScreen #pdf { margin: 0 2; }
    PaperScreen #pdf-status { width: 1fr; padding: 0 2; }
    PaperScreen #paper-summary { margin-top: 1; }
    PaperScreen ProgressBar { display: none; padding: 0 2; }
    PaperScreen ProgressBar.running { display: block; }
    """

    def __init__(self, paper_id: str):
        super().__init__()
        from paperkit.catalog import load_catalog

        self.paper = load_catalog().paper(paper_id)
        self.labs = sorted({e.demo for e in self.paper.equations if e.demo == "matmul"})
        self.local: Path | None = None  # a copy of the PDF on this machine, once looked for
        self.fetching = False

    def compose(self) -> ComposeResult:
        p = self.paper
        yield Header()
        with Horizontal():
            with VerticalScroll(id="paper-body"):
                authors = ", ".join(p.authors)
                source = f"arXiv [{p.arxiv_versioned}]({p.url})" if p.arxiv else (p.venue or "fast.ai course")
                yield Markdown(f"# {p.title}\n\n{authors} · {p.year} · {source}", id="paper-head")
                if p.arxiv:  # what f does, in sight under the title: a button, then a line that wraps
                    yield Button("PDF", id="pdf", variant="primary", compact=True)
                    yield Static("looking for a copy on this machine…", id="pdf-status")
                    yield ProgressBar(id="fetch-progress", show_eta=False)
                notes = "\n".join(f"- {n}" for n in p.notes)
                yield Markdown(p.summary + (f"\n\n## Notation\n\n{notes}" if notes else ""), id="paper-summary")
                if self.labs:  # Lesson 11's matmul lab runs here, its table and ladder of speed-ups inline
                    from ..widgets.run_panel import RunPanel

                    yield Static("[b]The matmul lab[/b]  (r runs it: Python loops → Numba → broadcasting → "
                                 "einsum → torch, timed on this machine)", classes="section-title")
                    yield RunPanel(self.labs[0], id="lab")
            yield OptionList(*[Option(f"[b]{e.label}[/b]  {e.title}", id=e.id) for e in p.equations], id="equations")
        yield Footer()

    def on_mount(self) -> None:
        count = len(self.paper.equations)
        self.sub_title = f"{self.paper.short}: {count} equation{'' if count == 1 else 's'}"
        self.query_one("#equations", OptionList).focus()
        if self.paper.arxiv:
            self._look_for_local()

    # -- which keys the footer offers ----------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "run_lab":
            return bool(self.labs)
        if action == "open_pdf":
            return bool(self.paper.arxiv) and self.local is not None
        if action == "fetch_pdf":
            return bool(self.paper.arxiv) and self.local is None
        return True

    # -- the PDF on this machine ---------------------------------------------------------------
    def _recent(self) -> list[dict]:
        try:
            return self.app.notes.recent_documents(limit=RECENT_LIMIT)
        except Exception as exc:  # a broken notes store only means no copy is known from it
            self.log.warning(f"paper: recent documents unavailable: {exc!r}")
            return []

    @work(thread=True, exclusive=True, group="paper-local", exit_on_error=False, description="look for the PDF on disk")
    def _look_for_local(self) -> None:
        from paperkit.pdf.fetch import local_pdf

        try:
            found = local_pdf(self.paper.id, self._recent())  # may hash the file, or import pymupdf (≈ 1 s)
        except Exception as exc:
            self.log.warning(f"paper: local_pdf failed: {exc!r}")
            found = None
        self.app.call_from_thread(self._show_local, found)

    def _show_local(self, found: Path | None) -> None:
        if not self.is_attached or self.fetching:
            return
        from paperkit.pdf.fetch import cache_dir

        self.local = found
        button = self.query_one("#pdf", Button)
        status = self.query_one("#pdf-status", Static)
        if found is None:
            button.label = "Fetch PDF"
            status.update(Text.from_markup(f"[dim]not on this machine yet: [b]f[/b] fetches arXiv "
                                           f"{self.paper.arxiv_versioned}[/dim]"))
        else:
            button.label = "Open PDF"
            where = ("the cached download" if found.parent == cache_dir()
                     else "your copy, identified as this paper when you opened it")
            status.update(Text.assemble(("f opens ", "dim"), (where, "dim"), (": ", "dim"), (str(found), "")))
        self.refresh_bindings()

    # -- actions -------------------------------------------------------------------------------
    def action_open_pdf(self) -> None:
        self._pdf()

    def action_fetch_pdf(self) -> None:
        self._pdf()

    def _pdf(self) -> None:
        if not self.paper.arxiv:
            self.notify("This entry has no PDF: it is the lesson's own material.", severity="warning")
            return
        if self.fetching:
            self.notify("The PDF is downloading; Esc stops it.")
            return
        if self.local is not None and self.local.is_file():
            self.app.open_pdf(self.local, paper_id=self.paper.id)
            return
        self.fetching = True
        self.query_one("#fetch-progress", ProgressBar).add_class("running")
        self.query_one("#pdf-status", Static).update("looking for a copy, else fetching from arXiv…")
        self.fetch()

    def _lab(self):
        from ..widgets.run_panel import RunPanel

        found = self.query(RunPanel)
        return found.first() if found else None

    def action_run_lab(self) -> None:
        lab = self._lab()
        if lab is not None:
            lab.run()

    def action_back(self) -> None:
        if self.fetching:  # the worker's next chunk stops the download and removes its partial file
            self.workers.cancel_group(self, "fetch")
            self._done_fetching()
            self._show_local(None)
            self.notify("Download stopped.")
            return
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
            self._pdf()

    def action_glossary(self) -> None:
        self.app.open_glossary("", paper=self.paper.id)

    # -- fetching ------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False, description="fetch the paper's PDF from arXiv")
    def fetch(self) -> None:
        from paperkit.errors import UserError
        from paperkit.pdf.fetch import fetch_paper, local_pdf

        worker = get_current_worker()

        def progress(done: int, total: int | None) -> None:
            if worker.is_cancelled:
                raise _Cancelled  # fetch_paper removes the partial file and lets it through
            self.app.call_from_thread(self._progress, done, total)

        try:
            path = local_pdf(self.paper.id, self._recent()) or fetch_paper(self.paper.id, progress=progress)
        except _Cancelled:
            return
        except UserError as exc:  # no network, a dropped connection, not a PDF: one message, and carry on
            outcome = (self._fetch_failed, str(exc))
        except Exception as exc:  # anything else is still only this download failing
            outcome = (self._fetch_failed, f"download failed: {type(exc).__name__}: {exc}")
        else:
            outcome = (self._fetched, path)
        if not worker.is_cancelled:  # stopped with Esc, or the screen went away: nothing more to show
            self.app.call_from_thread(*outcome)

    def _progress(self, done: int, total: int | None) -> None:
        if self.is_attached and self.fetching:
            self.query_one("#fetch-progress", ProgressBar).update(total=total, progress=done)
            self.query_one("#pdf-status", Static).update(
                f"fetching arXiv {self.paper.arxiv_versioned}: {done / 1e6:.1f}"
                + (f" of {total / 1e6:.1f} MB" if total else " MB"))

    def _done_fetching(self) -> bool:
        """Back to rest after a download; False when the screen has gone meanwhile."""
        self.fetching = False
        if not self.is_attached:
            return False
        self.query_one("#fetch-progress", ProgressBar).remove_class("running")
        return True

    def _fetch_failed(self, message: str) -> None:
        if not self._done_fetching():
            return
        from paperkit.pdf.fetch import arxiv_url, pdf_path

        from .message import MessageScreen

        self.query_one("#pdf-status", Static).update(Text(message, style="red"))
        try:
            copyable = [("URL", arxiv_url(self.paper.id)), ("Path to save it as", str(pdf_path(self.paper.id)))]
        except Exception:  # the catalog entry itself is odd: the message alone still says what failed
            copyable = []
        self.app.push_screen(MessageScreen(
            "Could not fetch the PDF",
            f"{message}\n\nSaved under that path, the PDF opens from there next time. A copy you already "
            "have works too: open it from the library (o) and paperkit recognises it as this paper.",
            copyable))

    def _fetched(self, path) -> None:
        if not self._done_fetching():
            return
        self._show_local(Path(path))
        self.app.open_pdf(Path(path), paper_id=self.paper.id)
