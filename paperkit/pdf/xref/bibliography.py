"""The paper's bibliography: its References section split into entries, and citations resolved to them.

While the pages are read, the rows after a "References" (or "Bibliography") heading are collected
as small records — their text, place, and how far they stand in from their column's left edge —
until the section ends: at a numbered section or appendix heading, at a figure or table caption,
or, in a numbered bibliography, at a heading that is no entry. Once every page is read they are
split into entries:

- "[12] …", "[Mni+15] …" and "12. …" entries start at their label;
- author–year entries start at a row flush with the column's edge where the bibliography sets its
  entries with a hanging indent (ICLR, ICML, NeurIPS author–year styles), else at each paragraph.

Each entry has its label (number or key), first author's surname, the other surnames, its year and
its text. Citations resolve by number or key, and "(Ho et al., 2020)" by first author and year
("2020" also matches "2020a" when nothing closer does; a second author or "et al." breaks ties).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Box
from ..reflow import join_hyphenated
from .mentions import Found, name_key
from .model import Target
from .targets import one_line

AFTER = re.compile(r"^(?:appendix|appendices|supplementary(?: material)?|acknowledge?ments?)\b", re.I)  # headings that end it
HEADING = re.compile(r"^(?:\d{1,2}\.?\s+)?(?:references|bibliography|literature cited|references and notes|works cited|citations)$", re.I)
NUMBERED = re.compile(r"^\[(\d{1,3})\]\s*")
KEYED = re.compile(r"^\[([A-Z][A-Za-z]{0,5}\+?\d{2}[a-z]?)\]\s*")
DOTTED = re.compile(r"^(\d{1,3})\.\s+(?=[A-Z])")
YEAR = re.compile(r"(?<![\w:./])((?:1[89]|20)\d{2})([a-z])?(?![\w])")
AUTHOR_END = re.compile(r"(?<=[^\W\d_]{2})\.\s+|[“\"]")  # a period after a word (not an initial), or a quoted title
AUTHOR_SPLIT = re.compile(r",\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*")
PARTICLES = frozenset("van von de der den da di du le la dos del".split())


@dataclass(slots=True)
class BibRow:
    """One row of the bibliography, as small as it can be: no layout objects are kept."""

    page: int
    para: int
    first_in_para: bool
    joined: bool  # it continues the row above mid-word (a hyphen mended in the paragraph's text)
    text: str
    indent: float  # points from the column's left edge
    size: float  # the body text size of its page
    box: Box


@dataclass
class Entry:
    """One bibliography entry."""

    label: str | None  # "23", "Mni+15", or None in an author–year bibliography
    text: str
    page: int
    para: int
    bbox: Box
    surnames: list[str] = field(default_factory=list)  # as printed, first author first
    year: str | None = None  # "2020"
    suffix: str = ""  # "a" in "2021a"
    keys: list[str] = field(default_factory=list)  # the surnames reduced for matching (``name_key``)

    def __post_init__(self) -> None:
        self.keys = [name_key(s) for s in self.surnames]

    def citation_label(self) -> str:
        """"23", "Mni+15", or "Ho et al., 2020" for an author–year entry."""
        if self.label:
            return self.label
        names = self.surnames
        who = (names[0] if len(names) == 1 else f"{names[0]} & {names[1]}" if len(names) == 2
               else f"{names[0]} et al.") if names else "?"
        return f"{who}, {self.year or 'n.d.'}{self.suffix}"

    def target(self) -> Target:
        return Target("citation", self.citation_label(), self.page, self.bbox, one_line(self.text), self.para)


class BibliographyCollector:
    """Collects the References section's rows while the pages are read (``feed``), then splits
    them into entries (``entries``)."""

    def __init__(self) -> None:
        self.rows: list[BibRow] = []
        self.active = False
        self.style: str | None = None  # "number", "key", "dotted", "author": from the first row

    def starts(self, para) -> bool:
        """Whether the paragraph is the bibliography's heading ("References", "REFERENCES")."""
        return len(para.text) < 40 and HEADING.match(para.text.strip()) is not None

    def ends(self, para, is_section: bool, is_caption: bool, layout) -> bool:
        """Whether the paragraph ends the bibliography (it is then read as running text)."""
        if is_section or is_caption or (para.kind == "heading" and AFTER.match(para.text)):
            return True
        if para.kind == "heading" and self.style in ("number", "key", "dotted"):
            start = {"number": NUMBERED, "key": KEYED, "dotted": DOTTED}[self.style]
            return (not start.match(para.text) and bool(para.rows)
                    and self._indent(para.rows[0], para, layout) < 0.5 * layout.body_size)
        return False

    def feed(self, page: int, index: int, para, layout) -> None:
        """Keep the paragraph's rows: text as mended in the paragraph, indent, box."""
        x0, x1 = layout.column_box(para.column)
        text = para.text
        for k, row in enumerate(para.rows):
            end = para.rows[k + 1].offset if k + 1 < len(para.rows) else len(text)
            piece = text[row.offset:end].strip()
            if not piece:
                continue
            if self.style is None:
                self.style = ("number" if NUMBERED.match(piece) else "key" if KEYED.match(piece)
                              else "dotted" if DOTTED.match(piece) else "author")
            joined = k > 0 and not text[row.offset - 1:row.offset].isspace()
            self.rows.append(BibRow(page, index, k == 0, joined, piece, self._indent(row, para, layout), layout.body_size,
                                    (x0, row.top, x1, row.bottom)))

    @staticmethod
    def _indent(row, para, layout) -> float:
        """How far the row starts right of its column's edge, from its layout row (``SourceRow.row``)
        or, failing that, the layout row with the same text."""
        col_x0 = layout.column_box(para.column)[0]
        source = getattr(row, "row", None)
        if source is not None:
            return source.bbox[0] - col_x0
        best = None
        for candidate in layout.rows:
            if candidate.text == row.text and (best is None or abs(candidate.bbox[1] - row.top) < abs(best.bbox[1] - row.top)):
                best = candidate
        return (best.bbox[0] - col_x0) if best is not None else 0.0

    def entries(self) -> list[Entry]:
        """The bibliography split into entries, in the order printed."""
        if not self.rows:
            return []
        hanging = self.style == "author" and sum(r.indent > 0.5 * r.size for r in self.rows) >= 0.1 * len(self.rows)
        start = {"number": NUMBERED, "key": KEYED, "dotted": DOTTED}.get(self.style or "")
        groups: list[list[BibRow]] = []
        for row in self.rows:
            if start is not None:
                new = start.match(row.text) is not None
            elif hanging:
                new = row.indent < 0.5 * row.size and row.text[:1].isupper()
            else:
                new = row.first_in_para
            if new or not groups:
                groups.append([])
            groups[-1].append(row)
        return [entry for group in groups if (entry := _entry(group, start)) is not None]


