"""Labelled figures: a demo's grid image drawn as a PNG with its title, row and column labels.

``render(result, name)`` lays out, on a dark background (the digits are white on black):

    title (wrapped to the figure's width)
                       column title
    row title   col 0   col 1   …      (each column label centred over its column, wrapped or shrunk
    row 0       [tile]  [tile]  …       to fit inside it; row labels right-aligned and centred on
    row 1       [tile]  [tile]  …       their row, in the column left of the grid)

The tiles are upscaled by an integer ``scale`` with nearest-neighbour (crisp pixels) and framed by a
line of the pad colour, so the outer tiles' edges show too. Labels never cross into a neighbour's
column or row: a label that does not fit is wrapped at spaces, then set smaller, then cut with "…".
``x_t``, ``ε_{c}`` in labels are drawn with real subscripts. An image without grid metadata gets
its title only. ``write_pngs`` writes every image of a result; the CLI and the app both call it.

Fonts: DejaVu Sans (or Noto/Liberation/Arial) when the system has it — it covers the Greek, arrows
and combining accents the labels use; else Pillow's own scalable font (Aileron, Latin only), with
any character it lacks spelled out in ASCII (η → eta). Pillow and numpy are imported here, so the
registry (``paperkit.demos``) never imports this module.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .result import tile_spans

BACKGROUND = (22, 24, 28)       # a dark slate, a shade off the tiles' black so the grid's edge shows
TEXT = (236, 236, 236)          # labels and title
AXIS = (125, 185, 255)          # what the labels are (axis titles), a soft blue
FRAME = 128                     # the line around the grid: the pad colour of ``_common.grid``
DEFAULT_SCALE = 4               # a 16×16 tile becomes 64×64 pixels

FONT_FILES = ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf", "Arial Unicode.ttf",
              "Arial.ttf", "arial.ttf")
BOLD_FONT_FILES = ("DejaVuSans-Bold.ttf", "NotoSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf",
                   "arialbd.ttf")
_ASCII = {"η": "eta", "ε": "eps", "θ": "theta", "φ": "phi", "σ": "sigma", "α": "alpha", "β": "beta", "λ": "lambda",
          "τ": "tau", "−": "-", "→": "->", "←": "<-", "‖": "||", "…": "...", "×": "x", "·": ".", "≈": "~", "≤": "<=",
          "≥": ">=", "\u0302": "_hat", "\u0304": "_bar", "ᾱ": "alpha_bar"}
_OPERATORS = {"=", "→", "←", "−", "-", "+", "×", "≈", "~", "<", ">", "≤", "≥", "|", "/"}
_SUBSCRIPT = re.compile(r"_(\{[^{}]*\}|[^\s_{}])")


# -- fonts --------------------------------------------------------------------------------------------
@lru_cache(maxsize=2)
def _font_path(bold: bool) -> str | None:
    """The first of the known Unicode fonts Pillow finds (it searches the system's font folders)."""
    for name in (BOLD_FONT_FILES if bold else ()) + FONT_FILES:
        try:
            return ImageFont.truetype(name, 12).path
        except OSError:
            continue
    return None


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False):
    """A scalable font of ``size`` pixels: a system Unicode font, else Pillow's built-in one."""
    path = _font_path(bold)
    if path is not None:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


@lru_cache(maxsize=4096)
def _has_glyph(fnt, ch: str) -> bool:
    """Whether ``fnt`` draws ``ch`` itself, not its "missing glyph" box (compared with a private-use character)."""
    base = "x" if unicodedata.combining(ch) else ""
    missing = fnt.getmask(base + "\U000f0000")
    drawn = fnt.getmask(base + ch)
    return drawn.size != missing.size or bytes(drawn) != bytes(missing)


