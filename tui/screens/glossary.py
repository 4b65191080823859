"""The glossary: live search over every symbol as you type, a ranked results table, and a detail
panel for the highlighted symbol — how it is said and typed, its meanings, its PyTorch equivalent, an
example, how the catalog papers write it, and any notation clash. With a paper chosen the panel leads
with that paper: how it writes the symbol, what it means there, its equations, and its own PyTorch and
example where its meaning differs (DDIM's α_t is ``alphas_cumprod``, never DDPM's ``1 - betas``); the
results table shows how the paper writes each hit. ``c`` copies the LaTeX, ``k`` shows the chosen
paper's notation clashes, ``n`` edits your note on the symbol. LaTeX is shown as typed, never as a repr.

While a PDF is open in the reader and its notation is read (``app.open_pdf_notation``), the paper
filter also offers "this PDF": the results are then the PDF's own symbols (the query matched against
their text, LaTeX and definitions; an empty query lists them all), the panel shows the paper's
definition, where it is defined and used, and the glossary's generic meaning only as a marked
fallback; ``k`` lists the symbols the PDF defines twice.

Look-ups run in a thread worker (the first one loads the glossary, ~0.2 s; later ones take well under
a millisecond, a typo up to ~30 ms), so typing never waits; only the newest query's results are shown.
"""

from __future__ import annotations

import unicodedata

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Select, Static
from textual.worker import get_current_worker

from paperkit.glossary.display import as_typed

from paperkit.pdf.notation.explain import generic_meaning, glossary_entry
from paperkit.pdf.xref.targets import one_line

from ..widgets.notation_text import pages_text, search_symbols, symbol_text

ANY_PAPER = "any"
THIS_PDF = "__this_pdf__"  # the paper filter's value for the PDF open in the reader
PDF_TITLE = 9  # characters of its title in the filter ("this PDF: Proximal Po…"), which then widens
NO_MATCH = "__no_match__"
HINT = "Type a character (ᾱ), LaTeX (\\bar{\\alpha}), a name (alpha bar) or a description (upside-down triangle)."


def _indent(renderable: RenderableType | str, left: int = 2) -> Padding:
    """A paragraph indented by ``left`` columns, wrapped lines included."""
    return Padding(Text(renderable) if isinstance(renderable, str) else renderable, (0, 0, 0, left))


def _bullets(items, left: int = 2) -> Table:
    """A bulleted list whose wrapped lines hang under the text, not under the bullet."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=left - 1 if left > 1 else 1, justify="right")
    grid.add_column(ratio=1)
    for item in items:
        grid.add_row("•", Text(item) if isinstance(item, str) else item)
    return grid


def _python(code: str) -> Syntax:
    return Syntax(code, "python", theme="ansi_dark", background_color="default", word_wrap=True)


def _example(latex: str) -> list[Padding]:
    """An equation as it reads (Unicode) and as it is typed (LaTeX, dim)."""
    return [_indent(_unicode(latex)), _indent(Text(latex, style="dim italic"))]


def _unicode(latex: str) -> str:
    """``to_unicode`` that never raises: malformed LaTeX falls back to itself."""
    try:
        from paperkit.render import to_unicode

        return to_unicode(latex) or latex
    except Exception:
        return latex


class PdfHit:
    """A result from the open PDF's own symbols: the ``PaperSymbol``, a score and what matched."""

    def __init__(self, symbol, score: float, matched: str):
        self.symbol, self.score, self.matched = symbol, score, matched


def _pdf_label(title: str) -> str:
    """The filter's option for the open PDF, short enough for its box: "this PDF: Proximal P…"."""
    title = " ".join((title or "").split()) or "untitled"
    return "this PDF: " + (title if len(title) <= PDF_TITLE else title[:PDF_TITLE - 1].rstrip() + "…")


class SearchInput(Input):
    """The search box; its ↓ goes down to the results, and says so in the footer (an Input's own ↓
    would scroll it, and hide the screen's binding)."""

    BINDINGS = [Binding("down", "screen.focus_results", "Results", key_display="↓",
                        tooltip="From the search box down to the results (Enter too)")]


class ResultsTable(DataTable):
    """The results: a DataTable that asks its screen to fit the columns again when its width changes."""

    def on_resize(self, event: Resize) -> None:
        refit = getattr(self.screen, "refit", None)
        if refit is not None:
            self.call_after_refresh(refit)


