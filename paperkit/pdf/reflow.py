"""A page's text as paragraphs, for a reader that wraps text to its own width.

The PDF breaks lines where the paper's column ends; a terminal 80 cells wide breaks them again,
leaving one-word lines. Here the rows of a page (``PageLayout.rows``, reading order, running heads
left out) are joined back into paragraphs, by the page's geometry alone:

- Rows join while they continue one paragraph: same column, same size, the usual line pitch, and
  the row above is *full* — the next row's first word would not have fitted in what is left of it
  (so a paragraph's short last line ends it, in justified and ragged text alike).
- A paragraph also ends at a first-line indent (the row starts further right than the rows around
  it), at a row that starts further left than the paragraph's lines (a new list item), at a vertical
  gap larger than the line pitch, at a column change, at a heading (bold, larger or capitals
  throughout) and around display maths.
- Narrow runs of rows (an author block, a table, a figure's labels) and centred rows (unnumbered
  displays) are kept as printed, one row each.
- A word broken at a line end is joined again ("diffu-" + "sion" → "diffusion") unless the text
  says the hyphen is real: the hyphenated form is found in the document and the joined one is not
  ("classifier-free"), or the part after the hyphen starts with a capital or a digit, or both
  parts are words of the document and the joined word is not.

Numbered equations (``DetectedEquation`` boxes) keep their rows as printed, each tied to its
equation, so the reader can mark them and open them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .layout import PageLayout, Row, running_key

SECTION = re.compile(r"^(?:\d{1,2}|[A-Z])(?:\.\d{1,2}){0,3}\.?\s+\S")  # "3.1 Title", "A Proofs"
ALGORITHM_STEP = re.compile(r"^\d{1,3}:\s")  # "2: for t = 1 … do": bold keywords, not a heading
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


@dataclass
class SourceRow:
    """A row of the PDF inside a paragraph: where its text starts in the paragraph's, and its place."""

    offset: int
    text: str
    top: float
    bottom: float
    row: Row | None = field(default=None, repr=False, compare=False)  # the layout row, for glyph work


@dataclass
class Paragraph:
    """A block of the page's text: ``kind`` "text" (a paragraph of prose, joined, to be wrapped),
    "heading", or "row" (kept as printed: a line of display maths, a table row, an author line)."""

    kind: str
    text: str
    column: int
    rows: list[SourceRow] = field(default_factory=list)
    equation: object | None = None  # the DetectedEquation this row belongs to
    first_of_equation: bool = False  # the row that carries the equation's label
    gap_before: bool = False  # a blank line before it: a new paragraph, a heading, a column, a gap

    @property
    def top(self) -> float:
        return self.rows[0].top if self.rows else 0.0


@dataclass
class Vocabulary:
    """Words of a document, lower case, for telling a line-end hyphen from a real one."""

    words: dict[str, int] = field(default_factory=dict)  # every word, and every part of a compound
    compounds: dict[str, int] = field(default_factory=dict)  # hyphenated words, "classifier-free"

    def add(self, rows: list[str]) -> None:
        """Count the words of a page's rows; a word broken at a row's end counts in neither part."""
        broken = False
        for text in rows:
            tokens = WORD.findall(text)
            if broken and tokens:
                tokens = tokens[1:]
            broken = text.endswith("-") and len(text) > 1 and text[-2].isalpha()
            if broken and tokens:
                tokens = tokens[:-1]
            for token in tokens:
                token = token.lower()
                if "-" in token:
                    self.compounds[token] = self.compounds.get(token, 0) + 1
                for word in token.split("-"):
                    self.words[word] = self.words.get(word, 0) + 1


HYPHENS = ("-", "\u2010", "\xad")  # hyphen-minus, hyphen, soft hyphen
_BROKEN_WORD = re.compile(r"([^\W\d_]+(?:-[^\W\d_]+)*)[-\u2010\xad]$")