def _printable(text: str, fnt) -> str:
    """``text`` with every character ``fnt`` lacks spelled out in ASCII (η → eta), or "?"."""
    if all(_has_glyph(fnt, ch) for ch in text if not ch.isspace()):
        return text
    out = []
    for ch in text:
        if ch.isspace() or _has_glyph(fnt, ch):
            out.append(ch)
        elif ch in _ASCII:
            out.append(_ASCII[ch])
        else:
            decomposed = unicodedata.normalize("NFKD", ch)
            out.append(decomposed if all(_has_glyph(fnt, c) for c in decomposed) else "?")
    return "".join(out)


# -- text with subscripts ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Style:
    size: int
    bold: bool = False

    @property
    def main(self):
        return font(self.size, self.bold)

    @property
    def sub(self):
        return font(max(6, round(self.size * 0.72)), self.bold)

    @property
    def drop(self) -> int:
        """How far a subscript's baseline sits below the line's."""
        return round(self.size * 0.22)

    @property
    def ascent(self) -> int:
        return self.main.getmetrics()[0]

    @property
    def line_height(self) -> int:
        """Room for the ascender, the deeper of a descender and a subscript's, and a little leading:
        every glyph stays inside its line's box."""
        descent = max(self.main.getmetrics()[1], self.drop + self.sub.getmetrics()[1])
        return self.ascent + descent + max(1, round(self.size * 0.1))


def _runs(text: str) -> list[tuple[str, bool]]:
    """``"x_0 and ε_{uc}"`` → [("x", False), ("0", True), (" and ε", False), ("uc", True)]."""
    runs, at = [], 0
    for m in _SUBSCRIPT.finditer(text):
        if m.start() > at:
            runs.append((text[at:m.start()], False))
        runs.append((m.group(1).strip("{}"), True))
        at = m.end()
    if at < len(text):
        runs.append((text[at:], False))
    return runs


def _width(text: str, style: _Style) -> int:
    total = 0.0
    for run, sub in _runs(text):
        f = style.sub if sub else style.main
        total += f.getlength(_printable(run, f))
    return int(np.ceil(total))


def _draw_line(draw: ImageDraw.ImageDraw, x: float, baseline: float, text: str, style: _Style, fill) -> None:
    for run, sub in _runs(text):
        f = style.sub if sub else style.main
        run = _printable(run, f)
        draw.text((x, baseline + (style.drop if sub else 0)), run, font=f, fill=fill, anchor="ls")
        x += f.getlength(run)


def _ellipsize(text: str, style: _Style, max_w: int) -> str:
    if _width(text, style) <= max_w:
        return text
    while text and _width(text + "…", style) > max_w:
        text = text[:-1]
    return text.rstrip() + "…" if text else ""


def _words(text: str) -> list[str]:
    """The units a line may break between: words, with an operator kept with both its neighbours
    ("s = 1", "3 → 8" and "ε_c − ε_u" never break)."""
    words: list[str] = []
    glue = False
    for token in text.split():
        if words and (glue or token in _OPERATORS):
            words[-1] += " " + token
        else:
            words.append(token)
        glue = token in _OPERATORS
    return words


def _wrap(text: str, style: _Style, max_w: int) -> list[str] | None:
    """Greedy word wrap within ``max_w`` pixels; None when one word alone is wider."""
    lines: list[str] = []
    for word in _words(text):
        if _width(word, style) > max_w:
            return None
        if lines and _width(lines[-1] + " " + word, style) <= max_w:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _fit(labels: list[str], max_w: int, max_lines: int, size: int, min_size: int) -> tuple[_Style, list[list[str]]]:
    """The largest style (≤ ``size``) at which every label wraps into ``max_lines`` lines of ``max_w``;
    at ``min_size`` the rest is cut with "…". Returns the style and each label's lines."""
    for s in range(size, min_size - 1, -1):
        style = _Style(s)
        wrapped = [_wrap(label, style, max_w) for label in labels]
        if all(w is not None and len(w) <= max_lines for w in wrapped):
            return style, wrapped
    style = _Style(min_size)
    out = []
    for label in labels:
        lines = _wrap(label, style, max_w) or _words(label) or [""]
        if len(lines) > max_lines:
            lines = lines[:max_lines - 1] + [" ".join(lines[max_lines - 1:])]
        out.append([_ellipsize(line, style, max_w) for line in lines])
    return style, out