class GlossaryScreen(Screen):
    """Glossary: look up any symbol"""

    DEFAULT_CSS = """
    GlossaryScreen #gl-bar {
        height: 3;
    }
    GlossaryScreen #gl-query {
        width: 1fr;
    }
    GlossaryScreen #gl-paper {
        width: 22;
    }
    GlossaryScreen #gl-paper.-pdf {
        width: 28;
    }
    GlossaryScreen #gl-clashes {
        min-width: 0;
        width: 11;
    }
    GlossaryScreen #gl-status {
        height: 1;
        width: 1fr;
        padding: 0 1;
        color: $text-muted;
    }
    GlossaryScreen #gl-status.-none {
        color: $warning;
    }
    GlossaryScreen #gl-body {
        height: 1fr;
        layout: vertical;
    }
    GlossaryScreen #gl-results {
        height: auto;  /* as many rows as there are hits, up to 7: the detail keeps the rest at 80×24 */
        max-height: 8;
        min-height: 4;
    }
    GlossaryScreen #gl-detail {
        height: 1fr;
        border-top: solid $primary;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    GlossaryScreen.-wide #gl-body {
        layout: horizontal;
    }
    GlossaryScreen.-wide #gl-results {
        height: 1fr;
        max-height: 100%;
        width: 1fr;
    }
    GlossaryScreen.-wide #gl-detail {
        width: 1fr;
        border-top: none;
        border-left: solid $primary;
    }
    GlossaryScreen.-tall #gl-results {
        max-height: 14;
    }
    GlossaryScreen.-tall.-wide #gl-results {
        height: 1fr;
        max-height: 100%;
    }
    """

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]

    # short descriptions, so that every shown key fits the footer at 80 columns; the app's q is bound
    # again here, unshown, for the room (the help screen, ?, lists every key with its description)
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to the previous screen"),
        Binding("slash", "focus_search", "Search", tooltip="Put the cursor in the search box"),
        Binding("down", "focus_results", "Results", key_display="↓", show=False, tooltip="Down to the results"),
        Binding("c", "copy_latex", "Copy", tooltip="Copy the highlighted symbol's LaTeX to the clipboard"),
        Binding("k", "clashes", "Clashes", tooltip="Show the chosen paper's notation clashes (all clashes for any paper)"),
        Binding("n", "note", "Note", tooltip="Write or edit your note on the highlighted symbol (ctrl+s saves)"),
        Binding("p", "focus_paper", "Paper", tooltip="Choose the paper whose notation, meanings and code to show"),
        Binding("g", "focus_search", "Glossary", show=False, tooltip="Already in the glossary: put the cursor in the search box"),
        Binding("q", "app.quit", "Quit", show=False, tooltip="Leave paperkit (notes are already saved)"),
    ]

    def __init__(self, query: str = "", paper: str | None = None) -> None:
        super().__init__()
        self.initial_query = query or ""
        self.initial_paper = paper
        self.paper: str | None = None
        self.hits: dict[str, object] = {}  # row key → Hit
        self.current = None  # the Hit shown in the detail panel
        self.showing_clashes = False
        self._seq = 0  # the newest look-up; older results are dropped
        self.shown_seq = 0  # the look-up the table shows, and its query (tests wait on these)
        self.shown_query: str | None = None
        self._papers: dict[str, str] = {}  # id → short name
        self._rows: list[tuple[str, tuple]] = []  # the table's rows: key, cells
        self._fitted_width = -1
        self._paper_column: str | None = None  # the paper whose spelling the table's second column shows
        self.pdf: tuple[str, object] | None = None  # (title, Notation) when "this PDF" is chosen
        self._second_header: str | None = None  # the second column's header for the PDF's symbols
        self._offered: tuple | None = None  # the open PDF the paper filter offers, if any

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        from paperkit.catalog import load_catalog

        try:
            papers = load_catalog().papers
        except Exception:  # a broken catalog still leaves the glossary usable
            papers = []
        self._papers = {p.id: p.short or p.id for p in papers}
        self._catalog_options = [("any paper", ANY_PAPER)] + [(p.short or p.id, p.id) for p in papers]
        options = self._paper_options()
        legal = {value for _, value in options}
        paper = self.initial_paper if self.initial_paper in legal else ANY_PAPER
        self.paper = None if paper in (ANY_PAPER, THIS_PDF) else paper
        self.pdf = self._open_pdf() if paper == THIS_PDF else None
        yield Header()
        with Horizontal(id="gl-bar"):
            query = SearchInput(self.initial_query, placeholder="symbol, LaTeX, name or description", id="gl-query")
            query.tooltip = HINT
            yield query
            select = Select(options, value=paper, allow_blank=False, id="gl-paper",
                            classes="-pdf" if self._open_pdf() else "")
            select.tooltip = ("The paper whose meaning of each symbol, and whose notation clashes, to show; "
                              "“this PDF”: the symbols of the PDF open in the reader")
            yield select
            button = Button("Clashes", id="gl-clashes")
            button.tooltip = "Notation clashes of the chosen paper (k)"
            yield button
        yield Label(HINT, id="gl-status", markup=False)
        with Horizontal(id="gl-body"):
            table = ResultsTable(id="gl-results", cursor_type="row", zebra_stripes=True)
            table.tooltip = "Best match first; Enter or c copies the LaTeX"
            yield table
            with VerticalScroll(id="gl-detail"):
                yield Static(id="gl-detail-text")
        yield Footer()

    def _open_pdf(self) -> tuple[str, object] | None:
        shared = getattr(self.app, "open_pdf_notation", None)
        return shared if shared is not None and shared[1] is not None else None

    def _paper_options(self) -> list[tuple[str, str]]:
        """The catalog's papers, and "this PDF" while the reader has a PDF's notation."""
        shared = self._offered = self._open_pdf()
        return self._catalog_options + ([(_pdf_label(shared[0]), THIS_PDF)] if shared else [])

    def on_screen_resume(self) -> None:
        """Back from another screen: the reader may have read a PDF's notation, or closed it."""
        select = self.query_one("#gl-paper", Select)
        if self._open_pdf() is self._offered:
            return
        options = self._paper_options()
        value = select.value
        select.set_class(bool(self._open_pdf()), "-pdf")
        with select.prevent(Select.Changed):
            select.set_options(options)
            if value in {v for _, v in options}:
                select.value = value
        if value == THIS_PDF and self.pdf is not self._open_pdf():  # that PDF was closed, or another opened
            self.pdf = self._open_pdf()
            if self.pdf is None:
                self.paper = None
                self.notify("The PDF was closed: showing any paper", markup=False)
            self.search(self.query_one("#gl-query", Input).value)

    def on_mount(self) -> None:
        if self.initial_paper and self.initial_paper not in self._papers and self.initial_paper != THIS_PDF:
            self.notify(f"No paper {as_typed(str(self.initial_paper))} in the catalog; showing any paper",
                        severity="warning", markup=False)
        self.query_one("#gl-query", Input).focus()
        self.search(self.initial_query)

    # -- searching -----------------------------------------------------------------------------
    @on(Input.Changed, "#gl-query")
    def _query_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @on(Input.Submitted, "#gl-query")
    def _query_submitted(self) -> None:
        self.query_one("#gl-results", DataTable).focus()

    @on(Select.Changed, "#gl-paper")
    def _paper_changed(self, event: Select.Changed) -> None:
        value = event.value
        self.pdf = self._open_pdf() if value == THIS_PDF else None
        self.paper = None if value in (ANY_PAPER, THIS_PDF, Select.NULL) else str(value)
        if value == THIS_PDF and self.pdf is None:
            self.notify("No PDF is open in the reader any more", severity="warning", markup=False)
        self.search(self.query_one("#gl-query", Input).value)

    def search(self, query: str) -> None:
        """Start a look-up of ``query`` in the chosen paper's context (or among the open PDF's
        symbols); its results replace the table's only if no newer look-up started meanwhile."""
        self._seq += 1
        self._lookup(self._seq, query, self.paper, self.pdf)

    @work(thread=True, exclusive=True, group="glossary-lookup", description="glossary look-up")
    def _lookup(self, seq: int, query: str, paper: str | None, pdf: tuple | None = None) -> None:
        error = None
        hits: list = []
        try:
            if pdf is not None:
                hits = [PdfHit(*found) for found in search_symbols(pdf[1], query)]
            else:
                hits = self._find(query, paper)
        except Exception as exc:  # the engine must never take the app down: say so, carry on
            error = f"{type(exc).__name__}: {exc}"
        if get_current_worker().is_cancelled:
            return
        show = self._show_pdf_hits if pdf is not None else self._show_hits
        try:
            self.app.call_from_thread(show, seq, query, paper, hits, error)
        except RuntimeError:  # the app is closing
            pass

    @staticmethod
    def _find(query: str, paper: str | None) -> list:
        from paperkit.glossary import Hit, glossary, lookup, paper_meaning

        hits = lookup(query, paper=paper, limit=25)
        key = query.strip()
        g = glossary()
        if key in g.by_key and not (hits and hits[0].entry.key == key):  # "alpha-bar": a key, from a note
            from paperkit.glossary.paper_view import paper_view

            entry = g.entries[g.by_key[key]]
            meaning = paper_meaning(entry, paper) if paper else None
            view = paper_view(entry, paper) if paper else None
            hits = [Hit(entry, 1.0, meaning, "key", view)] + [h for h in hits if h.entry.key != key][:24]
        return hits

    def _show_hits(self, seq: int, query: str, paper: str | None, hits: list, error: str | None) -> None:
        if seq != self._seq or not self.is_attached:
            return
        self.shown_seq, self.shown_query = seq, query
        status = self.query_one("#gl-status", Label)
        self.hits = {}
        q = query.strip()
        if error:
            message = f"no match: the look-up failed ({error})"
        elif not q:
            message = "no match yet. " + HINT
        elif not hits:
            from paperkit.glossary.search import MAX_QUERY

            if len(q) > MAX_QUERY:
                message = f"no match: the query is {len(q)} characters long; the glossary answers up to {MAX_QUERY}"
            else:
                message = f"no match for {as_typed(q)}. " + HINT
        else:
            message = ""
        if message:
            status.update(message)
            status.add_class("-none")
            self._paper_column = None
            self._second_header = None
            self._fill_table([(NO_MATCH, ("—", Text("no match", style="bold"), "", "", ""))])
            self.current = None
            if not self.showing_clashes:
                self._detail(self._no_match_detail(q, message))
            return
        weak = hits[0].score < 0.5
        context = f" in {self._papers.get(paper, paper)}" if paper else ""
        status.update(f"{len(hits)} match{'es' if len(hits) != 1 else ''} for {as_typed(q)}{context}"
                      + (" — no close match; nearest guesses" if weak else ""))
        status.set_class(weak, "-none")
        rows = []
        for hit in hits:
            e = hit.entry
            if e.key in self.hits:
                continue
            self.hits[e.key] = hit
            rows.append((e.key, (e.char or "·", e.title, self._second_cell(hit),
                                 Text(e.latex[0] if e.latex else "", style="italic"), f"{hit.score:.2f}")))
        self._paper_column = self._papers.get(paper, paper) if paper else None
        self._second_header = None
        self._fill_table(rows)
        self.showing_clashes = False
        self.show_entry(hits[0])

    def _show_pdf_hits(self, seq: int, query: str, paper, hits: list, error: str | None) -> None:
        """The open PDF's symbols matching ``query``: symbol, definition, page, LaTeX, score."""
        if seq != self._seq or not self.is_attached:
            return
        self.shown_seq, self.shown_query = seq, query
        status = self.query_one("#gl-status", Label)
        title = self.pdf[0] if self.pdf else "this PDF"
        q = query.strip()
        self.hits = {}
        self._paper_column = None
        self._second_header = "page"
        if error or not hits:
            message = (f"no match: the look-up failed ({error})" if error
                       else f"no symbol of this PDF matches {as_typed(q)}" if q
                       else "this PDF's notation has no symbols")
            status.update(message)
            status.add_class("-none")
            self._fill_table([(NO_MATCH, ("—", Text("no match", style="bold"), "", "", ""))])
            self.current = None
            if not self.showing_clashes:
                self._detail(Group(Text(message), Text(""),
                                   Text("Search the PDF's symbols by character (θ), LaTeX (\\theta) or by "
                                        "words of their definitions (policy); choose “any paper” for the glossary.",
                                        style="dim")))
            return
        if q:
            status.update(f"{len(hits)} symbol{'s' if len(hits) != 1 else ''} of {title} match{'' if len(hits) != 1 else 'es'} {as_typed(q)}")
        else:
            status.update(f"{len(hits)} symbols of {title}, defined ones first")
        status.remove_class("-none")
        rows = []
        for i, hit in enumerate(hits):
            s = hit.symbol
            key = f"pdf:{i}"
            self.hits[key] = hit
            definition = s.definition
            # the symbol leads the name column: the character column is two cells, and θ_old needs more
            name = f"{symbol_text(s)}  " + (one_line(definition.phrase, 80) if definition else "not defined in this PDF")
            page = f"p. {s.page}" if s.page else "—"
            rows.append((key, ("", name, page, Text(s.latex, style="italic"), f"{hit.score:.2f}")))
        self._fill_table(rows)
        self.showing_clashes = False
        self.show_entry(hits[0])

    def render_pdf_symbol(self, hit: PdfHit) -> RenderableType:
        """One of the open PDF's symbols: the paper's definition (and any redefinition), where it is
        defined and used, its equations, and — only where the paper does not define it — the
        glossary's generic meaning, marked as such."""
        s = hit.symbol
        title = self.pdf[0] if self.pdf else "this PDF"
        parts: list[RenderableType] = [Text.assemble((symbol_text(s), "bold"), "   ", (s.latex, "dim italic")),
                                       Text(""), Text.assemble((f" In {one_line(title, 50)} ", "bold reverse"))]
        if s.definitions:
            first = s.definitions[0]
            parts.append(_indent(Text(first.phrase, style="bold")))
            parts.append(_indent(Text(f"“{one_line(first.sentence, 300)}”", style="dim")))
            parts.append(_indent(Text.assemble(("defined on ", "dim"), f"p. {first.place.page}")))
            for later in s.definitions[1:]:
                flag = "redefined" if s.redefined else "defined again"
                parts.append(_indent(Text.assemble((f"{flag} on p. {later.place.page}: ", "bold" if s.redefined else "dim"),
                                                   later.phrase)))
        else:
            parts.append(_indent(Text("not defined in this PDF", style="italic")))
        pages = s.pages
        if pages:
            times = len(s.uses)
            parts.append(_indent(Text.assemble(("used on ", "dim"), pages_text(pages),
                                               (f" · {times} time{'s' if times != 1 else ''}", "dim"))))
        if s.equations:
            parts.append(_indent(Text.assemble(("equations ", "dim"), ", ".join(f"({e})" for e in s.equations))))
        if not s.definitions:
            generic = generic_meaning(s.latex, first_clause=False)
            parts.append(Text(""))
            parts.append(Text.assemble(("Usual meaning ", "bold"), ("(glossary, not this paper)", "italic dim")))
            parts.append(_indent(generic or "— the glossary has none"))
        note_entry = self._entry_for_latex(s.latex)
        note = self._note_text(note_entry.key) if note_entry is not None else ""
        if note:
            parts.append(Text(""))
            parts.append(Text("Your note", style="bold"))
            parts.append(_indent(note))
        parts.append(Text(""))
        parts.append(Text(f"matched by {hit.matched} · score {hit.score:.2f} · choose “any paper” (p) for the glossary",
                          style="dim"))
        return Group(*parts)

    @staticmethod
    def _entry_for_latex(latex: str):
        """The glossary entry for a symbol's LaTeX (its indices dropped if need be), or None."""
        return glossary_entry(latex)

    @staticmethod
    def _second_cell(hit) -> Text:
        """The category; with a paper chosen, how that paper writes the hit ("—" when it does not)."""
        view = getattr(hit, "view", None)
        if view is None:
            return Text(hit.entry.category, style="dim")
        if view.written:
            return Text(_unicode(view.written), style="bold" if view.specific else "")
        return Text("—", style="dim")

    def _fill_table(self, rows: list[tuple[str, tuple]] | None = None) -> None:
        """(Re)build the table with columns that fit its width: the name takes what the others leave,
        so the score stays in view at 80 columns. Also called on resize, with the rows it has."""
        table = self.query_one("#gl-results", DataTable)
        keep = 0  # new results: the best first
        if rows is None:  # a refit: the same rows, the cursor where it was
            rows = self._rows
            keep = table.cursor_row if table.row_count == len(rows) else 0
        self._rows = rows
        cells = [r[1] for r in rows]

        def longest(i: int, header: str, cap: int) -> int:
            return min(cap, max([len(str(c[i])) for c in cells] + [len(header)]))

        second = self._second_header or (f"in {self._paper_column}" if self._paper_column else "category")
        category, latex, score = longest(2, second, 14), longest(3, "LaTeX", 22), 5
        available = (table.size.width or 80) - 2  # the vertical scrollbar
        pad = 2 * table.cell_padding
        name = max(12, available - (2 + category + latex + score) - 5 * pad)
        table.clear(columns=True)
        table.add_column("", key="char", width=2)
        table.add_column("name", key="name", width=name)
        table.add_column(second, key="category", width=category)
        table.add_column("LaTeX", key="latex", width=latex)
        table.add_column("score", key="score", width=score)
        for key, (char, title, cat, tex, sc) in rows:
            table.add_row(Text(char), Text(str(title), overflow="ellipsis", no_wrap=True, style=getattr(title, "style", "")),
                          cat, tex, Text(sc, justify="right"), key=key)
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1), animate=False)
        self._fitted_width = table.size.width

    def refit(self) -> None:
        """The table's width changed (terminal resize, narrow ↔ wide layout): fit its columns again."""
        table = self.query_one("#gl-results", DataTable)
        if self._rows and table.size.width != self._fitted_width:
            self._fill_table()

    @on(DataTable.RowHighlighted, "#gl-results")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        hit = self.hits.get(event.row_key.value) if event.row_key is not None else None
        if hit is not None and hit is not self.current:
            self.showing_clashes = False
            self.show_entry(hit)

    @on(DataTable.RowSelected, "#gl-results")
    def _row_selected(self) -> None:
        self.action_copy_latex()

    # -- the detail panel ----------------------------------------------------------------------
    def _detail(self, renderable: RenderableType) -> None:
        self.query_one("#gl-detail-text", Static).update(renderable)
        self.query_one("#gl-detail", VerticalScroll).scroll_home(animate=False)

    def _no_match_detail(self, query: str, message: str) -> RenderableType:
        lines = [Text(message)]
        lines += [Text(""), Text("Try", style="bold"),
                  Text("  ᾱ   ∇   ⍴   a pasted character, with indices too (ᾱ_t)"),
                  Text("  \\bar{\\alpha}   \\mathcal{N}   LaTeX in any common spelling"),
                  Text("  alpha bar   nabla   a name, or a typo of one (alhpa)"),
                  Text("  upside-down triangle   element-wise product   a description"),
                  Text(""), Text("k shows the chosen paper's notation clashes.", style="dim")]
        return Group(*lines)

    def show_entry(self, hit) -> None:
        self.current = hit
        try:
            renderable = self.render_pdf_symbol(hit) if isinstance(hit, PdfHit) else self.render_entry(hit)
        except Exception as exc:  # odd data in one entry must not take the screen down
            name = hit.symbol.latex if isinstance(hit, PdfHit) else hit.entry.title
            renderable = Text(f"{name}: this entry cannot be shown ({type(exc).__name__}: {exc})")
        self._detail(renderable)

    def render_entry(self, hit) -> RenderableType:
        """Everything the glossary knows about one entry, as Rich renderables; with a paper chosen, that
        paper's spelling, meaning, equations, PyTorch and example first, then the general entry."""
        e = hit.entry
        parts: list[RenderableType] = []
        title = Text()
        if e.char:
            title.append(e.char + "  ", style="bold")
        title.append(e.title, style="bold")
        parts.append(title)
        said = Text()
        if e.say:
            said.append("said ", style="dim").append(f"“{e.say}”")
            said.append(" · ", style="dim")
        said.append(e.category, style="italic").append(" · ", style="dim").append(e.key, style="dim")
        parts.append(said)
        view = getattr(hit, "view", None) if self.paper else None
        if self.paper and view is None:  # a hit made without the paper (cannot happen from a look-up)
            view = self._view(e)
        if view is not None:
            parts.extend(self.render_paper(hit, view))
            parts.append(Text(""))
            parts.append(Text("In general", style="bold underline"))
        others = [c for c in dict.fromkeys(unicodedata.normalize("NFC", c) for c in e.chars[1:])
                  if c != unicodedata.normalize("NFC", e.char)]  # ᾱ composed and decomposed is one glyph
        if others:
            parts.append(Text.assemble(("also written ", "dim"), "  ".join(others)))
        if e.latex:
            parts.append(Text.assemble(("LaTeX  ", "bold"), ("   ".join(e.latex), "italic")))
        if e.aliases:
            parts.append(Text.assemble(("Also called  ", "bold"), ", ".join(e.aliases)))
        if e.meanings:
            parts.append(Text(""))
            parts.append(Text("Meanings", style="bold"))
            parts.append(_bullets(e.meanings))
        if view is None or not view.specific:  # else the paper's own code and example replaced these
            if e.torch:
                parts.append(Text(""))
                parts.append(Text("PyTorch", style="bold"))
                parts.append(_indent(_python(e.torch)))
            if e.example:
                parts.append(Text(""))
                parts.append(Text("Example", style="bold"))
                parts.extend(_example(e.example))
        if e.apl:
            parts.append(Text(""))
            parts.append(Text("APL", style="bold"))
            parts.append(_indent(e.apl))
            if e.setup:
                parts.append(_indent(_python(e.setup)))
            if e.result:
                parts.append(_indent(Text.assemble(("→ ", "dim"), e.result)))
        if view is None:
            parts.extend(self.render_forms(e))
            for clash in self._entry_clashes(e):
                parts.append(Text(""))
                parts.extend(self.render_clash(clash, heading="Notation clash"))
        note = self._note_text(e.key)
        if note:
            parts.append(Text(""))
            parts.append(Text("Your note", style="bold"))
            parts.append(_indent(note))
        parts.append(Text(""))
        parts.append(Text(f"matched by {hit.matched or 'search'} · score {hit.score:.2f}", style="dim"))
        return Group(*parts)

    def _view(self, entry):
        from paperkit.glossary.paper_view import paper_view

        try:
            return paper_view(entry, self.paper)
        except Exception:  # an unreadable catalog: the general entry still shows
            return None

    def render_paper(self, hit, view) -> list[RenderableType]:
        """The chosen paper's reading of the entry: how it writes it, what it means there, where, and
        — where its meaning differs from the glossary's — its own PyTorch and example, then its clashes."""
        e = hit.entry
        head = Text.assemble((f" In {view.name} ", "bold reverse"), "  ")
        if view.written:
            if view.renamed and e.char:
                head.append(f"{e.char} is written ")  # DDIM has no ᾱ: it writes α_t
            else:
                head.append("written ")
            head.append(_unicode(view.written), style="bold").append(f"   {view.written}", style="dim italic")
        else:
            head.append("not among the symbols of its catalog equations", style="dim")
        out: list[RenderableType] = [Text(""), head]
        if view.means_entry:
            other = self._entry(view.means_entry)
            named = f"{other.char} “{other.say}”" if other is not None and other.char else view.means_entry
            said = f"{view.name}'s {_unicode(view.written)}" if view.written else f"{view.name}'s notation"
            out.append(_indent(Text.assemble((f"{said} is the glossary's ", "dim"), named, (f" ({view.means_entry})", "dim"))))
        if view.meaning:
            out.append(_indent(view.meaning))
        if view.equations:
            out.append(_indent(Text.assemble(("equations ", "dim"), " · ".join(view.equations))))
        if view.specific:
            if view.torch:
                out.append(Text(f"PyTorch in {view.name}", style="bold"))
                out.append(_indent(_python(view.torch)))
            if view.example:
                out.append(Text(f"Example in {view.name}", style="bold"))
                out.extend(_example(view.example))
        for clash in view.clashes:
            out.append(Text(""))
            out.extend(self.render_clash(clash, heading="Notation clash"))
        return out

    def render_forms(self, e) -> list[RenderableType]:
        """How the catalog papers write the entry's letter (α_t, ᾱ_t, α_{t−1} …) and what each means there."""
        from paperkit.glossary.paper_view import catalog_forms

        try:
            forms = catalog_forms(e)
        except Exception:
            return []
        if not forms:
            return []
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        for form in forms:
            for k, use in enumerate(form.uses):
                grid.add_row(Text(_unicode(form.latex) if k == 0 else "", style="bold"),
                             Text(self._papers.get(use.paper, use.paper), style="bold"),
                             Text.assemble(use.meaning, ("  " + " · ".join(use.equations), "dim")))
        return [Text(""), Text("In the papers", style="bold"), _indent(grid)]

    @staticmethod
    def _entry(key: str):
        from paperkit.glossary import glossary

        g = glossary()
        return g.entries[g.by_key[key]] if key in g.by_key else None

    def _entry_clashes(self, e) -> list:
        from paperkit.glossary import clashes_for

        try:
            return clashes_for(self.paper, e.latex[0] if e.latex else None, e.key)
        except Exception:
            return []

    def render_clash(self, clash, heading: str = "", code: bool = False) -> list[RenderableType]:
        """A clash: its symbol, note and each paper's meaning, the chosen paper first; ``code`` adds the
        chosen paper's own PyTorch (the clash list, ``k``, where no entry's panel shows it)."""
        head = Text()
        if heading:
            head.append(heading + "  ", style="bold")
        head.append(_unicode(clash.symbol), style="bold").append(f"   {clash.symbol}", style="dim italic")
        out: list[RenderableType] = [head]
        if clash.note:
            out.append(_indent(clash.note))
        papers = sorted(clash.papers.items(), key=lambda kv: kv[0] != self.paper)  # the chosen paper first
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        for paper, meaning in papers:
            name = self._papers.get(paper, paper)
            grid.add_row(Text(name, style="bold reverse" if paper == self.paper else "bold"), Text(meaning))
        out.append(_indent(grid))
        torch = getattr(clash, "torch", {}).get(self.paper, "") if code and self.paper else ""
        if torch:
            out.append(_indent(_python(torch)))
        return out

    def _note_text(self, key: str) -> str:
        """The user's note on a symbol, if the notes store is there (silently none when it is not)."""
        try:
            note = self.app.notes.get(f"sym:{key}")
        except Exception:
            return ""
        return (getattr(note, "text", "") or "").strip() if note is not None else ""

    # -- actions -------------------------------------------------------------------------------
    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_focus_search(self) -> None:
        self.query_one("#gl-query", Input).focus()

    def action_focus_results(self) -> None:
        self.query_one("#gl-results", DataTable).focus()

    def action_focus_paper(self) -> None:
        self.query_one("#gl-paper", Select).focus()

    def action_copy_latex(self) -> None:
        hit = self.current
        if hit is None:
            self.notify("Nothing to copy: no symbol is highlighted", severity="warning")
            return
        if isinstance(hit, PdfHit):
            self.app.copy_to_clipboard(hit.symbol.latex)
            self.notify(f"copied LaTeX: {hit.symbol.latex}", markup=False)
            return
        e = hit.entry
        text = e.latex[0] if e.latex else e.char
        if not text:
            self.notify("This entry has no LaTeX or character to copy", severity="warning")
            return
        self.app.copy_to_clipboard(text)
        what = "LaTeX" if e.latex else "character (no LaTeX for it)"
        self.notify(f"copied {what}: {text}", markup=False)

    @on(Button.Pressed, "#gl-clashes")
    def _clashes_pressed(self) -> None:
        self.action_clashes()

    def action_clashes(self) -> None:
        if self.pdf is not None:
            self._pdf_clashes()
            return
        from paperkit.glossary import clashes_for

        try:
            clashes = clashes_for(self.paper)
        except Exception as exc:
            self.notify(f"Clashes unavailable: {exc}", severity="error", markup=False)
            return
        name = self._papers.get(self.paper, self.paper) if self.paper else None
        title = f"Notation clashes in {name} ({len(clashes)})" if name else f"All notation clashes ({len(clashes)})"
        parts: list[RenderableType] = [Text(title, style="bold underline")]
        if not name:
            parts.append(Text("Choose a paper (p) to see only its clashes and its meaning first.", style="dim"))
        if not clashes:
            parts.append(Text("None: this paper's notation agrees with the other papers of the catalog."))
        for clash in clashes:
            parts.append(Text(""))
            parts.extend(self.render_clash(clash, code=True))
        self.showing_clashes = True
        self._detail(Group(*parts))

    def _pdf_clashes(self) -> None:
        """The open PDF's own clashes: the symbols it defines more than once, differently."""
        title = self.pdf[0] if self.pdf else "this PDF"
        twice = [s for s in getattr(self.pdf[1], "symbols", ()) if s.redefined and len(s.definitions) > 1]
        parts: list[RenderableType] = [Text(f"Symbols {one_line(title, 50)} defines twice ({len(twice)})",
                                            style="bold underline")]
        if not twice:
            parts.append(Text("None: each symbol keeps one meaning throughout this PDF."))
        for s in twice:
            parts.append(Text(""))
            parts.append(Text.assemble((symbol_text(s), "bold"), "   ", (s.latex, "dim italic")))
            parts.append(_bullets([Text.assemble((f"p. {d.place.page}  ", "bold"), d.phrase) for d in s.definitions]))
        self.showing_clashes = True
        self._detail(Group(*parts))

    def action_note(self) -> None:
        hit = shown = self.current
        if hit is None:
            self.notify("No symbol highlighted: search for one first", severity="warning")
            return
        if isinstance(hit, PdfHit):  # the note is kept on the glossary's symbol, shown with the PDF's
            entry = self._entry_for_latex(hit.symbol.latex)
            if entry is None:
                self.notify(f"No glossary symbol for {hit.symbol.latex} to keep a note on", severity="warning",
                            markup=False)
                return
            from paperkit.glossary import Hit

            hit = Hit(entry, 1.0, None, "latex")
        e = hit.entry
        target = f"sym:{e.key}"
        try:
            note = self.app.notes.get(target)
        except Exception as exc:  # notes.py missing, or the database cannot be opened
            self.notify(f"Notes are unavailable: {exc}", title="Notes", severity="error", markup=False)
            return
        from ..widgets.note_editor import NoteEditor

        text = (getattr(note, "text", "") or "") if note is not None else ""
        title = f"{e.char}  {e.title}".strip()

        def saved(ok: bool | None) -> None:
            if ok and self.current is shown:
                self.show_entry(shown)

        self.app.push_screen(NoteEditor(target, title, text), saved)