def join_hyphenated(left: str, right: str, vocabulary: Vocabulary | None) -> str:
    """``left`` ends with a hyphen at a line's end and ``right`` starts the next line: their join,
    without the hyphen when it only broke a word ("diffu-" "sion …" → "diffusion …")."""
    head = _BROKEN_WORD.search(left, max(0, len(left) - 120))  # the paragraph so far: look at its end only
    tail = re.match(r"[^\W\d_]+(-[^\W\d_]+)?", right)
    if not head or not tail or left.endswith("\xad"):
        return (left[:-1] + right) if left.endswith("\xad") else left + right
    if tail.group(1) or keeps_hyphen(head.group(1), tail.group(0), vocabulary):  # "English-" "to-German"
        return left[:-1] + "-" + right
    return left[:-1] + right


def keeps_hyphen(before: str, after: str, vocabulary: Vocabulary | None) -> bool:
    """Whether "before-" at a line's end and "after" starting the next line are a hyphenated
    compound ("classifier-" "free") rather than one word broken in two ("diffu-" "sion")."""
    words = vocabulary.words if vocabulary else {}
    compounds = vocabulary.compounds if vocabulary else {}
    last, tail = before.split("-")[-1].lower(), after.lower()
    joined, hyphenated = words.get(last + tail, 0), compounds.get(f"{last}-{tail}", 0)
    if joined or hyphenated:  # the document spells it elsewhere: "WaveGrad", "classifier-free"
        return hyphenated > joined
    if after[:1].isupper() or "-" in before:
        return True  # "Batch-" "Normalized", "state-of-" "the-art"
        return True  # "state-of-" "the-art": a compound already
    return len(last) >= 3 and len(tail) >= 3 and bool(words.get(last)) and bool(words.get(tail))


# -- geometry of a row ----------------------------------------------------------------------------

@dataclass
class _Row:
    row: Row
    text: str
    column: int
    x0: float
    x1: float
    top: float  # of the main line, so a tall inline fraction does not look like a gap
    bottom: float
    size: float
    heading: bool
    equation: object | None = None
    first_word: float = 0.0  # width of the row's first word, points


def _main_line(row: Row):
    return max(row.lines, key=lambda l: (round(l.size, 1), len(l.text)))


def _first_word_width(row: Row, size: float) -> float:
    """The width of the row's first word in points, from its glyph boxes."""
    first = min(row.lines, key=lambda l: l.x0)
    start = end = None
    for span in first.spans:
        for ch in span["chars"]:
            if ch["c"].isspace():
                if start is not None:
                    return end - start
                continue
            if start is None:
                start = ch["bbox"][0]
            end = ch["bbox"][2]
    return (end - start) if start is not None else 0.5 * size


def _emphasised(row: Row, body_size: float) -> bool:
    """A heading's look: bold throughout, larger than the body, or capitals throughout."""
    lettered = [l for l in row.lines if any(c.isalpha() for c in l.text)]
    if not lettered:
        return False
    letters = [c for l in lettered for c in l.text if c.isalpha()]
    size = max(l.size for l in row.lines)
    bold = all(l.bold for l in lettered)
    return bold or size > body_size + 0.8 or (len(letters) >= 4 and all(c.isupper() for c in letters))


def _column_of(bbox, gutter: float | None) -> int:
    """The column an equation sits in: 0 on a one-column page or where it spans the gutter."""
    if gutter is None:
        return 0
    x0, _, x1, _ = bbox
    if x0 < gutter - 2 and x1 > gutter + 2:
        return 0
    return 1 if (x0 + x1) / 2 < gutter else 2


def _tie_equations(rows: list[_Row], equations, gutter: float | None) -> None:
    """A row belongs to an equation when it is one of the rows the equation was grown from
    (``DetectedEquation.rows``). For equations made elsewhere, without rows: when its span overlaps
    the equation's box by more than half the row's height, in the same column (on a two-column page a
    display set across both columns takes only spanning rows, and a column's display only that
    column's rows)."""
    placed = [(eq, _column_of(eq.bbox, gutter)) for eq in equations]
    members = {box: eq for eq in equations for box in getattr(eq, "rows", ())}
    for r in rows:
        if members:
            # the display's own rows; a line of prose that a tall bracket's box reaches into is not one
            r.equation = members.get(r.row.bbox)
            continue
        top, bottom = r.row.bbox[1], r.row.bbox[3]
        height = max(bottom - top, 0.1)
        best, best_overlap = None, 0.0
        for eq, column in placed:
            if gutter is not None and column != r.column:
                continue
            amount = min(bottom, eq.bbox[3]) - max(top, eq.bbox[1])
            if amount > 0.5 * height and amount > best_overlap:
                best, best_overlap = eq, amount
        r.equation = best


