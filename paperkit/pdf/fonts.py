"""Font knowledge for the LaTeX reconstruction: (font name, char) → LaTeX token, style and math class.

pdfTeX embeds the Computer Modern and AMS math fonts as Type 1 subsets ("ABCDEF+CMMI10"). pymupdf
turns each glyph into Unicode through the glyph name, and what comes out depends on how the PDF was
made, so a character is first brought back to its slot in the font's TeX encoding:

- **Glyph names** (pdfTeX with today's AMS Type 1 fonts): CMMI/CMR/CMSY/MSBM… glyph names are in
  the Adobe glyph list and come out as the right Unicode (``ϵ``, ``−``, ``∥``, ``√``). CMEX glyph
  names (``summationdisplay``, ``parenleftBig``) are not, and come out as U+FFFD; only the
  extensible pieces (``parenlefttp``…) map to the Adobe private-use codes U+F8E6–U+F8FE. A U+FFFD
  CMEX glyph is told apart by its advance width (the /Widths entry is the TFM width), and where
  widths tie, by where its origin sits against the math axis (``cmex_candidates`` and
  ``CMEX_METRICS``).
- **Raw codes** (older or re-distilled PDFs): a glyph whose name is unknown falls back to the
  character with its code, so CMEX's display summation (code 0x58) reads 'X', text summation 'P',
  product 'Y'/'Q', integral 'Z'/'R', radicals 'p'…'s', and CMSY's ∥ (0x6B) reads 'k', √ 'p',
  ∞ '1', ∈ '2'. Any ASCII character that a font's glyph-name Unicode never produces is read as
  such a code. PDFs re-written by macOS Quartz (adam.pdf) give Apple's keyboard symbols for some low
  codes: ⇤ 3, ↵ 11, ✏ 15, ⇣ 16, ⌘ 17, ✓ 18, ◆ 19,  20, ⇠ 24, ⇡ 25 (read off that paper: ✓ is CMMI's θ,
  ↵ its α and ✏ its ϵ).

The tables ``ENCODINGS`` hold, per TeX encoding (OML, OMS, OMX, OT1, the AMS U fonts), the Unicode
pymupdf gives for each of the 128 slots in the glyph-name case; they were read off a PDF that sets
every slot of every font (cmmi10, cmr10, cmsy10, cmex10, cmbx10, cmmib10, cmbsy10, msbm10, msam10,
eusm10, eufm10, rsfs10, cmss10, cmtt10, cmti10) with pdfTeX and the TeX Live Type 1 fonts.

Styles: "italic", "upright", "bold", "bold-italic", "calligraphic", "blackboard", "fraktur", "script".
Math classes (``kind``): "ord", "bin", "rel", "open", "close", "fence" (| and ‖: opening or closing
by place), "punct", "op" (big operator), "accent", "radical", "delim" (a CMEX delimiter, side
decided by layout), "piece" (CMEX extensible piece or brace piece), "negation" (the zero-width
slash of ≠), "space" (nothing to print).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# --- the Unicode pymupdf gives for each slot, glyph-name case ("\x00": no glyph seen) ---------------

ENCODINGS: dict[str, str] = {
    "OML": (
        "\u0393\u2206\u0398\u039b\u039e\u03a0\u03a3\u03a5\u03a6\u03a8\u2126\u03b1\u03b2\u03b3\u03b4\u03f5"
        "\u03b6\u03b7\u03b8\u03b9\u03ba\u03bb\xb5\u03bd\u03be\u03c0\u03c1\u03c3\u03c4\u03c5\u03d5\u03c7"
        "\u03c8\u03c9\u03b5\u03d1\u03d6\u03f1\u03c2\u03c6\u21bc\u21bd\u21c0\u21c1\ufffd\ufffd\u25b7\u25c1"
        "0123456789.,</>\u22c6\u2202ABCDEFGHIJKLMNOPQRSTUVWXYZ\u266d\u266e\u266f\u2323\u2322"
        "\u2113abcdefghijklmnopqrstuvwxyz\u0131\u0237\u2118\u20d7\ufffd"
    ),
    "OT1": (
        "\u0393\u2206\u0398\u039b\u039e\u03a0\u03a3\u03a5\u03a6\u03a8\u2126\ufb00\ufb01\ufb02\ufb03\ufb04"
        "\u0131\u0237`\xb4\u02c7\u02d8\xaf\u02da\xb8\xdf\xe6\u0153\xf8\xc6\u0152\xd8"
        "\ufffd!\u201d#$%&\u2019()*+,-./0123456789:;\xa1=\xbf?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\u201c]\u02c6\u02d9"
        "\u2018abcdefghijklmnopqrstuvwxyz\u2013\u2014\u02dd\u02dc\xa8"
    ),
    "OT1TT": (
        "\u0393\u2206\u0398\u039b\u039e\u03a0\u03a3\u03a5\u03a6\u03a8\u2126\u2191\u2193'\xa1\xbf"
        "\u0131\u0237`\xb4\u02c7\u02d8\xaf\u02da\xb8\xdf\xe6\u0153\xf8\xc6\u0152\xd8"
        "\u2423!\"#$%&\u2019()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_"
        "\u2018abcdefghijklmnopqrstuvwxyz{|}~\xa8"
    ),
    "OMS": (
        "\u2212\xb7\xd7\u2217\xf7\u22c4\xb1\u2213\u2295\u2296\u2297\u2298\u2299\u20dd\u25e6\u2022"
        "\u224d\u2261\u2286\u2287\u2264\u2265\u2aaf\u2ab0\u223c\u2248\u2282\u2283\u226a\u226b\u227a\u227b"
        "\u2190\u2192\u2191\u2193\u2194\u2197\u2198\u2243\u21d0\u21d2\u21d1\u21d3\u21d4\u2196\u2199\u221d"
        "\u2032\u221e\u2208\u220b\u25b3\u25bd\u0338\x00\u2200\u2203\xac\u2205\u211c\u2111\u22a4\u22a5"
        "\u2135ABCDEFGHIJKLMNOPQRSTUVWXYZ\u222a\u2229\u228e\u2227\u2228"
        "\u22a2\u22a3\u230a\u230b\u2308\u2309{}\u27e8\u27e9|\u2225\u2195\u21d5\\\u2240"
        "\u221a\u2a3f\u2207\u222b\u2294\u2293\u2291\u2292\xa7\u2020\u2021\xb6\u2663\u2662\u2661\u2660"
    ),
    # CMEX: U+FFFD everywhere except the extensible pieces 48–67
    "OMX": "\ufffd" * 48 + (
        "\uf8eb\uf8f6\uf8ee\uf8f9\uf8f0\uf8fb\uf8ef\uf8fa\uf8f1\uf8fc\uf8f3\uf8fe\uf8f2\uf8fd\uf8f4\uf8e6"
        "\uf8ed\uf8f8\uf8ec\uf8f7"
    ) + "\ufffd" * 60,
    "MSAM": (
        "\u22a1\u229e\u22a0\u25a1\u25a0\ufffd\u2662\u2666\u27f3\u27f2\u21cc\u21cb\u229f\u22a9\u22aa\u22a8"
        "\u21a0\u219e\u21d4\u21d2\u21c8\u21ca\u21be\u21c2\u21bf\u21c3\u21a3\u21a2\u21c6\u21c4\u21b0\u21b1"
        "\u21dd\u21ad\u21ab\u21ac\u229c\u227f\u2273\u2a86\u22b8\u2234\u2235\u2251\u225c\u227e\u2272\u2a85"
        "\u2a95\u2a96\u22de\u22df\u227c\u2266\u2a7d\u2276\u2035\ufffd\u2253\u2252\u227d\u2267\u2a7e\u2277"
        "\u228f\u2290\u25b7\u25c1\u22b5\u22b4\u22c6\u226c\u25bc\u25b6\u25c0\ufffd\ufffd\u25b3\u25b2\u25bd"
        "\u2256\u22da\u22db\u2a8b\u2a8c\xa5\u21db\u21da\u2713\u22bb\u22bc\u2a5e\u2220\u2221\u2222\u221d"
        "\u2323\u2322\u22d0\u22d1\u22d3\u22d2\u22cf\u22ce\u22cb\u22cc\u2ac5\u2ac6\u224f\u224e\u226a\u226b"
        "\u231c\u231d\xae\u24c8\u22d4\u2214\u223d\u22cd\u231e\u231f\u2720\u2201\u22ba\u229a\u229b\u2296"
    ),
    "MSBM": (
        "\u2268\u2269\u2270\u2271\u226e\u226f\u2280\u2281\u2268\u2269\u0338\u0338\u2a87\u2a88\u0338\u0338"
        "\u22e8\u22e9\ufffd\ufffd\u0338\u0338\u2ab5\u2ab6\u2ab9\u2aba\u2a89\u2a8a\u2241\u2247\u29f8\u29f9"
        "\u228a\u228b\u0338\u0338\u2acb\u2acc\ufffd\ufffd\u228a\u228b\u2288\u2289\u2226\u2224\ufffd\ufffd"
        "\u22ac\u22ae\u22ad\u22af\u22ed\u22ec\u22ea\u22eb\u219a\u219b\u21cd\u21cf\u21ce\u21ae\u22c7\u2205"
        "\u2204ABCDEFGHIJKLMNOPQRSTUVWXYZ\ufffd\ufffd\ufffd\ufffd\x00"
        "\u2132\u2141\x00\x00\x00\x00\u2127\xf0\u2242\u2136\u05d2\u2138\u22d6\u22d7\u22c9\u22ca"
        "\ufffd\ufffd\u2216\u223c\u2248\u224a\u227f\u227e\u21b6\u21b7\U0002d7cb\u03bak\u210f\u210f\u03f6"
    ),
    # eucal/eufrak/mathrsfs: letters in their ASCII slots; other slots are rare in math
    "EUSM": "\x00" * 65 + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "\x00" * 37,
    "EUFM": "\x00" * 48 + "0123456789" + "\x00" * 7 + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "\x00" * 6
    + "abcdefghijklmnopqrstuvwxyz" + "\x00" * 5,
    "RSFS": "\x00" * 65 + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "\x00" * 37,
}
for _name, _table in ENCODINGS.items():
    assert len(_table) == 128, (_name, len(_table))

# macOS Quartz re-distilled PDFs give these for codes 17–20 (Apple's keyboard symbols)
QUARTZ_CONTROL = {"\u21e4": 3, "\u21b5": 11, "\u270f": 15, "\u21e3": 16, "\u2318": 17, "\u2713": 18, "\u25c6": 19,
                  "\uf8ff": 20, "\u21e0": 24, "\u21e1": 25}


@dataclass(frozen=True)
class FontClass:
    encoding: str  # key of ENCODINGS, or "TEXT" for a Unicode text font
    style: str  # style of its letters
    role: str  # "math" (CMMI), "rm", "bf", "boldsymbol", "sy", "bsy", "ex", "bb", "ams", "cal", "frak", "scr", "sf", "tt", "it", "text"


# (pattern on the font name without subset prefix, class); first match wins
_FONT_CLASSES: list[tuple[re.Pattern, FontClass]] = [
    (re.compile(r"(?i)^CMMIB\d"), FontClass("OML", "bold-italic", "boldsymbol")),
    (re.compile(r"(?i)^(CMMI\d|LMMathItalic|LMMI)"), FontClass("OML", "italic", "math")),
    (re.compile(r"(?i)^(CMBSY\d|LMMathSymbols\d+-Bold)"), FontClass("OMS", "bold", "bsy")),
    (re.compile(r"(?i)^(CMSY\d|LMMathSymbols|LMSY)"), FontClass("OMS", "upright", "sy")),
    (re.compile(r"(?i)^(CMEX\d|LMMathExtension|LMEX|EUEX)"), FontClass("OMX", "upright", "ex")),
    (re.compile(r"(?i)^(CMBXTI|CMBXSL)"), FontClass("OT1", "bold-italic", "bf")),
    (re.compile(r"(?i)^(CMBX\d|CMB\d|LMRoman\d+-Bold$)"), FontClass("OT1", "bold", "bf")),
    (re.compile(r"(?i)^(CMSSBX|CMSSDC)"), FontClass("OT1", "bold", "sf")),
    (re.compile(r"(?i)^CMSS"), FontClass("OT1", "upright", "sf")),
    (re.compile(r"(?i)^CMTT|^CMSLTT|^CMITT"), FontClass("OT1TT", "upright", "tt")),
    (re.compile(r"(?i)^(CMTI\d|CMU\d|CMSL\d)"), FontClass("OT1", "italic", "it")),
    (re.compile(r"(?i)^(CMR\d|LMRoman\d+-Regular$)"), FontClass("OT1", "upright", "rm")),
    (re.compile(r"(?i)^MSBM"), FontClass("MSBM", "blackboard", "bb")),
    (re.compile(r"(?i)^MSAM"), FontClass("MSAM", "upright", "ams")),
    (re.compile(r"(?i)^EUS[MB]"), FontClass("EUSM", "calligraphic", "cal")),
    (re.compile(r"(?i)^EUF[MB]"), FontClass("EUFM", "fraktur", "frak")),
    (re.compile(r"(?i)^RSFS"), FontClass("RSFS", "script", "scr")),
]


def base_font_name(name: str) -> str:
    """The font name without pdfTeX's subset prefix: "ABCDEF+CMMI10" → "CMMI10"."""
    return name.split("+", 1)[1] if "+" in name[:8] else name


