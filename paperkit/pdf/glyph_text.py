"""Running text for glyphs the PDF does not name: read through the project's own glyph tables.

pymupdf turns each glyph into Unicode through its glyph name. Computer Modern's big delimiters and
operators (CMEX: ``bracketleftbig``, ``integraltext``) have names outside the Adobe glyph list and
come out as U+FFFD, so CFG's loss (5) reads ``Eϵ,λ�∥ϵθ(zλ) −ϵ∥22�``. PDFs re-written by macOS
Quartz give Apple's keyboard symbols for low codes (adam.pdf's ≤ comes out as U+F8FF), and older
PDFs give a math font's raw codes (CMSY's ∥ as 'k'). Here such a span is read again:

- CMEX glyphs through ``fonts.cmex_candidates`` (their width; CMEX7/9 are wider in em) and, where
  widths tie, their place: a wide accent has its letter under it, a delimiter or operator sits on
  the math axis of the glyphs beside it (``fonts.cmex_by_axis``, the rule ``glyph_latex`` reads
  displays with); a delimiter whose width does not say which side it is gets the side that balances
  its row;
- other TeX math fonts (OML, OMS, MSAM, MSBM …) through their slot tables (``fonts.glyph_info``);
- whatever is still unknown becomes ``UNKNOWN`` (⍰), never a silent �, with a reason kept for the
  reader ("a CMEX7 glyph 1.20 em wide that no slot has").

Only spans that need it are read again: a page of plain text costs one set look-up per span.
"""

from __future__ import annotations

import bisect

from . import fonts
from .model import Glyph

UNKNOWN = "⍰"  # APL's "quad question": a glyph the PDF gives no character for
_MATH_ENCODINGS = frozenset({"OML", "OMS", "OMX", "MSAM", "MSBM", "EUSM", "EUFM", "RSFS"})
_SPACE = " \u00a0"


def span_needs_reading(span: dict, text: str) -> bool:
    """Whether a rawdict span (its ``text`` joined) holds a glyph that pymupdf could not name
    (U+FFFD, a private-use or Quartz code, a math font's raw code), or is set in CMEX, whose pieces
    are private-use."""
    if "\ufffd" in text:
        return True
    encoding = fonts.font_class(span["font"]).encoding
    if encoding not in _MATH_ENCODINGS:
        return False
    if encoding == "OMX":
        return True
    known = fonts._index(encoding)
    if any(c not in known and c not in _SPACE for c in text):
        return True
    return encoding == "OMS" and " " in text and any(_is_left_arrow(ch, span["size"]) for ch in span["chars"])


def _char_needs_reading(font: str, char: str, size: float, ch: dict) -> bool:
    if char == "\ufffd":
        return True
    encoding = fonts.font_class(font).encoding
    if encoding == "OMX":
        return True
    if encoding not in _MATH_ENCODINGS:
        return False
    if char == " ":
        return encoding == "OMS" and _is_left_arrow(ch, size)
    return char not in fonts._index(encoding) and char not in _SPACE


def _is_left_arrow(ch: dict, size: float) -> bool:
    """CMSY's ← (slot 32) as a space, as Quartz writes it: a 'space' exactly one em wide."""
    return ch["c"] == " " and size > 0 and abs((ch["bbox"][2] - ch["bbox"][0]) / size - 1.0) < 0.03


def math_font_names() -> "_MathFonts":
    """A set-like of font names set in a TeX math encoding (or CMEX): ``name in math_font_names()``."""
    return _MATH_FONTS


class _MathFonts:
    """``name in`` it: whether a font is TeX math-encoded, decided once per name."""

    def __init__(self) -> None:
        self._known: dict[str, bool] = {}

    def __contains__(self, name: str) -> bool:
        found = self._known.get(name)
        if found is None:
            found = self._known[name] = fonts.font_class(name).encoding in _MATH_ENCODINGS
        return found


_MATH_FONTS = _MathFonts()


