"""One figure of a result on the whole screen, still labelled: at first as large as fits the screen,
but never smaller than in the result view (then it scrolls); ``+`` and ``-`` zoom the tiles.
Left/Right (or n/p) step through the run's figures; Escape, z or q goes back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header

from ..widgets.figure_view import FigureView


class FigureScreen(Screen):
    """A figure, enlarged to the screen."""

    BINDINGS = [
        Binding("escape,z,q", "back", "Back", tooltip="Back to the whole result"),
        Binding("right,n", "step(1)", "Next", tooltip="The run's next figure"),
        Binding("left,p", "step(-1)", "Prev", show=False, tooltip="The run's previous figure"),
        Binding("plus,equals_sign", "zoom(1)", "Bigger", tooltip="Larger tiles (the figure scrolls)"),
        Binding("minus", "zoom(-1)", "Smaller", tooltip="Smaller tiles"),
    ]
    ZOOM = 1.5
    DEFAULT_CSS = """
    FigureScreen #figure-box { height: 1fr; padding: 0 1; }
    """

    def __init__(self, figures: list[FigureView], index: int, title: str):
        super().__init__()
        self.figures, self.index, self.run_title = figures, index, title
        self.title = title
        self.zoom_steps = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(id="figure-box")  # scrolls when even the smallest tiles do not fit
        yield Footer()

    async def on_mount(self) -> None:
        await self._show()

    def tile_for(self, source: FigureView) -> int:
        """Fit the screen (header, title, file line and footer aside), but never below the result
        view's tiles; then ``zoom_steps`` factors of ZOOM."""
        from ..widgets.figure_view import tile_cells

        width, rows = self.app.size.width - 2, max(self.app.size.height - 2 - 3, 6)
        label_w = source._label_width(width)
        fit = tile_cells(source.grid, label_w, width, max_rows=rows)
        return max(2, round(max(fit, source.tile_width) * self.ZOOM ** self.zoom_steps))

    async def _show(self) -> None:
        source = self.figures[self.index]
        axes = source.axes_line()
        self.sub_title = f"figure {self.index + 1} of {len(self.figures)}" + (f" · {axes}" if axes else "")
        box = self.query_one("#figure-box", VerticalScroll)
        await box.remove_children()  # gone before its successor (same id) is mounted
        lay = source.grid
        meta = {"rows": list(lay.rows), "cols": list(lay.cols), "tile": [lay.tile_h, lay.tile_w], "pad": lay.pad,
                "row_title": lay.row_title, "col_title": lay.col_title, "title": lay.title}
        await box.mount(FigureView(source.figure_name, source.pil, meta, caption=source.caption, path=source.path,
                             tile=self.tile_for(source), show_caption=False, id="figure-large"))

    def action_back(self) -> None:
        self.dismiss()

    async def action_zoom(self, step: int) -> None:
        self.zoom_steps = max(-3, min(3, self.zoom_steps + step))
        await self._show()

    async def action_step(self, step: int) -> None:
        if len(self.figures) > 1:
            self.index = (self.index + step) % len(self.figures)
            await self._show()
