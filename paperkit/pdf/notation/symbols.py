"""The symbol reader: every symbol of a paper, the words that define it, and where it is used.

Page by page (``SymbolReader.add_page``), each paragraph the reader shows is read with its inline
maths (``inline``: runs of glyphs, their LaTeX from the display engine), the runs are replaced by
placeholders, the text is cut into sentences, and each sentence is searched for definitions
(``definitions.find_definitions``). Every identifier of every run (``atoms.identifiers``) is a use;
the symbols of numbered display equations are uses too, tied to the equation's label. Only the
symbols and their definitions and uses are kept from a page, so a long PDF reads in flat memory.

``finish`` puts each symbol's definitions in reading order (the first is the one listed) and flags
a symbol the paper defines twice in different words (a reused δ).
"""

from __future__ import annotations

import re
import unicodedata

from ..model import DetectedEquation
from .atoms import head, identifiers
from .definitions import find_definitions, tokenize
from .lead_in import lead_in_phrase
from .inline import MathRun, locate, runs_in_row, text_is_computer_modern
from .overbars import Overbars
from .inline_latex import inline_latex
from .model import Definition, PaperSymbol, Place, Use

STRENGTH = {"colon": 0, "let-be": 0, "we-denote": 0, "denotes": 0, "where-is": 0, "row": 0, "denoted": 1,
            "paren": 1, "comment": 1, "equation": 1, "as": 1, "apposition": 2, "count": 3, "bare": 3}
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\ue000(\[])")
ABBREVIATIONS = re.compile(r"(?:\b(?:e\.g|i\.e|et al|cf|vs|resp|Eq|Eqs|Fig|Figs|Sec|Tab|Alg|Ref|approx|w\.r\.t|etc|No)\.)$")
MAX_SENTENCE = 400
COMMENT_LINE = re.compile(r"\s*(?:▷|▹|⊳|//)\s*(\S.{2,120})$")
EQUATION_SETS = re.compile(r"[^=]{1,80}?(?<![<>!])=(?!=)")  # "L(θ) = …": the display sets what stands before "="
NUMERIC = re.compile(r"=\s*-?\d[\d.,]*$")  # "h = 8": a symbol set to a number
COUNT = re.compile(r"=\s*(?:[2-9]|\d{2,})$")  # "h = 8 parallel attention layers": set to a count
FORMULA = re.compile(r"=|\\leftarrow|\\rightarrow|\\gets|\\approx|\\sim|\\leq|\\geq|<|>")
STOP = frozenset("the a an of for to in on at by with and or is are be as that this its their we our".split())


def symbol_text(latex: str) -> str:
    """How a symbol reads in Unicode: ``\\hat{A}_t`` → "Âₜ", ``\\overline{RMS}`` → "R̄M̄S̄", ``x_{t-1}``
    → "xₜ₋₁". Identifiers are read here directly from the render tables (a paper has hundreds, and
    the general renderer costs a millisecond each); anything else goes through ``to_unicode``."""
    fast = _identifier_text(latex)
    if fast is not None:
        return fast
    from paperkit.render import to_unicode

    return to_unicode(latex)


