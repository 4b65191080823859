"""A glossary entry: one symbol or piece of notation, how to type it, say it, and what it means."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .paper_view import PaperView


@dataclass(frozen=True)
class Entry:
    key: str
    chars: tuple[str, ...]
    latex: tuple[str, ...]
    name: str  # Unicode's name for a one-character entry, else a descriptive name in the same style
    say: str
    aliases: tuple[str, ...]
    category: str
    meanings: tuple[str, ...]
    torch: str = ""
    example: str = ""
    source: str = "hand"  # "hand" (symbols/*.toml) or "pylatexenc" (built from its tables at load time)
    apl: str = ""  # APL entries: an APL expression, the PyTorch set-up and the expected result
    setup: str = ""
    result: str = ""

    @property
    def char(self) -> str:
        return self.chars[0] if self.chars else ""

    @property
    def title(self) -> str:
        """The name as people write it: "greek small letter alpha" → "Greek small letter alpha"."""
        return self.name[:1] + self.name[1:].lower() if self.name.isupper() else self.name


@dataclass(frozen=True)
class Clash:
    """One piece of notation that means different things in different papers of the catalog."""

    key: str
    symbol: str  # LaTeX
    papers: dict[str, str] = field(hash=False)
    note: str = ""
    entries: dict[str, str] = field(default_factory=dict, hash=False)  # paper → the glossary key its notation is
    torch: dict[str, str] = field(default_factory=dict, hash=False)  # paper → PyTorch for that paper's meaning
    example: dict[str, str] = field(default_factory=dict, hash=False)  # paper → an equation of it, LaTeX


@dataclass(frozen=True)
class Hit:
    """A ranked look-up result: the entry, a score in [0, 1], and its meaning in the paper asked about."""

    entry: Entry
    score: float
    paper_meaning: str | None = None
    matched: str = ""  # what matched: "char", "latex", "name", "alias", "meaning", "typo", "variant", "paper"
    view: "PaperView | None" = None  # the entry as the paper asked about writes and means it

    @property
    def torch(self) -> str:
        """The PyTorch to show: the paper's own where its meaning differs, else the entry's."""
        return self.view.torch if self.view is not None and self.view.specific else self.entry.torch

    @property
    def example(self) -> str:
        """The example to show, by the same rule as ``torch``."""
        return self.view.example if self.view is not None and self.view.specific else self.entry.example

    def to_json(self) -> dict:
        e = self.entry
        return {
            "char": e.char,
            "latex": e.latex[0] if e.latex else "",
            "name": e.title,
            "category": e.category,
            "meanings": list(e.meanings),
            "paper_meaning": self.paper_meaning,
            "torch": self.torch,
            "score": round(self.score, 3),
        }
