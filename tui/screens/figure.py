"""One figure of a result on the whole screen: the tiles as large as the terminal allows, still
labelled. Left/Right (or n/p) step through the run's figures; Escape, z or q goes back."""

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
        Binding("right,n", "step(1)", "Next figure", tooltip="The run's next figure"),
        Binding("left,p", "step(-1)", "Prev figure", tooltip="The run's previous figure"),
    ]
    DEFAULT_CSS = """
    FigureScreen #figure-box { height: 1fr; padding: 0 1; }
    """

    def __init__(self, figures: list[FigureView], index: int, title: str):
        super().__init__()
        self.figures, self.index, self.run_title = figures, index, title
        self.title = title

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(id="figure-box")  # scrolls when even the smallest tiles do not fit
        yield Footer()

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        source = self.figures[self.index]
        self.sub_title = f"figure {self.index + 1} of {len(self.figures)}"
        box = self.query_one("#figure-box", VerticalScroll)
        box.remove_children()
        # title, caption, column labels and file line take four rows; the tiles get the rest
        rows = max(self.app.size.height - 2 - 5, 6)
        meta = {"rows": list(source.grid.rows), "cols": list(source.grid.cols), "tile": [source.grid.tile_h, source.grid.tile_w],
                "pad": source.grid.pad, "row_title": source.grid.row_title, "col_title": source.grid.col_title,
                "title": source.grid.title}
        box.mount(FigureView(source.figure_name, source.pil, meta, caption=source.caption, path=source.path,
                             max_rows=rows, id="figure-large"))

    def action_back(self) -> None:
        self.dismiss()

    def action_step(self, step: int) -> None:
        if len(self.figures) > 1:
            self.index = (self.index + step) % len(self.figures)
            self._show()