def _pitch(rows: list[_Row], body_size: float) -> float:
    """The usual distance from one line's top to the next's in body text."""
    steps = sorted(b.top - a.top for a, b in zip(rows, rows[1:])
                   if a.column == b.column and abs(a.size - body_size) < 0.6 and abs(b.size - body_size) < 0.6
                   and 0.8 * body_size < b.top - a.top < 2.2 * body_size)
    return steps[len(steps) // 2] if steps else 1.2 * body_size


# -- paragraphs -----------------------------------------------------------------------------------

def paragraphs(layout: PageLayout, running: frozenset[str] = frozenset(), equations=(),
               vocabulary: Vocabulary | None = None) -> list[Paragraph]:
    """The page as paragraphs, headings and rows kept as printed, in reading order."""
    rows: list[_Row] = []
    for row in layout.rows:
        text = row.text
        if not text or (row.margin and running_key(text) in running):
            continue
        main = _main_line(row)
        size = max(l.size for l in row.lines)
        x0, _, x1, _ = row.bbox
        heading = _emphasised(row, layout.body_size) and len(text) <= 160 and not ALGORITHM_STEP.match(text)
        rows.append(_Row(row, text, row.column, x0, x1, main.bbox[1], main.bbox[3], size, heading))
    _tie_equations(rows, equations, layout.gutter)
    pitch = _pitch(rows, layout.body_size)
    runs = _runs(rows, pitch)
    out: list[Paragraph] = []
    seen_equations: set[int] = set()
    previous: list[_Row] | None = None
    for run in runs:
        paras = _run_paragraphs(run, layout, vocabulary, seen_equations)
        if out and paras and previous is not None and _continues(previous, run, out[-1], paras[0], layout):
            for source in paras[0].rows:  # a paragraph that runs on from the foot of one column to the next
                out[-1].text, offset = _append(out[-1].text, source.text.strip(), vocabulary)
                out[-1].rows.append(SourceRow(offset, source.text, source.top, source.bottom, source.row))
            paras = paras[1:]
        out.extend(paras)
        previous = run
    if out:
        out[0].gap_before = False
    return out


def _continues(before: list[_Row], after: list[_Row], last: Paragraph, first: Paragraph, layout: PageLayout) -> bool:
    """Whether the paragraph ending one column goes on at the top of the next: the column's last
    line is full and ends mid-sentence, and the next column's first line is not indented."""
    end, start = before[-1], after[0]
    if last.kind != "text" or first.kind != "text" or end.column == start.column or 0 in (end.column, start.column):
        return False
    if abs(end.size - start.size) >= 0.6 or last.text.rstrip().endswith((".", "!", "?", ":")):
        return False
    size = start.size
    right = max(r.x1 for r in before)
    full = right - end.x1 <= _first_word_width(start.row, size) + 0.25 * size
    flush = start.x0 - layout.column_box(start.column)[0] < 0.6 * size
    return full and flush


def _runs(rows: list[_Row], pitch: float) -> list[list[_Row]]:
    """Rows cut where nothing can continue: a column change, a size change, a large gap, a heading
    next to body text, an equation's rows next to others."""
    runs: list[list[_Row]] = []
    for r in rows:
        if runs:
            prev = runs[-1][-1]
            display = r.equation is not None and prev.equation is not None  # a display's rows stay together
            same = (r.column == prev.column and (display or (
                abs(r.size - prev.size) < 0.6 and r.heading == prev.heading
                and (r.equation is None) == (prev.equation is None) and 0 < r.top - prev.top <= pitch + 0.45 * r.size)))
            if same:
                runs[-1].append(r)
                continue
        runs.append([r])
    return runs


def _run_paragraphs(run: list[_Row], layout: PageLayout, vocabulary, seen_equations: set[int]) -> list[Paragraph]:
    first = run[0]
    if first.equation is not None:
        out = []
        for i, r in enumerate(run):
            new = id(r.equation) not in seen_equations
            seen_equations.add(id(r.equation))
            out.append(Paragraph("row", r.text, r.column, [SourceRow(0, r.text, r.top, r.bottom, r.row)], r.equation,
                                 new, gap_before=i == 0))
        return out
    if first.heading:  # a heading wrapped over rows is one; a numbered one starts anew
        groups: list[list[_Row]] = []
        for r in run:
            if not groups or SECTION.match(r.text):
                groups.append([])
            groups[-1].append(r)
        return [_joined("heading", g, vocabulary, gap_before=True) for g in groups]
    left = min(r.x0 for r in run)
    right = max(r.x1 for r in run)
    col_x0, col_x1 = layout.column_box(first.column)
    width = max(col_x1 - col_x0, 1.0)
    size = first.size
    if len(run) > 1 and right - left < 0.6 * width:
        # a narrow run (author block, table, figure labels): rows as printed, together
        return [Paragraph("row", r.text, r.column, [SourceRow(0, r.text, r.top, r.bottom, r.row)], gap_before=i == 0)
                for i, r in enumerate(run)]
    out: list[Paragraph] = []
    current: list[_Row] = []

    def flush() -> None:
        if current:
            out.append(_joined("text", current, vocabulary, gap_before=True))
            current.clear()

    was_centred = False
    for i, r in enumerate(run):
        nxt = run[i + 1] if i + 1 < len(run) else None
        if r.x0 - left > 1.5 * size and right - r.x1 > 1.5 * size:
            # an unnumbered display, a centred line: kept as printed, lines of one display together
            flush()
            out.append(Paragraph("row", r.text, r.column, [SourceRow(0, r.text, r.top, r.bottom, r.row)],
                                 gap_before=not was_centred))
            was_centred = True
            continue
        was_centred = False
        if current:
            prev = current[-1]
            slack = right - prev.x1
            fits = slack > _first_word_width(r.row, size) + 0.25 * size
            indented = r.x0 - prev.x0 > 0.6 * size and (nxt is None or nxt.x0 < r.x0 - 0.6 * size)
            outdented = prev.x0 - r.x0 > 0.6 * size and len(current) > 1
            if fits or indented or outdented or ALGORITHM_STEP.match(r.text):
                flush()
        current.append(r)
    flush()
    for before, para in zip(out, out[1:]):  # one-line items in a row (an algorithm, a list): no blank between
        if para.kind == before.kind == "text" and len(para.rows) == len(before.rows) == 1:
            para.gap_before = False
    return out


def _append(text: str, piece: str, vocabulary) -> tuple[str, int]:
    """``piece`` (the next PDF line) joined to ``text``; returns the text and where ``piece`` starts."""
    if not text:
        return piece, 0
    if text.endswith(HYPHENS) and len(text) > 1 and text[-2].isalpha() and piece[:1].isalpha():
        joined = join_hyphenated(text, piece, vocabulary)
        return joined, len(joined) - len(piece)
    if text.endswith(("-", "–")) and text[-2:-1].isdigit() and piece[:1].isdigit():
        return text + piece, len(text)  # a range broken after its dash: "16-" "21"
    return f"{text} {piece}", len(text) + 1


def _joined(kind: str, rows: list[_Row], vocabulary, gap_before: bool) -> Paragraph:
    text = ""
    sources: list[SourceRow] = []
    for r in rows:
        text, offset = _append(text, r.text.strip(), vocabulary)
        sources.append(SourceRow(offset, r.text, r.top, r.bottom, r.row))
    return Paragraph(kind, text, rows[0].column, sources, gap_before=gap_before)


def page_text(paras: list[Paragraph]) -> str:
    """Paragraphs as plain text: one line each, a blank line where a paragraph starts."""
    out: list[str] = []
    for p in paras:
        if p.gap_before and out:
            out.append("")
        out.append(p.text)
    return "\n".join(out)
