"""``RunProgress``: one line — a bar, the step, what the demo is doing, the time so far and left.

Cheap on purpose. While a demo runs in the demo process, every bit of work the app does takes a
core from it (the machine this was measured on has two, and torch uses both). Textual's
``ProgressBar`` and a ``Static`` status line relaid the whole equation screen on every update, about
8 ms each; this widget has a fixed size and only repaints itself, and the panel feeds it at most
``UPDATES_PER_S`` times a second.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.widget import Widget

UPDATES_PER_S = 4
BAR = 24  # cells of bar at most


def eta(elapsed: float, step: int, total: int) -> float | None:
    """Seconds left at the pace so far (None before the first step or when ``total`` is unknown)."""
    if step <= 0 or total <= 0 or step > total:
        return None
    return elapsed * (total - step) / step


def format_duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, s = divmod(int(round(seconds)), 60)
    return f"{minutes} min {s:02d} s"


def progress_text(step: int, total: int, label: str, elapsed: float, width: int) -> Text:
    """The line for ``width`` cells: a bar when there is room, then the count and the times."""
    tail = f" {label}" if label else ""
    left = eta(elapsed, step, total)
    times = f" · {format_duration(elapsed)}" + (f", ~{format_duration(left)} left" if left is not None and step < total else "")
    line = Text()
    bar = min(BAR, max(0, width - len(tail) - len(times) - 8))
    if total > 0 and bar >= 8:
        done = round(bar * min(step, total) / total)
        line.append("━" * done, style="green")
        line.append("━" * (bar - done), style="grey37")
        line.append(f" {100 * min(step, total) // total:3d}%")
    line.append(tail)
    line.append(times, style="dim")
    line.truncate(width, overflow="ellipsis")
    return line


class RunProgress(Widget):
    """A run's progress on one line; ``show`` sets it, ``clear`` empties it."""

    DEFAULT_CSS = """
    RunProgress { height: 1; width: 1fr; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.step, self.total, self.label = 0, 0, ""
        self.started = time.monotonic()
        self._last = 0.0

    def start(self, label: str = "starting…") -> None:
        self.step, self.total, self.label = 0, 0, label
        self.started = time.monotonic()
        self._last = 0.0
        self.refresh()
        if getattr(self, "_ticker", None) is None:  # the time so far moves on between steps too (once a second)
            self._ticker = self.set_interval(1.0, self.refresh)
        self._ticker.resume()

    def stop(self) -> None:
        ticker = getattr(self, "_ticker", None)
        if ticker is not None:
            ticker.pause()

    def show(self, step: int, total: int, label: str, force: bool = False) -> None:
        """New progress; repainted at most UPDATES_PER_S times a second unless ``force`` (the last step)."""
        self.step, self.total, self.label = step, total, label
        now = time.monotonic()
        if force or step >= total or now - self._last >= 1 / UPDATES_PER_S:
            self._last = now
            self.refresh()

    def render(self) -> Text:
        return progress_text(self.step, self.total, self.label, time.monotonic() - self.started, self.size.width or 80)
