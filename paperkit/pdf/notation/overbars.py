"""Bars drawn over inline maths: TeX draws R̄M̄S̄'s bar (and x̄'s, when set with \\overline) as a line,
not a glyph, so the text layer never shows it. The page's short horizontal strokes are read once
from its drawings and looked up by height for each run of inline maths.
"""

from __future__ import annotations

from .inline import MathRun


class Overbars:
    """The short horizontal strokes of a page that may be bars over inline maths (R̄M̄S̄, x̄): read from
    the page's drawings once, looked up by height. A page drawn with many thousands of paths (a
    plot) is left alone: its strokes are the figure's."""

    def __init__(self, drawings: list[dict], limit: int = 4000, lines=()) -> None:
        """``drawings``: the page's ``PaperDocument.drawings``; ``lines``: its layout lines."""
        bars: list[tuple[float, float, float]] = []  # (y, x0, x1)
        if len(drawings) <= limit:
            for path in drawings:
                x0, y0, x1, y1 = path["rect"]  # extract.vector_paths: one box per path, a stroke's width in it
                if y1 - y0 <= 1.2 and 1.5 <= x1 - x0 <= 120:
                    bars.append(((y0 + y1) / 2, x0, x1))
        bars.sort()
        self._bars = bars
        self._lines = lines
        self._ys = [b[0] for b in bars]

    def over(self, run: MathRun):
        """The strokes lying just above the run's letters, within its width, as ``Rule``s."""
        if not self._bars:
            return []
        from bisect import bisect_left, bisect_right

        from ..model import Rule

        glyphs = run.glyphs
        size = max(g.size for g in glyphs)
        baseline = max(g.origin[1] for g in glyphs if g.size >= 0.9 * size)
        lo = bisect_left(self._ys, baseline - 1.15 * size)
        hi = bisect_right(self._ys, baseline - 0.55 * size)
        x0, x1 = run.bbox[0] - 1.0, run.bbox[2] + 1.0
        return [Rule((bx0, y - 0.2, bx1, y + 0.2)) for y, bx0, bx1 in self._bars[lo:hi]
                if bx0 >= x0 and bx1 <= x1 and not self._under_text(y, bx0, bx1)]

    def _under_text(self, y: float, x0: float, x1: float) -> bool:
        """A fraction's bar has its numerator right above it; an overline has nothing there."""
        return any(l.bbox[0] < x1 and l.bbox[2] > x0 and y - 1.2 * l.size < l.bottom <= y + 0.3 for l in self._lines)
