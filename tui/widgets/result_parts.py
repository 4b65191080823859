"""The pieces of a demo's result that are not figures: cell text, pictures from arrays, line plots.

A ``DemoResult`` is plain data (``paperkit.demos.result``): uint8 arrays, series as x/y lists, tables
as rows of dicts. ``ResultScreen`` lays them out; this module turns single values and series into
text and plotext plots. Imported only once a run has finished (plotext stays off start-up).
"""

from __future__ import annotations

import io
import math
from typing import Any


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


def series_plots(series: dict[str, dict]) -> dict[str, list[tuple[str, dict]]]:
    """Series grouped by their ``plot`` (curves sharing a plot share its axes), in first-seen order."""
    plots: dict[str, list[tuple[str, dict]]] = {}
    for name, s in series.items():
        plots.setdefault(str(s.get("plot") or name), []).append((name, s))
    return plots


def make_plot(curves: list[tuple[str, dict]]):
    """A ``PlotextPlot`` with every curve of one plot (its title is the section heading above it);
    non-finite points, and values ≤ 0 on a log axis, are dropped."""
    from textual_plotext import PlotextPlot

    widget = PlotextPlot(classes="demo-plot")
    plt = widget.plt
    log = any(s.get("yscale") == "log" for _, s in curves)
    for name, s in curves:
        points = [(x, y) for x, y in zip(s.get("x", []), s.get("y", []))
                  if _finite(x) and _finite(y) and (not log or y > 0)]
        if points:
            xs, ys = zip(*points)
            plt.plot(list(xs), list(ys), label=str(s.get("label") or name), marker="braille")
    first = curves[0][1]
    plt.xlabel(str(first.get("xlabel", "")))
    plt.ylabel(str(first.get("ylabel", "")))
    if log:
        plt.yscale("log")
    return widget


def _finite(v: Any) -> bool:
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError):
        return False
