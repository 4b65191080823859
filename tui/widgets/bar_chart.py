"""``BarChart``: horizontal bars drawn with block characters, one group per label and one bar per
series, each bar's value written at its end — so the ranking is read off the lengths and checked
against the numbers.

Used for the matmul lab's ladder of speed-ups (two problem sizes per method). On a log axis a bar's
length is log₁₀ of its value over log₁₀ of the largest, so the baseline (1×) has no bar at all and
a method 100× faster than another has twice the bar of one 10× faster; the axis is named.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

from paperkit.lab.bench import human_ratio  # plain Python, no torch

COLOURS = ("#5fafff", "#ffaf5f", "#87d787", "#d787d7")
BLOCKS = " ▏▎▍▌▋▊▉█"


@dataclass
class Bars:
    """One series: its name and a value per label (None or non-finite: not measured)."""

    name: str
    values: list[float | None]


def bar_length(value: float | None, top: float, width: int, log: bool) -> float:
    """The bar's length in cells (fractional); 0 for missing values and, on a log axis, for ≤ 1."""
    if value is None or not math.isfinite(value) or value <= 0 or top <= 0:
        return 0.0
    if log:
        if top <= 1 or value <= 1:
            return 0.0
        return width * math.log10(value) / math.log10(top)
    return width * value / top


def draw_bar(length: float) -> str:
    """Block characters for a length in cells, eighths included."""
    whole = int(length)
    eighths = int(round((length - whole) * 8))
    if eighths == 8:
        whole, eighths = whole + 1, 0
    return "█" * whole + (BLOCKS[eighths] if eighths else "")


def format_value(value: float | None, unit: str = "×") -> str:
    """A bar's value as written at its end: speed-ups as the lab's table writes them (``human_ratio``)."""
    if value is None or not math.isfinite(value):
        return "not measured"
    return human_ratio(value) if unit == "×" else f"{value:.3g}{unit}"


def chart_lines(labels: list[str], series: list[Bars], width: int, log: bool, unit: str = "×") -> list[Text]:
    """The chart as lines of text for ``width`` columns: a legend, then each label's bars."""
    label_w = min(max((len(label) for label in labels), default=0), 24)
    values = [v for s in series for v in s.values if v is not None and math.isfinite(v)]
    top = max(values, default=0.0)
    value_w = max((len(format_value(v, unit)) for s in series for v in s.values), default=4)
    bar_w = max(4, width - label_w - 3 - value_w - 1)
    lines: list[Text] = []
    if len(series) > 1:
        legend = Text(" " * (label_w + 2))
        for i, s in enumerate(series):
            legend.append("██ ", style=COLOURS[i % len(COLOURS)])
            legend.append(f"{s.name}   ")
        lines.append(legend)
    for j, label in enumerate(labels):
        for i, s in enumerate(series):
            value = s.values[j] if j < len(s.values) else None
            name = label[:label_w] if i == 0 else ""
            line = Text.assemble((f"{name:<{label_w}}", "bold"), " │")
            bar = draw_bar(bar_length(value, top, bar_w, log))
            line.append(bar, style=COLOURS[i % len(COLOURS)])
            line.append(" " + format_value(value, unit), style="" if value is not None else "dim")
            lines.append(line)
    axis = "log scale: 1× (the baseline) has no bar; 100× has twice the bar of 10×" if log else "linear scale"
    lines.append(Text(f"{'':<{label_w}} └ {axis}", style="dim"))
    return lines


class BarChart(Widget):
    """Grouped horizontal bars; redrawn to the width it has."""

    DEFAULT_CSS = """
    BarChart { height: auto; width: 100%; text-wrap: nowrap; text-overflow: clip; }
    """

    def __init__(self, labels: list[str], series: list[Bars], *, log: bool = False, unit: str = "×", **kwargs):
        super().__init__(**kwargs)
        self.labels, self.series, self.log_scale, self.unit = labels, series, log, unit

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(chart_lines(self.labels, self.series, width, self.log_scale, self.unit))

    def render(self) -> Text:
        width = self.content_region.width or self.size.width or 80
        return Text("\n").join(chart_lines(self.labels, self.series, width, self.log_scale, self.unit))
