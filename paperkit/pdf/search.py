"""Full-text search over a PDF's reading-order rows, case-, ligature- and line-break-insensitive."""

from __future__ import annotations

import unicodedata

from .document import PaperDocument
from .model import SearchHit


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def search(doc: PaperDocument, query: str, pages: range | None = None, limit: int = 500) -> list[SearchHit]:
    """Rows that hold ``query``; a match may run on into the next row ("diffu-" + "sion")."""
    needle = _fold(query)
    if not needle:
        return []
    hits: list[SearchHit] = []
    for number in pages or range(1, doc.page_count + 1):
        rows = [r for r in doc.layout(number).rows if r.text]
        folded = [_fold(r.text) for r in rows]
        for i, (row, text) in enumerate(zip(rows, folded)):
            joined = text
            if i + 1 < len(rows):
                nxt = folded[i + 1]
                joined = text[:-1] + nxt if text.endswith("-") else f"{text} {nxt}"
            at = joined.find(needle)
            if at != -1 and at < len(text):
                hits.append(SearchHit(number, row.text, row.bbox))
                if len(hits) >= limit:
                    return hits
    return hits
