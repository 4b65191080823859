"""A small modal editor for one note (``sym:<key>``, ``eq:<id>``, ``paper:<id>``): a TextArea, saved
with ctrl+s through ``app.notes``. A store that cannot be opened or written gives one clear message;
the text stays in the editor, so nothing typed is lost. Esc with unsaved changes asks first (Esc
again discards them), so a stray Esc never throws a note away."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea


HINT = "ctrl+s saves · Esc cancels"
UNSAVED = "Unsaved changes: ctrl+s saves them, Esc again discards them"


class NoteEditor(ModalScreen[bool]):
    """Edit a note; dismissed with True once saved, False when cancelled."""

    DEFAULT_CSS = """
    NoteEditor {
        align: center middle;
    }
    NoteEditor > #note-box {
        width: 80%;
        max-width: 100;
        min-width: 40;
        height: 70%;
        min-height: 10;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    NoteEditor #note-title {
        text-style: bold;
        color: $accent;
        width: 1fr;
    }
    NoteEditor #note-text {
        height: 1fr;
        border: none;
    }
    NoteEditor #note-hint {
        color: $text-muted;
        width: 1fr;
    }
    NoteEditor #note-hint.-unsaved {
        color: $warning;
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", tooltip="Save the note (it is written to disk at once)", priority=True),
        Binding("escape", "cancel", "Cancel", tooltip="Close the editor without saving (with unsaved changes, Esc twice)"),
    ]

    def __init__(self, target: str, title: str, text: str = "") -> None:
        super().__init__()
        self.target = target
        self.note_title = title
        self.initial = text

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box"):
            yield Label(f"Note on {self.note_title}", id="note-title", markup=False)
            yield TextArea(self.initial, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Label(HINT, id="note-hint")

    def on_mount(self) -> None:
        area = self.query_one("#note-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        text = self.query_one("#note-text", TextArea).text
        try:
            self.app.notes.save(self.target, text)  # blank text deletes the note
        except Exception as exc:  # no store, a locked or read-only database: keep the text open
            self.notify(f"Note not saved: {exc}", title="Notes unavailable", severity="error", markup=False)
            return
        self.notify(f"Note {'saved' if text.strip() else 'deleted (it was empty)'}: {self.target}", markup=False)
        self.dismiss(True)

    def action_cancel(self) -> None:
        hint = self.query_one("#note-hint", Label)
        changed = self.query_one("#note-text", TextArea).text != self.initial
        if changed and not hint.has_class("-unsaved"):
            hint.update(UNSAVED)
            hint.add_class("-unsaved")
            return
        self.dismiss(False)

    def on_text_area_changed(self) -> None:
        hint = self.query_one("#note-hint", Label)
        if hint.has_class("-unsaved"):  # typing again: the next Esc asks again
            hint.update(HINT)
            hint.remove_class("-unsaved")
