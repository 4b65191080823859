"""A paper's outline: its PDF bookmarks, or, where it has none, the headings found on its pages.

A heading is a short row set bold or larger than the body text that starts with a section number
("3", "3.1", "A.2") followed by a title, or is one of the unnumbered headings papers use
(Abstract, References, Acknowledgements, Appendix). Small capitals come out of the PDF as upper
case; such a title is given in sentence case.
"""

from __future__ import annotations

import re

from .document import PaperDocument
from .model import OutlineEntry

NUMBERED = re.compile(r"^((?:\d{1,2}|[A-Z])(?:\.\d{1,2}){0,3})\.?\s+([A-Z][^\n]{1,90})$")
UNNUMBERED = re.compile(r"^(abstract|references|bibliography|acknowledge?ments?|appendix|appendices|conclusions?)$", re.I)


def outline(doc: PaperDocument) -> list[OutlineEntry]:
    marks = doc.toc()
    if marks:
        return [OutlineEntry(level, title.strip(), page, "bookmarks") for level, title, page, *_ in marks if title.strip()]
    return heading_outline(doc)


def _sentence_case(title: str) -> str:
    return title[:1] + title[1:].lower() if title.isupper() and len(title) > 3 else title


def _emphasised(row, layout) -> bool:
    """Bold, larger than the body, or in capitals throughout (small caps read back as capitals)."""
    lettered = [l for l in row.lines if any(c.isalpha() for c in l.text)]
    if not lettered:
        return False
    letters = [c for l in lettered for c in l.text if c.isalpha()]
    return (all(l.bold for l in lettered) or max(l.size for l in row.lines) > layout.body_size + 0.8
            or (len(letters) >= 4 and all(c.isupper() for c in letters)))


def _heading_rows(layout):
    """Rows in reading order, with a heading's wrapped second line joined to its first."""
    rows = layout.rows
    i = 0
    while i < len(rows):
        row, text = rows[i], " ".join(rows[i].text.split())
        while (i + 1 < len(rows) and _emphasised(row, layout) and rows[i + 1].column == row.column
               and _emphasised(rows[i + 1], layout) and not NUMBERED.match(rows[i + 1].text)
               and 0 <= rows[i + 1].bbox[1] - row.bbox[3] < 0.6 * max(l.size for l in row.lines)
               and abs(max(l.size for l in rows[i + 1].lines) - max(l.size for l in row.lines)) < 0.5):
            i += 1
            more = " ".join(rows[i].text.split())
            if text.endswith("-"):  # "Batch-" + "Normalized" keeps its hyphen, "Net-" + "works" loses it
                text = text + more if more[:1].isupper() else text[:-1] + more
            else:
                text += " " + more
        yield row, text
        i += 1


def heading_outline(doc: PaperDocument) -> list[OutlineEntry]:
    entries: list[OutlineEntry] = []
    seen: set[str] = set()
    for number in range(1, doc.page_count + 1):
        layout = doc.layout(number)
        for row, text in _heading_rows(layout):
            if not _emphasised(row, layout) or len(text) > 100 or text.endswith((".", ",", ";")):
                continue
            match = NUMBERED.match(text)
            if match and not re.search(r"\d[,;]\s*\d|\.{3}", text):
                num, title = match.groups()
                key = num
                if num.split(".")[0].isdigit() and int(num.split(".")[0]) > 30:
                    continue  # a figure's axis value ("60 TRPO"), not a section
                level = num.count(".") + 1
                entry = OutlineEntry(level, f"{num} {_sentence_case(title.strip())}", number, "headings")
            elif UNNUMBERED.match(text):
                key = text.lower()
                entry = OutlineEntry(1, _sentence_case(text), number, "headings")
            else:
                continue
            if key in seen:
                continue
            seen.add(key)
            entries.append(entry)
    return entries
