"""The reader: a PDF's text as paragraphs wrapped to the terminal, its numbered equations marked,
the page image or an equation cut from it, the outline, search, go to a page or an equation, zoom.

All PDF work runs in thread workers through ``ReaderSource`` (``reader_source.py``), which keeps
pymupdf behind one lock, a page at a time: opening imports pymupdf (≈ 1 s) and each page's layout
and equations take tens of milliseconds, so the UI shows "Opening …" meanwhile and never blocks.
Every failure — a non-PDF, truncated, encrypted, empty or missing file, a folder, a damaged page —
becomes one message that stays on the screen; with no PDF open the screen offers only Back
(``check_action`` hides the rest from the footer and ``?``'s list of what works here).

After the equation index the same worker reads the paper's notation (``ReaderSource.notation``):
the symbols and cross-references it found are marked in the text, and a two-line panel
(``NotationPanel``) says what the one chosen on the cursor line is. ←/→ choose among a line's items,
Enter jumps to a reference's target or a symbol's definition, Backspace jumps back (a stack).

Keys: ``[``/``]`` turn pages; PageDown/PageUp scroll the text a screen at a time and turn the
page at its end (on a focused page image they pan it, then turn); the footer shows the keys a
learner needs first, ``?`` lists the rest.
"""

from __future__ import annotations

from pathlib import Path

from rich.padding import Padding
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from paperkit.render import to_unicode  # plain Python: pylatexenc, no torch or pymupdf

from ..widgets.notation_panel import NotationPanel
from ..widgets.notation_text import equation_symbol_lines, is_mention, item_place, symbol_text
from ..widgets.page_image import PageImage, load_picture
from ..widgets.page_text import PageText
from .reader_source import Opened, PageView, ReaderSource

MAX_HITS = 200  # search results listed
WIDE = 110  # from this many columns the page image sits beside the text, below it replaces it
SIDE_MIN, SIDE_MAX = 30, 60  # the side panel's width in cells: it grows to fit the outline's titles
BY_WORDS = {"arxiv": "its arXiv id", "title": "its title", "hash": "its file hash"}
# actions that need an open PDF: hidden (footer, ``?``) and refused while none is open
NEEDS_PDF = frozenset({"page", "page_key", "goto_page", "search", "outline", "equations", "image", "crop", "zoom",
                       "jump_back"})


# the reader's usual footer keys fill 80 columns; those of the notation are added where they fit
FOOTER_ROOM = 80
ITEM_KEYS = len(" ←→ Item ")
BACK_KEY = len(" ⌫ Back to p. 999 ")


def _rebind(node, key: str, **changes) -> None:
    """Change ``key``'s binding on ``node`` (this instance only): its footer description or whether
    the footer shows it. Textual's bindings are frozen; each node holds its own map of them."""
    from dataclasses import replace

    found = node._bindings.key_to_bindings.get(key)
    if found:
        node._bindings.key_to_bindings[key] = [replace(b, **changes) for b in found]


def _no_text(page: int):
    """The one line shown for a page without a text layer."""
    from paperkit.pdf.reflow import Paragraph

    return Paragraph("row", f"Page {page} has no text layer (a scanned page?): press i to see its image.", 0)


