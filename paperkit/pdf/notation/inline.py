"""Inline math in running text: runs of glyphs set as maths, found by font and geometry, their LaTeX
read through the same glyph engine as display equations (``glyph_latex.to_latex``).

Running text mixes words and maths: "where πθ is a stochastic policy". The PDF's text layer cannot
be trusted with the maths (θ comes out as "✓" and ∈ as "2" where the font's encoding is TeX's own,
z̃'s tilde is a glyph of its own, β₁ⁿ reads "βn1"), so each row is cut into *tokens* at spaces and
wide gaps, and a token is maths when it holds a glyph of a TeX math font (CMMI, CMSY, MSBM …), a
Greek letter or a mathematical symbol, or is one italic letter alone in a text font (papers set in
Word or Times italic). Tokens of digits and operators join a run between maths tokens ("x = 1" is
one run), and after a relation ("β₁ = 0.9"). Text-font punctuation at a run's end (the comma after
$x$) is left out.

Each run keeps its glyphs (for LaTeX), its box, and where it sits in the paragraph's text, found by
reading the run's characters as the text layer reads them and matching them, spaces ignored, in
the row the run lies on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .. import fonts
from ..glyph_text import _is_left_arrow, math_font_names
from ..layout import SPACING_ACCENT, combine_accents
from ..model import Box, Glyph

OPERATOR_CHARS = frozenset("=+-−±∓×·*/<>≤≥≠≈∼~≃≡∝()[]{}|‖∥,.;:!'′″^_0123456789∈∉⊂⊆∪∩→←↦⇒⇔∀∃∇∂∑∏∫√∞…⋯")
RELATIONS = frozenset("=<>≤≥≠≈∼≃≡∝∈∉⊂⊆→←↦⇒⇔:")
TRAILING_PUNCT = frozenset(",.;:!?)")  # text-font punctuation after a run
SPACE_GAP = 0.22  # em: a gap wider than this between glyphs is a word space


@dataclass
class MathRun:
    """A run of inline maths: its glyphs (spaces left out), box, and offsets in the paragraph text."""

    glyphs: list[Glyph]
    bbox: Box
    probe: str  # its characters as the text layer reads them, spaces left out
    start: int = -1
    end: int = -1
    latex: str = ""


def _is_math_char(c: str) -> bool:
    o = ord(c)
    if 0x0391 <= o <= 0x03F5 or 0x1D400 <= o <= 0x1D7FF or 0x2200 <= o <= 0x22FF or 0x2100 <= o <= 0x214F:
        return True
    return c in "∞∂∇ϵϑϕϱ"


@dataclass
class _Token:
    pieces: list  # (span, first char, end char) segments, read into glyphs only for a run
    math: bool  # holds a maths glyph
    operator: bool  # digits, brackets and operators only
    relation: bool  # holds a relation

    def glyphs(self) -> list[Glyph]:
        out = []
        for span, a, b in self.pieces:
            font, size, flags = span["font"], span["size"], span["flags"]
            for ch in span["chars"][a:b]:
                c = ch["c"]
                if c == " " and _is_left_arrow(ch, size) and fonts.font_class(font).encoding == "OMS":
                    c = "←"
                if not c.isspace() or "CMEX" in font:
                    out.append(Glyph(c, font, size, tuple(ch["origin"]), tuple(ch["bbox"]), flags))
        return out


def _italic(font: str, flags: int) -> bool:
    return bool(flags & 2) or fonts.font_class(font).style in ("italic", "bold-italic")


_WORD = re.compile(r"\S+")
_WHOLE = re.compile(r".+", re.S)
_PLAIN = re.compile(r"[\sA-Za-z’'\-,.;:!?]*")  # a text span of words and punctuation alone
_OPERATOR_ONLY = re.compile("[" + re.escape("".join(sorted(OPERATOR_CHARS))) + "]+")
_MATH_CHAR = re.compile("[\u0391-\u03f5\u2100-\u214f\u2200-\u22ff\U0001d400-\U0001d7ff∞∂∇]")
_RELATION = re.compile("[" + re.escape("".join(sorted(RELATIONS))) + "]")


@lru_cache(maxsize=1024)
def _font_kind(font: str, italic_flag: bool, cm_text: bool) -> str:
    """"math" for a TeX math font (CMMI, CMSY, CMEX, MSBM …), "cm" for CMR or CMBX in a paper set in
    Times (its maths' digits, operators and bold letters), "italic" for an italic text font, else "text"."""
    if font in math_font_names() or "CMEX" in font:
        return "math"
    cls = fonts.font_class(font)
    if not cm_text and cls.role in ("rm", "bf") and cls.encoding == "OT1":
        return "cm"
    if italic_flag or cls.style in ("italic", "bold-italic"):
        return "italic"
    return "text"


@lru_cache(maxsize=4096)
def _math_relation(font: str, word: str) -> bool:
    return any(fonts.glyph_info(font, c).char in RELATIONS for c in word)


_NAME = re.compile(r"[A-Z][A-Za-z]{0,11}")


def last_span_text(token: _Token) -> str:
    """The characters of a token's pieces, as the PDF gives them."""
    return "".join(ch["c"] for span, a, b in token.pieces for ch in span["chars"][a:b])


def _word_meets_math(before: _Token, is_math: bool, word: str, span: dict, body_size: float) -> bool:
    """A text word glued to maths ("vector" then m₀ in "vectorm₀ ← 0", or "θ" then "'s"): two tokens."""
    if before.math == is_math:
        return False
    if is_math:
        last_span, a, b = before.pieces[-1]
        c = last_span["chars"][b - 1]["c"]
        if _NAME.fullmatch(last_span_text(before)) and (word[:1] in "([" or span["size"] < 0.85 * last_span["size"]):
            return False  # a function named in the text font: "Cov[x]", "Sublayer(x)", "E_B", "BN_{γ,β}"
        return c.isalpha() and not "\u02b0" <= c <= "\u02ff" and last_span["size"] >= 0.85 * body_size  # ˆ is no letter
    return span["size"] >= 0.85 * body_size and sum(c.isalpha() for c in word) >= 2


def text_is_computer_modern(layout) -> bool:
    """Whether the page's body text is set in a TeX text font (CMR, Latin Modern): then CMR glyphs
    are words, not maths."""
    weights: dict[bool, int] = {}
    size = layout.body_size
    for row in layout.rows:
        for line in row.lines:
            if abs(line.size - size) > 0.6:
                continue
            for span, text in zip(line.spans, line.texts or ()):
                if abs(span["size"] - size) <= 0.6:
                    cm = fonts.font_class(span["font"]).encoding.startswith("OT1")
                    weights[cm] = weights.get(cm, 0) + len(text)
    return weights.get(True, 0) > weights.get(False, 0)


def _tokens(line, maths, body_size: float, cm_text: bool = True) -> list[_Token]:
    """A line's words and maths tokens: cut at spaces, joined across spans that touch (π then its
    subscript θ). Lines without maths (a font, a Greek letter or an italic letter) give none."""
    spans = line.spans
    texts = line.texts if line.texts is not None else ["".join(ch["c"] for ch in sp["chars"]) for sp in spans]
    kinds = [_font_kind(sp["font"], bool(sp["flags"] & 2), cm_text) for sp in spans]
    if all(k == "text" for k in kinds) and _MATH_CHAR.search(line.text) is None:
        return []  # a line of words alone
    if len(spans) == 1 and kinds[0] in ("math", "cm") and " " not in texts[0] and texts[0] \
            and len(texts[0]) == len(spans[0]["chars"]):
        # a pymupdf line of one maths span (most of them, in a paper set in Times): one token
        word = texts[0]
        relation = _RELATION.search(word) is not None or (kinds[0] == "math" and _math_relation(spans[0]["font"], word))
        return [_Token([(spans[0], 0, len(word))], True, False, relation)]
    math_spans = [k == "math" or k == "cm" or (_MATH_CHAR.search(t) is not None) for k, t in zip(kinds, texts)]
    if not any(math_spans) and "italic" not in kinds:
        return []
    out: list[_Token] = []
    last_end = None  # (span index, x1) of the last piece, when it touched the span's end
    for si, (span, text) in enumerate(zip(spans, texts)):
        chars = span["chars"]
        kind = kinds[si]
        if len(text) != len(chars):  # a span the glyph tables read again: its raw characters
            text = "".join(ch["c"] for ch in chars)
        if kind == "math" and " " in text and fonts.font_class(span["font"]).encoding == "OMS":
            # CMSY's ← as Quartz writes it, a space one em wide (``glyph_text._is_left_arrow``)
            text = "".join("←" if _is_left_arrow(ch, span["size"]) else ch["c"] for ch in chars)
        if " " not in text:
            words = [_WHOLE.match(text)] if text else []  # a maths span is one piece, most of the time
        else:
            words = _WORD.finditer(text)
        if not math_spans[si] and kind != "italic" and _PLAIN.fullmatch(text):
            # words only, no digits or operators: only its first and last word can touch maths, and
            # the rest is one word token between them
            found = list(words)
            if len(found) > 2:
                middle = _Token([(span, found[1].start(), found[-2].end())], False, False, False)
                words = [found[0], middle, found[-1]]
            else:
                words = found
        for m in words:
            if isinstance(m, _Token):
                out.append(m)
                last_end = None
                continue
            a, b = m.span()
            word = m.group(0)
            is_math = math_spans[si]
            if is_math and kind != "math" and kind != "cm":
                is_math = _MATH_CHAR.search(word) is not None
            operator = not is_math and _OPERATOR_ONLY.fullmatch(word) is not None
            relation = _RELATION.search(word) is not None or (kind == "math" and _math_relation(span["font"], word))
            if not is_math and kind == "italic":
                letters = sum(c.isalpha() for c in word)
                is_math = letters == 1 and len(word) <= 3
            joined = (a == 0 and last_end is not None and last_end[0] == si - 1 and out
                      and chars[0]["bbox"][0] - last_end[1] <= SPACE_GAP * max(span["size"], 1.0)
                      and not _word_meets_math(out[-1], is_math, word, span, body_size))
            if joined:
                t = out[-1]
                t.pieces.append((span, a, b))
                t.math = t.math or is_math
                t.operator = t.operator and operator
                t.relation = t.relation or relation
                if t.math:
                    t.operator = False
            else:
                out.append(_Token([(span, a, b)], is_math, operator, relation))
            last_end = (si, chars[b - 1]["bbox"][2]) if b == len(text) else None
    return out


def _read_char(g: Glyph, maths) -> str:
    """The character the text layer gives for a glyph (``glyph_text``'s reading, simplified)."""
    if g.font in maths:
        info = fonts.glyph_info(g.font, g.char)
        if info.char and info.char.isprintable() and info.char not in ("\ufffd", "\x00"):
            return info.char
    return g.char


def runs_in_line(line, body_size: float, cm_text: bool = True) -> list[MathRun]:
    """The runs of inline maths in one layout ``Line``, left to right."""
    maths = math_font_names()
    if not line.spans:
        return []
    tokens = _tokens(line, maths, body_size, cm_text)
    runs: list[list[_Token]] = []
    i, n = 0, len(tokens)
    while i < n:
        if not tokens[i].math:
            i += 1
            continue
        group = [tokens[i]]
        j = i + 1
        after_relation = tokens[i].relation
        while j < n:
            t = tokens[j]
            if t.math:
                group.append(t)
                after_relation = t.relation or after_relation
                j += 1
                continue
            if t.operator:
                # an operator token joins between maths tokens, or after a relation ("β₁ = 0.9")
                k = j
                while k < n and tokens[k].operator:
                    k += 1
                bridge = k < n and tokens[k].math
                if bridge or after_relation or tokens[j].relation:
                    group.extend(tokens[j:k])
                    after_relation = after_relation or any(x.relation for x in tokens[j:k])
                    j = k
                    continue
            break
        runs.append(group)
        i = j
    out = []
    for group in runs:
        glyphs = [g for t in group for g in t.glyphs()]
        # text-font punctuation (and a text word glued on: "θ's") at the end is the sentence's
        while glyphs and glyphs[-1].font not in maths and (glyphs[-1].char in TRAILING_PUNCT or glyphs[-1].char in "’'s"):
            if glyphs[-1].char == ")" and sum(g.char == "(" for g in glyphs) > sum(g.char == ")" for g in glyphs) - 1:
                break
            glyphs.pop()
        while glyphs and glyphs[0].font not in maths and glyphs[0].char in "(,.;:" and not _is_math_char(glyphs[0].char):
            if glyphs[0].char == "(" and sum(g.char == ")" for g in glyphs) >= sum(g.char == "(" for g in glyphs):
                break
            glyphs.pop(0)
        if not glyphs:
            continue
        box = (min(g.bbox[0] for g in glyphs), min(g.bbox[1] for g in glyphs),
               max(g.bbox[2] for g in glyphs), max(g.bbox[3] for g in glyphs))
        # a big accent (CMEX's \widehat) has no character of its own: the text reads it as the mark
        # that combines with the letter under it, which ``locate`` takes with the letter
        probe = "".join(_read_char(g, maths) for g in glyphs).replace("\ufffd", "")
        probe = combine_accents(probe) if SPACING_ACCENT.search(probe) else unicodedata.normalize("NFC", probe)
        out.append(MathRun(glyphs, box, probe))
    return out


def runs_in_row(row, body_size: float, cm_text: bool = True) -> list[MathRun]:
    """The runs of inline maths in a layout ``Row``, in the order its text reads (lines by x). A run
    cut between two pymupdf lines (β₁ᵗ: the subscript may be a line of its own) is joined again."""
    out: list[MathRun] = []
    for line in sorted(row.lines, key=lambda l: l.x0):
        found = runs_in_line(line, body_size, cm_text)
        if found and out:
            prev, first = out[-1], found[0]
            stacked = (first.bbox[0] >= prev.bbox[0] and first.bbox[0] <= prev.bbox[2]
                       and max(g.size for g in first.glyphs) < 0.9 * max(g.size for g in prev.glyphs))
            if stacked or -0.6 * body_size <= first.bbox[0] - prev.bbox[2] <= SPACE_GAP * body_size:
                glyphs = prev.glyphs + first.glyphs
                box = (min(prev.bbox[0], first.bbox[0]), min(prev.bbox[1], first.bbox[1]),
                       max(prev.bbox[2], first.bbox[2]), max(prev.bbox[3], first.bbox[3]))
                out[-1] = MathRun(glyphs, box, prev.probe + first.probe)
                found = found[1:]
        out.extend(found)
    return out


def locate(runs: list[MathRun], text: str, start: int, end: int) -> None:
    """Set each run's offsets in ``text[start:end]`` (the paragraph's text of the run's row): the
    run's characters matched in order, spaces ignored; a run not found keeps -1."""
    cursor = start
    end = min(end, len(text))
    for run in runs:
        needle = "".join(run.probe.split())
        if not needle:
            continue
        m = _pattern(needle).search(text, cursor, end)
        if m is None:  # the text layer read a glyph otherwise: anchor on the first character alone,
            at = text.find(needle[0], cursor, end)  # and never inside a word
            if at < 0 or at - cursor > 40 or (at > 0 and text[at - 1].isalpha()) or (
                    at + 1 < len(text) and text[at + 1].isalpha() and needle[0].isalpha()):
                continue
            run.start, run.end = at, at + 1
        else:
            run.start, run.end = m.start(), m.end()
        while run.end < end and unicodedata.combining(text[run.end]):
            run.end += 1  # x̂ in the text is x and a combining circumflex
        cursor = run.end


@lru_cache(maxsize=4096)
def _pattern(needle: str) -> re.Pattern:
    """The run's characters with any spaces between them (the text layer spaces maths its own way);
    a short run of letters and digits (t, x1) is not looked for inside a word ("to", "text")."""
    body = r"\s*".join(map(re.escape, needle))
    if len(needle) <= 2 and needle.isalnum():
        return re.compile(rf"(?<![^\W\d_]){body}(?![^\W\d_])")
    return re.compile(body)