def _text_style(name: str) -> str:
    low = name.lower()
    bold = any(k in low for k in ("bold", "medi", "semibold", "black", "heavy", "-bd", "demi"))
    italic = any(k in low for k in ("italic", "ital", "oblique", "-it", "slant"))
    if bold and italic:
        return "bold-italic"
    return "bold" if bold else ("italic" if italic else "upright")


@lru_cache(maxsize=512)
def font_class(name: str) -> FontClass:
    base = base_font_name(name)
    for pattern, cls in _FONT_CLASSES:
        if pattern.search(base):
            return cls
    return FontClass("TEXT", _text_style(base), "text")


def font_style(name: str) -> str:
    """The style a font sets letters in: "italic", "upright", "bold", "bold-italic", "calligraphic",
    "blackboard", "fraktur" or "script". CMSY's letters are calligraphic."""
    cls = font_class(name)
    if cls.role in ("sy",):
        return "calligraphic"
    if cls.role == "bsy":
        return "bold"
    return cls.style


def slot(encoding: str, char: str) -> int | None:
    """The slot (0–127) of ``char`` in a TeX-encoded font, whichever way pymupdf produced it."""
    table = ENCODINGS.get(encoding)
    if table is None or len(char) != 1:
        return None
    index = _index(encoding)
    if char in index:
        return index[char]
    code = ord(char)
    if code < 128:  # raw code: the glyph name was not in the glyph list
        return code
    if char in QUARTZ_CONTROL:
        return QUARTZ_CONTROL[char]
    return None