class ReaderScreen(Screen):
    """Reader: a PDF's text, page images, outline, search and equations."""

    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Close the open panel or image, or go back to the previous screen"),
        Binding("left_square_bracket", "page(-1)", "Previous page", key_display="[",
                group=Binding.Group("Page", compact=True), tooltip="The previous page (the footer shows [] Page)"),
        Binding("right_square_bracket", "page(1)", "Next page", key_display="]",
                group=Binding.Group("Page", compact=True), tooltip="The next page"),
        Binding("pageup", "page_key(-1)", "Screen up", show=False, priority=True,
                tooltip="Scroll the text (or a focused, zoomed page image) up a screen; at its top, the previous page"),
        Binding("pagedown", "page_key(1)", "Screen down", show=False, priority=True,
                tooltip="Scroll the text (or a focused, zoomed page image) down a screen; at its end, the next page"),
        Binding("slash", "search", "Find", tooltip="Search the whole PDF; Enter on a result goes to it"),
        Binding("t", "outline", "Outline", tooltip="Show or hide the outline; Enter on an entry goes to its page"),
        Binding("e", "equations", "Equations", tooltip="The numbered equations found: label, page, catalog id, LaTeX (Enter on a highlighted equation line of the text opens it too)"),
        Binding("p", "goto_page", "Go to page", show=False, tooltip="Type a page number, then Enter"),
        Binding("i", "image", "Page image", show=False, tooltip="Show or hide the page image (Kitty/Sixel graphics or half-blocks); with focus, arrows and PageUp/PageDown pan it"),
        Binding("c", "crop", "Equation image", show=False, tooltip="The equation under the cursor (or the page's first) as an image, the full width of the screen; Escape closes it"),
        Binding("plus,equals_sign", "zoom(1)", "Zoom in", show=False, tooltip="Enlarge the page image: it shows the page's text area, arrows pan it"),
        Binding("minus", "zoom(-1)", "Zoom out", show=False, tooltip="Shrink the page image (×1 shows the whole page)"),
        Binding("backspace", "jump_back", "Jump back", key_display="⌫",
                tooltip="Back to where you were before the last jump from a symbol or reference (again: further back)"),
    ]

    AUTO_FOCUS = "#page-text"

    DEFAULT_CSS = """
    ReaderScreen #reader-body { height: 1fr; }
    ReaderScreen #side {
        width: 38;
        max-width: 50%;
        height: 1fr;
        display: none;
        border-right: vkey $foreground 20%;
    }
    ReaderScreen #side-title { text-style: bold; color: $accent; padding: 0 1; }
    ReaderScreen #side > OptionList { height: 1fr; border: none; display: none; }
    ReaderScreen #search { display: none; margin: 0 1; }
    ReaderScreen #reader-main { width: 1fr; height: 1fr; }
    ReaderScreen #reader-message { padding: 1 2; height: auto; }
    ReaderScreen #reader-message.-error { color: $text-error; background: $error-muted; }
    ReaderScreen #reader-panes { height: 1fr; display: none; }
    ReaderScreen #page-image { display: none; }
    ReaderScreen #eq-detail {
        height: auto;
        max-height: 14;
        display: none;
        border-top: hkey $warning;
        padding: 0 1;
        overflow-y: auto;
    }
    ReaderScreen #goto { dock: bottom; display: none; }
    ReaderScreen #reader-status { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
    """

    def __init__(self, path: Path, paper_id: str | None = None) -> None:
        super().__init__()
        self.path = Path(path).expanduser()
        self.paper_id = paper_id
        self.source: ReaderSource | None = None  # the open PDF, once a worker has opened it
        self.error: str | None = None
        self.page = 1  # the page asked for
        self.page_shown = 0  # the page whose text is on screen (0: none yet)
        self.page_count = 0
        self.equations: list | None = None  # every numbered equation, once indexed
        self.missing: list[str] = []
        self.hits: list = []
        self.outline_entries: list = []
        self._pages: dict[int, PageView] = {}
        self._closed = False
        self._query = ""
        self._target = None  # what to land on when the page shows: see ``_show_page``
        self._focus_eq = None  # the equation under the cursor or chosen last: what ``c`` crops
        self._image_eq = None  # the equation the image pane shows, or None for the whole page
        self._crop_view = False  # an equation's image fills the reader (Escape closes it)
        self._image_before_crop = False  # whether the page image was shown when the crop opened
        self._indexed = 0  # pages whose equations are found so far
        self._side: str | None = None  # which panel the side shows: "outline", "search" or "equations"
        self.notation = None  # the paper's notation (paperkit.pdf.notation.Notation), once read
        self.notation_error: str | None = None  # why it could not be read
        self._notation_pages = 0  # pages of the notation read so far
        self._line_items: list = []  # (start, end, item) of the symbols and references on the cursor line
        self._item_index = 0  # which of them is chosen
        self._items_line: int | None = None  # the line they are on
        self._page_counts = (0, 0)  # symbols and references marked on the page shown
        self.jumps: list[tuple] = []  # where each jump left from: (page, paragraph, offset, scroll, item)
        self._detail_eq = None  # the equation #eq-detail shows, redrawn when the notation arrives

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="reader-body"):
            with Vertical(id="side"):
                yield Label("", id="side-title")
                yield Input(placeholder="search, then Enter", id="search")
                yield OptionList(id="outline")
                yield OptionList(id="hits")
                yield OptionList(id="equations")
            with Vertical(id="reader-main"):
                yield Static("", id="reader-message")
                with Horizontal(id="reader-panes"):
                    yield PageText(id="page-text")
                    yield PageImage(id="page-image")
                yield NotationPanel(id="notation-panel")
                yield Static("", id="eq-detail")
        yield Input(placeholder="page number, then Enter (Escape cancels)", id="goto", type="integer")
        yield Static("", id="reader-status")
        yield Footer()

    def on_mount(self) -> None:
        self._app = self.app  # workers reach the app through this, not the context variable
        self.title = self.path.name
        self.sub_title = "Opening …"
        self._message(f"Opening {self.path.name} …")
        self._set_placeholder("#outline", "Reading the outline …")
        self._set_placeholder("#equations", "Finding equations …")
        self._open()

    def on_unmount(self) -> None:
        self._closed = True
        shared = getattr(self.app, "open_pdf_notation", None)
        if shared is not None and self.notation is not None and shared[1] is self.notation:
            self.app.open_pdf_notation = None  # the glossary offers this PDF only while it is open
        if self.source is not None:
            self.source.close()  # waits for a worker to finish its page, at most 2 s
            self.source = None

    def on_resize(self) -> None:
        self._arrange_panes()
        self._fit_footer()
        if self.outline_entries:
            self._fit_side()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """With no PDF open (it failed, or is still opening) only Back works: the footer and ``?``
        show nothing else, and the keys do nothing."""
        if action in NEEDS_PDF and self.source is None:
            return False
        if action == "jump_back":
            return bool(self.jumps)
        return True

    # -- workers -------------------------------------------------------------------------------
    def _ui(self, fn, *args, **kwargs) -> None:
        """Run ``fn`` on the UI thread, unless this screen or the app has gone."""
        if self._closed or get_current_worker().is_cancelled:
            return
        try:
            self._app.call_from_thread(fn, *args, **kwargs)
        except Exception as exc:  # the app is shutting down, or the UI update failed: never crash the worker
            self.log.error(f"reader: UI update failed: {exc!r}")

    def _say(self, message: str, **kwargs) -> None:
        """A notification; file names and PDF errors may hold "[", so never read as markup."""
        self.notify(message, markup=False, **kwargs)

    def _problem(self, exc: BaseException, what: str) -> str:
        """One line: a ``UserError``'s own message, anything else named with what was being done."""
        from paperkit.errors import UserError

        return str(exc) if isinstance(exc, UserError) else f"{what} ({type(exc).__name__}: {exc})"

    @work(thread=True, exclusive=True, group="reader-open", exit_on_error=False, description="open and index the PDF")
    def _open(self) -> None:
        try:
            source = ReaderSource.open(self.path, self.paper_id)  # first use imports pymupdf: ≈ 1 s, here in a thread
        except Exception as exc:  # PdfError for the expected cases; anything pymupdf raises is one message too
            self._ui(self._failed, self._problem(exc, f"{self.path.name} cannot be opened"))
            return
        try:
            opened = source.describe(log=self.log.warning)
            self._ui(self._opened, source, opened)
            if self.source is not source:  # the screen went away meanwhile
                source.close()
                return
            self._ui(self._page_ready, source.page_view(1))
            self._ui(self._fill_outline, source.outline())
            worker = get_current_worker()
            found: list = []
            for number in range(1, source.page_count + 1):
                if worker.is_cancelled or self._closed:
                    return
                found.extend(source.page_equations(number))
                self._ui(self._indexing, number)
            self._ui(self._fill_equations, found, source.missing(found))
        except Exception as exc:  # a damaged page: say so, keep what was read
            self._ui(self._index_failed, self._problem(exc, f"{self.path.name} could not be indexed"))
            return
        self._read_notation(source)

    def _read_notation(self, source: ReaderSource) -> None:
        """The paper's notation, after the equations (in the open worker): a page at a time, the
        status line counting; a failure is one line and the reader goes on without it."""
        worker = get_current_worker()
        try:
            notation = source.notation(progress=lambda page, pages: self._ui(self._notation_progress, page),
                                       cancel=lambda: worker.is_cancelled or self._closed)
        except Exception as exc:
            self._ui(self._notation_failed, self._problem(exc, "the paper's notation could not be read"))
            return
        if worker.is_cancelled or self._closed:
            return
        try:  # the equations panel's fallback meanings come from the glossary: load it here, not on a key
            from paperkit.glossary import glossary

            glossary()
        except Exception as exc:
            self.log.warning(f"reader: glossary unavailable: {exc!r}")
        self._ui(self._notation_ready, notation)

    @work(thread=True, exclusive=True, group="reader-page", exit_on_error=False, description="read a page")
    def _load_page(self, number: int) -> None:
        try:
            view = self.source.page_view(number)
        except Exception as exc:
            self._ui(self._page_failed, number, self._problem(exc, f"page {number} cannot be read"))
            return
        self._ui(self._page_ready, view)

    @work(thread=True, exclusive=True, group="reader-search", exit_on_error=False, description="search the PDF")
    def _search(self, query: str) -> None:
        worker = get_current_worker()
        source, hits = self.source, []
        try:
            for number in range(1, source.page_count + 1):  # a page at a time: page turns are not kept waiting
                if worker.is_cancelled or len(hits) >= MAX_HITS:
                    break
                hits.extend(source.search_page(number, query, MAX_HITS - len(hits)))
        except Exception as exc:
            self._ui(self._say, f"Search failed: {self._problem(exc, 'search')}", severity="error")
            return
        self._ui(self._show_hits, query, hits)

    @work(thread=True, exclusive=True, group="reader-image", exit_on_error=False, description="render an image")
    def _render_image(self, number: int, clip, scale: float, caption: str, equation: bool) -> None:
        try:
            png = self.source.render(number, scale, clip)
            if equation:  # cut to the ink: a display's box holds the font's white above and below it
                from paperkit.pdf.crop import trim  # PIL, already loaded for the picture

                png = trim(png, int(2 * scale))
            picture = load_picture(png)  # PIL and textual-image load on first use
        except Exception as exc:
            self._ui(self._image_failed, self._problem(exc, "the image cannot be shown"))
            return
        self._ui(self._show_picture, picture, caption, equation)

    # -- results arriving on the UI thread -----------------------------------------------------
    def _message(self, text: str, error: bool = False) -> None:
        message = self.query_one("#reader-message", Static)
        message.update(Content(text))
        message.set_class(error, "-error")
        message.display = bool(text)

    def _failed(self, message: str) -> None:
        self.error = message
        self.sub_title = "cannot open this file"
        self._message(f"⚠ {message}\n\nPress Escape to go back.", error=True)
        self.query_one("#reader-panes").display = False
        self.set_focus(None)  # nothing to scroll or pick: only the screen's Back (and the app's keys)
        self._set_placeholder("#equations", "No equations: the PDF could not be opened")
        self._say(message, title="Cannot open PDF", severity="error", timeout=8)
        self._status()
        self.refresh_bindings()

    def _opened(self, source: ReaderSource, opened: Opened) -> None:
        if self._closed:
            return
        self.source = source
        self.page_count = source.page_count
        self.paper_id = source.paper_id
        paper, identified, title = opened.paper, opened.identified, opened.title
        self.title = title
        if paper is not None:
            how = f"identified by {BY_WORDS.get(identified.by, identified.by)}" if identified else "catalog paper"
            where = f"arXiv {paper.arxiv_versioned}" if paper.arxiv else self.path.name
            self.sub_title = f"{paper.short or paper.id} · {where} · {how}"
        else:
            self.sub_title = f"{self.path.name} · not a catalog paper"
        self._message(f"Reading page 1 of {self.page_count} …")
        try:
            self.app.notes.remember_document(str(self.path.resolve()), title, self.paper_id, opened.sha256)
        except Exception as exc:  # the notes store may be missing or broken: reading goes on
            self.log.warning(f"reader: could not remember {self.path}: {exc!r}")
        self._status()
        self.refresh_bindings()

    def _page_ready(self, view: PageView) -> None:
        self._pages[view.number] = view
        if view.number == self.page:
            self._show_page()

    def _page_failed(self, number: int, message: str) -> None:
        from paperkit.pdf.reflow import Paragraph

        if number == self.page:
            self._pages[number] = PageView(number, [Paragraph("text", f"⚠ {message}", 0)], [], None)
            self._show_page()
        self._say(message, severity="error")

    def _index_failed(self, message: str) -> None:
        self._set_placeholder("#equations", f"Equations unavailable: {message}")
        if self.page_shown == 0 and self.source is not None:
            self._message(f"⚠ {message}", error=True)
        self._say(message, severity="error")

    def _indexing(self, number: int) -> None:
        self._indexed = number
        if self.equations is None:
            self._set_placeholder("#equations", f"Finding equations … page {number} of {self.page_count}")
        self._status()

    def _fill_outline(self, entries) -> None:
        """The outline as a list whose entries wrap: every heading can be read in full, indented by
        its level, with its page."""
        self.outline_entries = list(entries)
        listing = self.query_one("#outline", OptionList)
        listing.clear_options()
        for i, entry in enumerate(self.outline_entries):
            label = Text.assemble(entry.title, (f"  p. {entry.page}", "dim"))
            if entry.level <= 1:
                label.stylize("bold", 0, len(entry.title))
            listing.add_option(Option(Padding(label, (0, 0, 0, 2 * max(entry.level - 1, 0))), id=f"outline-{i}"))
        if not self.outline_entries:
            self._set_placeholder("#outline", "No outline: no bookmarks and no numbered headings")
        self._fit_side()

    def _fit_side(self) -> None:
        """The side panel as wide as the outline's longest title needs, within ``SIDE_MIN``–``SIDE_MAX``
        and half the screen; longer titles wrap."""
        longest = max((len(e.title) + 2 * max(e.level - 1, 0) + len(f"  p. {e.page}") for e in self.outline_entries),
                      default=0)
        width = max(SIDE_MIN, min(SIDE_MAX, longest + 3, self.size.width // 2 if self.size.width else SIDE_MAX))
        self.query_one("#side").styles.width = width

    def _fill_equations(self, equations: list, missing: list[str]) -> None:
        self.equations = equations
        self.missing = missing
        listing = self.query_one("#equations", OptionList)
        listing.clear_options()
        for i, eq in enumerate(equations):
            latex = " ".join(to_unicode(eq.latex).split()) if eq.latex else "(LaTeX could not be rebuilt)"
            link = eq.catalog_id or "not in the catalog"
            listing.add_option(Option(Content.assemble((f"({eq.label})", "bold"), f"  p. {eq.page}  ",
                                                       (link, "$text-accent" if eq.catalog_id else "$text-muted"),
                                                       "\n", (latex, "$text-muted")), id=f"eq-{i}"))
        if not equations:
            self._set_placeholder("#equations", "No numbered equations found in this PDF")
        if missing:
            self.sub_title = f"{self.sub_title} · catalog equations not in this PDF: {', '.join(missing)}"
            self._say(f"Catalog equations not found in this PDF: {', '.join(missing)}", severity="warning")
        # pages read before the index was complete had only some pages' words to mend hyphens with
        self._pages = {n: v for n, v in self._pages.items() if n == self.page}
        self._status()

    def _notation_progress(self, page: int) -> None:
        self._notation_pages = page
        self._status()

    def _notation_ready(self, notation) -> None:
        """Mark the page shown (read again: its words now mended with the whole paper's vocabulary,
        as the notation read them), keep the cursor where it was, and offer the PDF to the glossary."""
        self.notation = notation
        self.app.open_pdf_notation = (self.title, notation)
        if self.page_shown and self.page in self._pages:
            text = self.query_one("#page-text", PageText)
            place = text.place()  # the words under the cursor, as kept across resizes
            keep = ("keep", (*place, text.scroll_y, 0)) if place is not None else None
            del self._pages[self.page]
            self.go_to_page(self.page, keep)
        detail = self.query_one("#eq-detail", Static)
        if detail.display and self._detail_eq is not None:
            self._show_detail(self._detail_eq)
        self._status()

    def _notation_failed(self, message: str) -> None:
        self.notation_error = message
        self._status()
        self._say(message, title="Notation", severity="warning")

    def _set_placeholder(self, listing_id: str, text: str) -> None:
        listing = self.query_one(listing_id, OptionList)
        listing.clear_options()
        listing.add_option(Option(Content(text), disabled=True))

    def _show_hits(self, query: str, hits: list) -> None:
        self._query = query
        self.hits = hits
        listing = self.query_one("#hits", OptionList)
        listing.clear_options()
        for i, hit in enumerate(hits):
            listing.add_option(Option(Content.assemble((f"p. {hit.page}  ", "bold"), hit.text), id=f"hit-{i}"))
        if hits:
            more = "+" if len(hits) >= MAX_HITS else ""
            self.query_one("#side-title", Label).update(Content(f"Search: {len(hits)}{more} rows match “{query}”"))
            listing.highlighted = 0
            listing.focus()
        else:
            listing.add_option(Option(Content(f"No match for “{query}”"), disabled=True))
            self.query_one("#side-title", Label).update("Search")
            self._say(f"No match for “{query}”", severity="warning")
        if self.page_shown:
            self._show_page()  # underline the matches on the page shown

    def _show_picture(self, picture, caption: str, equation: bool) -> None:
        image = self.query_one("#page-image", PageImage)
        image.show_picture(picture, caption, equation)

    def _image_failed(self, message: str) -> None:
        self.query_one("#page-image", PageImage).show_message(f"⚠ {message}")
        self._say(message, severity="error")

    # -- showing a page ------------------------------------------------------------------------
    def go_to_page(self, number: int, target=None) -> None:
        """Show page ``number`` (clamped to the document); ``target`` is a search hit, an equation or
        ("end", None) to land on."""
        if self.source is None:
            self._say("Nothing to show: this file could not be opened (Escape goes back)" if self.error
                      else "The PDF is still opening …")
            return
        self.page = max(1, min(self.page_count, number))
        self._target = target
        if self.page in self._pages:
            self._show_page()
        else:
            self._status(f"reading page {self.page} …")
            self._load_page(self.page)
        if self.query_one("#page-image", PageImage).display:
            self._request_image()

    def _marks(self, view: PageView) -> dict:
        """Paragraph -> (start, end, item) of the symbols and references the notation found on the page."""
        if self.notation is None:
            return {}
        return {p: found for p in range(len(view.paragraphs)) if (found := self.notation.places(view.number, p))}

    def _show_page(self) -> None:
        """Show the page asked for, landing on ``_target``: a search hit ("hit"), an equation ("eq"),
        the end ("end"), a reference's target ("target"), a definition ("place": paragraph and
        offsets), or where a jump left from ("back": paragraph, offset, scroll, item)."""
        view = self._pages[self.page]
        text = self.query_one("#page-text", PageText)
        target, self._target = self._target, None
        kind, value = target or (None, None)
        marks = self._marks(view)
        count = len(view.paragraphs)
        place = value if kind == "place" and 0 <= value[0] < count else None
        paragraphs = view.paragraphs or [_no_text(self.page)]  # a scanned page: say so, never a blank pane
        text.show_paragraphs(paragraphs, self._query, hit=place, marks=marks)
        landing = None
        if kind == "hit":
            found = text.find(value.bbox[1], value.text, self._query)
            if found is not None:
                text.show_paragraphs(view.paragraphs, self._query, hit=found, marks=marks)
                landing = text.highlighted
        elif kind == "eq":
            landing = text.row_index(lambda r: r.first_of_equation and r.equation.label == value.label
                                     and r.equation.page == value.page)
        elif kind == "place" and place is not None:
            landing = text.highlighted
        elif kind == "target":
            landing = self._land_on_target(text, value, count)
        elif kind in ("back", "keep"):
            para, offset = value[0], value[1]
            landing = text.hold(para, offset) if 0 <= para < count else None
        elif kind == "end":
            landing = next((i for i in range(len(text.rows) - 1, -1, -1) if not text.rows[i].blank), None)
        if landing is not None:
            text.highlighted = landing
            if kind == "end":
                text.call_after_refresh(text.scroll_end, animate=False)
            elif kind in ("back", "keep"):  # as it was: the same lines above the cursor
                scroll = value[2]
                text.call_after_refresh(lambda: text.scroll_to(y=scroll, animate=False))
            else:  # a third of the way down: the lines before it give the context
                text.call_after_refresh(lambda: text.scroll_to(y=max(0, landing - text.size.height // 3), animate=False))
        self._page_counts = self._count_items(marks)
        self._items_line = None
        self._item_index = value[3] if kind in ("back", "keep") else 0
        self._update_items()
        self.page_shown = self.page
        self._message("")
        self.query_one("#reader-panes").display = True
        self._arrange_panes()
        # the page read again once the notation arrived ("keep") leaves the focus where the reader put it
        if kind != "keep" and not self._side_focused() and not self._image_focused():
            text.focus()
        self._status()

    @staticmethod
    def _land_on_target(text: PageText, target, count: int) -> int | None:
        """The line a reference's target starts on, its paragraph tinted: the paragraph the engine
        gives, else the equation with its label, else the paragraph at the target's box."""
        para = target.para if target.para is not None and 0 <= target.para < count else None
        if para is None and target.kind == "equation":
            found = text.row_index(lambda r: r.first_of_equation and r.equation.label == target.label)
            if found is not None:
                return found
        if para is None and target.bbox is not None:
            para = text.paragraph_at(target.bbox[1])
        if para is None:
            return None
        text.tint(para)
        return text.row_index(lambda r: r.para == para)

    @staticmethod
    def _count_items(marks: dict) -> tuple[int, int]:
        symbols, references = set(), set()
        for found in marks.values():
            for _, _, item in found:
                (references if is_mention(item) else symbols).add(id(item))
        return len(symbols), len(references)

    # -- the notation's items on the cursor line -------------------------------------------------
    def _update_items(self) -> None:
        """The symbols and references of the cursor line: the chosen one reversed in the text and
        described in the panel; the footer offers ←→ only while the line has some."""
        text = self.query_one("#page-text", PageText)
        line = text.highlighted
        had = bool(self._line_items)
        if line != self._items_line:
            self._item_index = 0 if self._items_line is not None else self._item_index
        self._items_line = line
        self._line_items = text.items_on(line) if self.notation is not None else []
        self._item_index = min(self._item_index, len(self._line_items) - 1) if self._line_items else 0
        self._show_item()
        if had != bool(self._line_items):
            self.refresh_bindings()

    def _show_item(self) -> None:
        text = self.query_one("#page-text", PageText)
        panel = self.query_one("#notation-panel", NotationPanel)
        back = self.jumps[-1][0] if self.jumps else None
        if not self._line_items:
            text.set_current(None)
            if panel.display:
                panel.show_hint(*self._page_counts, back=back)
            return
        start, end, item = self._line_items[self._item_index]
        text.set_current(text.rows[self._items_line].para, start, end)
        panel.show_item(item, self._item_index, len(self._line_items), back=back)

    @property
    def current_item(self):
        """The symbol or reference chosen on the cursor line, or None."""
        return self._line_items[self._item_index][2] if self._line_items else None

    def on_page_text_step_item(self, event: PageText.StepItem) -> None:
        """←/→ in the text (its own bindings, shown while the cursor line has items)."""
        self.action_item(event.step)

    def action_item(self, step: int) -> None:
        if not self._line_items:
            return
        self._item_index = (self._item_index + step) % len(self._line_items)
        self._show_item()

    def jump(self, item) -> None:
        """Go to a reference's target or a symbol's definition, remembering where from (Backspace)."""
        place = item_place(item)
        if place is None:
            if is_mention(item):
                self._say(f"{item.text}: not found in this PDF", severity="warning")
            else:
                self._say(f"{symbol_text(item)} is not defined in this PDF", severity="warning")
            return
        text = self.query_one("#page-text", PageText)
        para, offset = text.place() or (0, 0)
        self.jumps.append((self.page, para, offset, text.scroll_y, self._item_index))
        self._update_jump_binding()
        if is_mention(item):
            self.go_to_page(place.page, ("target", place))
        else:
            self.go_to_page(place.page, ("place", (place.para, place.start, place.end)))

    def action_jump_back(self) -> None:
        if not self.jumps:
            return
        page, para, offset, scroll, item = self.jumps.pop()
        self._update_jump_binding()
        self.go_to_page(page, ("back", (para, offset, scroll, item)))
        self._focus_reading()

    def _update_jump_binding(self) -> None:
        """The footer says where Backspace goes ("⌫ Back to p. 3") when it has room; the panel
        always does."""
        self._fit_footer()
        self._show_item()
        self._status()

    def _fit_footer(self) -> None:
        """"←→ Item" and "⌫ Back to p. N" join the footer only where they fit: its usual keys take all
        80 columns, so below ``FOOTER_ROOM`` + their width the notation panel alone shows them (and
        they work all the same)."""
        spare = self.size.width - FOOTER_ROOM
        items = spare >= ITEM_KEYS
        back = spare >= BACK_KEY + (ITEM_KEYS if items else 0)
        described = f"Back to p. {self.jumps[-1][0]}" if self.jumps else "Jump back"
        _rebind(self, "backspace", description=described, show=back)
        text = self.query_one("#page-text", PageText)
        _rebind(text, "left", show=items)
        _rebind(text, "right", show=items)
        self.refresh_bindings()

    def _side_focused(self) -> bool:
        focused = self.focused
        return (focused is not None and focused.display and self.query_one("#side").display
                and focused.parent is not None and focused.parent.id == "side")

    def _image_focused(self) -> bool:
        image = self.query_one("#page-image", PageImage)
        return image.display and self.focused is image

    def _status(self, note: str = "") -> None:
        parts = []
        if self.error:
            parts.append("cannot open")
        elif self.page_count:
            parts.append(f"page {self.page} of {self.page_count}")
            if self.jumps:  # on any page, marked or not, and at any width: where Backspace goes
                parts.append(f"⌫ back to p. {self.jumps[-1][0]}")
            on_page = self.source.known_equations(self.page) if self.source is not None else []
            if on_page:
                parts.append(", ".join(f"({e.label})" for e in on_page) + " here")
            if self.equations is None and self._indexed:
                parts.append(f"finding equations {self._indexed}/{self.page_count}")
            elif self.equations is not None:
                parts.append(f"{len(self.equations)} equations (e)")
                if self.notation is None and self.notation_error is None and self._notation_pages:
                    parts.append(f"reading notation … {self._notation_pages}/{self.page_count}")
                elif self.notation_error is not None:
                    parts.append("notation unavailable")
            image = self.query_one("#page-image", PageImage)
            if image.display and not self._crop_view:
                parts.append(f"zoom ×{image.zoom:g}")
            view = self._pages.get(self.page)
            if view is not None and view.unknown:
                parts.append(f"⍰: {len(view.unknown)} glyph{'s' if len(view.unknown) > 1 else ''} the PDF gives no "
                             f"character for ({view.unknown[0]})")
        else:
            parts.append("opening …")
        if note:
            parts.append(note)
        self.query_one("#reader-status", Static).update(Content("  ·  ".join(parts)))

    def _arrange_panes(self) -> None:
        image = self.query_one("#page-image", PageImage)
        narrow = self.size.width < WIDE
        text = self.query_one("#page-text", PageText)
        text.display = not (image.display and (narrow or self._crop_view))
        # the notation panel speaks of the text's lines: shown with the text, on a page with marks,
        # and not while an equation's detail takes the room under the text
        panel = self.query_one("#notation-panel", NotationPanel)
        shown = text.display and text.has_marks and not self.query_one("#eq-detail", Static).display
        if shown and not panel.display:
            panel.display = True
            self._show_item()
        panel.display = shown

    # -- side panel ----------------------------------------------------------------------------
    def _open_side(self, which: str, title: str) -> None:
        side = self.query_one("#side")
        side.display = True
        for name in ("outline", "hits", "equations"):
            self.query_one(f"#{name}").display = name == which or (which == "search" and name == "hits")
        self.query_one("#search", Input).display = which == "search"
        self.query_one("#side-title", Label).update(title)
        self._side = which

    def _close_side(self) -> None:
        self.query_one("#side").display = False
        self._side = None
        self._focus_reading()

    def _focus_reading(self) -> None:
        text = self.query_one("#page-text", PageText)
        if text.display:
            text.focus()
        else:
            self.query_one("#page-image", PageImage).focus()

    def _toggle_side(self, which: str, title: str):
        if self._side == which and self.query_one("#side").display:
            self._close_side()
            return None
        self._open_side(which, title)
        return which

    # -- actions -------------------------------------------------------------------------------
    def action_back(self) -> None:
        goto = self.query_one("#goto", Input)
        detail = self.query_one("#eq-detail", Static)
        if goto.display:
            goto.display = False
            self._focus_reading()
        elif self._crop_view:
            self._close_crop()
        elif detail.display:
            detail.display = False
            self._arrange_panes()
        elif self.query_one("#side").display:
            self._close_side()
        else:
            self.app.pop_screen()

    def action_page(self, step: int) -> None:
        self.go_to_page(self.page + step)

    def action_page_key(self, step: int) -> None:
        """PageDown/PageUp: scroll what has focus a screen at a time; at its end, turn the page."""
        image = self.query_one("#page-image", PageImage)
        if self._image_focused() and not image.equation:
            if step > 0 and not image.at_end:
                image.scroll_page_down(animate=False)
                return
            if step < 0 and not image.at_start:
                image.scroll_page_up(animate=False)
                return
            if 1 <= self.page + step <= self.page_count:
                self.go_to_page(self.page + step)
            return
        text = self.query_one("#page-text", PageText)
        focused = self.focused
        if focused is not None and focused is not text and focused.parent is not None and focused.parent.id == "side":
            (focused.action_page_down if step > 0 else focused.action_page_up)()  # a list in the side panel
            return
        if text.display and text.page_by(step):
            return
        if 1 <= self.page + step <= self.page_count:
            self.go_to_page(self.page + step, ("end", None) if step < 0 else None)

    def action_goto_page(self) -> None:
        goto = self.query_one("#goto", Input)
        goto.placeholder = f"page 1–{self.page_count}, then Enter (Escape cancels)"
        goto.value = ""
        goto.display = True
        goto.focus()

    def action_search(self) -> None:
        self._open_side("search", "Search")
        field = self.query_one("#search", Input)
        field.focus()

    def action_outline(self) -> None:
        if self._toggle_side("outline", "Outline"):
            listing = self.query_one("#outline", OptionList)
            if listing.highlighted is None and self.outline_entries:
                listing.highlighted = self._outline_entry_for(self.page)
            listing.focus()

    def _outline_entry_for(self, page: int) -> int:
        """The last outline entry that starts at or before ``page``."""
        best = 0
        for i, entry in enumerate(self.outline_entries):
            if entry.page <= page:
                best = i
        return best

    def action_equations(self) -> None:
        if self._toggle_side("equations", "Numbered equations"):
            listing = self.query_one("#equations", OptionList)
            if listing.highlighted is None and self.equations:
                listing.highlighted = 0
            listing.focus()

    def action_image(self) -> None:
        image = self.query_one("#page-image", PageImage)
        if self._crop_view:
            self._crop_view = False
            image.display = True
        else:
            image.display = not image.display
        self._image_eq = None
        self._arrange_panes()
        if image.display:
            self._request_image()
            if not self.query_one("#page-text", PageText).display:
                image.focus()
        else:
            self._focus_reading()
        self._status()

    def action_crop(self) -> None:
        if self._crop_view:
            self._close_crop()
            return
        eq = self._focus_eq
        if eq is None or eq.page != self.page:
            on_page = self.source.known_equations(self.page)
            eq = on_page[0] if on_page else None
        if eq is None:
            self._say("No numbered equation on this page: press e for the list", severity="warning")
            return
        self._show_equation_image(eq)

    def action_zoom(self, step: int) -> None:
        image = self.query_one("#page-image", PageImage)
        if not image.display or self._crop_view:
            self._say("Zoom applies to the page image: press i to show it")
            return
        image.zoom_by(step)
        self._request_image()
        image.focus()  # the arrow keys pan what was zoomed
        self._status()

    # -- equations and images ------------------------------------------------------------------
    def choose_equation(self, eq) -> None:
        """A catalog equation opens in the equation screen; another shows its LaTeX and symbols here."""
        self._focus_eq = eq
        if eq.page != self.page_shown:
            self.go_to_page(eq.page, ("eq", eq))
        if eq.catalog_id:
            try:
                if self.notation is not None:  # the screen adds the paper's own definitions to the catalog's
                    self.app.open_equation(eq.catalog_id, notation=self.notation, detected=eq)
                else:
                    self.app.open_equation(eq.catalog_id)
            except Exception as exc:  # the equation screen failed: stay here, say why
                self._say(f"Cannot open {eq.catalog_id}: {exc}", severity="error")
            return
        self._show_detail(eq)

    def _show_detail(self, eq) -> None:
        """An equation not in the catalog: how it reads, its LaTeX, and each symbol with the paper's
        definition ("θ — the parameters of the policy (p. 3)"), the glossary's generic meaning marked
        "(glossary)" where the paper gives none, or "—"."""
        self._detail_eq = eq
        parts = [(f"Equation ({eq.label})", "bold $text-warning"), f" · page {eq.page} · not in the catalog\n",
                 ("Reads  ", "bold"), (to_unicode(eq.latex) if eq.latex else "—") + "\n",
                 ("LaTeX  ", "bold"), (eq.latex or "(could not be rebuilt from the glyphs)") + "\n"]
        if self.notation is None:
            symbols = ", ".join(s.char + (f" {s.latex}" if s.latex != s.char else "")
                                + (f" ({s.style})" if s.style not in ("italic", "upright") else "")
                                for s in eq.symbols) or "none read"
            later = ("  (the paper's definitions once its notation is read)" if self.notation_error is None
                     else "  (the paper's notation is unavailable)")
            parts += [("Symbols  ", "bold"), symbols, (later, "$text-muted"), "\n"]
        else:
            lines = equation_symbol_lines(self.notation, eq)
            parts.append(("Symbols", "bold") if lines else ("Symbols  none read", "bold"))
            parts.append("\n")
            for shown, meaning, source in lines:
                parts += ["  ", (shown, "bold"), " — ", (meaning, "$text-muted" if source == "none" else "")]
                if source == "glossary":
                    parts.append(("  (glossary)", "italic $text-muted"))
                parts.append("\n")
        parts.append(("c shows it as an image · Escape closes this panel", "$text-muted"))
        text = Content.assemble(*parts)
        detail = self.query_one("#eq-detail", Static)
        detail.update(text)
        detail.display = True
        self._arrange_panes()

    def _show_equation_image(self, eq) -> None:
        """The equation cut from the page, the full width of the reader: Escape (or c) closes it."""
        image = self.query_one("#page-image", PageImage)
        if not self._crop_view:
            self._image_before_crop = bool(image.display)
        self._crop_view = True
        image.display = True
        self._image_eq = eq
        self._arrange_panes()
        image.focus()
        if eq.page != self.page:
            self.go_to_page(eq.page, ("eq", eq))  # requests the image itself
        else:
            self._request_image()
        self._status()

    def _close_crop(self) -> None:
        image = self.query_one("#page-image", PageImage)
        self._crop_view = False
        self._image_eq = None
        image.display = self._image_before_crop
        if image.display:
            self._request_image()
        self._arrange_panes()
        self._focus_reading()
        self._status()

    def _request_image(self) -> None:
        image = self.query_one("#page-image", PageImage)
        eq = self._image_eq if self._crop_view and self._image_eq is not None and self._image_eq.page == self.page else None
        if eq is None:
            if self._crop_view:  # the page turned under an equation's image: show that page's instead
                self._crop_view = False
                self._arrange_panes()
            self._image_eq = None
            zoomed = image.zoom > 1
            view = self._pages.get(self.page)
            clip = None
            if zoomed and view is not None and view.content_box is not None:
                x0, y0, x1, y1 = view.content_box  # start at the text, not the page's blank corner
                clip = (x0 - 6, y0 - 6, x1 + 6, y1 + 6)
            where = " · the text area, arrows pan" if clip else ""
            caption = f"Page {self.page} of {self.page_count} · zoom ×{image.zoom:g}{where} (+/-)"
            image.show_message(f"Rendering page {self.page} …")
            self._render_image(self.page, clip, min(4.0, 1.5 * image.zoom), caption, False)
        else:
            x0, y0, x1, y1 = eq.bbox
            right = x1 + 3
            if eq.label_bbox[0] > x0:  # the label at the right: the caption says it
                right = min(right, eq.label_bbox[0] - 0.5)
            caption = (f"Equation ({eq.label}) · page {eq.page}" + (f" · {eq.catalog_id}" if eq.catalog_id else "")
                       + " · Escape closes")
            image.show_message(f"Rendering equation ({eq.label}) …")
            self._render_image(self.page, (x0 - 3, y0 - 3, right, y1 + 3), 5.0, caption, True)

    # -- events --------------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "goto":
            value = event.value.strip()
            try:
                number = int(value)
            except ValueError:
                self._say(f"“{value}” is not a page number", severity="warning")
                return
            if not 1 <= number <= self.page_count:
                self._say(f"This PDF has pages 1–{self.page_count}", severity="warning")
                return
            event.input.display = False
            self.go_to_page(number)
            self._focus_reading()
        elif event.input.id == "search":
            query = event.value.strip()
            if query:
                self.query_one("#side-title", Label).update(Content(f"Searching for “{query}” …"))
                self._search(query)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        listing = event.option_list.id
        if listing == "hits" and event.option_index < len(self.hits):
            hit = self.hits[event.option_index]
            self.go_to_page(hit.page, ("hit", hit))
            self.query_one("#page-text", PageText).focus()
        elif listing == "equations" and self.equations and event.option_index < len(self.equations):
            self.choose_equation(self.equations[event.option_index])
        elif listing == "outline" and event.option_index < len(self.outline_entries):
            self.go_to_page(self.outline_entries[event.option_index].page)
        elif listing == "page-text":
            rows = self.query_one("#page-text", PageText).rows
            row = rows[event.option_index] if event.option_index < len(rows) else None
            if row is not None and row.equation is not None:
                self.choose_equation(row.equation)
            elif self.current_item is not None:
                self.jump(self.current_item)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "page-text":
            rows = event.option_list.rows
            if event.option_index < len(rows) and rows[event.option_index].equation is not None:
                self._focus_eq = rows[event.option_index].equation
            self._update_items()
