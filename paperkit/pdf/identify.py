"""Which catalog paper is this PDF? By the arXiv id printed on page 1, then the title, then the hash."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .document import PaperDocument

ARXIV_ID = re.compile(r"arXiv:\s*(\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(v\d+)?", re.I)


@dataclass(frozen=True)
class Identified:
    paper_id: str
    by: str  # "arxiv", "title" or "hash"
    detail: str  # the id, title or hash that matched


def arxiv_id(doc: PaperDocument) -> str | None:
    """The arXiv id (with version when printed) on page 1: the side stamp or the text."""
    layout = doc.layout(1)
    for text in [*layout.sidebar, layout.text()[:4000]]:
        match = ARXIV_ID.search(text)
        if match:
            return match.group(1) + (match.group(2) or "")
    return None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[^0-9a-z]+", "", text)


def title_candidates(doc: PaperDocument) -> list[str]:
    """The metadata title and page 1's largest-type rows (joined, as titles break over lines)."""
    out = []
    title = doc.metadata.get("title")
    if title:
        out.append(title)
    layout = doc.layout(1)
    if layout.rows:
        biggest = max(max(l.size for l in row.lines) for row in layout.rows)
        top = [row.text for row in layout.rows if max(l.size for l in row.lines) >= biggest - 0.5]
        out.append(" ".join(top))
    return out


def identify(doc: PaperDocument) -> Identified | None:
    from ..catalog.store import load_catalog

    papers = load_catalog().papers
    found = arxiv_id(doc)
    if found:
        bare = re.sub(r"v\d+$", "", found)
        for paper in papers:
            if paper.arxiv and paper.arxiv == bare:
                return Identified(paper.id, "arxiv", found)
    for candidate in title_candidates(doc):
        folded = _fold(candidate)
        for paper in papers:
            mine = _fold(paper.title)
            if mine and (folded == mine or (len(mine) >= 20 and mine in folded and len(folded) < 2 * len(mine))):
                return Identified(paper.id, "title", candidate.strip())
    for paper in papers:
        if doc.sha256 in paper.pdf_sha256:
            return Identified(paper.id, "hash", doc.sha256)
    return None
