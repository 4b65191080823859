"""Cross-references read from a PDF alone: "Eq. (6)", "Table 2", "Section 3.1", "[23]",
"(Ho et al., 2020)" and the equation, caption, heading or bibliography entry each points at.

``XrefReader`` reads page by page (``paperkit.pdf.notation.read_notation`` drives it) and resolves
once the last page is read; ``model`` holds the plain results (``Mention``, ``Target``).
"""

from .model import KINDS, Mention, Target
from .reader import XrefReader

__all__ = ["KINDS", "Mention", "Target", "XrefReader"]