def _draw_block(draw, lines: list[str], style: _Style, box: tuple[int, int, int, int], fill, align: str,
                valign: str = "middle") -> None:
    """Lines of text inside ``box`` (x0, y0, x1, y1): aligned left/centre/right, vertically top/middle/bottom."""
    x0, y0, x1, y1 = box
    height = len(lines) * style.line_height
    top = {"top": y0, "middle": y0 + (y1 - y0 - height) / 2, "bottom": y1 - height}[valign]
    for i, line in enumerate(lines):
        w = _width(line, style)
        x = {"left": x0, "centre": x0 + (x1 - x0 - w) / 2, "right": x1 - w}[align]
        baseline = top + i * style.line_height + style.ascent
        _draw_line(draw, round(x), round(baseline), line, style, fill)


# -- layout ---------------------------------------------------------------------------------------------
Box = tuple[int, int, int, int]


@dataclass
class Figure:
    """A rendered figure and where everything is in it (pixel boxes x0, y0, x1, y1, exclusive ends)."""

    image: Image.Image
    scale: int
    grid_box: Box | None = None                 # the scaled grid image itself (first tile's corner at x0, y0)
    frame: int = 0                              # width of the pad-coloured line around grid_box
    title_box: Box | None = None
    col_title_box: Box | None = None
    row_title_box: Box | None = None
    col_label_boxes: list[Box] = field(default_factory=list)   # one per column: its tile span × the label band
    row_label_boxes: list[Box] = field(default_factory=list)   # one per row: the label column × its tile span

    def png(self) -> bytes:
        buf = io.BytesIO()
        self.image.save(buf, format="PNG", optimize=True)
        return buf.getvalue()


def _scaled(pixels: np.ndarray, scale: int) -> Image.Image:
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image, got {pixels.dtype}")
    if scale > 1:
        pixels = pixels.repeat(scale, axis=0).repeat(scale, axis=1)  # nearest neighbour, exact
    return Image.fromarray(pixels).convert("RGB")