def _identifier_text(latex: str) -> str | None:
    from paperkit.render.tables import ACCENTS, FONTS, GREEK, SUBSCRIPT, SUPERSCRIPT

    m = IDENTIFIER.fullmatch(latex)
    if m is None:
        return None
    command, arg, letter, sub, sup, prime = m.group("command", "arg", "letter", "sub", "sup", "prime")
    if letter is not None:
        base = GREEK.get(letter[1:], None) if letter.startswith("\\") else letter
        if base is None:
            return None
    elif command in ACCENTS:
        chars = GREEK.get(arg[1:]) if arg.startswith("\\") else arg
        if chars is None:
            return None
        mark = "\u0304" if command in ("overline", "bar") else ACCENTS[command]
        base = "".join(c + mark for c in chars) if command in ("overline", "widehat", "widetilde") or len(chars) > 1 else chars + mark
    elif command in FONTS:
        table = FONTS[command]
        if not all(c in table for c in arg):
            return None
        base = "".join(table[c] for c in arg)
    elif command in ("mathrm", "text", "operatorname"):
        base = arg
    else:
        return None
    for script, table, mark in ((sub, SUBSCRIPT, "_"), (sup, SUPERSCRIPT, "^")):
        if script is None:
            continue
        script = script[1:-1] if script.startswith("{") else script
        inner = _identifier_text(script) if IDENTIFIER.fullmatch(script) and ("_" in script or "^" in script) else None
        if inner is not None:  # σ_{τ_i} → σ_τᵢ; π_{θ_old} → π_(θ_old)
            base += f"{mark}({inner})" if "_" in inner or "^" in inner else f"{mark}{inner}"
            continue
        script = re.sub(r"\\(?:mathrm|text|operatorname)\{([^{}]*)\}", r"\1", script)
        script = re.sub(r"\\([A-Za-z]+)", lambda g: GREEK.get(g.group(1), g.group(0)), script)
        if script == "'" * len(script):
            base += "′" * len(script)
        elif all(c in table for c in script):
            base += "".join(table[c] for c in script)
        elif "\\" in script:
            return None
        else:
            base += f"{mark}{script}"
    return unicodedata.normalize("NFC", base + "′" * len(prime or ""))


IDENTIFIER = re.compile(r"(?:(?P<letter>[A-Za-z]|\\[A-Za-z]+)|\\(?P<command>[a-z]+)\{(?P<arg>[A-Za-z]+|\\[A-Za-z]+)\})"
                        r"(?:_(?P<sub>\{[^{}]*(?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}[^{}]*)*\}|\\[A-Za-z]+|.))?"
                        r"(?:\^(?P<sup>\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|\\[A-Za-z]+|'+|.))?(?P<prime>'+)?")


class _LatexCache:
    """A run's LaTeX: ``inline_latex`` for a flat run, else ``to_latex`` (always, with the rules of a
    bar drawn over it: R̄M̄S̄), remembered by the run's shape (characters, fonts, sizes and relative
    positions, and its rules'): a paper writes θ, x_t or π_θ hundreds of times, and each is read once."""

    def __init__(self) -> None:
        self._known: dict[tuple, str] = {}

    def __call__(self, run: MathRun, rules=()) -> str:
        glyphs = run.glyphs
        x0, y0 = glyphs[0].origin
        key = tuple((g.char, g.font, int(g.size * 4), int((g.origin[0] - x0) * 4), int((g.origin[1] - y0) * 4))
                    for g in glyphs) + tuple((int((r.bbox[0] - x0) * 4), int((r.bbox[2] - x0) * 4)) for r in rules)
        found = self._known.get(key)
        if found is None:
            found = None if rules else inline_latex(glyphs)  # most runs are flat: read by baseline and size
            if found is None:
                from ..glyph_latex import to_latex

                try:
                    found = to_latex(glyphs, rules)
                except Exception:  # a run the display engine cannot read: its characters as they are
                    found = "".join(g.char for g in glyphs)
            self._known[key] = found
        return found


def sentence_before_display(text: str) -> str:
    """The paragraph's last sentence: the words that lead into a display after it."""
    spans = sentences(text)
    return text[spans[-1][0]:spans[-1][1]] if spans else text