@lru_cache(maxsize=None)
def _index(encoding: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for code, ch in enumerate(ENCODINGS[encoding]):
        if ch not in ("\x00", "\ufffd") and ch not in out:
            out[ch] = code
    return out


# --- Unicode → LaTeX ----------------------------------------------------------------------------------

GREEK = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ϵ": r"\epsilon", "ε": r"\varepsilon",
    "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta", "ϑ": r"\vartheta", "ι": r"\iota", "κ": r"\kappa",
    "ϰ": r"\varkappa", "λ": r"\lambda", "μ": r"\mu", "µ": r"\mu", "ν": r"\nu", "ξ": r"\xi", "ο": "o",
    "π": r"\pi", "ϖ": r"\varpi", "ρ": r"\rho", "ϱ": r"\varrho", "σ": r"\sigma", "ς": r"\varsigma",
    "τ": r"\tau", "υ": r"\upsilon", "ϕ": r"\phi", "φ": r"\varphi", "χ": r"\chi", "ψ": r"\psi",
    "ω": r"\omega",
    "Γ": r"\Gamma", "Δ": r"\Delta", "∆": r"\Delta", "Θ": r"\Theta", "Λ": r"\Lambda", "Ξ": r"\Xi",
    "Π": r"\Pi", "Σ": r"\Sigma", "Υ": r"\Upsilon", "ϒ": r"\Upsilon", "Φ": r"\Phi", "Ψ": r"\Psi",
    "\u03a9": r"\Omega", "\u2126": r"\Omega",
}