def _entry(rows: list[BibRow], start: re.Pattern | None) -> Entry | None:
    text = ""
    for row in rows:
        if not text:
            text = row.text
        elif row.joined:
            text += row.text
        elif text.endswith(("-", "\u2010")) and text[-2:-1].isalpha() and row.text[:1].isalpha():
            text = join_hyphenated(text, row.text, None)
        else:
            text = f"{text} {row.text}"
    label = None
    body = text
    if start is not None:
        m = start.match(text)
        if m is None:
            return None  # rows before the first entry
        label, body = m.group(1), text[m.end():]
    first = rows[0]
    same_page = [r for r in rows if r.page == first.page]
    bbox = (first.box[0], first.box[1], first.box[2], max(r.box[3] for r in same_page))
    years = list(YEAR.finditer(body))
    year, suffix = (years[-1].group(1), years[-1].group(2) or "") if years else (None, "")
    return Entry(label, " ".join(text.split()), first.page, first.para, bbox, surnames(body), year, suffix)


def surnames(body: str) -> list[str]:
    """The authors' surnames of an entry, first author first, best effort: the names part ends at
    the first period after a word (not an initial) or a quoted title. "Last, First" lists
    ("Bengio, Yoshua and Glorot, Xavier") and "First Last" lists ("Jonathan Ho, Ajay Jain, and
    Pieter Abbeel", "M. Bellemare, Y. Naddaf") are told apart by the first name's word count."""
    end = AUTHOR_END.search(body)
    head = body[: end.start()] if end else body[:200]
    pieces = [p.strip() for p in AUTHOR_SPLIT.split(head) if p and p.strip()]
    pieces = [p for p in pieces if p.lower().rstrip(".") not in ("et al", "others")]
    if not pieces:
        return []
    words = [w for w in pieces[0].split() if w.lower() not in PARTICLES]
    if len(words) == 1:  # "Last, First, Last, First …"
        names = pieces[0::2]
    else:  # "First Last, First Last …"
        names = [p.split()[-1] for p in pieces if p.split()]
    names = [n.strip(" .,") for n in names]
    return [n for n in names if n[:1].isupper() and len([w for w in n.split() if w.lower() not in PARTICLES]) == 1
            and not any(c in n for c in ":;()")]


class Citations:
    """Bibliography entries indexed for resolving citations."""

    def __init__(self, entries: list[Entry], style: str | None):
        self.entries = entries
        self.style = style
        self.by_label = {}
        for e in entries:
            if e.label is not None:
                self.by_label.setdefault(e.label, e)
        self.by_first: dict[str, list[Entry]] = {}
        for e in entries:
            if e.keys:
                self.by_first.setdefault(e.keys[0], []).append(e)

    @property
    def numbered(self) -> bool:
        return self.style in ("number", "dotted")

    def resolve(self, found: Found, label: str) -> Entry | None:
        if found.how in ("number", "key"):
            return self.by_label.get(label)
        if found.how == "author-year":
            return self.author_year(found)
        return None

    def author_year(self, found: Found) -> Entry | None:
        """The entry whose first author and year match; ties broken by the year's letter, the
        second author, and how many authors the citation implies."""
        year, suffix = found.year[:4], found.year[4:]
        candidates = self.by_first.get(name_key(found.surnames[0]), [])
        if not year:  # "Dhariwal & Nichol": the one entry by those two authors, or none
            second = name_key(found.surnames[1]) if len(found.surnames) > 1 else None
            pairs = [e for e in candidates if second and e.keys[1:2] == [second]]
            return pairs[0] if len(pairs) == 1 else None
        best, best_score = None, -1
        for e in candidates:
            if e.year != year:
                continue
            score = 0
            if suffix and e.suffix == suffix:
                score += 4
            elif suffix and e.suffix:
                continue  # "2021a" is not "2021b"
            if len(found.surnames) == 2:
                score += 2 if name_key(found.surnames[1]) in e.keys[1:] else -1
                score += 1 if len(e.surnames) == 2 else 0
            elif found.et_al:
                score += 1 if len(e.surnames) >= 3 else 0
            else:
                score += 1 if len(e.surnames) == 1 else 0
            if score > best_score:
                best, best_score = e, score
        return best