def read_blocks(blocks: list[dict], texts: list[list[list[str]]], spans: list[tuple[int, int, int]] | None = None) -> list[str]:
    """Read again, in place, the spans of ``texts`` (``[block][line][span]``, the text of each span
    of the rawdict ``blocks``) that hold unnamed glyphs; returns the reasons for any ``UNKNOWN`` left.
    ``spans`` (block, line, span) narrows the search to those (math fonts, U+FFFD).

    Most glyphs are read alone (a slot table, or a CMEX width that only one slot has). Only a CMEX
    glyph whose width several slots share is read among the glyphs around it (the math axis), and
    CMEX delimiters whose side the width does not tell are balanced across the page (pymupdf may
    put a display's big bracket in a block of its own).
    """
    if spans is None:
        spans = [(b, li, si) for b, block in enumerate(blocks) for li, line in enumerate(block["lines"])
                 for si in range(len(line["spans"]))]
    todo: list[tuple[int, int, int, int, Glyph]] = []  # (block, line, span, char, glyph) to read again
    for b, li, si in spans:
        span, text = blocks[b]["lines"][li]["spans"][si], texts[b][li][si]
        if not span_needs_reading(span, text):
            continue
        font, size = span["font"], span["size"]
        for ci, ch in enumerate(span["chars"]):
            if _char_needs_reading(font, ch["c"], size, ch):
                todo.append((b, li, si, ci, Glyph(ch["c"], font, size, tuple(ch["origin"]), tuple(ch["bbox"]),
                                                  span["flags"])))
    if not todo:
        return []
    readings: dict[int, tuple[int, str]] = {}
    cmex = [k for k, item in enumerate(todo) if fonts.font_class(item[4].font).encoding == "OMX"]
    ambiguous: list[int] = []
    for k in cmex:
        g = todo[k][4]
        candidates = fonts.cmex_candidates(g.char, g.bbox[2] - g.bbox[0], g.size, g.font)
        if len(candidates) > 1:
            ambiguous.append(k)
        elif candidates:
            sides = {fonts.cmex_side(c) for c in candidates}
            readings[k] = (candidates[0], sides.pop() if len(sides) == 1 else "")
        else:
            readings[k] = (-1, "")
    if ambiguous:
        for k, reading in zip(ambiguous, _in_context([todo[k][4] for k in ambiguous], blocks)):
            readings[k] = reading
    _balance_sides([todo[k][4] for k in cmex], [readings[k] for k in cmex], readings, cmex)
    reasons: list[str] = []
    chars: dict[tuple[int, int, int], list[str]] = {}
    for k, (b, li, si, ci, g) in enumerate(todo):
        key = (b, li, si)
        if key not in chars:
            chars[key] = [ch["c"] for ch in blocks[b]["lines"][li]["spans"][si]["chars"]]
        chars[key][ci] = _char(g, readings.get(k), reasons)
    for (b, li, si), span_chars in chars.items():
        texts[b][li][si] = "".join(span_chars)
    return reasons


def _in_context(glyphs: list[Glyph], blocks: list[dict]) -> list[tuple[int, str]]:
    """(slot, side) of CMEX glyphs whose width several slots share, told by the glyphs near them:
    a wide accent has a letter right under it (x̂); a delimiter or an operator sits centred on the
    math axis of the glyphs beside it (``fonts.cmex_by_axis``, as ``glyph_latex`` reads displays)."""
    windows = [(g.bbox[0] - 8 * g.size, g.origin[1] - 1.5 * g.size, g.bbox[2] + 8 * g.size, g.origin[1] + 3.5 * g.size)
               for g in glyphs]

    def hit(box) -> bool:
        return any(box[0] <= w[2] and box[2] >= w[0] and box[1] <= w[3] and box[3] >= w[1] for w in windows)

    near: list[tuple[float, float, float, float, str]] = []  # x0, x1, baseline, size, char of the glyphs around
    for block in blocks:
        if not hit(block["bbox"]):
            continue
        for line in block["lines"]:
            if not hit(line["bbox"]):
                continue
            for span in line["spans"]:
                if "CMEX" in span["font"] or not hit(span["bbox"]):
                    continue
                size = span["size"]
                near.extend((ch["bbox"][0], ch["bbox"][2], ch["origin"][1], size, ch["c"]) for ch in span["chars"]
                            if ch["c"] not in _SPACE)
    near.sort()
    starts = [item[0] for item in near]
    out = []
    for g in glyphs:  # only the glyphs within 9 em to the left or 8 em to the right can matter
        lo = bisect.bisect_left(starts, g.bbox[0] - 9 * g.size)
        hi = bisect.bisect_right(starts, g.bbox[2] + 8 * g.size)
        out.append(_read_one(g, near[lo:hi]))
    return out


