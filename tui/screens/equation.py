"""The equation panel: one catalog equation with its LaTeX, one-line and 2-D renderings, the PDF's
own picture of it (when the paper's PDF is on this machine), meaning, symbols (each opens in the
glossary), the code that implements it, its demo (Run) and your note. Opened from the reader, each
symbol the PDF defines also shows "in this PDF: <its definition> (p. N)", read from the PDF alone.

Everything comes from ``paperkit`` as plain data. The 2-D rendering follows the LaTeX's own structure
and the width of the pane (re-drawn when it changes); the PDF crop (pymupdf ≈ 1 s to import) and the
glossary's symbol names are computed in thread workers; the demo runs in the session's demo process
(``RunPanel``). Narrow terminals get one scrolling column; from 150 columns the code and the demo sit
beside the equation.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option


def unwrap(text: str) -> str:
    """Catalog prose is wrapped in its TOML file: join the lines of each paragraph (blank lines stay)."""
    return re.sub(r"[ \t]*(?<!\n)\n(?!\n)[ \t]*", " ", text.strip())


class EquationScreen(Screen):
    """One equation: renderings, meaning, symbols, code, Run and notes."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (150, "-wide")]

    BINDINGS = [
        Binding("escape", "back_or_cancel", "Back",
                tooltip="Cancel the running demo; when none runs, go back to the previous screen"),
        Binding("r", "run", "Run", tooltip="Run the equation's demo; its result opens full screen"),
        Binding("v", "view_result", "Result", tooltip="Show the last run's result again, full screen"),
        Binding("n", "edit_notes", "Note", tooltip="Write your note on this equation (ctrl+s saves; l, g, ? still work)"),
        Binding("y", "symbols", "Symbols", tooltip="Go to the symbol list (Enter opens one in the glossary)"),
        Binding("c", "copy_latex", "Copy LaTeX", show=False, tooltip="Copy the equation's LaTeX to the clipboard"),
        Binding("d", "device", "Device", show=False, tooltip="Choose the device the demo runs on (auto, cpu, cuda, mps)"),
        Binding("m", "model", "Model", show=False, tooltip="Choose the model the demo runs on: the built-in scenes or digits, or a Stable Diffusion folder / Hub id"),
        Binding("s", "quick", "Quick/full steps", show=False, tooltip="Switch between quick and the demo's full step count"),
        Binding("e", "edit_notes", "Edit note", show=False, tooltip="Write your note on this equation (same as n)"),
        Binding("ctrl+s", "save_notes", "Save note", show=False, tooltip="Save your note on this equation", priority=True),
    ]

    DEFAULT_CSS = """
    EquationScreen #eq-body { height: 1fr; padding: 0 1; }
    EquationScreen #eq-columns { height: auto; layout: vertical; }
    EquationScreen #eq-left, EquationScreen #eq-right { height: auto; width: 100%; }
    EquationScreen.-wide #eq-body { overflow-y: hidden; }
    EquationScreen.-wide #eq-columns { layout: horizontal; height: 1fr; }
    EquationScreen.-wide #eq-left { width: 1fr; height: 1fr; padding-right: 2; }
    EquationScreen.-wide #eq-right { width: 1fr; height: 1fr; padding-left: 1; }
    EquationScreen .eq-heading { text-style: bold; color: $accent; margin-top: 1; }
    EquationScreen #eq-title { text-style: bold; margin-top: 1; }
    EquationScreen #eq-latex { background: $boost; padding: 0 1; }
    EquationScreen #eq-unicode { padding: 0 1; text-style: bold; }
    EquationScreen #eq-2d { padding: 0 1; text-wrap: nowrap; text-overflow: clip; }
    EquationScreen #eq-crop-status { color: $text-muted; padding: 0 1; }
    EquationScreen #eq-crop { height: auto; margin: 0 1; }
    EquationScreen .eq-dim { color: $text-muted; }
    EquationScreen .eq-note { color: $text-muted; padding-left: 2; }
    EquationScreen #eq-symbols { height: auto; max-height: 24; border: none; padding: 0; }
    EquationScreen #eq-symbols:focus { border: none; }
    EquationScreen #eq-code-where { color: $text-muted; }
    EquationScreen #eq-code { height: auto; }
    EquationScreen #eq-notes { height: 8; }
    EquationScreen #eq-error { color: $error; text-style: bold; margin: 1 2; }
    """

    def __init__(self, equation_id: str, notation=None, detected=None):
        """``notation`` and ``detected``: the PDF's ``Notation`` and its ``DetectedEquation`` for this
        equation, when the reader opened it."""
        super().__init__()
        self.equation_id = equation_id
        self.notation = notation
        self.detected = detected
        self._in_pdf: list[str | None] | None = None
        self.eq = None
        self.paper = None
        self.error = ""
        self._saved_note = ""
        self._notes_ok = False
        try:
            from paperkit.catalog import load_catalog

            catalog = load_catalog()
            self.eq = catalog.equation(equation_id)
            self.paper = catalog.paper(self.eq.paper)
        except Exception as exc:  # an unknown id: one clear message, the app carries on
            self.error = str(exc) or type(exc).__name__

    # -- layout ------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="eq-body"):
            if self.eq is None:
                yield Static(Text(f"✗ {self.error}"), id="eq-error")
            else:
                with Vertical(id="eq-columns"):
                    with VerticalScroll(id="eq-left"):
                        yield from self._compose_equation()
                        yield from self._compose_symbols()
                        yield from self._compose_notes()
                    with VerticalScroll(id="eq-right"):
                        yield from self._compose_code()
                        yield from self._compose_demo()
        yield Footer()

    def _compose_equation(self) -> ComposeResult:
        from paperkit.render import to_unicode

        eq, paper = self.eq, self.paper
        short = paper.short or paper.id
        title = f"{short} {eq.label}" + (f" — {eq.title}" if eq.title else "")
        yield Static(Text(title), id="eq-title")
        where = [eq.id]
        if eq.section:
            where.append(f"§{eq.section}" if eq.section[:1].isdigit() else eq.section)
        where.append(paper.title)
        yield Static(Text(" · ".join(where)), classes="eq-dim")
        if eq.number_note:
            yield Static(Text(eq.number_note), classes="eq-note")
        yield Static("LaTeX  [dim](c copies it)[/dim]", classes="eq-heading")
        yield Static(Text(eq.latex), id="eq-latex")
        yield Static("Rendered", classes="eq-heading")
        try:
            one_line = to_unicode(eq.latex)
        except Exception as exc:  # to_unicode is guarded, but never let a rendering bug close the screen
            one_line = f"(cannot render: {exc})"
        yield Static(Text(one_line), id="eq-unicode")
        yield Static(Text("2-D rendering…"), id="eq-2d", classes="eq-dim")
        yield Static("In the paper", classes="eq-heading", id="eq-crop-heading")
        yield Static(Text("looking for the paper's PDF on this machine…"), id="eq-crop-status")
        yield Vertical(id="eq-crop")
        yield Static("Meaning", classes="eq-heading")
        yield Static(Text(unwrap(eq.meaning)), id="eq-meaning")
        for note in eq.notes:
            yield Static(Text(f"• {unwrap(note)}"), classes="eq-note")

    def _compose_symbols(self) -> ComposeResult:
        yield Static("Symbols  [dim](Enter opens one in the glossary)[/dim]", classes="eq-heading")
        rows = self._symbol_rows()
        if not rows:
            yield Static(Text("no symbols listed for this equation"), classes="eq-dim")
            return
        in_pdf = self._pdf_definitions()
        listing = OptionList(*[Option(symbol_prompt(row, in_pdf=in_pdf[i]), id=f"sym-{i}") for i, row in enumerate(rows)],
                             id="eq-symbols")
        listing.tooltip = "Enter (or a click) opens the symbol in the glossary, with this paper's meaning"
        yield listing

    def _symbol_rows(self) -> list:
        """Each symbol of the equation in the order it appears, with its meaning in this paper."""
        if getattr(self, "_rows", None) is None:
            try:
                from paperkit.catalog import symbol_rows

                self._rows = symbol_rows(self.eq)
            except Exception:  # the table as the catalog writes it
                from paperkit.render import to_unicode

                self._rows = [_Row(s.latex, to_unicode(s.latex), s.meaning) for s in self.eq.symbols]
        return self._rows

    def _pdf_definitions(self) -> list[str | None]:
        """For each symbol row, "<definition> (p. N)" when the open PDF defines the symbol, else None."""
        if self._in_pdf is None:
            rows = self._symbol_rows()
            self._in_pdf = [None] * len(rows)
            if self.notation is not None:
                try:
                    from ..widgets.notation_text import definition_text, paper_entry_for

                    for i, row in enumerate(rows):
                        entry = paper_entry_for(self.notation, self.detected, getattr(row, "symbol", None), row.latex)
                        if entry is not None:
                            self._in_pdf[i] = definition_text(entry)
                except Exception as exc:  # the catalog's own texts still show
                    self.log.warning(f"equation: the PDF's definitions are unavailable: {exc!r}")
        return self._in_pdf

    def _compose_code(self) -> ComposeResult:
        yield Static("Code", classes="eq-heading")
        if not self.eq.code:
            yield Static(Text("no code is linked to this equation"), classes="eq-dim")
            return
        yield Static(Text(self.eq.code), id="eq-code-where")
        yield Static(Text("locating…"), id="eq-code", classes="eq-dim")

    def _compose_demo(self) -> ComposeResult:
        yield Static("Demo", classes="eq-heading")
        if not self.eq.demo:
            yield Static(Text("no demo shows this equation"), classes="eq-dim")
            return
        from ..widgets.run_panel import RunPanel
        try:
            yield RunPanel(self.eq.demo, id="run-panel")
        except Exception as exc:
            yield Static(Text(f"demo {self.eq.demo!r} is unavailable: {exc}"), classes="eq-dim")

    def _compose_notes(self) -> ComposeResult:
        yield Static("Your note  [dim](ctrl+s saves; saved when you leave too)[/dim]", classes="eq-heading")
        notes = TextArea(id="eq-notes", soft_wrap=True, show_line_numbers=False)
        notes.tooltip = "A note on this equation, kept in your notes database"
        yield notes

    # -- start-up ------------------------------------------------------------------------------------
    def on_mount(self) -> None:
        if self.eq is None:
            self.title = "paperkit"
            self.sub_title = "equation not found"
            self.notify(self.error, title="Equation", severity="error")
            return
        self.sub_title = f"{self.paper.short or self.paper.id} {self.eq.label}"
        self._show_code()
        self._load_note()
        self._show_2d()
        self._find_crop(self.eq.id, self.eq.paper, self._recent_documents())
        rows = self._symbol_rows()
        if rows:
            self._glossary_names([r.latex for r in rows], self.eq.paper)
        # one scrolling column when narrow; from 150 columns each column scrolls on its own
        self.query_one("#eq-left" if self.app.size.width >= 150 else "#eq-body").focus()

    def _show_code(self) -> None:
        if not self.eq.code:
            return
        where = self.query_one("#eq-code-where", Static)
        box = self.query_one("#eq-code", Static)
        try:
            from paperkit.catalog.code_links import locate

            loc = locate(self.eq.code)
        except Exception as exc:
            where.update(Text(self.eq.code))
            box.update(Text(f"the code cannot be shown: {exc}"))
            return
        from rich.syntax import Syntax

        where.update(Text(f"{loc.object} — {loc.file}:{loc.line}"))
        theme = "monokai" if self.app.current_theme.dark else "default"
        box.update(Syntax(loc.source, "python", theme=theme, line_numbers=True, start_line=loc.line,
                          word_wrap=True, background_color="default"))
        box.remove_class("eq-dim")

    # -- workers -------------------------------------------------------------------------------------
    def on_resize(self) -> None:
        if self.eq is not None:
            self._show_2d()

    def _show_2d(self) -> None:
        """The equation in 2-D as the paper writes it, broken to the pane's width (re-drawn on resize)."""
        box = self.query_one("#eq-2d", Static)
        width = max((box.content_region.width or box.parent.content_region.width or self.app.size.width) - 2, 20)
        if getattr(self, "_2d_width", None) == width:
            return
        self._2d_width = width
        try:
            from paperkit.render import to_2d

            text = to_2d(self.eq.latex, width=width)
        except Exception:  # never let a rendering problem close the screen: the line above is complete
            text = None
        if text and text.strip():
            box.update(Text(text))
            box.remove_class("eq-dim")
        else:
            box.update(Text("no 2-D rendering for this notation (the line above is complete)"))

    # -- the PDF's own picture ---------------------------------------------------------------------
    def _recent_documents(self) -> list:
        try:
            return list(self.app.notes.recent_documents())
        except Exception:
            return []

    @work(thread=True, exclusive=True, group="eq-crop", description="the equation in the PDF", exit_on_error=False)
    def _find_crop(self, equation_id: str, paper_id: str, recent: list) -> None:
        try:
            from paperkit.pdf.fetch import local_pdf

            path = local_pdf(paper_id, recent)
        except Exception:
            path = None
        if path is None:
            self._call_ui(self._show_crop, None, "the paper's PDF is not on this machine: f on the paper's page fetches it")
            return
        try:
            from paperkit.pdf.crop import equation_crop  # pymupdf ≈ 1 s to import: here, in a worker

            crop = equation_crop(path, equation_id, paper_id)
        except Exception as exc:
            self._call_ui(self._show_crop, None, f"the PDF could not be read: {exc}")
            return
        if crop is None:
            self._call_ui(self._show_crop, None, f"{path.name} prints no numbered display for this one")
            return
        self._call_ui(self._show_crop, crop, f"page {crop.page} of {path}, as printed ({crop.label})")

    def _show_crop(self, crop, text: str) -> None:
        self.query_one("#eq-crop-status", Static).update(Text(text))
        if crop is None:
            return
        import io

        from PIL import Image as PILImage

        from ..widgets.equation_image import EquationImage

        box = self.query_one("#eq-crop", Vertical)
        box.remove_children()
        box.mount(EquationImage(PILImage.open(io.BytesIO(crop.png)), id="eq-crop-image"))

    @work(thread=True, exclusive=True, group="glossary-names", description="symbol names", exit_on_error=False)
    def _glossary_names(self, latexes: list[str], paper: str) -> None:
        names = []
        try:
            from paperkit.glossary import explain

            for latex in latexes:
                try:
                    found = explain(latex, paper=None)
                    names.append(found[0].name if found and found[0].name else "")
                except Exception:
                    names.append("")
        except Exception:
            names = [""] * len(latexes)
        self._call_ui(self._show_glossary_names, names)

    def _show_glossary_names(self, names: list[str]) -> None:
        found = self.query("#eq-symbols")
        if not found:
            return
        listing = found.first(OptionList)
        in_pdf = self._pdf_definitions()
        for i, (row, name) in enumerate(zip(self._symbol_rows(), names)):
            listing.replace_option_prompt(f"sym-{i}", symbol_prompt(row, name, in_pdf[i]))

    def _call_ui(self, fn, *args) -> None:
        """Run ``fn`` on the UI thread; quietly nothing when the screen or the app has gone meanwhile."""
        try:
            self.app.call_from_thread(fn, *args)
        except Exception:
            pass

    # -- symbols -------------------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#eq-symbols")
    def _symbol_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        symbol = self._symbol_rows()[event.option_index]
        try:
            self.app.open_glossary(symbol.latex, paper=self.eq.paper)
        except Exception as exc:
            self.notify(f"The glossary cannot open: {exc}", severity="error")

    # -- notes ---------------------------------------------------------------------------------------
    @property
    def note_target(self) -> str:
        return f"eq:{self.eq.id}" if self.eq else ""

    def _load_note(self) -> None:
        area = self.query_one("#eq-notes", TextArea)
        try:
            note = self.app.notes.get(self.note_target)
        except Exception as exc:
            self._notes_ok = False
            area.load_text("")
            self.notify(f"Notes are unavailable: {exc}", title="Notes", severity="warning")
            return
        self._notes_ok = True
        self._saved_note = note.text if note is not None else ""
        area.load_text(self._saved_note)

    def save_note(self, quiet: bool = False) -> bool:
        """Save the note when it changed; True when the store has it now."""
        if self.eq is None:
            return False
        area = self.query("#eq-notes")
        if not area:
            return False
        text = area.first(TextArea).text
        if text == self._saved_note:
            if not quiet:
                self.notify("Note already saved", timeout=2)
            return True
        try:
            self.app.notes.save(self.note_target, text)
        except Exception as exc:
            self.notify(f"The note was not saved: {exc}", title="Notes", severity="error")
            return False
        self._saved_note = text
        self._notes_ok = True
        self.notify("Note saved" if not quiet else f"Note on {self.eq.id} saved", timeout=2)
        return True

    def on_screen_suspend(self) -> None:
        self.save_note(quiet=True)

    def on_unmount(self) -> None:
        self.save_note(quiet=True)

    # -- actions ------------------------------------------------------------------------------------
    def _panel(self):
        panels = self.query("#run-panel")
        return panels.first() if panels else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("run", "device", "quick"):
            return self.eq is not None and bool(self.eq.demo) and self._panel() is not None
        if action == "view_result":
            panel = self._panel()
            return panel is not None and panel.record is not None
        if action in ("copy_latex", "symbols", "edit_notes", "save_notes"):
            return self.eq is not None
        return True

    def action_back_or_cancel(self) -> None:
        panel = self._panel()
        if panel is not None and panel.cancel():
            return
        if len(self.app.screen_stack) > 1 and self.app.screen is self:
            self.app.pop_screen()

    def action_run(self) -> None:
        panel = self._panel()
        if panel is not None:
            panel.run()
            # keys scroll the column holding the demo now (narrow: that column does not scroll, so the
            # page does: a scroll key it cannot use goes on to #eq-body)
            self.query_one("#eq-right").focus(scroll_visible=False)
            panel.scroll_visible()

    def action_view_result(self) -> None:
        panel = self._panel()
        if panel is not None:
            panel.action_view_result()

    def action_device(self) -> None:
        panel = self._panel()
        if panel is not None:
            panel.focus_device()

    def action_model(self) -> None:
        panel = self._panel()
        if panel is not None:
            panel.focus_model()  # says so itself when the demo needs no model

    def action_quick(self) -> None:
        panel = self._panel()
        if panel is not None:
            panel.toggle_quick()

    def action_copy_latex(self) -> None:
        if self.eq is None:
            return
        try:
            self.app.copy_to_clipboard(self.eq.latex)
        except Exception as exc:
            self.notify(f"Copy failed: {exc}", severity="error")
            return
        self.notify("LaTeX copied to the clipboard", timeout=2)

    def action_symbols(self) -> None:
        found = self.query("#eq-symbols")
        if found:
            listing = found.first(OptionList)
            if listing.highlighted is None and listing.option_count:
                listing.highlighted = 0
            listing.focus()
            listing.scroll_visible()

    def action_edit_notes(self) -> None:
        area = self.query_one("#eq-notes", TextArea)
        area.focus()
        area.scroll_visible()

    def action_save_notes(self) -> None:
        self.save_note()


class _Row:
    """A symbol row when the derived table is unavailable: the catalog's own row."""

    def __init__(self, latex: str, text: str, meaning: str):
        self.latex, self.text, self.meaning = latex, text, meaning


def symbol_prompt(row, glossary_name: str | None = None, in_pdf: str | None = None) -> Text:
    """One symbol as a wrapped list item: the symbol, its meaning in this paper, what the open PDF
    defines it as (``in_pdf``), its LaTeX (and the glossary's name for it, once known) — nothing cut
    at any width."""
    prompt = Text.assemble((row.text or row.latex, "bold"), "  ")
    meaning = unwrap(row.meaning) if row.meaning else ""
    prompt.append(meaning or "not described in the catalog", style="" if meaning else "dim italic")
    if in_pdf:
        prompt.append("\n  in this PDF: ", style="italic").append(in_pdf)
    prompt.append(f"\n  {row.latex}", style="dim")
    if glossary_name and getattr(row, "symbol", None):  # an expression row has no one glossary entry
        prompt.append(f"  · glossary: {glossary_name}", style="dim")
    return prompt