# char → (latex, kind)
SYMBOLS: dict[str, tuple[str, str]] = {
    # binary operators
    "+": ("+", "bin"), "−": ("-", "bin"), "-": ("-", "bin"), "·": (r"\cdot", "bin"), "×": (r"\times", "bin"),
    "∗": ("*", "bin"), "*": ("*", "bin"), "÷": (r"\div", "bin"), "⋄": (r"\diamond", "bin"), "±": (r"\pm", "bin"),
    "∓": (r"\mp", "bin"), "⊕": (r"\oplus", "bin"), "⊖": (r"\ominus", "bin"), "⊗": (r"\otimes", "bin"),
    "⊘": (r"\oslash", "bin"), "⊙": (r"\odot", "bin"), "⃝": (r"\bigcirc", "bin"), "◦": (r"\circ", "bin"),
    "•": (r"\bullet", "bin"), "∪": (r"\cup", "bin"), "∩": (r"\cap", "bin"), "⊎": (r"\uplus", "bin"),
    "∧": (r"\wedge", "bin"), "∨": (r"\vee", "bin"), "⊔": (r"\sqcup", "bin"), "⊓": (r"\sqcap", "bin"),
    "≀": (r"\wr", "bin"), "⨿": (r"\amalg", "bin"), "△": (r"\bigtriangleup", "bin"),
    "▽": (r"\bigtriangledown", "bin"), "▷": (r"\triangleright", "bin"), "◁": (r"\triangleleft", "bin"),
    "⋆": (r"\star", "bin"), "†": (r"\dagger", "bin"), "‡": (r"\ddagger", "bin"), "∖": (r"\setminus", "bin"),
    "⋉": (r"\ltimes", "bin"), "⋊": (r"\rtimes", "bin"), "⊺": (r"\intercal", "bin"), "∔": (r"\dotplus", "bin"),
    "⊡": (r"\boxdot", "bin"), "⊞": (r"\boxplus", "bin"), "⊠": (r"\boxtimes", "bin"), "⊟": (r"\boxminus", "bin"),
    "⊚": (r"\circledcirc", "bin"), "⊛": (r"\circledast", "bin"), "⊻": (r"\veebar", "bin"),
    "⊼": (r"\barwedge", "bin"), "⋒": (r"\Cap", "bin"), "⋓": (r"\Cup", "bin"), "⋋": (r"\leftthreetimes", "bin"),
    "⋌": (r"\rightthreetimes", "bin"), "⋏": (r"\curlywedge", "bin"), "⋎": (r"\curlyvee", "bin"),
    # relations
    "=": ("=", "rel"), "<": ("<", "rel"), ">": (">", "rel"), ":": (":", "rel"), "≤": (r"\leq", "rel"),
    "≥": (r"\geq", "rel"), "≡": (r"\equiv", "rel"), "≍": (r"\asymp", "rel"), "⊆": (r"\subseteq", "rel"),
    "⊇": (r"\supseteq", "rel"), "⪯": (r"\preceq", "rel"), "⪰": (r"\succeq", "rel"), "∼": (r"\sim", "rel"),
    "≈": (r"\approx", "rel"), "⊂": (r"\subset", "rel"), "⊃": (r"\supset", "rel"), "≪": (r"\ll", "rel"),
    "≫": (r"\gg", "rel"), "≺": (r"\prec", "rel"), "≻": (r"\succ", "rel"), "←": (r"\leftarrow", "rel"),
    "→": (r"\rightarrow", "rel"), "↑": (r"\uparrow", "rel"), "↓": (r"\downarrow", "rel"),
    "↔": (r"\leftrightarrow", "rel"), "↗": (r"\nearrow", "rel"), "↘": (r"\searrow", "rel"),
    "≃": (r"\simeq", "rel"), "⇐": (r"\Leftarrow", "rel"), "⇒": (r"\Rightarrow", "rel"), "⇑": (r"\Uparrow", "rel"),
    "⇓": (r"\Downarrow", "rel"), "⇔": (r"\Leftrightarrow", "rel"), "↖": (r"\nwarrow", "rel"),
    "↙": (r"\swarrow", "rel"), "∝": (r"\propto", "rel"), "∈": (r"\in", "rel"), "∋": (r"\ni", "rel"),
    "⊢": (r"\vdash", "rel"), "⊣": (r"\dashv", "rel"), "⊑": (r"\sqsubseteq", "rel"), "⊒": (r"\sqsupseteq", "rel"),
    "↕": (r"\updownarrow", "rel"), "⇕": (r"\Updownarrow", "rel"), "↼": (r"\leftharpoonup", "rel"),
    "↽": (r"\leftharpoondown", "rel"), "⇀": (r"\rightharpoonup", "rel"), "⇁": (r"\rightharpoondown", "rel"),
    "⌣": (r"\smile", "rel"), "⌢": (r"\frown", "rel"), "≠": (r"\neq", "rel"), "∉": (r"\notin", "rel"),
    "↦": (r"\mapsto", "rel"), "≜": (r"\triangleq", "rel"), "≲": (r"\lesssim", "rel"), "≳": (r"\gtrsim", "rel"),
    "⩽": (r"\leqslant", "rel"), "⩾": (r"\geqslant", "rel"), "≦": (r"\leqq", "rel"), "≧": (r"\geqq", "rel"),
    "∴": (r"\therefore", "rel"), "∵": (r"\because", "rel"), "⊸": (r"\multimap", "rel"), "≑": (r"\doteqdot", "rel"),
    "≒": (r"\fallingdotseq", "rel"), "≓": (r"\risingdotseq", "rel"), "≖": (r"\eqcirc", "rel"),
    "≗": (r"\circeq", "rel"), "≏": (r"\bumpeq", "rel"), "≎": (r"\Bumpeq", "rel"), "≬": (r"\between", "rel"),
    "⊨": (r"\vDash", "rel"), "⊩": (r"\Vdash", "rel"), "⊪": (r"\Vvdash", "rel"), "⊏": (r"\sqsubset", "rel"),
    "⊐": (r"\sqsupset", "rel"), "⊴": (r"\trianglelefteq", "rel"), "⊵": (r"\trianglerighteq", "rel"),
    "⇝": (r"\rightsquigarrow", "rel"), "↠": (r"\twoheadrightarrow", "rel"), "↞": (r"\twoheadleftarrow", "rel"),
    "⇌": (r"\rightleftharpoons", "rel"), "⇋": (r"\leftrightharpoons", "rel"), "≨": (r"\lneqq", "rel"),
    "≩": (r"\gneqq", "rel"), "≰": (r"\nleq", "rel"), "≱": (r"\ngeq", "rel"), "≮": (r"\nless", "rel"),
    "≯": (r"\ngtr", "rel"), "⊀": (r"\nprec", "rel"), "⊁": (r"\nsucc", "rel"), "≁": (r"\nsim", "rel"),
    "≇": (r"\ncong", "rel"), "⊊": (r"\subsetneq", "rel"), "⊋": (r"\supsetneq", "rel"), "⊈": (r"\nsubseteq", "rel"),
    "⊉": (r"\nsupseteq", "rel"), "∦": (r"\nparallel", "rel"), "∤": (r"\nmid", "rel"), "⊬": (r"\nvdash", "rel"),
    "⊮": (r"\nVdash", "rel"), "⊭": (r"\nvDash", "rel"), "⊯": (r"\nVDash", "rel"), "↚": (r"\nleftarrow", "rel"),
    "↛": (r"\nrightarrow", "rel"), "⇍": (r"\nLeftarrow", "rel"), "⇏": (r"\nRightarrow", "rel"),
    "⇎": (r"\nLeftrightarrow", "rel"), "↮": (r"\nleftrightarrow", "rel"), "≂": (r"\eqsim", "rel"),
    "⋖": (r"\lessdot", "rel"), "⋗": (r"\gtrdot", "rel"), "∽": (r"\backsim", "rel"), "⋍": (r"\backsimeq", "rel"),
    "≊": (r"\approxeq", "rel"), "≿": (r"\succsim", "rel"), "≾": (r"\precsim", "rel"), "≼": (r"\preccurlyeq", "rel"),
    "≽": (r"\succcurlyeq", "rel"), "≶": (r"\lessgtr", "rel"), "≷": (r"\gtrless", "rel"), "⋚": (r"\lesseqgtr", "rel"),
    "⋛": (r"\gtreqless", "rel"), "⫅": (r"\subseteqq", "rel"), "⫆": (r"\supseteqq", "rel"), "⋐": (r"\Subset", "rel"),
    "⋑": (r"\Supset", "rel"), "∣": (r"\mid", "rel"), "∥": (r"\|", "fence"), "‖": (r"\|", "fence"),
    "⟶": (r"\longrightarrow", "rel"), "⟵": (r"\longleftarrow", "rel"), "↶": (r"\curvearrowleft", "rel"),
    "↷": (r"\curvearrowright", "rel"), "≺": (r"\prec", "rel"), "⇛": (r"\Rrightarrow", "rel"),
    "⇚": (r"\Lleftarrow", "rel"), "϶": (r"\backepsilon", "rel"),
    # delimiters
    "(": ("(", "open"), ")": (")", "close"), "[": ("[", "open"), "]": ("]", "close"), "{": (r"\{", "open"),
    "}": (r"\}", "close"), "⟨": (r"\langle", "open"), "⟩": (r"\rangle", "close"), "⌊": (r"\lfloor", "open"),
    "⌋": (r"\rfloor", "close"), "⌈": (r"\lceil", "open"), "⌉": (r"\rceil", "close"), "|": ("|", "fence"),
    "⌜": (r"\ulcorner", "open"), "⌝": (r"\urcorner", "close"), "⌞": (r"\llcorner", "open"),
    "⌟": (r"\lrcorner", "close"),
    # punctuation
    ",": (",", "punct"), ";": (";", "punct"), ".": (".", "ord"), "!": ("!", "ord"), "?": ("?", "ord"),
    "/": ("/", "ord"), "\\": (r"\backslash", "ord"), "'": ("'", "ord"), "′": (r"\prime", "ord"),
    "‵": (r"\backprime", "ord"), "@": ("@", "ord"), "#": (r"\#", "ord"), "$": (r"\$", "ord"),
    "%": (r"\%", "ord"), "&": (r"\&", "ord"), "_": (r"\_", "ord"), "^": (r"\hat{}", "ord"), "~": (r"\sim", "rel"),
    "“": ("``", "ord"), "”": ("''", "ord"), "‘": ("`", "ord"), "’": ("'", "ord"), "\"": ("''", "ord"),
    "–": ("--", "ord"), "—": ("---", "ord"), "¡": ("!`", "ord"), "¿": ("?`", "ord"), "£": (r"\pounds", "ord"),
    "§": (r"\S", "ord"), "¶": (r"\P", "ord"), "␣": (r"\textvisiblespace", "ord"),
    # ordinary symbols
    "∞": (r"\infty", "ord"), "∀": (r"\forall", "ord"), "∃": (r"\exists", "ord"), "∄": (r"\nexists", "ord"),
    "¬": (r"\neg", "ord"), "∅": (r"\emptyset", "ord"), "ℜ": (r"\Re", "ord"), "ℑ": (r"\Im", "ord"),
    "⊤": (r"\top", "ord"), "⊥": (r"\bot", "ord"), "ℵ": (r"\aleph", "ord"), "∇": (r"\nabla", "ord"),
    "√": (r"\surd", "radical"), "♣": (r"\clubsuit", "ord"), "♢": (r"\diamondsuit", "ord"),
    "♡": (r"\heartsuit", "ord"), "♠": (r"\spadesuit", "ord"), "♭": (r"\flat", "ord"), "♮": (r"\natural", "ord"),
    "♯": (r"\sharp", "ord"), "∂": (r"\partial", "ord"), "ℓ": (r"\ell", "ord"), "ı": (r"\imath", "ord"),
    "ȷ": (r"\jmath", "ord"), "℘": (r"\wp", "ord"), "ℏ": (r"\hbar", "ord"), "ð": (r"\eth", "ord"),
    "Ⅎ": (r"\Finv", "ord"), "⅁": (r"\Game", "ord"), "ℶ": (r"\beth", "ord"), "ℸ": (r"\daleth", "ord"),
    "ג": (r"\gimel", "ord"), "℧": (r"\mho", "ord"), "□": (r"\square", "ord"), "■": (r"\blacksquare", "ord"),
    "♦": (r"\blacklozenge", "ord"), "∠": (r"\angle", "ord"), "∡": (r"\measuredangle", "ord"),
    "∢": (r"\sphericalangle", "ord"), "✓": (r"\checkmark", "ord"), "✠": (r"\maltese", "ord"),
    "∁": (r"\complement", "ord"), "Ⓢ": (r"\circledS", "ord"), "▲": (r"\blacktriangle", "ord"),
    "▼": (r"\blacktriangledown", "ord"), "▶": (r"\blacktriangleright", "ord"),
    "◀": (r"\blacktriangleleft", "ord"), "¥": (r"\yen", "ord"), "®": (r"\circledR", "ord"),
    "∫": (r"\int", "op"), "∑": (r"\sum", "op"), "∏": (r"\prod", "op"), "∐": (r"\coprod", "op"),
    "∮": (r"\oint", "op"), "⋃": (r"\bigcup", "op"), "⋂": (r"\bigcap", "op"),
    "ß": (r"\ss", "ord"), "æ": (r"\ae", "ord"), "œ": (r"\oe", "ord"), "ø": (r"\o", "ord"), "Æ": (r"\AE", "ord"),
    "Œ": (r"\OE", "ord"), "Ø": (r"\O", "ord"), "…": (r"\ldots", "ord"), "⋯": (r"\cdots", "ord"),
    # a zero-width slash that negates the next relation (\not, ≠) and the \mapsto bar
    "\u0338": ("", "negation"),
}

