"""Plain data for a paper's own notation, read from the PDF alone: each symbol, the words the paper
defines it with, and every place it is used. No pymupdf objects; JSON through ``to_json``.

A *place* in the paper is (page, paragraph, start, end): the paragraph index in
``PaperDocument.paragraphs(page, equations)`` (the text the reader shows) and character offsets in
that paragraph's text, plus an approximate box on the page for pointing at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ..model import Box


class Place(NamedTuple):
    """Where something is printed: page (1-based), paragraph index on that page, offsets in its text.
    (Named tuples, here and in ``Use``: a paper has thousands of uses.)"""

    page: int
    para: int
    start: int
    end: int
    bbox: Box | None = None  # approximate: the rows it lies on

    def to_json(self) -> dict:
        out = {"page": self.page, "paragraph": self.para, "start": self.start, "end": self.end}
        if self.bbox is not None:
            out["bbox"] = [round(v, 1) for v in self.bbox]
        return out


@dataclass(frozen=True)
class Definition:
    """The words a paper defines a symbol with: ``phrase`` ("the parameters of the policy"), the
    sentence it is taken from, where, and which pattern found it (``how``: "where-is", "denotes",
    "let-be", "apposition", "colon", "equation" …)."""

    phrase: str
    sentence: str
    place: Place
    how: str

    def to_json(self) -> dict:
        return {"phrase": self.phrase, "sentence": self.sentence, "how": self.how, **self.place.to_json()}


class Use(NamedTuple):
    """One appearance of a symbol: the sentence in running text, or a numbered equation (``equation``
    is its label as printed, "6"), with its place."""

    sentence: str
    place: Place
    equation: str | None = None

    def to_json(self) -> dict:
        return {"sentence": self.sentence, "equation": self.equation, **self.place.to_json()}


@dataclass
class PaperSymbol:
    """One symbol of the paper. Symbols differ by decoration and font: A, Ã, Â, 𝒜 and 𝐀 are five.

    ``latex`` is its LaTeX ("\\tilde{z}_t"), ``text`` how it reads in Unicode ("z̃ₜ"), ``definitions``
    every definition found in page order (more than one: ``redefined`` tells whether they disagree,
    as when a paper reuses δ for two things), ``uses`` every appearance in page order.
    """

    latex: str
    text: str
    definitions: list[Definition] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)
    redefined: bool = False

    @property
    def definition(self) -> Definition | None:
        """The first definition in the paper, or None."""
        return self.definitions[0] if self.definitions else None

    @property
    def page(self) -> int | None:
        """Where the symbol is defined, or first used."""
        if self.definitions:
            return self.definitions[0].place.page
        return self.uses[0].place.page if self.uses else None

    @property
    def pages(self) -> list[int]:
        """The pages it is used on, in order, each once."""
        return sorted({u.place.page for u in self.uses})

    @property
    def equations(self) -> list[str]:
        """Labels of the numbered equations it appears in, in order, each once."""
        seen: list[str] = []
        for use in self.uses:
            if use.equation and use.equation not in seen:
                seen.append(use.equation)
        return seen

    def to_json(self) -> dict:
        definition = self.definition
        return {
            "latex": self.latex,
            "text": self.text,
            "definition": definition.phrase if definition else None,
            "page": self.page,
            "defined_at": definition.to_json() if definition else None,
            "definitions": [d.to_json() for d in self.definitions],
            "redefined": self.redefined,
            "equations": self.equations,
            "pages": self.pages,
            "uses": [u.to_json() for u in self.uses],
        }