def _read_one(g: Glyph, near: list[tuple[float, float, float, float, str]]) -> tuple[int, str]:
    candidates = fonts.cmex_candidates(g.char, g.bbox[2] - g.bbox[0], g.size, g.font)
    s, oy, x0, x1 = g.size, g.origin[1], g.bbox[0], g.bbox[2]
    accents = [c for c in candidates if fonts.CMEX_TABLE[c][1] == "accent"]
    if accents and any(bx0 < x1 and bx1 > x0 and -0.05 * s <= y - oy < 1.2 * s and c.isalnum()
                       and min(x1, bx1) - max(x0, bx0) > 0.5 * (bx1 - bx0) for bx0, bx1, y, _size, c in near):
        return accents[0], ""
    candidates = [c for c in candidates if c not in accents] or candidates  # no letter under it: no accent
    if len({fonts.cmex_char(c, "open") for c in candidates}) > 1:
        around = [(y, size) for bx0, bx1, y, size, _c in near
                  if oy - 0.5 * s < y < oy + 3.5 * s and abs((bx0 + bx1) / 2 - (x0 + x1) / 2) < 8 * s]
        if around:
            biggest = max(size for _y, size in around)
            axes = [y - 0.25 * size for y, size in around if size >= 0.95 * biggest]  # TeX's axis: 0.25 em up
            code = fonts.cmex_by_axis(candidates, oy, s, axes)
            candidates = [code] + [c for c in candidates if c != code]
    code = candidates[0]
    look = fonts.cmex_char(code, "open")
    sides = {fonts.cmex_side(c) for c in candidates if fonts.cmex_char(c, "open") == look}
    return code, (sides.pop() if len(sides) == 1 else "")


def _char(g: Glyph, reading: tuple[int, str] | None, reasons: list[str]) -> str:
    """The character one glyph stands for in running text."""
    encoding = fonts.font_class(g.font).encoding
    name = fonts.base_font_name(g.font)
    if encoding == "OMX":
        code, side = reading if reading else (-1, "")
        if code == -1 and g.char in _SPACE:
            return " "  # a space MuPDF put between glyphs set apart
        char = fonts.cmex_char(code, side) if code >= 0 else ""
        if char:
            return char
        width = (g.bbox[2] - g.bbox[0]) / g.size if g.size else 0.0
        reasons.append(f"a {name} glyph {width:.2f} em wide that no slot of the font has")
        return UNKNOWN
    if encoding == "OMS" and g.char == " ":
        return "←"  # _is_left_arrow
    if encoding in _MATH_ENCODINGS or encoding.startswith("OT1"):
        info = fonts.glyph_info(g.font, g.char)
        if info.kind == "negation":
            return "" if g.char == "\ufffd" else "\u0338"  # ↦'s bar: the arrow that follows draws it
        if info.char and info.char not in ("\ufffd", "\x00") and info.char.isprintable():
            return info.char
    if g.char == "\ufffd":
        reasons.append(f"a {name} glyph the PDF names with no character")
        return UNKNOWN
    return g.char


def _balance_sides(glyphs: list[Glyph], found: list[tuple[int, str]], readings: dict, keys: list[int]) -> None:
    """Delimiters whose width did not say open or close (big ( and ) are one width): in each row,
    left to right, a delimiter closes the nearest open one of its family, else opens. ``found``
    are the ``glyphs``' readings; the result goes to ``readings[keys[i]]``."""
    loose = [i for i, r in enumerate(found) if r[0] >= 0 and not r[1]
             and fonts.CMEX_TABLE.get(r[0], ("", "", ""))[1] == "delim" and fonts.cmex_side(r[0])]
    if not loose:
        return
    loose.sort(key=lambda i: (glyphs[i].origin[1], glyphs[i].bbox[0]))
    rows: list[list[int]] = []
    for i in loose:  # one row: baselines within half the glyph's size
        if rows and glyphs[i].origin[1] - glyphs[rows[-1][0]].origin[1] <= 0.5 * glyphs[i].size:
            rows[-1].append(i)
        else:
            rows.append([i])
    for row in rows:
        open_families: list[str] = []
        for i in sorted(row, key=lambda i: glyphs[i].bbox[0]):
            code = found[i][0]
            family = fonts.cmex_char(code, "open")
            if open_families and open_families[-1] == family:
                open_families.pop()
                readings[keys[i]] = (code, "close")
            else:
                open_families.append(family)
                readings[keys[i]] = (code, "open")