ACCENTS = {
    "\u02dc": r"\tilde", "~": r"\tilde", "\u02c6": r"\hat", "^": r"\hat", "\xaf": r"\bar", "\u02c9": r"\bar",
    "\u02d9": r"\dot", "\xa8": r"\ddot", "\u02c7": r"\check", "\u02d8": r"\breve", "\xb4": r"\acute",
    "`": r"\grave", "\u02da": r"\mathring", "\u20d7": r"\vec", "\u02dd": r"\H",
}

LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}



@dataclass(frozen=True)
class SymbolInfo:
    latex: str  # LaTeX for this glyph alone, with its style wrapper (\mathbf{x}, \mathcal{N})
    style: str
    kind: str  # math class, see the module docstring
    letter: bool = False  # a Latin letter (words of upright letters become \mathrm{…})
    role: str = ""  # font role (FontClass.role)
    base: str = ""  # LaTeX without the style wrapper (x for \mathbf{x})
    char: str = ""  # the character the glyph stands for (after slot decoding)


_WRAP_LETTER = {
    "bf": r"\mathbf", "boldsymbol": r"\boldsymbol", "sy": r"\mathcal", "bsy": r"\boldsymbol", "bb": r"\mathbb",
    "cal": r"\mathcal", "frak": r"\mathfrak", "scr": r"\mathscr", "sf": r"\mathsf", "tt": r"\mathtt",
    "it": r"\mathit",
}


@lru_cache(maxsize=4096)
def glyph_info(font: str, char: str) -> SymbolInfo:
    """LaTeX token, style and math class of one glyph (not for CMEX: see ``cmex_info``)."""
    cls = font_class(font)
    if cls.encoding == "OMX":
        found = cmex_candidates(char, 0.0, 0.0)
        return cmex_info(found[0] if found else -1)
    if cls.encoding == "OMS" and char == "\ufffd":  # \mapstochar, the bar of ↦
        return SymbolInfo("", cls.style, "negation", role=cls.role, char="\u21a6")
    if cls.encoding != "TEXT":
        code = slot(cls.encoding, char)
        if code is not None:
            mapped = ENCODINGS[cls.encoding][code]
            if mapped not in ("\x00", "\ufffd"):
                char = mapped
    return _info_for_char(cls, char)


