"""The result of a demo run, full screen: what ran and how long it took, where its files are, its
figures as large as the terminal allows with their rows and columns labelled, its charts, tables
and metrics — scrollable, every section reachable from the keyboard.

Tab and Shift+Tab move between figures and tables, the arrow keys and PageUp/PageDown scroll,
Enter or ``z`` enlarges the focused figure to the whole screen, ``c`` copies its file's path (or
the folder's), Escape goes back to where the run was started.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from paperkit.lab.bench import human_seconds as format_seconds  # plain Python: µs, ms or s

from ..widgets.bar_chart import BarChart, Bars
from ..widgets.result_parts import fmt, make_plot, series_plots, to_pil
from ..widgets.figure_view import FigureView

PLOT_HEIGHT = 20
MAX_TILE = 16  # cells: a 16-pixel tile at its own resolution in half-blocks (8 rows); z enlarges further


@dataclass
class RunRecord:
    """One finished run as the app shows it: the demo's result, the files written, the wall-clock
    seconds from the key press to the result, and the settings chosen in the panel."""

    title: str
    result: Any
    paths: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    device: str = ""
    steps_note: str = ""

    @property
    def folder(self) -> str:
        from pathlib import Path

        parents = {str(Path(p).parent) for p in self.paths.values()}
        return parents.pop() if len(parents) == 1 else ""


def summary_line(record: RunRecord) -> str:
    """"✓ done in 5.6 s on cpu · seed 0 · 100 steps" — the one time the app shows for a run."""
    settings = getattr(record.result, "settings", {}) or {}
    bits = [f"✓ done in {record.seconds:.1f} s"]
    device = record.device or settings.get("device")
    if device:
        bits[0] += f" on {device}"
    if settings.get("seed") is not None:
        bits.append(f"seed {settings['seed']}")
    if record.steps_note:
        bits.append(record.steps_note)
    return " · ".join(bits)


def files_line(record: RunRecord) -> str:
    if not record.paths:
        return "no files written (this demo has no figures)"
    folder = record.folder
    if folder:
        names = ", ".join(p.rsplit("/", 1)[-1] for p in record.paths.values())
        extra = len(getattr(record.result, "files", None) or {})
        more = f" and {extra} plain PNGs at the model's resolution (1-input.png, 1-mask.png …)" if extra else ""
        return f"files in {folder}/: {names}{more}"
    return "files: " + ", ".join(record.paths.values())


class ResultScreen(Screen):
    """A demo's result: figures, charts, tables and metrics, with the files it wrote."""

    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to where the run started (the result stays: v shows it again)"),
        Binding("z,enter", "enlarge", "Enlarge", tooltip="The focused figure on the whole screen"),
        Binding("c", "copy_path", "Copy path", tooltip="Copy the focused figure's file path (else the folder) to the clipboard"),
        Binding("tab", "app.focus_next", "Next", show=False, tooltip="The next figure or table"),
        Binding("shift+tab", "app.focus_previous", "Previous", show=False, tooltip="The previous figure or table"),
    ]

    DEFAULT_CSS = """
    ResultScreen #result-body { height: 1fr; padding: 0 1; }
    ResultScreen .result-summary { text-style: bold; color: $success; margin-top: 1; }
    ResultScreen .result-files { color: $text-muted; }
    ResultScreen .result-text { color: $text; }
    ResultScreen .result-heading { text-style: bold; color: $accent; margin-top: 1; }
    ResultScreen .result-problem { color: $warning; }
    ResultScreen FigureView { margin-top: 1; }
    ResultScreen .demo-plot { height: 20; width: 100%; }
    ResultScreen DataTable { height: auto; max-height: 24; width: 100%; }
    """

    def __init__(self, record: RunRecord):
        super().__init__()
        self.record = record
        self.title, self.sub_title = record.title, "result"

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="result-body"):
            yield Static(Text(summary_line(self.record)), classes="result-summary")
            yield Static(Text(files_line(self.record)), classes="result-files", id="result-files")
            for line in getattr(self.record.result, "text", []) or []:
                yield Static(Text(f"• {line}"), classes="result-text")
            for section in (self._figures, self._charts, self._tables, self._metrics):
                try:
                    yield from section()
                except Exception as exc:  # one bad section must not hide the others
                    yield Static(Text(f"{section.__name__.strip('_')}: cannot be shown ({type(exc).__name__}: {exc})"),
                                 classes="result-problem")
        yield Footer()

    def on_mount(self) -> None:
        first = self.query(FigureView)
        (first.first() if first else self.query_one("#result-body")).focus(scroll_visible=False)

    # -- sections ------------------------------------------------------------------------------
    def _figures(self):
        r = self.record.result
        grids = getattr(r, "grids", {}) or {}
        for name, image in (r.images or {}).items():
            try:
                yield FigureView(name, to_pil(image), grids.get(name), caption=(r.captions or {}).get(name, ""),
                                 path=self.record.paths.get(name), max_tile=MAX_TILE, id=f"figure-{_safe(name)}")
            except Exception as exc:
                yield Static(Text(f"cannot show figure {name!r}: {exc}"), classes="result-problem")

    def _charts(self):
        for title, curves in series_plots(self.record.result.series or {}).items():
            yield Static(Text(title), classes="result-heading")
            try:
                if all(s.get("kind") == "bar" and s.get("labels") for _, s in curves):
                    yield bar_chart(curves)
                else:
                    yield make_plot(curves)
            except Exception as exc:
                yield Static(Text(f"cannot draw {title!r}: {exc}"), classes="result-problem")

    def _tables(self):
        for table in self.record.result.tables or []:
            title = table.get("title") or table.get("name", "table")
            volatile = "  (wall-clock: differs from run to run)" if table.get("volatile") else ""
            yield Static(Text(f"{title}{volatile}"), classes="result-heading")
            yield data_table(table.get("columns", []), table.get("rows", []), name=table.get("name"))

    def _metrics(self):
        metrics = self.record.result.metrics or {}
        if metrics:
            yield Static(Text("Metrics"), classes="result-heading")
            yield data_table(["metric", "value"], [{"metric": k, "value": v} for k, v in metrics.items()], name="metrics")

    # -- actions -------------------------------------------------------------------------------
    def _focused_figure(self) -> FigureView | None:
        focused = self.focused
        return focused if isinstance(focused, FigureView) else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "enlarge":
            return self._focused_figure() is not None or None  # None: shown greyed out
        return True

    def action_back(self) -> None:
        self.dismiss()

    def action_enlarge(self) -> None:
        figure = self._focused_figure()
        if figure is None:
            self.notify("Tab to a figure first, then Enter or z enlarges it", timeout=3)
            return
        from .figure import FigureScreen

        figures = list(self.query(FigureView))
        self.app.push_screen(FigureScreen(figures, figures.index(figure), self.record.title))

    def action_copy_path(self) -> None:
        figure = self._focused_figure()
        path = (figure.path if figure is not None else None) or self.record.folder
        if not path:
            self.notify("This run wrote no files", timeout=3)
            return
        try:
            self.app.copy_to_clipboard(path)
        except Exception as exc:
            self.notify(f"Copy failed: {exc}", severity="error", markup=False)
            return
        self.notify(f"Copied {path}", timeout=3, markup=False)


