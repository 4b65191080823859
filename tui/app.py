"""``PaperkitApp``: the reader's shell. It owns navigation between screens, the notes store, the
command palette and the help screen; each screen lives in ``tui/screens`` and is imported when it is
first shown, so start-up costs no more than Textual itself (see ``bench/startup.py``).

Screens navigate through the app's ``open_*`` methods, never by importing each other.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from .palette import PaperkitCommands


class PaperkitApp(App):
    """A terminal reading companion for machine-learning papers."""

    TITLE = "paperkit"
    SUB_TITLE = "papers · equations · symbols · code"
    CSS_PATH = Path(__file__).with_name("paperkit.tcss")  # absolute: subclasses may live anywhere
    COMMANDS = App.COMMANDS | {PaperkitCommands}
    # Every screen's footer must fit 80 columns, so only ? and q are shown from here: l, g and n are
    # listed in help (and the library's key line), and ctrl+p has its own place at the footer's right
    # (Footer shows the command palette's key whether or not its binding is shown).
    BINDINGS = [
        Binding("question_mark", "help", "Help", tooltip="Every key binding, screen by screen"),
        Binding("l", "library", "Library", show=False, tooltip="The catalog papers and the PDFs opened before"),
        Binding("g", "glossary", "Glossary", show=False, tooltip="Look up any symbol, LaTeX or name"),
        Binding("n", "notes", "Notes", show=False, tooltip="All your notes"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, tooltip="Search papers, equations, symbols and demos"),
        Binding("q", "quit", "Quit", tooltip="Leave paperkit (notes are already saved)"),
    ]

    def __init__(self, open_target: str | None = None, data_dir: Path | None = None, notes=None):
        """``notes``: a store with NoteStore's methods; by default the SQLite one in ``data_dir``."""
        super().__init__()
        self.open_target = open_target
        self.data_dir = data_dir
        self._notes = notes
        # (title, paperkit.pdf.notation.Notation) of the PDF open in the reader, once its notation is
        # read: the glossary's paper filter offers it as "this PDF"
        self.open_pdf_notation: tuple[str, object] | None = None

    # -- services ------------------------------------------------------------------------------
    @property
    def notes(self):
        """The notes store (SQLite in WAL mode in the user data directory), opened on first use."""
        if self._notes is None:
            from paperkit.notes import NoteStore

            self._notes = NoteStore.open(self.data_dir)
        return self._notes

    def on_mount(self) -> None:
        from .screens.library import LibraryScreen

        self.push_screen(LibraryScreen())
        if self.open_target:
            self.call_after_refresh(self.open_any, self.open_target)

    def on_unmount(self) -> None:
        if self._notes is not None:
            self._notes.close()

    # -- navigation: screens call these --------------------------------------------------------
    def open_any(self, target: str) -> None:
        """A catalog paper id, an equation id, or a PDF path (``paperkit open`` and the palette)."""
        from paperkit.catalog import load_catalog

        catalog = load_catalog()
        key = target.strip()
        if key in {p.id for p in catalog.papers}:
            self.open_paper(key)
        elif "." in key and not key.lower().endswith(".pdf") and key.split(".")[0] in {p.id for p in catalog.papers}:
            self.open_equation(key)
        else:
            self.open_pdf(Path(key).expanduser())

    def open_paper(self, paper_id: str) -> None:
        """The catalog view of a paper: its summary, equations and notes (no PDF needed)."""
        from .screens.paper import PaperScreen

        self.push_screen(PaperScreen(paper_id))

    def open_pdf(self, path: Path, paper_id: str | None = None) -> None:
        """The reader on a PDF file (indexing happens in a worker there)."""
        from .screens.reader import ReaderScreen

        self.push_screen(ReaderScreen(Path(path), paper_id=paper_id))

    def open_equation(self, equation_id: str, paper_id: str | None = None, notation=None, detected=None) -> None:
        """An equation: LaTeX, renderings, meaning, symbols, the code, and Run. From the reader,
        ``notation`` and ``detected`` (the PDF's Notation and its DetectedEquation) add the PDF's own
        definitions to the symbols."""
        from .screens.equation import EquationScreen

        self.push_screen(EquationScreen(equation_id, notation=notation, detected=detected))

    def open_glossary(self, query: str = "", paper: str | None = None) -> None:
        from .screens.glossary import GlossaryScreen

        self.push_screen(GlossaryScreen(query=query, paper=paper))

    # -- actions -------------------------------------------------------------------------------
    def action_library(self) -> None:
        from .screens.library import LibraryScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, LibraryScreen):
            self.pop_screen()

    def action_glossary(self) -> None:
        self.open_glossary()

    def action_notes(self) -> None:
        from .screens.notes import NotesScreen

        self.push_screen(NotesScreen())

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        self.push_screen(HelpScreen())
