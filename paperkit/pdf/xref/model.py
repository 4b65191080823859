"""Plain data for a paper's cross-references, read from the PDF alone: each mention in the running
text ("Eq. (6)", "Table 2", "[23]", "(Ho et al., 2020)") and the target it resolves to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Box

if TYPE_CHECKING:  # notation's package imports this module: importing it here would be circular
    from ..notation.model import Place

KINDS = ("equation", "algorithm", "table", "figure", "section", "citation")


@dataclass(frozen=True)
class Target:
    """What a mention points at: an equation (its label, page and box), an algorithm, table or
    figure (its caption), a section (its heading), or a bibliography entry (its text)."""

    kind: str  # one of KINDS
    label: str  # "6", "1", "3.1", "23", "Ho et al., 2020"
    page: int
    bbox: Box | None
    text: str  # the caption, heading, equation's LaTeX or bibliography entry, one line
    para: int | None = None  # its paragraph on ``page`` (``PaperDocument.paragraphs``), when known

    def to_json(self) -> dict:
        return {"kind": self.kind, "label": self.label, "page": self.page,
                "bbox": [round(v, 1) for v in self.bbox] if self.bbox else None,
                "paragraph": self.para, "text": self.text}


@dataclass(frozen=True)
class Mention:
    """A reference in the running text, as printed, where it is, and its target (None: unresolved)."""

    kind: str  # one of KINDS
    text: str  # as printed: "Eq. (6)", "[23]", "(Ho et al., 2020)"
    label: str  # the part that names the target: "6", "23", "Ho et al., 2020"
    place: Place
    target: Target | None

    def to_json(self) -> dict:
        return {"kind": self.kind, "text": self.text, "label": self.label, **self.place.to_json(),
                "target": self.target.to_json() if self.target else None}
