"""``DemoResultView``: a demo's ``DemoResult`` rendered inline — summary text, images, plots, tables, metrics.

The result is plain data (``paperkit.demos.result``): uint8 arrays or PNG bytes, series as x/y lists,
tables as rows of dicts. Images go through textual-image (Kitty or Sixel where the terminal has
them, half-blocks elsewhere), series through textual-plotext. Each section is built on its own: one
that cannot be drawn shows a one-line note instead, and the rest still appears.

This module is imported only once a demo has finished (textual-image and plotext stay off start-up).
"""

from __future__ import annotations

import io
import math
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Static

from .page_image import image_class  # the terminal-graphics choice the page images made

MAX_IMAGE_ROWS = 36  # terminal rows an image may take at most (half-blocks: two pixels a row)
PLOT_ROWS = 16


def fmt(value: Any) -> str:
    """A table cell or metric as text: floats to 5 significant digits, None as a dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.5g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt(v) for v in value)
    return str(value)


def to_pil(image: Any):
    """A uint8 array ((H, W) grey or (H, W, 3)), PNG bytes or a PIL image → a PIL image."""
    from PIL import Image as PILImage

    if isinstance(image, PILImage.Image):
        return image
    if isinstance(image, (bytes, bytearray, memoryview)):
        pil = PILImage.open(io.BytesIO(bytes(image)))
        pil.load()
        return pil
    import numpy as np

    pixels = np.asarray(image)
    if pixels.dtype != np.uint8:
        pixels = np.clip(pixels, 0, 255).astype(np.uint8)
    return PILImage.fromarray(pixels)


def image_cells(pixel_width: int, pixel_height: int, max_width: int, max_rows: int = MAX_IMAGE_ROWS) -> tuple[int, int]:
    """Cells for an image: one pixel a column and two a row (half-blocks' native size), shrunk to fit."""
    scale = min(1.0, max(max_width, 1) / max(pixel_width, 1), 2 * max_rows / max(pixel_height, 1))
    width = max(1, round(pixel_width * scale))
    return width, max(1, round(pixel_height * scale / 2))


class DemoImage(Widget):
    """One image, sized in cells from its pixels and the width available (see ``image_cells``)."""

    DEFAULT_CSS = """
    DemoImage { height: auto; width: 100%; }
    DemoImage > .demo-image { width: auto; height: auto; }
    """

    def __init__(self, pil, **kwargs):
        super().__init__(**kwargs)
        self.pil = pil

    def compose(self) -> ComposeResult:
        image = image_class()(self.pil, classes="demo-image")
        w, h = image_cells(*self.pil.size, max_width=80)
        image.styles.width, image.styles.height = w, h
        yield image

    def on_resize(self) -> None:
        width = self.size.width
        if width <= 0:
            return
        w, h = image_cells(*self.pil.size, max_width=width)
        for child in self.children:
            if (child.styles.width, child.styles.height) != (w, h):
                child.styles.width, child.styles.height = w, h



def series_plots(series: dict[str, dict]) -> dict[str, list[tuple[str, dict]]]:
    """Series grouped by their ``plot`` (curves sharing a plot share its axes), in first-seen order."""
    plots: dict[str, list[tuple[str, dict]]] = {}
    for name, s in series.items():
        plots.setdefault(str(s.get("plot") or name), []).append((name, s))
    return plots


def make_plot(title: str, curves: list[tuple[str, dict]]):
    """A ``PlotextPlot`` with every curve of one plot; non-finite points (and ≤ 0 on a log axis) dropped."""
    from textual_plotext import PlotextPlot

    widget = PlotextPlot(classes="demo-plot")
    plt = widget.plt
    log = any(s.get("yscale") == "log" for _, s in curves)
    if all(s.get("kind") == "bar" and s.get("labels") for _, s in curves):
        return _bars(widget, title, curves, log)
    for name, s in curves:
        points = [(x, y) for x, y in zip(s.get("x", []), s.get("y", []))
                  if _finite(x) and _finite(y) and (not log or y > 0)]
        if points:
            xs, ys = zip(*points)
            plt.plot(list(xs), list(ys), label=str(s.get("label") or name), marker="braille")
    first = curves[0][1]
    plt.title(title)
    plt.xlabel(str(first.get("xlabel", "")))
    plt.ylabel(str(first.get("ylabel", "")))
    if log:
        plt.yscale("log")
    return widget


def _bars(widget, title: str, curves: list[tuple[str, dict]], log: bool):
    """Horizontal bars, one group per label (the matmul ladder: one bar per shape for each method).
    On a log axis the bars show log₁₀ of the value, since a bar cannot start at log(0)."""
    import math

    plt = widget.plt
    labels = [str(v) for v in curves[0][1]["labels"]]
    values = []
    for _, s in curves:
        ys = [float(y) if _finite(y) and (not log or y > 0) else 0.0 for y in s.get("y", [])]
        values.append([math.log10(y) if log and y > 0 else y for y in ys][: len(labels)])
    names = [str(s.get("label") or name) for name, s in curves]
    if len(values) == 1:
        plt.bar(labels, values[0], orientation="horizontal", label=names[0])
    else:
        plt.multiple_bar(labels, values, orientation="horizontal", labels=names)
    plt.title(title)
    ylabel = str(curves[0][1].get("ylabel", ""))
    plt.xlabel(f"log₁₀ {ylabel}" if log else ylabel)
    return widget


def _finite(v: Any) -> bool:
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


class DemoResultView(Vertical):
    """Everything a demo returned, top to bottom: summary, text, images, plots, tables, metrics."""

    DEFAULT_CSS = """
    DemoResultView { height: auto; padding: 0 0 1 0; }
    DemoResultView .result-summary { color: $text-muted; }
    DemoResultView .result-heading { text-style: bold; color: $accent; margin-top: 1; }
    DemoResultView .result-caption { color: $text-muted; }
    DemoResultView .result-problem { color: $warning; }
    DemoResultView .demo-plot { height: 16; width: 100%; min-width: 40; }
    DemoResultView DataTable { height: auto; max-height: 16; width: auto; max-width: 100%; }
    """

    def __init__(self, result, **kwargs):
        super().__init__(**kwargs)
        self.result = result

    def compose(self) -> ComposeResult:
        r = self.result
        settings = getattr(r, "settings", {}) or {}
        bits = [f"{r.demo}"]
        for key in ("device", "seed", "steps"):
            if settings.get(key) is not None:
                bits.append(f"{key} {settings[key]}")
        total = (getattr(r, "timings", {}) or {}).get("total_s")
        if total is not None:
            bits.append(f"{total:.2f} s")
        yield Static(Text(" · ".join(bits)), classes="result-summary")
        for line in getattr(r, "text", []) or []:
            yield Static(Text(str(line)), classes="result-text")
        for section in (self._images, self._plots, self._tables, self._metrics):
            try:
                yield from section()
            except Exception as exc:  # one bad section must not hide the others
                yield Static(Text(f"{section.__name__.strip('_')}: cannot be shown ({type(exc).__name__}: {exc})"),
                             classes="result-problem")

    def _images(self):
        for name, image in (self.result.images or {}).items():
            yield Static(Text(f"Image: {name}"), classes="result-heading")
            caption = (self.result.captions or {}).get(name)
            if caption:
                yield Static(Text(caption), classes="result-caption")
            try:
                yield DemoImage(to_pil(image), classes="result-image")
            except Exception as exc:
                yield Static(Text(f"cannot show image {name!r}: {exc}"), classes="result-problem")

    def _plots(self):
        for title, curves in series_plots(self.result.series or {}).items():
            yield Static(Text(f"Plot: {title}"), classes="result-heading")
            try:
                yield make_plot(title, curves)
            except Exception as exc:
                yield Static(Text(f"cannot plot {title!r}: {exc}"), classes="result-problem")

    def _tables(self):
        for table in self.result.tables or []:
            title = table.get("title") or table.get("name", "table")
            volatile = "  (wall-clock: differs from run to run)" if table.get("volatile") else ""
            yield Static(Text(f"Table: {title}{volatile}"), classes="result-heading")
            yield self._data_table(table.get("columns", []), table.get("rows", []), name=table.get("name"))

    def _metrics(self):
        metrics = self.result.metrics or {}
        if metrics:
            yield Static(Text("Metrics"), classes="result-heading")
            yield self._data_table(["metric", "value"], [{"metric": k, "value": v} for k, v in metrics.items()],
                                   name="metrics")

    @staticmethod
    def _data_table(columns: list, rows: list[dict], name: str | None = None) -> DataTable:
        dt = DataTable(zebra_stripes=True, cursor_type="row", classes="result-table", name=name)
        numeric = [all(isinstance(row.get(c), (int, float)) and not isinstance(row.get(c), bool)
                       for row in rows if row.get(c) is not None) for c in columns]
        for column in columns:
            dt.add_column(str(column), key=str(column))
        for row in rows:
            dt.add_row(*[Text(fmt(row.get(c)), justify="right" if num else "left") for c, num in zip(columns, numeric)])
        return dt