def _info_for_char(cls: FontClass, char: str) -> SymbolInfo:
    role, style = cls.role, cls.style
    if char in ACCENTS and role in ("rm", "math", "bf", "boldsymbol", "text", "sf", "it", "tt") and char not in "~^`":
        return SymbolInfo(ACCENTS[char], style, "accent", role=role, base=ACCENTS[char], char=char)
    if char in LIGATURES:  # ﬁ ﬂ… kept as one glyph by pymupdf: letters of a word
        text = LIGATURES[char]
        return SymbolInfo(text, style, "ord", letter=role in ("rm", "text") and style == "upright", role=role,
                          base=text, char=text)
    if char.isascii() and char.isalpha():
        if role == "sy":
            if char.isupper():
                return SymbolInfo(rf"\mathcal{{{char}}}", "calligraphic", "ord", role=role, base=char, char=char)
        elif role == "bsy":
            if char.isupper():
                return SymbolInfo(rf"\boldsymbol{{\mathcal{{{char}}}}}", "bold", "ord", role=role, base=char, char=char)
        wrap = _WRAP_LETTER.get(role)
        if role == "text" and style in ("bold", "bold-italic"):
            wrap = r"\mathbf" if style == "bold" else r"\boldsymbol"
        elif role == "text" and style == "italic":
            wrap = None
            style = "italic"
        latex = f"{wrap}{{{char}}}" if wrap else char
        upright_word = role in ("rm", "text") and cls.style == "upright"
        return SymbolInfo(latex, style, "ord", letter=upright_word, role=role, base=char, char=char)
    if char.isdigit() and char.isascii():
        wrap = {"bf": r"\mathbf", "boldsymbol": r"\boldsymbol", "bb": r"\mathbb"}.get(role)
        return SymbolInfo(f"{wrap}{{{char}}}" if wrap else char, style, "ord", role=role, base=char, char=char)
    if char in GREEK:
        name = GREEK[char]
        if role in ("boldsymbol", "bf", "bsy") or (role == "text" and "bold" in style):
            return SymbolInfo(rf"\boldsymbol{{{name}}}", style, "ord", role=role, base=name, char=char)
        return SymbolInfo(name, style, "ord", role=role, base=name, char=char)
    if char == "∅" and role == "bb":
        return SymbolInfo(r"\varnothing", "upright", "ord", role=role, base=r"\varnothing", char=char)
    if char == "k" and role == "bb":
        return SymbolInfo(r"\Bbbk", "upright", "ord", role=role, base=r"\Bbbk", char=char)
    if char == "∼" and role == "bb":
        return SymbolInfo(r"\thicksim", "upright", "rel", role=role, base=r"\thicksim", char=char)
    if char == "≈" and role == "bb":
        return SymbolInfo(r"\thickapprox", "upright", "rel", role=role, base=r"\thickapprox", char=char)
    if char == "∖" and role == "bb":
        return SymbolInfo(r"\smallsetminus", "upright", "bin", role=role, base=r"\smallsetminus", char=char)
    if char == "∝" and role == "ams":
        return SymbolInfo(r"\varpropto", "upright", "rel", role=role, base=r"\varpropto", char=char)
    if char in SYMBOLS:
        latex, kind = SYMBOLS[char]
        if role in ("bsy", "boldsymbol") and latex and kind in ("ord", "bin", "rel"):
            return SymbolInfo(rf"\boldsymbol{{{latex}}}", "bold", kind, role=role, base=latex, char=char)
        if kind == "rel" and char == ":" and role == "math":
            kind = "punct"
        return SymbolInfo(latex, "upright" if role not in ("math",) else "italic", kind, role=role, base=latex,
                          char=char)
    if char in ACCENTS:
        return SymbolInfo(ACCENTS[char], style, "accent", role=role, base=ACCENTS[char], char=char)
    if char in ("\ufffd", "\x00") or not char.isprintable():
        return SymbolInfo("", style, "space", role=role, char=char)
    if char.isalpha():  # accented Latin letters and other scripts in text fonts
        latin = ord(char) < 0x250
        return SymbolInfo(char, style, "ord", letter=latin and role in ("rm", "text") and style == "upright",
                          role=role, base=char, char=char)
    return SymbolInfo(char, style, "ord", role=role, base=char, char=char)


# --- CMEX (OMX encoding) ------------------------------------------------------------------------------

# slot: (width, height, depth) in em, from cmex10.tfm (tftopl)
CMEX_METRICS: dict[int, tuple[float, float, float]] = {
    0: (0.458336, 0.04, 1.160013), 1: (0.458336, 0.04, 1.160013), 2: (0.416669, 0.04, 1.160013),
    3: (0.416669, 0.04, 1.160013), 4: (0.472224, 0.04, 1.160013), 5: (0.472224, 0.04, 1.160013),
    6: (0.472224, 0.04, 1.160013), 7: (0.472224, 0.04, 1.160013), 8: (0.583336, 0.04, 1.160013),
    9: (0.583336, 0.04, 1.160013), 10: (0.472224, 0.04, 1.160013), 11: (0.472224, 0.04, 1.160013),
    12: (0.333334, 0.0, 0.600006), 13: (0.555557, 0.0, 0.600006), 14: (0.577782, 0.04, 1.160013),
    15: (0.577782, 0.04, 1.160013), 16: (0.597224, 0.04, 1.760019), 17: (0.597224, 0.04, 1.760019),
    18: (0.736115, 0.04, 2.360025), 19: (0.736115, 0.04, 2.360025), 20: (0.527781, 0.04, 2.360025),
    21: (0.527781, 0.04, 2.360025), 22: (0.583336, 0.04, 2.360025), 23: (0.583336, 0.04, 2.360025),
    24: (0.583336, 0.04, 2.360025), 25: (0.583336, 0.04, 2.360025), 26: (0.750002, 0.04, 2.360025),
    27: (0.750002, 0.04, 2.360025), 28: (0.750002, 0.04, 2.360025), 29: (0.750002, 0.04, 2.360025),
    30: (1.044448, 0.04, 2.360025), 31: (1.044448, 0.04, 2.360025), 32: (0.79167, 0.04, 2.960032),
    33: (0.79167, 0.04, 2.960032), 34: (0.583336, 0.04, 2.960032), 35: (0.583336, 0.04, 2.960032),
    36: (0.638891, 0.04, 2.960032), 37: (0.638891, 0.04, 2.960032), 38: (0.638891, 0.04, 2.960032),
    39: (0.638891, 0.04, 2.960032), 40: (0.805557, 0.04, 2.960032), 41: (0.805557, 0.04, 2.960032),
    42: (0.805557, 0.04, 2.960032), 43: (0.805557, 0.04, 2.960032), 44: (1.277781, 0.04, 2.960032),
    45: (1.277781, 0.04, 2.960032), 46: (0.811114, 0.04, 1.760019), 47: (0.811114, 0.04, 1.760019),
    48: (0.875003, 0.04, 1.760019), 49: (0.875003, 0.04, 1.760019), 50: (0.666669, 0.04, 1.760019),
    51: (0.666669, 0.04, 1.760019), 52: (0.666669, 0.0, 1.800018), 53: (0.666669, 0.0, 1.800018),
    54: (0.666669, 0.0, 0.600006), 55: (0.666669, 0.0, 0.600006), 56: (0.888891, 0.0, 0.900009),
    57: (0.888891, 0.0, 0.900009), 58: (0.888891, 0.0, 0.900009), 59: (0.888891, 0.0, 0.900009),
    60: (0.888891, 0.0, 1.800018), 61: (0.888891, 0.0, 1.800018), 62: (0.888891, 0.0, 0.300003),
    63: (0.666669, 0.0, 0.600006), 64: (0.875003, 0.04, 1.760019), 65: (0.875003, 0.04, 1.760019),
    66: (0.875003, 0.0, 0.600006), 67: (0.875003, 0.0, 0.600006), 68: (0.611113, 0.04, 1.760019),
    69: (0.611113, 0.04, 1.760019), 70: (0.833336, 0.0, 1.000013), 71: (1.111114, 0.1, 1.400015),
    72: (0.472223, 0.0, 1.111122), 73: (0.555557, 0.0, 2.222246), 74: (1.111114, 0.0, 1.000013),
    75: (1.511116, 0.1, 1.400015), 76: (1.111114, 0.0, 1.000013), 77: (1.511116, 0.1, 1.400015),
    78: (1.111114, 0.0, 1.000013), 79: (1.511116, 0.1, 1.400015), 80: (1.055559, 0.0, 1.000013),
    81: (0.944448, 0.0, 1.000013), 82: (0.472223, 0.0, 1.111122), 83: (0.833336, 0.0, 1.000013),
    84: (0.833336, 0.0, 1.000013), 85: (0.833336, 0.0, 1.000013), 86: (0.833336, 0.0, 1.000013),
    87: (0.833336, 0.0, 1.000013), 88: (1.444448, 0.1, 1.400015), 89: (1.277781, 0.1, 1.400015),
    90: (0.555557, 0.0, 2.222246), 91: (1.111114, 0.1, 1.400015), 92: (1.111114, 0.1, 1.400015),
    93: (1.111114, 0.1, 1.400015), 94: (1.111114, 0.1, 1.400015), 95: (1.111114, 0.1, 1.400015),
    96: (0.944448, 0.0, 1.000013), 97: (1.277781, 0.1, 1.400015), 98: (0.555557, 0.75, 0.0),
    99: (1.000003, 0.771112, 0.0), 100: (1.444448, 0.771112, 0.0), 101: (0.555557, 0.75, 0.0),
    102: (1.000003, 0.771112, 0.0), 103: (1.444448, 0.771112, 0.0), 104: (0.472224, 0.04, 1.760019),
    105: (0.472224, 0.04, 1.760019), 106: (0.527781, 0.04, 1.760019), 107: (0.527781, 0.04, 1.760019),
    108: (0.527781, 0.04, 1.760019), 109: (0.527781, 0.04, 1.760019), 110: (0.666669, 0.04, 1.760019),
    111: (0.666669, 0.04, 1.760019), 112: (1.000003, 0.04, 1.160013), 113: (1.000003, 0.04, 1.760019),
    114: (1.000003, 0.04, 2.360025), 115: (1.000003, 0.04, 2.960032), 116: (1.055559, 0.0, 1.800018),
    117: (1.055559, 0.0, 0.600006), 118: (1.055559, 0.04, 0.560007), 119: (0.777781, 0.0, 0.600006),
    120: (0.666669, 0.0, 0.600006), 121: (0.666669, 0.0, 0.600006), 122: (0.450005, 0.12, 0.0),
    123: (0.450005, 0.12, 0.0), 124: (0.450005, 0.12, 0.0), 125: (0.450005, 0.12, 0.0),
    126: (0.777781, 0.0, 0.600006), 127: (0.777781, 0.0, 0.600006),
}

