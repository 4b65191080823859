"""What a demo returns: plain data the CLI prints and the TUI renders (no torch here).

numpy and Pillow are imported inside the methods that need them, so the registry stays light.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from typing import Any


class NonFiniteError(RuntimeError):
    """A sample or prediction held a NaN or an infinity: names the demo and the step."""

    def __init__(self, demo: str, step: str, what: str = "sample"):
        self.demo, self.step, self.what = demo, step, what
        super().__init__(f"demo {demo!r}: the {what} became NaN or infinite at {step}")


@dataclass
class DemoResult:
    """A demo's output.

    - ``images``: name → uint8 array, (H, W) grey or (H, W, 3), often a grid of 16×16 tiles at native
      size (``png_bytes`` scales it up); ``captions``: name → one line saying what it shows;
    - ``grids``: name → the layout and labels of a grid image (see ``grid_meta``): its one-line
      ``title``, a label per row and per column, the axis titles, tile size and pad — enough to draw
      labels aligned with the tiles (``tile_spans``; ``paperkit.demos.figure`` draws them in PNGs);
    - ``series``: name → {"x": [...], "y": [...], "label", "plot" (curves sharing a plot share it),
      "xlabel", "ylabel", "yscale" ("linear"/"log")} for line plots;
    - ``tables``: a list of {"name", "title", "columns": [...], "rows": [{column: value}, ...]};
      a table with ``"volatile": True`` holds wall-clock numbers and differs from run to run;
    - ``text``: a few summary lines; ``metrics``: name → number (JSON-ready);
    - ``settings``: seed, device, steps and the options used; ``timings``: wall-clock seconds;
    - ``files``: name → uint8 image written as-is, unlabelled, at its own size (``NAME.png``): the
      per-item pictures a user takes elsewhere (DiffEdit's ``1-input``, ``1-mask`` …).

    Everything except ``timings`` and volatile tables is identical for the same seed on the same device.
    """

    demo: str
    images: dict[str, Any] = field(default_factory=dict)
    series: dict[str, dict] = field(default_factory=dict)
    tables: list[dict] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    captions: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    grids: dict[str, dict] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)

    def title(self, name: str) -> str:
        """The image's one-line figure title: its grid's title, else its caption, else its name."""
        meta = self.grids.get(name)
        return (meta or {}).get("title") or self.captions.get(name) or name

    def png_bytes(self, name: str, scale: int = 4) -> bytes:
        """The image ``name`` as PNG bytes, each pixel repeated ``scale`` × ``scale`` (nearest)."""
        import numpy as np
        from PIL import Image

        pixels = np.asarray(self.images[name])
        if pixels.dtype != np.uint8:
            raise ValueError(f"image {name!r} is {pixels.dtype}, expected uint8")
        if scale > 1:
            pixels = pixels.repeat(scale, axis=0).repeat(scale, axis=1)
        buf = io.BytesIO()
        Image.fromarray(pixels).save(buf, format="PNG")
        return buf.getvalue()

    def table(self, name: str) -> dict:
        for t in self.tables:
            if t["name"] == name:
                return t
        raise KeyError(name)

    def to_json(self, image_paths: dict[str, str] | None = None) -> dict:
        """Everything but raw pixels: images become their shape (and path, when written)."""
        images = {}
        for name, arr in self.images.items():
            entry: dict[str, Any] = {"shape": list(getattr(arr, "shape", ())), "title": self.title(name),
                                     "caption": self.captions.get(name, "")}
            if name in self.grids:
                entry["grid"] = _plain(self.grids[name])
            if image_paths and name in image_paths:
                entry["path"] = image_paths[name]
            images[name] = entry
        return {
            "demo": self.demo, "settings": _plain(self.settings), "text": list(self.text),
            "metrics": _plain(self.metrics), "tables": _plain(self.tables), "series": _plain(self.series),
            "images": images, "timings": _plain(self.timings),
            "files": {name: {"shape": list(getattr(arr, "shape", ())), **({"path": image_paths[name]} if image_paths and name in image_paths else {})}
                      for name, arr in self.files.items()},
        }

    def comparable(self) -> dict:
        """The deterministic part, for "same seed ⇒ same result" checks: no timings, no volatile tables."""
        import numpy as np

        return {
            "images": {k: np.asarray(v).tobytes() for k, v in self.images.items()},
            "files": {k: np.asarray(v).tobytes() for k, v in self.files.items()},
            "shapes": {k: np.asarray(v).shape for k, v in self.images.items()},
            "grids": _plain(self.grids),
            "series": _plain({k: s for k, s in self.series.items() if not s.get("volatile")}),
            "metrics": _plain(self.metrics), "text": list(self.text),
            "tables": _plain([t for t in self.tables if not t.get("volatile")]),
        }


def grid_meta(*, title: str, rows, cols, tile: tuple[int, int], pad: int = 1, row_title: str = "",
              col_title: str = "", pad_value: int | None = None) -> dict:
    """The metadata of a grid image of len(rows) × len(cols) tiles of ``tile`` = (h, w) pixels, ``pad``
    pixels apart (no outer border): the image is (R(h + pad) − pad) × (C(w + pad) − pad).

    ``rows``/``cols``: one label per row/column ("" for none); ``row_title``/``col_title``: what the
    labels are (e.g. "digit", "t"); ``title``: the figure's one line. Plain data, JSON-ready.
    """
    rows, cols = [str(r) for r in rows], [str(c) for c in cols]
    h, w = int(tile[0]), int(tile[1])
    if not rows or not cols or h < 1 or w < 1 or pad < 0:
        raise ValueError(f"a grid needs rows, columns and a positive tile size, got {len(rows)}×{len(cols)} of {h}×{w}")
    meta = {"title": str(title), "rows": rows, "cols": cols, "row_title": str(row_title), "col_title": str(col_title),
            "tile": [h, w], "pad": int(pad), "shape": [len(rows) * (h + pad) - pad, len(cols) * (w + pad) - pad]}
    if pad_value is not None:
        meta["pad_value"] = int(pad_value)
    return meta


def tile_spans(meta: dict, scale: int = 1) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Pixel spans [start, stop) of every row and every column of tiles in the grid image (× ``scale``):
    row r covers y in [r(h + pad), r(h + pad) + h), column c covers x in [c(w + pad), c(w + pad) + w)."""
    (h, w), pad = meta["tile"], meta["pad"]
    rows = [(r * (h + pad) * scale, (r * (h + pad) + h) * scale) for r in range(len(meta["rows"]))]
    cols = [(c * (w + pad) * scale, (c * (w + pad) + w) * scale) for c in range(len(meta["cols"]))]
    return rows, cols


def _plain(value):
    """JSON-ready copy: numpy and torch scalars become Python numbers; NaN stays NaN."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, bool)) or value is None:
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    try:
        return float(value) if not math.isnan(float(value)) else float("nan")
    except (TypeError, ValueError):
        return str(value)