def bar_chart(curves: list[tuple[str, dict]]) -> BarChart:
    """One group of bars per label across the curves (the union of their labels, in order)."""
    labels: list[str] = []
    for _, s in curves:
        for label in s.get("labels") or []:
            if str(label) not in labels:
                labels.append(str(label))
    series = []
    for name, s in curves:
        by_label = {str(label): _number(y) for label, y in zip(s.get("labels") or [], s.get("y") or [])}
        series.append(Bars(str(s.get("label") or name), [by_label.get(label) for label in labels]))
    log = any(s.get("yscale") == "log" for _, s in curves)
    return BarChart(labels, series, log=log, classes="result-chart")


def data_table(columns: list, rows: list[dict], name: str | None = None) -> DataTable:
    """Rows as a DataTable, numbers right-aligned; every column, scrolled sideways when wide."""
    dt = DataTable(zebra_stripes=True, cursor_type="row", classes="result-table", name=name)
    numeric = [all(isinstance(row.get(c), (int, float)) and not isinstance(row.get(c), bool)
                   for row in rows if row.get(c) is not None) for c in columns]
    for column in columns:
        dt.add_column(str(column), key=str(column))
    for row in rows:
        dt.add_row(*[Text(cell_text(c, row.get(c)), justify="right" if num else "left") for c, num in zip(columns, numeric)])
    return dt


def cell_text(column, value) -> str:
    """A cell as text; durations (a column named "seconds" or ending in "_s") in µs, ms or s."""
    name = str(column)
    if (name == "seconds" or name.endswith("_s")) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_seconds(float(value))
    return fmt(value)


def _number(value) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)