_DELIM_SEQ = ["(", ")", "[", "]", r"\lfloor", r"\rfloor", r"\lceil", r"\rceil", r"\{", r"\}", r"\langle", r"\rangle"]


def _cmex_table() -> dict[int, tuple[str, str, str]]:
    """slot → (latex, kind, side): side "open"/"close" for delimiters that say so, "" otherwise."""
    t: dict[int, tuple[str, str, str]] = {}
    sides = ["open", "close"] * 6
    for i, d in enumerate(_DELIM_SEQ):  # big (0–11)
        t[i] = (d, "delim", sides[i])
    t[12], t[13], t[14], t[15] = ("|", "delim", ""), (r"\|", "delim", ""), ("/", "delim", ""), (r"\backslash", "delim", "")
    t[16], t[17], t[18], t[19] = ("(", "delim", "open"), (")", "delim", "close"), ("(", "delim", "open"), (")", "delim", "close")
    for i, d in enumerate(_DELIM_SEQ[2:]):  # bigg [ ] ⌊ ⌋ ⌈ ⌉ { } ⟨ ⟩ (20–29)
        t[20 + i] = (d, "delim", sides[i])
    t[30], t[31] = ("/", "delim", ""), (r"\backslash", "delim", "")
    for i, d in enumerate(_DELIM_SEQ):  # Bigg (32–43)
        t[32 + i] = (d, "delim", sides[i])
    t[44], t[45], t[46], t[47] = ("/", "delim", ""), (r"\backslash", "delim", ""), ("/", "delim", ""), (r"\backslash", "delim", "")
    pieces = {48: "(", 49: ")", 50: "[", 51: "]", 52: "[", 53: "]", 54: "[", 55: "]", 56: r"\{", 57: r"\}",
              58: r"\{", 59: r"\}", 60: r"\{", 61: r"\}", 62: r"\{", 63: "|", 64: "(", 65: ")", 66: "(", 67: ")"}
    for code, d in pieces.items():
        side = "" if code in (62, 63) else ("open" if d in ("(", "[", r"\{") else "close")
        t[code] = (d, "piece", side)
    t[68], t[69] = (r"\langle", "delim", "open"), (r"\rangle", "delim", "close")
    ops = {70: r"\bigsqcup", 71: r"\bigsqcup", 72: r"\oint", 73: r"\oint", 74: r"\bigodot", 75: r"\bigodot",
           76: r"\bigoplus", 77: r"\bigoplus", 78: r"\bigotimes", 79: r"\bigotimes", 80: r"\sum", 81: r"\prod",
           82: r"\int", 83: r"\bigcup", 84: r"\bigcap", 85: r"\biguplus", 86: r"\bigwedge", 87: r"\bigvee",
           88: r"\sum", 89: r"\prod", 90: r"\int", 91: r"\bigcup", 92: r"\bigcap", 93: r"\biguplus",
           94: r"\bigwedge", 95: r"\bigvee", 96: r"\coprod", 97: r"\coprod"}
    for code, op in ops.items():
        t[code] = (op, "op", "")
    for code in (98, 99, 100):
        t[code] = (r"\widehat", "accent", "")
    for code in (101, 102, 103):
        t[code] = (r"\widetilde", "accent", "")
    for i, d in enumerate(_DELIM_SEQ[2:10]):  # Big [ ] ⌊ ⌋ ⌈ ⌉ { } (104–111)
        t[104 + i] = (d, "delim", sides[i])
    for code in (112, 113, 114, 115, 116, 117, 118):
        t[code] = (r"\sqrt", "radical", "")
    t[119] = (r"\|", "piece", "")
    t[120], t[121] = (r"\uparrow", "piece", ""), (r"\downarrow", "piece", "")
    for code in (122, 123, 124, 125):
        t[code] = ("", "brace", "")
    t[126], t[127] = (r"\Uparrow", "piece", ""), (r"\Downarrow", "piece", "")
    return t


CMEX_TABLE = _cmex_table()

# When widths tie, the slot tried first (the commoner in ML papers) for each width class.
_CMEX_PREFERENCE = [88, 89, 80, 81, 90, 82, 112, 113, 114, 115, 116, 117, 118, 13, 12, 0, 1, 16, 17, 18, 19, 32, 33,
                    2, 3, 104, 105, 20, 21, 34, 35, 8, 9, 110, 111, 26, 27, 40, 41, 10, 11, 68, 69, 28, 29, 42, 43,
                    4, 5, 6, 7, 106, 107, 108, 109, 22, 23, 24, 25, 36, 37, 38, 39, 14, 15, 46, 47, 30, 31, 44, 45,
                    100, 99, 98, 103, 102, 101, 119, 122, 123, 124, 125, 96, 97, 83, 91, 84, 92, 72, 73, 76, 77,
                    78, 79, 74, 75, 70, 71, 85, 93, 86, 94, 87, 95]


