"""``XrefReader``: a paper's cross-references, read page by page, resolved once the last page is read.

``read_notation`` hands each page to ``add_page(number, paragraphs, equations, layout)``; the reader
keeps only small records per page — the mentions found (kind, label, offsets, a box), the targets
(captions, headings, equations: one line of text each) and the bibliography's rows — never the
paragraphs or layouts, so memory stays flat on a 1,000-page PDF. ``finish()`` resolves every mention
to its target (which may come later in the paper: the bibliography, an appendix) and returns them.

Left out on purpose: mentions inside the bibliography itself, and a caption's own "Figure 3:".
A bare "(6)" is kept only when the paper has an equation labelled 6; "[0, 1]" only when the paper's
bibliography is numbered and has those entries; "Vincent, 2011" (one name, no "et al.") and
"Dhariwal & Nichol" (no year) only when a bibliography entry matches them — unresolved, such text
is more likely not a citation at all.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from ..notation.model import Place
from .bibliography import BibliographyCollector, Citations
from .mentions import Found, enumeration, find_mentions
from .model import Mention, Target
from .targets import bookmark_sections, caption, equation_targets, one_line, paragraph_box, section_label


@dataclass(slots=True)
class _Candidate:
    found: Found
    label: str
    place: Place


class XrefReader:
    """Cross-references of one paper: ``add_page`` for every page in order, then ``finish``."""

    def __init__(self, doc) -> None:
        self._doc = doc
        self._candidates: list[_Candidate] = []
        self._targets: dict[tuple[str, str], Target] = {}
        self._sections: list[tuple[Target, bool]] = []  # (heading, after the bibliography started)
        self._bibliography = BibliographyCollector()
        self._seen_bibliography = False

    # -- reading pages --------------------------------------------------------------------------
    def add_page(self, number: int, paragraphs, equations, layout) -> None:
        """Read one page: its targets, its mentions, its bibliography rows. Nothing of the page's
        paragraphs or layout is kept."""
        for target in equation_targets(number, paragraphs, equations):
            self._targets.setdefault(("equation", target.label), target)
        bibliography = self._bibliography
        for index, para in enumerate(paragraphs):
            text = para.text
            if not text.strip():
                continue
            head = caption(text)
            label = section_label(text) if para.kind == "heading" else None
            if bibliography.active:
                if not bibliography.ends(para, label is not None, head is not None, layout):
                    bibliography.feed(number, index, para, layout)
                    continue
                bibliography.active = False
            if bibliography.starts(para):
                bibliography.active = self._seen_bibliography = True
                continue
            skip = 0
            if head is not None:
                kind, cap_label, skip = head
                self._targets.setdefault((kind, cap_label), Target(kind, cap_label, number, paragraph_box(para, layout),
                                                                   one_line(text, 300), index))
            if label is not None:
                self._sections.append((Target("section", label, number, paragraph_box(para, layout),
                                              one_line(text, 200), index), self._seen_bibliography))
            self._read_mentions(number, index, para, layout, skip)

    def _read_mentions(self, number: int, index: int, para, layout, skip: int) -> None:
        text = para.text
        found = [f for f in find_mentions(text) if f.start >= skip]
        if not found:
            return
        bare = [f for f in found if f.how == "bare"]
        listed = enumeration(text, bare) if bare else set()
        offsets = [row.offset for row in para.rows]
        x0, x1 = layout.column_box(para.column)
        for f in found:
            if f.how == "bare" and (f.start in listed or para.kind == "row"):
                continue  # a list's "(1)", a table's cell, or an equation's own label beside it
            for label, start, end in f.labels:
                self._candidates.append(_Candidate(f, label, Place(number, index, start, end,
                                                                   _box(para, offsets, start, end, x0, x1))))

    # -- resolving -------------------------------------------------------------------------------
    def finish(self) -> list[Mention]:
        """Every mention in reading order, each with its target or None (unresolved)."""
        self._add_sections()
        collector = self._bibliography
        citations = Citations(collector.entries(), collector.style)
        targets = {}
        out: list[Mention] = []
        for c in self._candidates:
            f = c.found
            target: Target | None = None
            if f.kind == "citation":
                if f.how == "number" and not self._keeps_numbers(f, citations):
                    continue
                entry = citations.resolve(f, c.label)
                if entry is None and f.how == "author-year" and (not f.year or (len(f.surnames) == 1 and not f.et_al)):
                    continue  # "Vincent, 2011" or "Smith & Jones" unresolved: likely not a citation
                if entry is not None:
                    key = id(entry)
                    target = targets.get(key) or targets.setdefault(key, entry.target())
            else:
                target = self._target(f.kind, c.label)
                if f.how == "bare" and target is None:
                    continue  # "(6)" where the paper has no equation 6: a list item, a year, a value
            out.append(Mention(f.kind, f.text, c.label, c.place, target))
        out.sort(key=lambda m: (m.place.page, m.place.para, m.place.start))
        return out

    def _target(self, kind: str, label: str) -> Target | None:
        target = self._targets.get((kind, label))
        if target is None and label[-1:].isalpha() and label[:-1]:
            target = self._targets.get((kind, label[:-1]))  # "Figure 3a" → Figure 3
        return target

    @staticmethod
    def _keeps_numbers(f: Found, citations: Citations) -> bool:
        """A "[1, 2]" is a citation when the bibliography is numbered and has every number, or when
        no bibliography was found at all (then it stays unresolved)."""
        if citations.numbered:
            return all(label in citations.by_label for label, _, _ in f.labels)
        return not citations.entries

    def _add_sections(self) -> None:
        """Headings become section targets: for a letter (an appendix) one after the bibliography's
        start is preferred ("A Method for …" on page 1 is a title, not Appendix A); the PDF's
        bookmarks fill in numbers no heading was found for."""
        for target, after in sorted(self._sections, key=lambda s: not (s[0].label.isalpha() and s[1])):
            if target.label.isalpha() and target.page == 1:
                continue
            self._targets.setdefault(("section", target.label), target)
        try:
            toc = self._doc.toc()
        except Exception:
            toc = []
        for target in bookmark_sections(toc):
            self._targets.setdefault(("section", target.label), target)


def _box(para, offsets: list[int], start: int, end: int, x0: float, x1: float):
    """The rows the span [start, end) lies on, across the paragraph's column."""
    if not para.rows:
        return None
    first = para.rows[max(0, bisect_right(offsets, start) - 1)]
    last = para.rows[max(0, bisect_right(offsets, max(start, end - 1)) - 1)]
    return (x0, first.top, x1, last.bottom)
