"""``EquationImage``: a display equation cut from the PDF, as large as the pane allows and readable.

A display is wide and short: at 80 columns its picture, kept to its proportions, would be 2–4
rows high, too small to read (half-blocks give two pixels a row). So when the picture at the full
width would be lower than ``min_rows``, it is cut at blank columns — the gaps between symbols —
into pieces stacked one under another, the way a typeset equation breaks across lines, each
piece drawn at the same scale. Kitty and Sixel draw real pixels and need fewer rows than
half-blocks do.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget

from .page_image import image_class

HALFCELL_ROWS = 8  # rows a line of math needs in half-blocks (16 pixels high) to be read
GRAPHICS_ROWS = 4  # with Kitty or Sixel the terminal draws the real pixels
MAX_ROWS = 16  # never taller than this a piece
INDENT = 2  # continued pieces start this many cells in


def ink_columns(pil) -> list[bool]:
    """For each pixel column, whether it has ink (anything darker than near-white)."""
    from PIL import Image, ImageOps

    grey = ImageOps.invert(pil.convert("L"))
    profile = grey.resize((pil.width, 1), resample=Image.Resampling.BOX)  # each column's mean
    return [value > 3 for value in profile.tobytes()]  # mode L: one byte a column


def cut_points(ink: list[bool], pieces: int) -> list[int]:
    """Where to cut a picture into ``pieces``: at blank columns nearest to equal shares, widest gap
    first within ±20 % of each share; fewer cuts when there are no gaps to cut at."""
    width = len(ink)
    cuts: list[int] = []
    for k in range(1, pieces):
        target = width * k // pieces
        window = max(width // (pieces * 5), 4)
        best, best_score = None, None
        x = max(target - window, (cuts[-1] + 1) if cuts else 1)
        while x < min(target + window, width - 1):
            if not ink[x]:
                start = x
                while x < width and not ink[x]:
                    x += 1
                gap = x - start
                middle = (start + x) // 2
                score = (gap >= 3, -abs(middle - target))
                if best_score is None or score > best_score:
                    best, best_score = middle, score
            x += 1
        if best is not None:
            cuts.append(best)
    return cuts


def pieces_for(pil, width: int, min_rows: int) -> list:
    """The picture as pieces to stack so that each is at least ``min_rows`` high at ``width`` cells."""
    rows_full = width * pil.height / max(pil.width, 1) / 2
    if rows_full >= min_rows or pil.width < 40:
        return [pil]
    count = min(int(min_rows / max(rows_full, 0.1)) + 1, 6)
    cuts = cut_points(ink_columns(pil), count)
    edges = [0, *cuts, pil.width]
    return [pil.crop((a, 0, b, pil.height)) for a, b in zip(edges, edges[1:]) if b - a > 2]


class EquationImage(Vertical):
    """A display equation's picture, fitted to the width and broken into lines when it must be."""

    DEFAULT_CSS = """
    EquationImage { height: auto; width: 100%; background: white; padding: 0 1; }
    EquationImage > .equation-piece { width: auto; height: auto; }
    """

    def __init__(self, pil, **kwargs):
        super().__init__(**kwargs)
        self.pil = pil.convert("RGB")
        self._built_for: int | None = None

    def compose(self) -> ComposeResult:
        return iter(())

    def on_resize(self) -> None:
        self._rebuild()

    def on_mount(self) -> None:
        self.call_after_refresh(self._rebuild)

    def _rebuild(self) -> None:
        width = self.content_region.width or 0
        if width <= 4 or width == self._built_for:
            return
        self._built_for = width
        self.remove_children()
        self.mount_all(self._pieces(width))

    def _pieces(self, width: int) -> list[Widget]:
        from PIL import Image as PILImage

        cls = image_class()
        halfcell = "Halfcell" in "".join(c.__name__ for c in cls.__mro__)
        min_rows = HALFCELL_ROWS if halfcell else GRAPHICS_ROWS
        pieces = pieces_for(self.pil, width - INDENT, min_rows)
        room = width - (INDENT if len(pieces) > 1 else 0)
        scale = min(room / max(p.width for p in pieces), 2 * MAX_ROWS / self.pil.height)
        widgets: list[Widget] = []
        for i, piece in enumerate(pieces):
            cells_w = max(1, round(piece.width * scale))
            rows = max(1, round(piece.height * scale / 2))
            if halfcell:  # shrink with a proper filter here: the renderer's own resize drops pixels
                piece = piece.resize((cells_w, rows * 2), PILImage.LANCZOS)
            image = cls(piece, classes="equation-piece")
            image.styles.width, image.styles.height = cells_w, rows
            if i:
                image.styles.margin = (0, 0, 0, INDENT)
            widgets.append(image)
        return widgets
