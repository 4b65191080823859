"""A page, or an equation cropped from it, as an image: Kitty or Sixel graphics where the terminal
has them, half-blocks everywhere else (tmux included), through textual-image.

textual-image picks its renderer when it is first imported, by writing escape sequences to the
terminal and reading the answer from stdin. Once Textual runs, its input thread owns stdin and would
swallow that answer (or the user's keys), so:

- ``prepare_terminal_graphics()`` imports it while the terminal is still free; call it before
  ``App.run()`` to get Kitty/Sixel graphics (≈ 0.1–0.2 s, PIL included);
- when it was not called, ``load_picture`` imports textual-image without probing the terminal
  (stdout looks like a pipe for the duration of the import) and draws with half-blocks, which work
  in every terminal.

PIL and textual-image load lazily, in the reader's worker, never at start-up.
"""

from __future__ import annotations

import io
import sys
import threading

from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.reactive import reactive
from textual.widgets import Static

ZOOMS = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)  # image width as a multiple of the pane's width

_import_lock = threading.Lock()
_image_class = None


def prepare_terminal_graphics() -> None:
    """Import textual-image while the terminal can still answer its probe (before ``App.run()``)."""
    global _image_class
    with _import_lock:
        if _image_class is None:
            from textual_image.widget import Image  # probes the terminal: Sixel, then Kitty, then half-blocks

            _image_class = Image


class _NoTerminal:
    """Stands in for ``sys.__stdout__`` while textual-image is imported under a running Textual."""

    def __init__(self, real):
        self._real = real

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name):
        return getattr(self._real, name)


def image_class():
    """The textual-image widget class: the one the terminal probe chose, else half-blocks."""
    with _import_lock:
        return _zoomable(_base_class())


def _base_class():
    global _image_class
    if _image_class is None:
        if "textual_image.renderable" in sys.modules:  # someone imported it before the app started
            from textual_image.widget import Image

            _image_class = Image
        else:
            real = sys.__stdout__
            sys.__stdout__ = _NoTerminal(real)  # no probe: Textual's input thread owns stdin now
            try:
                from textual_image.widget import HalfcellImage
            finally:
                sys.__stdout__ = real
            _image_class = HalfcellImage
    return _image_class


_zoomable_classes: dict = {}


def _zoomable(base):
    """``base`` with a width in cells set by ``PageImage`` (``cells_wide``) and a height that keeps
    the aspect ratio: textual-image sizes a fixed-width image from its laid-out width, which is 0
    before the first layout, so a CSS width would leave it 0 rows high."""
    if base not in _zoomable_classes:

        class ZoomableImage(base, Renderable=base._Renderable):
            cells_wide: int | None = None

            def _get_styled_size(self):
                return (self.cells_wide or "auto", "auto")

        _zoomable_classes[base] = ZoomableImage
    return _zoomable_classes[base]


def load_picture(png: bytes):
    """PNG bytes (from ``PaperDocument.render_png``) as a decoded PIL image; run it in a worker."""
    from PIL import Image as PILImage  # ≈ 50 ms, only when an image is first shown

    image_class()
    picture = PILImage.open(io.BytesIO(png))
    picture.load()
    return picture


class PageImage(ScrollableContainer):
    """The page image, ``zoom`` times the pane's width and scrollable both ways, or an equation cut
    from the page, as large as the pane allows (``EquationImage``: broken into lines where a
    display is too wide to read at this width). With focus, the arrow keys, PageUp/PageDown and
    Home/End pan a zoomed page (ScrollableContainer's own keys)."""

    can_focus = True

    DEFAULT_CSS = """
    PageImage {
        height: 1fr;
        width: 1fr;
        border-left: vkey $foreground 20%;
        padding: 0 1;
    }
    PageImage:focus {
        border-left: vkey $accent;
    }
    PageImage > #page-image-caption {
        color: $text-muted;
        height: auto;
        width: 1fr;
    }
    PageImage > .picture {
        width: auto;
        height: auto;
    }
    PageImage > EquationImage {
        margin: 1 0 0 0;
    }
    """

    zoom: reactive[float] = reactive(1.0)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._picture_widget = None  # the page (a textual-image widget sized by ``cells_wide``)
        self._equation_widget = None  # an equation (EquationImage)
        self.picture = None  # the PIL image shown
        self.caption = ""
        self.equation = False  # showing an equation rather than a page

    def compose(self) -> ComposeResult:
        yield Static("", id="page-image-caption")

    def show_message(self, text: str) -> None:
        """A line of text in place of the picture ("Rendering page 3…", or why it failed)."""
        self.caption = text
        self.query_one("#page-image-caption", Static).update(text)
        for widget in (self._picture_widget, self._equation_widget):
            if widget is not None:
                widget.display = False

    def show_picture(self, picture, caption: str, equation: bool = False) -> None:
        """Show a PIL image (from ``load_picture``) under ``caption``: a page, or with ``equation`` a
        display cut from one, fitted to the pane."""
        self.caption = caption
        self.picture = picture
        self.equation = equation
        self.query_one("#page-image-caption", Static).update(caption)
        if equation:
            from .equation_image import EquationImage  # PIL-based; loaded with the first crop

            if self._picture_widget is not None:
                self._picture_widget.display = False
            if self._equation_widget is not None:
                self._equation_widget.remove()
            self._equation_widget = EquationImage(picture)
            self.mount(self._equation_widget)
        else:
            if self._equation_widget is not None:
                self._equation_widget.remove()
                self._equation_widget = None
            if self._picture_widget is None:
                self._picture_widget = image_class()(picture, classes="picture")
                self.mount(self._picture_widget)
                self.call_after_refresh(self._apply_zoom)
            else:
                self._picture_widget.image = picture
                self._picture_widget.display = True
        self.scroll_home(animate=False)

    @property
    def has_picture(self) -> bool:
        widget = self._equation_widget if self.equation else self._picture_widget
        return widget is not None and bool(widget.display)

    def zoom_by(self, steps: int) -> float:
        """Step through ``ZOOMS``; returns the new zoom."""
        here = min(range(len(ZOOMS)), key=lambda i: abs(ZOOMS[i] - self.zoom))
        self.zoom = ZOOMS[max(0, min(len(ZOOMS) - 1, here + steps))]
        return self.zoom

    @property
    def at_end(self) -> bool:
        """Scrolled to the bottom (or nothing to scroll): PageDown turns the page from here."""
        return self.scroll_y >= self.max_scroll_y

    @property
    def at_start(self) -> bool:
        return self.scroll_y <= 0

    def watch_zoom(self) -> None:
        self._apply_zoom()

    def on_resize(self) -> None:
        self._apply_zoom()

    def _apply_zoom(self) -> None:
        """Width in cells: ``zoom`` times the pane's width (1 fits the width; scroll for the rest)."""
        picture = self._picture_widget
        width = self.scrollable_content_region.width
        if picture is not None and width > 0:
            cells = max(4, round(self.zoom * width))
            if cells != picture.cells_wide:
                picture.cells_wide = cells
                picture.refresh(layout=True)
