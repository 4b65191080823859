"""All your notes, one row each (what it is on, its first line, when it was last changed). Enter opens
what the note is on — an equation, a symbol in the glossary, a paper, a PDF; ``e`` edits it, ``d``
deletes it (after asking), ``x`` exports every note as Markdown to the data folder."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Header, Label

EMPTY = "__empty__"
EXPORT_NAME = "notes.md"


def _when(iso: str) -> str:
    """"2025-05-01T12:34:56.123456+00:00" → "2025-05-01 12:34" (UTC, as stored)."""
    return (iso or "")[:16].replace("T", " ")


class ConfirmDelete(ModalScreen[bool]):
    """Delete a note? y / n."""

    DEFAULT_CSS = """
    ConfirmDelete {
        align: center middle;
    }
    ConfirmDelete > #confirm-box {
        width: 60;
        max-width: 95%;
        height: auto;
        border: round $error;
        background: $surface;
        padding: 1 2;
    }
    ConfirmDelete #confirm-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    ConfirmDelete Button {
        margin-left: 2;
    }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Delete", tooltip="Yes, delete the note"),
        Binding("n,escape", "answer(False)", "Keep", tooltip="No, keep the note"),
    ]

    def __init__(self, target: str, first_line: str) -> None:
        super().__init__()
        self.target = target
        self.first_line = first_line

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(f"Delete the note on {self.target}?", markup=False)
            yield Label(self.first_line, markup=False, classes="muted")
            with Horizontal(id="confirm-buttons"):
                yield Button("Keep (n)", id="keep")
                yield Button("Delete (y)", id="delete", variant="error")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "delete")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class NotesScreen(Screen):
    """Notes: every note you wrote"""

    DEFAULT_CSS = """
    NotesScreen #notes-status {
        width: 1fr;
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    NotesScreen #notes-table {
        height: 1fr;
    }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to the previous screen"),
        Binding("enter", "open", "Open", show=False, tooltip="Open what the highlighted note is on"),
        Binding("e", "edit", "Edit", tooltip="Edit the highlighted note (ctrl+s saves)"),
        Binding("d", "delete", "Delete", tooltip="Delete the highlighted note (asks first)"),
        Binding("x", "export", "Export", tooltip="Write every note as Markdown to the data folder"),
        Binding("r", "refresh", "Refresh", show=False, tooltip="Read the notes again (the list is read again whenever it is shown)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.notes: dict[str, object] = {}  # target → Note

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="notes-status", markup=False)
        table = DataTable(id="notes-table", cursor_type="row", zebra_stripes=True)
        table.tooltip = "Enter opens what the note is on; e edits, d deletes, x exports Markdown"
        yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#notes-table", DataTable)
        table.add_column("on", key="target")
        table.add_column("note", key="first")
        table.add_column("updated (UTC)", key="updated")
        self.action_refresh()
        table.focus()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    # -- the list ------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        table = self.query_one("#notes-table", DataTable)
        status = self.query_one("#notes-status", Label)
        keep = self.highlighted()
        table.clear()
        self.notes = {}
        try:
            notes = self.app.notes.list()
        except Exception as exc:  # notes module missing, or the database cannot be opened
            status.update(f"Notes are unavailable: {exc}")
            table.add_row(Text("—"), Text("notes unavailable", style="bold"), Text(""), key=EMPTY)
            return
        for note in notes:
            lines = [ln for ln in note.text.splitlines() if ln.strip()]
            first = lines[0].strip() if lines else ""
            if len(lines) > 1:
                first += " …"
            self.notes[note.target] = note
            table.add_row(Text(note.target), Text(first), Text(_when(note.updated), style="dim"), key=note.target)
        if not notes:
            status.update(f"No notes yet. {how_to_write()}")
            table.add_row(Text("—"), Text("no notes yet", style="bold"), Text(""), key=EMPTY)
        else:
            status.update(f"{len(notes)} note{'s' if len(notes) != 1 else ''} · Enter opens · e edits · "
                          "d deletes · x exports Markdown")
            if keep in self.notes:
                table.move_cursor(row=table.get_row_index(keep), animate=False)

    def highlighted(self) -> str | None:
        table = self.query_one("#notes-table", DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            return None
        return key if key in self.notes else None

    @on(DataTable.RowSelected, "#notes-table")
    def _selected(self) -> None:
        self.action_open()

    # -- actions -------------------------------------------------------------------------------
    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_open(self) -> None:
        target = self.highlighted()
        if target is None:
            return
        kind, _, key = target.partition(":")
        try:
            if kind == "eq":
                self.app.open_equation(key)
            elif kind == "sym":
                self.app.open_glossary(key)
            elif kind == "paper":
                self.app.open_paper(key)
            elif kind == "pdf":
                self._open_pdf(key)
            else:
                self.notify(f"Nothing to open for a {kind!r} note", severity="warning", markup=False)
        except Exception as exc:  # a screen that cannot open must not take the list down
            self.notify(f"Cannot open {target}: {exc}", severity="error", markup=False)

    def _open_pdf(self, key: str) -> None:
        sha = key.partition("#")[0]
        doc = next((d for d in self.app.notes.recent_documents(limit=100_000) if d.get("sha256") == sha), None)
        if doc is None or not Path(doc["path"]).is_file():
            self.notify("That PDF is no longer where it was opened; open it again from the library", severity="warning")
            return
        self.app.open_pdf(Path(doc["path"]), paper_id=doc.get("paper_id"))

    def action_edit(self) -> None:
        target = self.highlighted()
        if target is None:
            return
        from ..widgets.note_editor import NoteEditor

        note = self.notes[target]
        self.app.push_screen(NoteEditor(target, target, note.text), lambda _: self.action_refresh())

    def action_delete(self) -> None:
        target = self.highlighted()
        if target is None:
            self.notify("No note highlighted", severity="warning")
            return
        first = (self.notes[target].text.strip().splitlines() or [""])[0]

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.app.notes.delete(target)
            except Exception as exc:
                self.notify(f"Note not deleted: {exc}", severity="error", markup=False)
                return
            self.notify(f"Deleted the note on {target}", markup=False)
            self.action_refresh()

        self.app.push_screen(ConfirmDelete(target, first), answered)

    def action_export(self) -> None:
        try:
            store = self.app.notes
            markdown = store.export_markdown()
            where = getattr(store, "path", None)  # the database file: the export goes beside it
            folder = Path(where).parent if where else _data_dir(self.app)
            from paperkit.notes import write_atomically

            folder.mkdir(parents=True, exist_ok=True)
            path = folder / EXPORT_NAME
            write_atomically(path, markdown)
        except Exception as exc:
            self.notify(f"Export failed: {exc}", severity="error", markup=False)
            return
        self.query_one("#notes-status", Label).update(f"Exported to {path}")
        self.notify(f"Notes exported to {path}", title="Markdown written", timeout=10, markup=False)


def note_key(screen_class) -> str | None:
    """The key that writes a note on ``screen_class`` (the first binding whose action is about a
    note and is not saving one), read from the screen itself so that what this list says stays true."""
    for binding in screen_class.__dict__.get("BINDINGS", []):
        action = getattr(binding, "action", "")
        if "note" in action and "save" not in action and "notes" != action:
            return binding.key.split(",")[0]
    return None


def how_to_write() -> str:
    """Where notes are written, with the keys those screens really use."""
    from .equation import EquationScreen
    from .glossary import GlossaryScreen

    ways = []
    eq_key, sym_key = note_key(EquationScreen), note_key(GlossaryScreen)
    if eq_key:
        ways.append(f"open an equation (Enter on it in a paper) and press {eq_key}")
    if sym_key:
        ways.append(f"in the glossary (g), highlight a symbol and press {sym_key}")
    if not ways:
        return "Notes are written on equations and symbols."
    return "To write one, " + "; or ".join(ways) + ". ctrl+s saves it, and it appears here."


def _data_dir(app) -> Path:
    if getattr(app, "data_dir", None):
        return Path(app.data_dir)
    from paperkit.notes import data_dir

    return data_dir()