def sentences(masked: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph's text (maths masked), not cut after "e.g.",
    "et al.", "Eq." and the like."""
    out, start = [], 0
    for m in SENTENCE_END.finditer(masked):
        if ABBREVIATIONS.search(masked[max(start, m.start() - 8):m.start()]):
            continue
        out.append((start, m.start()))
        start = m.end()
    if start < len(masked):
        out.append((start, len(masked)))
    return out


class SymbolReader:
    """Reads a paper's symbols page by page; ``finish`` gives the ``PaperSymbol`` list."""

    def __init__(self, doc=None) -> None:
        self._symbols: dict[str, PaperSymbol] = {}
        self._latex = _LatexCache()
        self._cm_text: bool | None = None
        self._doc = doc
        self._bars: tuple[int, object] | None = None  # (page, Overbars)
        self._comment: tuple[str, str, tuple[int, int]] | None = None  # (phrase, sentence, (page, paragraph))

    def _symbol(self, latex: str) -> PaperSymbol:
        found = self._symbols.get(latex)
        if found is None:
            found = self._symbols[latex] = PaperSymbol(latex, "")
        return found

    def add_page(self, number: int, paragraphs: list, equations: list[DetectedEquation], layout) -> None:
        body = layout.body_size
        if self._cm_text is None and layout.rows:
            self._cm_text = text_is_computer_modern(layout)  # the body font is the same on every page
        cm_text = True if self._cm_text is None else self._cm_text
        lead = None  # the sentence just before a display: the words that may define its symbol
        for pi, para in enumerate(paragraphs):
            eq = getattr(para, "equation", None)
            if eq is not None:
                if para.first_of_equation:
                    self._equation_uses(number, pi, para, eq)
                    if lead is not None and lead[0] == pi - 1:
                        self._equation_definition(number, pi, para, eq, lead[1])
                continue
            lead = (pi, sentence_before_display(para.text)) if para.kind == "text" else None
            runs: list[MathRun] = []
            for source in para.rows:
                if source.row is None:
                    continue
                found = runs_in_row(source.row, body, cm_text)
                locate(found, para.text, source.offset, source.offset + len(source.text.strip()) + 1)
                runs.extend(r for r in found if r.start >= 0)
            if runs:
                self._read_paragraph(number, pi, para, runs)
            self._note_comment(number, pi, para)

    def _equation_uses(self, page: int, pi: int, para, eq: DetectedEquation) -> None:
        if not eq.latex:
            return
        place = Place(page, pi, 0, len(para.text), eq.bbox)
        sentence = " ".join(para.text.split())[:MAX_SENTENCE]  # the display as the text layer reads it
        seen = set()
        for ident in identifiers(eq.latex):
            for latex in (ident.latex, ident.base):
                if latex not in seen:
                    seen.add(latex)
                    self._symbol(latex).uses.append(Use(sentence, place, eq.label))

    def _equation_definition(self, page: int, pi: int, para, eq: DetectedEquation, sentence: str) -> None:
        """A numbered display that sets a symbol ("L^{CPI}(θ) = …") after words that name it ("TRPO
        maximizes a “surrogate” objective"): those words define the symbol."""
        names = head(eq.latex) if eq.latex else []
        if not names or not EQUATION_SETS.match(eq.latex):
            return
        phrase = lead_in_phrase(sentence)
        if phrase is None:
            return
        place = Place(page, pi, 0, len(para.text), eq.bbox)
        for latex in names[:1]:
            symbol = self._symbol(latex)
            symbol.definitions.append(Definition(phrase, sentence[-MAX_SENTENCE:], place, "equation"))

    def _read_paragraph(self, page: int, pi: int, para, runs: list[MathRun]) -> None:
        text = para.text
        if self._comment is not None and self._comment[2] != (page, pi - 1):
            self._comment = None  # a comment names only the line right after it
        runs.sort(key=lambda r: r.start)
        kept: list[MathRun] = []
        for run in runs:  # two runs the text layer matched to one place: keep the first
            if not kept or run.start >= kept[-1].end:
                kept.append(run)
        runs = kept
        bars = self._overbars(page)
        for run in runs:
            run.latex = self._latex(run, bars.over(run) if bars is not None else ())
        heads = [head(r.latex) for r in runs]
        formulas = [bool(FORMULA.search(r.latex)) for r in runs]
        # the paragraph's text with each run replaced by a placeholder; map masked → text offsets
        parts, cursor = [], 0
        for k, run in enumerate(runs):
            parts.append(text[cursor:run.start])
            parts.append(f"\ue000{k}\ue001")
            cursor = run.end
        parts.append(text[cursor:])
        masked = "".join(parts)
        # where each printed line starts, in the masked text (a table's or an algorithm's line)
        shift, line_starts, k = 0, set(), 0
        for source in para.rows:
            while k < len(runs) and runs[k].end <= source.offset:
                shift += len(f"\ue000{k}\ue001") - (runs[k].end - runs[k].start)
                k += 1
            line_starts.add(source.offset + shift)
        unmask = re.compile("\ue000(\\d+)\ue001")

        def plain(s: str) -> str:
            return unmask.sub(lambda m: text[runs[int(m.group(1))].start:runs[int(m.group(1))].end], s)

        for si, (a, b) in enumerate(sentences(masked)):
            piece = masked[a:b]
            if "\ue000" not in piece:
                continue
            sentence = plain(piece).strip()[:MAX_SENTENCE]
            tokens = tokenize(piece)
            in_sentence = [t.run for t in tokens if t.kind == "M"]
            for k in in_sentence:
                run = runs[k]
                place = Place(page, pi, run.start, run.end, run.bbox)
                seen = set()
                for ident in identifiers(run.latex):
                    for latex in (ident.latex, ident.base):
                        if latex not in seen:
                            seen.add(latex)
                            self._symbol(latex).uses.append(Use(sentence, place))
            if not in_sentence:
                continue
            if si == 0 and self._comment is not None:
                # an algorithm's comment on a line of its own ("▷ Form the guided score …") names
                # what the next line sets
                owner = next((k for k in in_sentence if formulas[k] and heads[k]), None)
                if owner is not None:
                    run = runs[owner]
                    for latex in heads[owner][:1]:
                        self._symbol(latex).definitions.append(Definition(
                            self._comment[0], self._comment[1], Place(page, pi, run.start, run.end, run.bbox), "comment"))
                    self._comment = None
            first_in_row = si == 0 and para.kind == "row"
            starts = frozenset(x for x, t in enumerate(tokens) if t.start + a in line_starts)
            for found in find_definitions(tokens, lambda r: bool(heads[r]), first_in_row, starts,
                                          lambda r: formulas[r], lambda r: NUMERIC.search(runs[r].latex) is not None,
                                          lambda r: COUNT.search(runs[r].latex) is not None):
                phrase = " … ".join(plain(piece[tokens[x].start:tokens[y - 1].end]).strip() for x, y in found.ranges)
                phrase = re.sub(r"\s+", " ", phrase)
                if not phrase:
                    continue
                for k in found.runs:
                    run = runs[k]
                    place = Place(page, pi, run.start, run.end, run.bbox)
                    for latex in heads[k]:
                        symbol = self._symbol(latex)
                        if not any(d.phrase == phrase and d.place.page == page for d in symbol.definitions):
                            symbol.definitions.append(Definition(phrase, sentence, place, found.how))

    def _overbars(self, page: int):
        """The page's strokes that may be bars over inline maths (read once per page)."""
        if self._bars is None or self._bars[0] != page:
            drawings = self._doc.drawings(page) if self._doc is not None else []
            lines = [line for row in self._doc.layout(page).rows for line in row.lines] if drawings else []
            self._bars = (page, Overbars(drawings, lines=lines))
        return self._bars[1]

    def _note_comment(self, page: int, pi: int, para) -> None:
        """Keep "▷ Form the classifier-free guided score at log SNR λ_t" for the line after it."""
        m = COMMENT_LINE.match(para.text)
        if m and not any(c in para.text for c in "=←"):
            self._comment = (m.group(1).strip().rstrip("."), " ".join(para.text.split())[:MAX_SENTENCE], (page, pi))

    def finish(self) -> list[PaperSymbol]:
        out = []
        for symbol in self._symbols.values():
            symbol.text = symbol_text(symbol.latex)
            if symbol.definitions:
                # in reading order: a paper defines a symbol where it first introduces it (on the
                # annotated set, the first definition is right more often than the strongest shape)
                symbol.definitions = sorted(symbol.definitions, key=lambda d: (d.place.page, d.place.para, d.place.start))
                symbol.redefined = _redefined(symbol.definitions)
            out.append(symbol)
        out.sort(key=lambda s: (s.page or 0, s.latex))
        return out


def _content(phrase: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z]{3,}", phrase.lower()) if w not in STOP}


def _redefined(definitions: list[Definition]) -> bool:
    """Whether two strong definitions share no content word: the paper uses the symbol for two things."""
    strong = [d for d in definitions if STRENGTH.get(d.how, 3) <= 1]
    for i, a in enumerate(strong):
        for b in strong[i + 1:]:
            wa, wb = _content(a.phrase), _content(b.phrase)
            if wa and wb and not wa & wb:
                return True
    return False
