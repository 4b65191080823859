"""``FigureView``: one demo figure — a grid of tiles — drawn as large as the space allows, with its
rows and columns labelled in terminal text beside the tiles.

A demo's grid image comes with its layout (``DemoResult.grids``: row and column labels, tile size,
padding). The view cuts the tiles out, sizes each tile to a whole number of cells (a tile ``tw``
cells wide is ``tw / 2`` rows high, since a cell is about twice as tall as it is wide), and shows
each row of tiles as one image beside its row label, under one line of column labels, so the
labels line up with the tiles exactly in any terminal. Pixels are scaled by nearest neighbour to
the cell grid first, so half-blocks (one pixel a column, two a row) show crisp tiles and Kitty or
Sixel get a sharp, pixel-exact picture. An image without a layout is one tile.

The view is focusable: the result screen moves between figures with Tab and enlarges the focused
one (``FigureScreen``) with Enter or ``z``.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

from .page_image import image_class

GAP = 1  # cells between two tiles of a row
MAX_LABEL = 14  # row labels wider than this wrap over their row's lines (and are shortened with … past them)
MAX_WIDE_LABEL = 30  # … or wider than this on a pane wide enough that a fifth of it is more
MIN_TILE = 4  # narrowest tile, in cells
READABLE = 12  # a figure whose tiles would be narrower than this wraps its columns onto more lines
KITTY_PX = 8  # pixels per cell column handed to Kitty/Sixel renderers (rows get twice as many)


@dataclass(frozen=True)
class Layout:
    """Where the tiles of a grid image are, in its pixels."""

    rows: tuple[str, ...]
    cols: tuple[str, ...]
    tile_h: int
    tile_w: int
    pad: int
    row_title: str = ""
    col_title: str = ""
    title: str = ""

    def tile_box(self, r: int, c: int) -> tuple[int, int, int, int]:
        """(top, left, bottom, right) of tile (r, c) in the image's pixels."""
        top, left = r * (self.tile_h + self.pad), c * (self.tile_w + self.pad)
        return top, left, top + self.tile_h, left + self.tile_w


def layout_of(meta: dict | None, height: int, width: int) -> Layout:
    """The grid layout a demo gave for an image of ``height``×``width`` pixels, checked against the
    image; a single tile when there is none or it does not fit the pixels."""
    if meta:
        try:
            rows = tuple(str(r) for r in meta.get("rows") or ())
            cols = tuple(str(c) for c in meta.get("cols") or ())
            tile_h, tile_w = (int(v) for v in meta["tile"])
            pad = int(meta.get("pad", 0))
            n_r, n_c = max(len(rows), 1), max(len(cols), 1)
            if n_r * tile_h + (n_r - 1) * pad == height and n_c * tile_w + (n_c - 1) * pad == width:
                return Layout(rows or ("",), cols or ("",), tile_h, tile_w, pad, str(meta.get("row_title") or ""),
                              str(meta.get("col_title") or ""), str(meta.get("title") or ""))
        except (KeyError, TypeError, ValueError):
            pass
    return Layout(("",), ("",), height, width, 0)