def cmex_info(code: int) -> SymbolInfo:
    """LaTeX and class of a CMEX slot (-1: unknown)."""
    if code not in CMEX_TABLE:
        return SymbolInfo("", "upright", "space", role="ex")
    latex, kind, _side = CMEX_TABLE[code]
    return SymbolInfo(latex, "upright", kind, role="ex", base=latex, char=chr(code))


def cmex_side(code: int) -> str:
    return CMEX_TABLE.get(code, ("", "", ""))[2]


# AMS's cmex7/8/9 are drawn for their size, so a glyph is wider in em than cmex10's: about as much as
# cmr7/8/9's letters are wider than cmr10's (cmr7 'a' 0.569 em against 0.5). Read off the papers: CMEX9's
# text ∑ is 1.085 em (1.0556 × 1.028), CMEX7's 1.2 em (× 1.137), CMEX7's \widehat 0.646 em (0.5556 × 1.163).
_DESIGN_WIDER = {5: (1.28, 1.42), 6: (1.17, 1.27), 7: (1.12, 1.17), 8: (1.04, 1.09), 9: (1.015, 1.04)}
_DESIGN = re.compile(r"(\d+)$")


def design_size(font: str) -> int:
    """The design size a TeX font is drawn for: "CMEX7" → 7; 10 when the name does not say."""
    match = _DESIGN.search(base_font_name(font))
    return int(match.group(1)) if match and 5 <= int(match.group(1)) <= 17 else 10


def _width_fits(code: int, em: float, design: int) -> bool:
    w = CMEX_METRICS[code][0]
    if design in _DESIGN_WIDER:
        lo, hi = _DESIGN_WIDER[design]
        return w * lo - 0.006 <= em <= w * hi + 0.006
    return abs(w - em) < 0.006


def cmex_candidates(char: str, width: float, size: float, font: str = "") -> list[int]:
    """The CMEX slots a glyph can be: its raw code, its private-use piece, or those of its width.

    ``width`` is the glyph's advance in points (bbox width), ``size`` the font size, ``font`` its name
    (a smaller design size, CMEX7, is wider in em). A raw code is taken when its width agrees (or no
    width is given): MuPDF also puts a space, of whatever width the gap has, between glyphs set
    apart, and a re-encoded subset's codes are not TeX's. Candidates of one width come in
    ``_CMEX_PREFERENCE`` order, then by slot.
    """
    return list(_cmex_candidates(char, round(width, 3), round(size, 3), design_size(font)))


@lru_cache(maxsize=1024)
def _cmex_candidates(char: str, width: float, size: float, design: int) -> tuple[int, ...]:
    """``cmex_candidates``, kept per (char, width, size, design size): a display's glyphs recur."""
    code = slot("OMX", char)
    named = char in _index("OMX")  # an extensible piece, named by its glyph: no doubt
    if code is not None and (named or width <= 0 or size <= 0 or code not in CMEX_METRICS
                             or _width_fits(code, width / size, design)):
        return (code,)
    if size <= 0 or char.isspace():
        return ()  # a space of another width: MuPDF's, between glyphs set apart
    em = width / size
    found = [c for c in CMEX_METRICS if _width_fits(c, em, design) and not 48 <= c <= 67]
    order = {c: i for i, c in enumerate(_CMEX_PREFERENCE)}
    found.sort(key=lambda c: (order.get(c, 999), abs(CMEX_METRICS[c][0] - em), c))
    preferred = [c for c in found if c in order]
    return tuple(preferred or found)


def cmex_by_axis(candidates: list[int] | tuple[int, ...], origin_y: float, size: float, axes: list[float]) -> int:
    """Of CMEX slots of one width, the one whose box sits best on the math axis: delimiters and big
    operators are centred on it, so a slot's origin lies (depth − height)/2 em above the axis.
    ``axes`` are the axis heights (y, points) of the glyphs around it; ties go to the commoner slot."""
    best, best_err = candidates[0], None
    for rank, code in enumerate(candidates):
        _w, h, d = CMEX_METRICS[code]
        expected_offset = (d - h) / 2 * size  # origin sits this far above the axis
        err = min(abs((ax - origin_y) - expected_offset) for ax in axes) + 0.03 * rank
        if best_err is None or err < best_err - 1e-9:
            best, best_err = code, err
    return best


# What a CMEX slot looks like in running text: the delimiter, operator or piece it draws.
_CMEX_CHARS = {"(": "(", ")": ")", "[": "[", "]": "]", r"\lfloor": "⌊", r"\rfloor": "⌋", r"\lceil": "⌈",
               r"\rceil": "⌉", r"\{": "{", r"\}": "}", r"\langle": "⟨", r"\rangle": "⟩", "|": "|", r"\|": "‖",
               "/": "/", r"\backslash": "\\", r"\sum": "∑", r"\prod": "∏", r"\int": "∫", r"\oint": "∮",
               r"\coprod": "∐", r"\bigcup": "⋃", r"\bigcap": "⋂", r"\bigoplus": "⨁", r"\bigotimes": "⨂",
               r"\bigodot": "⨀", r"\bigvee": "⋁", r"\bigwedge": "⋀", r"\biguplus": "⨄", r"\bigsqcup": "⨆",
               r"\sqrt": "√", r"\widehat": "\u02c6", r"\widetilde": "\u02dc", r"\uparrow": "↑",
               r"\downarrow": "↓", r"\Uparrow": "⇑", r"\Downarrow": "⇓"}
# extensible pieces, by slot: Unicode's bracket pieces (U+239B–U+23AD) and brace tips
_PIECE_CHARS = {48: "⎛", 49: "⎞", 50: "⎡", 51: "⎤", 52: "⎣", 53: "⎦", 54: "⎢", 55: "⎥", 56: "⎧", 57: "⎫",
                58: "⎩", 59: "⎭", 60: "⎨", 61: "⎬", 62: "⎪", 63: "⎪", 64: "⎝", 65: "⎠", 66: "⎜", 67: "⎟",
                116: "⎷", 117: "│", 118: "┌", 119: "‖", 122: "╰", 123: "╯", 124: "╭", 125: "╮"}


def cmex_char(code: int, side: str = "") -> str:
    """The character a CMEX slot stands for in running text ("" when unknown). ``side`` ("open" or
    "close") picks the delimiter where the glyph's width alone did not say which of a pair it is."""
    if code in _PIECE_CHARS:
        return _PIECE_CHARS[code]
    latex, kind, own = CMEX_TABLE.get(code, ("", "", ""))
    if kind == "delim" and side and side != own and own:
        latex = _OTHER_SIDE.get(latex, latex)
    return _CMEX_CHARS.get(latex, "")


_OTHER_SIDE = {a: b for a, b in zip(_DELIM_SEQ[0::2], _DELIM_SEQ[1::2])}
_OTHER_SIDE.update({b: a for a, b in zip(_DELIM_SEQ[0::2], _DELIM_SEQ[1::2])})
