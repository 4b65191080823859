"""The analysis's data: an atom per glyph or rule (span and estimated ink), a row item, a layout.

pymupdf's glyph boxes are the font's ascender/descender, not the ink, so an atom's vertical extent is
estimated from its baseline, size and class (CMEX glyphs from their TFM height and depth, accents from
the cmr10/cmmi10 TFM heights).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .. import fonts
from ..model import Glyph, Rule


AXIS = 0.25  # TeX's axis height (cmsy10 param 22) in em of the row's size

_ASCENDING = set("bdfhklt") | set("βδζθλξ∂ℓϑ") | set("ΓΔ∆ΘΛΞΠΣΥΦΨΩΩ") | set("!?/\\|∥‖∞∀∃∇#$%&@")
_DESCENDING = set("gjpqy") | set("βγζημξρςφχψϕϱ") | set(",;")
# top of the accent glyph above its baseline, in em (cmr10/cmmi10 TFM heights)
_ACCENT_HEIGHT = {r"\bar": 0.568, r"\tilde": 0.668, r"\hat": 0.694, r"\dot": 0.669, r"\ddot": 0.669,
                  r"\vec": 0.714, r"\check": 0.628, r"\breve": 0.694, r"\acute": 0.694, r"\grave": 0.694}


@dataclass(eq=False)
class Atom:
    """A glyph, a rule, or a finished structure, with its horizontal span and estimated ink."""

    x0: float
    x1: float
    top: float
    bottom: float
    y: float  # baseline
    size: float
    latex: str
    kind: str  # fonts kinds, plus "rule", "struct"
    style: str = "upright"
    role: str = ""
    letter: bool = False
    char: str = ""
    side: str = ""  # open / close for delimiters, "" when the glyph does not say
    code: int = -1  # CMEX slot
    candidates: tuple = ()  # CMEX slots it may be
    glyphs: list = field(default_factory=list)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass
class Layout:
    latex: str
    y: float  # main baseline
    size: float  # main size
    kind: str = "ord"  # class of the whole (a single atom's class)


@dataclass
class _Item:
    base: Atom | None
    subs: list[Atom] = field(default_factory=list)
    sups: list[Atom] = field(default_factory=list)
    latex: str = ""
    kind: str = "ord"
    x1: float = 0.0  # right edge of a merged word
    words: str = ""  # the text of a merged word


def _main_size(atoms: Sequence[Atom]) -> float:
    sizes = [a.size for a in atoms if a.kind not in ("rule", "op", "delim", "radical", "piece", "brace") and a.size > 0]
    if not sizes:
        sizes = [a.size for a in atoms if a.size > 0]
    return max(sizes) if sizes else 10.0


def _ink(info: fonts.SymbolInfo, y: float, s: float) -> tuple[float, float]:
    ch, kind = info.char, info.kind
    if kind in ("open", "close", "fence"):
        return y - 0.75 * s, y + 0.25 * s
    if kind in ("bin", "rel"):
        return y - 0.6 * s, y + 0.1 * s
    if kind == "accent":
        height = _ACCENT_HEIGHT.get(info.latex, 0.69)
        return y - height * s, y - (height - 0.12) * s
    if kind == "radical":  # CMSY √: height .04, depth .96
        return y - 0.04 * s, y + 0.96 * s
    if ch in (".", "·"):
        return y - (0.3 if ch == "·" else 0.1) * s, y
    top = y - 0.7 * s if (ch in _ASCENDING or ch.isupper() or ch.isdigit() or len(info.base) > 1
                          and info.base[1:2].isupper()) else y - 0.45 * s
    bottom = y + 0.2 * s if ch in _DESCENDING else y + 0.01 * s
    return top, bottom


def _atom(g: Glyph) -> Atom | None:
    cls = fonts.font_class(g.font)
    x0, _, x1, _ = g.bbox
    oy = g.origin[1]
    s = g.size
    if cls.encoding == "OMX":
        cands = fonts.cmex_candidates(g.char, x1 - x0, s, g.font)
        if not cands:
            return None
        code = cands[0]
        info = fonts.cmex_info(code)
        w, h, d = fonts.CMEX_METRICS.get(code, (0, 0.04, 1.0))
        sides = {fonts.cmex_side(c) for c in cands}
        return Atom(x0, x1, oy - h * s, oy + d * s, oy, s, info.latex, info.kind, "upright", "ex", char=g.char,
                    side=sides.pop() if len(sides) == 1 else "", code=code, candidates=tuple(cands), glyphs=[g])
    info = fonts.glyph_info(g.font, g.char)
    if info.kind == "space":
        return None
    top, bottom = _ink(info, oy, s)
    side = {"open": "open", "close": "close"}.get(info.kind, "")
    return Atom(x0, x1, top, bottom, oy, s, info.latex, info.kind, info.style, info.role, info.letter, info.char,
                side=side, glyphs=[g])


def _rule_atom(r: Rule) -> Atom | None:
    x0, y0, x1, y1 = r.bbox
    if not r.horizontal or x1 - x0 < 1.0:
        return None
    return Atom(x0, x1, y0, y1, (y0 + y1) / 2, 0.0, "", "rule")
