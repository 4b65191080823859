"""What a cross-reference can point at on a page: numbered equations, captions of figures, tables
and algorithms, and section headings — each a ``Target`` with its page, box and paragraph.

- A caption starts its paragraph: "Figure 3:", "Fig. 3.", "Table 2:", "Algorithm 1:" — or, for an
  algorithm box, "Algorithm 1 Joint training …" with no colon, when the line is short (the title
  line of an ``algorithmic`` float, cfg.pdf p.4, ppo.pdf p.5).
- A section heading is a paragraph of kind "heading" that starts with a section number, or a
  letter for an appendix ("3.1 Encoder and Decoder Stacks", "A Hyperparameters", "Appendix B …"),
  as ``paperkit.pdf.outline`` reads them; the PDF's bookmarks fill in headings the layout missed.
- An equation is a ``DetectedEquation``: its label, box, LaTeX and the paragraph of its first row.
"""

from __future__ import annotations

import re

from ..model import Box
from .model import Target

CAPTION = re.compile(
    r"^(?:(?P<fig>Figure|Fig\.|FIGURE|FIG\.)|(?P<tab>Table|TABLE|Tab\.)|(?P<alg>Algorithm|ALGORITHM))"
    r"\s*(?P<label>[A-Z]?\d{1,3}(?:\.\d{1,3})?)(?P<after>\s*[:.|]|\s+(?=\S))")
SECTION = re.compile(r"^(?:(?:Appendix|APPENDIX)\s+)?((?:\d{1,2}|[A-Z])(?:\.\d{1,2}){0,3})(?:\.|:)?\s+(\S.{0,120})$")
APPENDIX_ONLY = re.compile(r"^(?:Appendix|APPENDIX)\s+([A-Z])\s*$")
ALGORITHM_TITLE = 120  # an algorithm's title line without a colon is at most this long


def caption(text: str) -> tuple[str, str, int] | None:
    """(kind, label, end of the caption's head) when ``text`` starts a caption, else None."""
    m = CAPTION.match(text)
    if not m:
        return None
    colon = m.group("after").strip() in (":", ".", "|")
    if m.group("alg"):
        if not colon and (len(text) > ALGORITHM_TITLE or text.rstrip().endswith(".")):
            return None  # "Algorithm 1 describes …": running text, not the box's title
        kind = "algorithm"
    elif not colon:
        return None  # "Table 2 summarizes …" is a mention
    else:
        kind = "figure" if m.group("fig") else "table"
    return kind, m.group("label"), m.end("label")


def section_label(text: str) -> str | None:
    """The number of a heading ("3.1", "A", "10"), or None when it is no numbered section."""
    text = " ".join(text.split())
    m = APPENDIX_ONLY.match(text)
    if m:
        return m.group(1)
    m = SECTION.match(text)
    if not m or len(text) > 130 or text.endswith((",", ";")) or re.search(r"\d[,;]\s*\d|\.{3}", text):
        return None
    number, title = m.groups()
    if not title[:1].isupper():
        return None  # "2 then …", a row of numbers
    if number.split(".")[0].isdigit() and int(number.split(".")[0]) > 30:
        return None  # a figure's axis value ("60 TRPO"), not a section
    if re.search(r"\d", title) and len(re.findall(r"\d+(?:\.\d+)?", title)) >= 2:
        return None  # a table's row ("5 2000 2000 PPO")
    return number


def one_line(text: str, limit: int = 400) -> str:
    """``text`` on one line, cut at ``limit`` characters (an ellipsis says where). The CLI and the app
    show the paper's phrases with it too."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def paragraph_box(para, layout) -> Box | None:
    """The box of a paragraph: its column's width, from its first row's top to its last's bottom."""
    if not para.rows:
        return None
    x0, x1 = layout.column_box(para.column)
    return (x0, para.rows[0].top, x1, para.rows[-1].bottom)


def equation_targets(number: int, paragraphs, equations) -> list[Target]:
    """One target per numbered equation of the page, tied to the paragraph of its first row."""
    first = {}
    for i, para in enumerate(paragraphs):
        if para.equation is not None and id(para.equation) not in first:
            first[id(para.equation)] = i
    return [Target("equation", eq.label, number, tuple(eq.bbox), one_line(eq.latex or "", 300), first.get(id(eq)))
            for eq in equations]


def bookmark_sections(toc) -> list[Target]:
    """Section targets from the PDF's bookmarks ([level, title, page], as pymupdf gives them)."""
    out = []
    for entry in toc:
        if len(entry) < 3:
            continue
        _, title, page = entry[:3]
        label = section_label(str(title))
        if label and isinstance(page, int) and page >= 1:
            out.append(Target("section", label, page, None, one_line(str(title), 200)))
    return out