def column_chunks(n_cols: int, n_rows: int, tw: int, label_w: int, width: int) -> list[list[int]]:
    """The columns shown side by side: as many as fit ``width`` at ``tw`` cells a tile. A figure too
    wide for the terminal wraps like a wide table: its first columns for every row, then the next
    ones, each block under its own column labels (``n_rows`` rows of tiles in each block)."""
    per_line = max(1, min(n_cols, (width - label_w + GAP) // (tw + GAP)))
    return [list(range(i, min(i + per_line, n_cols))) for i in range(0, n_cols, per_line)]


def figure_rows(layout: Layout, tw: int, label_w: int, width: int) -> int:
    """Terminal rows the tiles take at ``tw`` cells a tile, column-label lines included."""
    chunks = column_chunks(len(layout.cols), len(layout.rows), tw, label_w, width)
    th = tile_rows(layout, tw)
    gaps = (len(layout.rows) - 1) if th >= 4 else 0
    return len(chunks) * (int(any(layout.cols)) + len(layout.rows) * th + gaps)


def tile_cells(layout: Layout, label_w: int, width: int, max_rows: int | None = None, max_tile: int | None = None) -> int:
    """Tile width in cells.

    Without ``max_rows`` (the scrolling result view): as wide as a row of tiles and its label allow,
    up to ``max_tile``; a figure whose tiles would be narrower than READABLE wraps instead.
    With ``max_rows`` (a figure enlarged to the screen): the widest tile for which the whole
    figure fits ``width`` × ``max_rows``. Never below MIN_TILE.
    """
    n_c = len(layout.cols)
    room = max(width - label_w, MIN_TILE)
    full = (room - GAP * (n_c - 1)) // n_c
    if max_rows is None:
        tw = full if full >= READABLE else min(READABLE, room)
        return max(MIN_TILE, min(tw, max_tile) if max_tile else tw)
    widest = room
    for tw in range(min(widest, max_tile or widest), MIN_TILE - 1, -1):
        if figure_rows(layout, tw, label_w, width) <= max_rows:
            return tw
    return MIN_TILE


def tile_rows(layout: Layout, tw: int) -> int:
    return max(1, round(tw * layout.tile_h / max(layout.tile_w, 1) / 2))


class FigureView(Widget, can_focus=True):
    """A labelled grid figure, sized to the width it is given (and to ``max_rows`` when set)."""

    DEFAULT_CSS = """
    FigureView { height: auto; width: 100%; padding: 0 0 1 0; }
    FigureView:focus { background: $boost; }
    FigureView .figure-title { text-style: bold; color: $accent; }
    FigureView:focus .figure-title { text-style: bold reverse; }
    FigureView .figure-caption { color: $text-muted; }
    FigureView .figure-grid { height: auto; }
    FigureView .figure-cols { height: 1; width: auto; }
    FigureView .figure-col-label { height: 1; color: $text; text-style: bold; content-align: center middle; text-wrap: nowrap; }
    FigureView .figure-row { height: auto; width: auto; }
    FigureView .figure-row-label { color: $text; text-style: bold; content-align: right middle; padding-right: 1; }
    FigureView .figure-file { color: $text-muted; }
    """

    def __init__(self, name: str, pil, meta: dict | None = None, *, caption: str = "", path: str | None = None,
                 max_rows: int | None = None, max_tile: int | None = None, tile: int | None = None,
                 show_caption: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.figure_name = name
        self.pil = pil.convert("RGB")
        self.grid = layout_of(meta, self.pil.height, self.pil.width)
        self.caption = caption
        self.path = path
        self.max_rows = max_rows
        self.max_tile = max_tile
        self.tile = tile  # a fixed tile width in cells (the enlarged view's zoom), else computed
        self.show_caption = show_caption
        self._built_for: tuple | None = None

    @property
    def tile_width(self) -> int:
        """The tile width, in cells, of the tiles on screen now (0 before the first layout)."""
        return self._built_for[0] if self._built_for else 0

    # -- text around the tiles ---------------------------------------------------------------
    @property
    def title(self) -> str:
        return self.grid.title or self.figure_name.replace("_", " ")

    def axes_line(self) -> str:
        """"rows: digit · columns: t" — what the labels beside and above the tiles are."""
        lay, bits = self.grid, []
        if any(lay.rows) and lay.row_title:
            bits.append(f"rows: {lay.row_title}")
        if any(lay.cols) and lay.col_title:
            bits.append(f"columns: {lay.col_title}")
        return " · ".join(bits)

    def compose(self) -> ComposeResult:
        yield Static(Text(self.title), classes="figure-title")
        # the axes in words, unless the caption already says what the rows and columns are
        axes = "" if ("rows" in self.caption and "columns" in self.caption) else self.axes_line()
        about = " — ".join(b for b in (self.caption, axes) if b)
        if about and self.show_caption:
            yield Static(Text(about), classes="figure-caption")
        yield Vertical(classes="figure-grid")
        if self.path:
            yield Static(Text(f"file: {self.path}"), classes="figure-file")

    def on_resize(self) -> None:
        self._rebuild()

    def on_mount(self) -> None:
        self.call_after_refresh(self._rebuild)

    def _label_width(self, width: int) -> int:
        """Cells for the row labels: the longest label, up to MAX_LABEL (a fifth of a wide pane); a
        longer label wraps over its row's lines (``row_label_text``)."""
        labels = [r for r in self.grid.rows if r]
        cap = max(MAX_LABEL, min(MAX_WIDE_LABEL, width // 5))
        return min(cap, max(len(r) for r in labels)) + 1 if labels else 0

    def _rebuild(self) -> None:
        width = self.size.width or (self.parent.size.width if self.parent else 0)
        if width <= 0:
            return
        label_w = self._label_width(width)
        tw = self.tile or tile_cells(self.grid, label_w, width, self.max_rows, self.max_tile)
        tw = max(MIN_TILE, min(tw, max(width - label_w, MIN_TILE)))
        key = (tw, label_w, width)
        if key == self._built_for:
            return
        self._built_for = key
        grid = self.query_one(".figure-grid", Vertical)
        grid.remove_children()
        grid.mount_all(self._rows(tw, label_w, width))

    def _rows(self, tw: int, label_w: int, width: int) -> list[Widget]:
        lay = self.grid
        th = tile_rows(lay, tw)
        cls = image_class()
        k = 1 if "Halfcell" in "".join(c.__name__ for c in cls.__mro__) else KITTY_PX
        widgets: list[Widget] = []
        for chunk in column_chunks(len(lay.cols), len(lay.rows), tw, label_w, width):
            if any(lay.cols):
                widgets.append(self._column_labels([lay.cols[c] for c in chunk], tw, label_w))
            for r, label in enumerate(lay.rows):
                image = cls(self._strip(r, chunk, tw, th, k), classes="figure-strip")
                image.styles.width = len(chunk) * tw + GAP * (len(chunk) - 1)
                image.styles.height = th
                row_label = Static(Text(row_label_text(label, label_w - 1, th)), classes="figure-row-label")
                row_label.styles.width, row_label.styles.height = label_w, th
                children = (row_label, image) if label_w else (image,)
                row = Horizontal(*children, classes="figure-row")
                if th >= 4 and r < len(lay.rows) - 1:
                    row.styles.margin = (0, 0, 1, 0)  # a line between rows of tiles that are tall enough to afford it
                widgets.append(row)
        return widgets

    @staticmethod
    def _column_labels(labels: list[str], tw: int, label_w: int) -> Horizontal:
        """One line of labels, each centred over its tile (cells of fixed width, so they line up)."""
        cells: list[Widget] = []
        if label_w:
            spacer = Static("", classes="figure-col-label")
            spacer.styles.width = label_w
            cells.append(spacer)
        for i, label in enumerate(labels):
            cell = Static(Text(shorten(str(label), tw)), classes="figure-col-label")
            cell.styles.width = tw
            if i < len(labels) - 1:
                cell.styles.margin = (0, GAP, 0, 0)
            cells.append(cell)
        return Horizontal(*cells, classes="figure-cols")

    def _strip(self, r: int, columns: list[int], tw: int, th: int, k: int):
        """Tiles ``columns`` of row ``r`` as one picture on the cell grid: each tile ``tw``×``th`` cells,
        GAP cells of the image's own padding colour between tiles; ``k`` pixels a column, 2k a row."""
        from PIL import Image as PILImage

        lay = self.grid
        n_c = len(columns)
        px_w, px_h, gap = tw * k, th * 2 * k, GAP * k
        background = self._pad_colour()
        strip = PILImage.new("RGB", (n_c * px_w + (n_c - 1) * gap, px_h), background)
        for i, c in enumerate(columns):
            top, left, bottom, right = lay.tile_box(r, c)
            tile = self.pil.crop((left, top, right, bottom))
            # crisp pixels when enlarging, an average when shrinking (nearest would drop whole pixel lines)
            shrink = px_w < tile.width or px_h < tile.height
            tile = tile.resize((px_w, px_h), PILImage.BOX if shrink else PILImage.NEAREST)
            strip.paste(tile, (i * (px_w + gap), 0))
        return strip

    def _pad_colour(self):
        """The image's own padding colour, darkened: a quiet line between tiles on a dark screen."""
        lay = self.grid
        if lay.pad and len(lay.cols) > 1:
            colour = self.pil.getpixel((lay.tile_w, 0))
            return tuple(int(v * 0.55) for v in colour)
        return (48, 48, 48)


def row_label_text(label: str, width: int, lines: int) -> str:
    """``label`` word-wrapped to ``width`` cells over at most ``lines`` lines, the last shortened
    with … when it does not fit ("purple star → yellow circle" on two lines beside a tall tile)."""
    wrapped = textwrap.wrap(label, max(width, 1)) or [""]
    if len(wrapped) <= max(lines, 1):
        return "\n".join(wrapped)
    kept = wrapped[: max(lines, 1)]
    rest = " ".join(wrapped[len(kept) - 1:])
    return "\n".join([*kept[:-1], shorten(rest, width)])


def shorten(label: str, width: int) -> str:
    return label if len(label) <= width else label[: max(width - 1, 0)].rstrip() + "…"