def render_image(pixels, meta: dict | None = None, *, title: str = "", scale: int = DEFAULT_SCALE) -> Figure:
    """``pixels`` (uint8, (H, W) or (H, W, 3)) drawn ×``scale`` with the labels of ``meta`` (a
    ``grid_meta`` dict; None: the title only, from ``title``)."""
    if int(scale) != scale or scale < 1:
        raise ValueError(f"scale must be a positive integer, got {scale!r}")
    scale = int(scale)
    pixels = np.asarray(pixels)
    if meta is None:
        return _titled(pixels, title, scale)
    if list(pixels.shape[:2]) != list(meta["shape"]):
        raise ValueError(f"grid metadata says {meta['shape']} pixels, the image is {list(pixels.shape[:2])}")
    (h, w), pad = meta["tile"], meta["pad"]
    rows, cols = list(meta["rows"]), list(meta["cols"])
    row_title, col_title = meta.get("row_title", ""), meta.get("col_title", "")
    title = meta.get("title") or title
    tile_h, tile_w = h * scale, w * scale

    base = int(np.clip(round(min(tile_h, tile_w) * 0.22), 11, 22))  # 14 px for 64-px tiles
    margin, gap = round(base * 0.8), round(base * 0.5)
    frame = max(1, pad * scale)
    label_style = _Style(base)
    axis_style = _Style(base)
    title_style = _Style(round(base * 1.2), bold=True)

    # column labels: inside their tile's width, up to three lines
    col_w = max(1, tile_w - 2)
    if any(cols):
        col_style, col_lines = _fit(cols, col_w, 3, base, max(8, round(base * 0.7)))
        band_h = max(len(lines) for lines in col_lines) * col_style.line_height
    else:
        col_style, col_lines, band_h = label_style, [[] for _ in cols], 0
    # row labels: right-aligned in a column left of the grid, wrapped to the row's height
    row_cap = max(4 * tile_w, 10 * base)
    max_row_lines = max(1, tile_h // label_style.line_height)
    if any(rows):
        natural = min(row_cap, max(_width(r, label_style) for r in rows))
        row_style, row_lines = _fit(rows, max(natural, 1), max_row_lines, base, max(8, round(base * 0.7)))
        rows_w = max(_width(line, row_style) for lines in row_lines for line in lines)
    else:
        row_style, row_lines, rows_w = label_style, [[] for _ in rows], 0
    # the row title sits in the corner above the row labels, level with the column labels
    corner_lines: list[str] = []
    if row_title:
        corner_w = max(rows_w, min(row_cap, _width(row_title, axis_style)))
        corner_lines = _wrap(row_title, axis_style, corner_w) or [_ellipsize(row_title, axis_style, corner_w)]
        rows_w = max(rows_w, *(_width(line, axis_style) for line in corner_lines))
        band_h = max(band_h, len(corner_lines) * axis_style.line_height)
    label_col = rows_w + gap if rows_w else 0

    grid_w, grid_h = pixels.shape[1] * scale, pixels.shape[0] * scale
    width = margin + label_col + frame + grid_w + frame + margin
    # the title wraps to the figure's width (which grows for a word wider than the figure)
    title_lines: list[str] = []
    if title:
        longest = max(_width(word, title_style) for word in _words(title))
        width = max(width, longest + 2 * margin)
        title_lines = _wrap(title, title_style, width - 2 * margin) or [title]
    col_title_lines: list[str] = []
    if col_title:
        longest = max(_width(word, axis_style) for word in _words(col_title))
        col_title_lines = _wrap(col_title, axis_style, max(grid_w, longest)) or [col_title]
        width = max(width, margin + label_col + frame + max(_width(line, axis_style) for line in col_title_lines)
                    + frame + margin)

    y = margin
    title_box = col_title_box = row_title_box = None
    if title_lines:
        title_box = (margin, y, width - margin, y + len(title_lines) * title_style.line_height)
        y = title_box[3] + gap
    if col_title_lines:
        col_title_box = (0, y, 0, y + len(col_title_lines) * axis_style.line_height)  # x set below
        y = col_title_box[3] + max(2, gap // 3)
    band_top, band_bottom = y, y + band_h
    y = band_bottom + (gap if band_h else 0)
    gx = margin + label_col + frame
    gy = y + frame
    height = gy + grid_h + frame + margin

    img = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(img)
    draw.rectangle((gx - frame, gy - frame, gx + grid_w + frame - 1, gy + grid_h + frame - 1), fill=(FRAME,) * 3)
    img.paste(_scaled(pixels, scale), (gx, gy))

    if title_box:
        _draw_block(draw, title_lines, title_style, title_box, TEXT, "left", "top")
    if col_title_box:
        # centred over the grid; a title wider than the grid (the figure was widened for it) starts at its left
        wide = max(grid_w, max(_width(line, axis_style) for line in col_title_lines))
        col_title_box = (gx, col_title_box[1], gx + wide, col_title_box[3])
        _draw_block(draw, col_title_lines, axis_style, col_title_box, AXIS, "centre", "top")
    row_spans, col_spans = tile_spans(meta, scale)
    col_boxes = [(gx + x0, band_top, gx + x1, band_bottom) for x0, x1 in col_spans]
    for lines, box in zip(col_lines, col_boxes):
        if lines:
            _draw_block(draw, lines, col_style, box, TEXT, "centre", "bottom")
    right = gx - frame - gap
    row_boxes = [(margin, gy + y0, right, gy + y1) for y0, y1 in row_spans] if label_col else []
    for lines, box in zip(row_lines, row_boxes):
        if lines:
            _draw_block(draw, lines, row_style, box, TEXT, "right", "middle")
    if corner_lines:
        row_title_box = (margin, band_top, right, band_bottom)
        _draw_block(draw, corner_lines, axis_style, row_title_box, AXIS, "right", "bottom")
    return Figure(img, scale, grid_box=(gx, gy, gx + grid_w, gy + grid_h), frame=frame, title_box=title_box,
                  col_title_box=col_title_box, row_title_box=row_title_box, col_label_boxes=col_boxes,
                  row_label_boxes=row_boxes)


def _titled(pixels: np.ndarray, title: str, scale: int) -> Figure:
    """An image without grid labels: its title above it."""
    body = _scaled(pixels, scale)
    base = int(np.clip(round(16 * scale * 0.22), 11, 22))
    margin, gap = round(base * 0.8), round(base * 0.5)
    style = _Style(round(base * 1.2), bold=True)
    width = body.width + 2 * margin
    lines: list[str] = []
    if title:
        width = max(width, max(_width(word, style) for word in _words(title)) + 2 * margin)
        lines = _wrap(title, style, width - 2 * margin) or [title]
    top = margin + (len(lines) * style.line_height + gap if lines else 0)
    img = Image.new("RGB", (width, top + body.height + margin), BACKGROUND)
    img.paste(body, (margin, top))
    title_box = None
    if lines:
        title_box = (margin, margin, width - margin, margin + len(lines) * style.line_height)
        _draw_block(ImageDraw.Draw(img), lines, style, title_box, TEXT, "left", "top")
    return Figure(img, scale, grid_box=(margin, top, margin + body.width, top + body.height), title_box=title_box)


# -- results ------------------------------------------------------------------------------------------------
def render(result, name: str, scale: int = DEFAULT_SCALE) -> Figure:
    """The image ``name`` of a ``DemoResult`` as a labelled figure."""
    return render_image(result.images[name], result.grids.get(name), title=result.title(name), scale=scale)


def figure_png(result, name: str, scale: int = DEFAULT_SCALE) -> bytes:
    """The labelled figure of image ``name`` as PNG bytes."""
    return render(result, name, scale).png()


def png_scale(result, name: str) -> int:
    """The scale ``write_pngs`` picks for image ``name``: tiles drawn about 128 px on a side, at most ×4
    and at least ×1 — 16–32 px digit tiles ×4, 64 px ×2, Stable Diffusion's 512 px tiles ×1 (the
    figure stays the model's own size). The tile is the grid's, else the image's shorter side."""
    meta = result.grids.get(name)
    side = max(meta["tile"]) if meta else min(np.asarray(result.images[name]).shape[:2])
    return int(min(DEFAULT_SCALE, max(1, 128 // max(1, int(side)))))


def write_pngs(result, out_dir, scale: int | None = None) -> dict[str, Path]:
    """Write every image of ``result`` as a labelled PNG ``out_dir/NAME.png`` (the folder is created);
    returns name → path, in the result's order. ``scale`` None picks one per image (``png_scale``)."""
    out = Path(out_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in result.images:
        path = out / f"{name}.png"
        path.write_bytes(figure_png(result, name, png_scale(result, name) if scale is None else scale))
        paths[name] = path
    return paths


def write_files(result, out_dir) -> dict[str, Path]:
    """Write ``result.files`` as plain PNGs ``out_dir/NAME.png`` at their own size (no labels, no scaling)."""
    from PIL import Image

    out = Path(out_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, pixels in result.files.items():
        path = out / f"{name}.png"
        Image.fromarray(np.asarray(pixels, dtype=np.uint8)).save(path)
        paths[name] = path
    return paths
