"""Dataclasses for catalog entries, built from one paper's TOML file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUMBER = re.compile(r"[A-Z]?\d+(\.\d+)?[a-z]?")


@dataclass(frozen=True)
class Symbol:
    """A symbol as an equation uses it, with its meaning in that paper."""

    latex: str
    meaning: str


@dataclass(frozen=True, eq=False)
class Check:
    """How to verify an equation against its code numerically (see ``paperkit.verify``).

    ``part`` names the piece of the equation's LaTeX the code computes ("rhs", "def:NAME",
    "normal.mean", "normal.cov", "normal.sample"); ``inputs`` maps canonical symbol names to Python
    expressions that draw or derive their values, in order; ``code`` is the Python expression that
    calls the implementation.
    """

    part: str
    code: str
    inputs: dict[str, str]
    noise: str | None = None
    functions: tuple[str, ...] = ()
    latex: str | None = None
    note: str = ""
    # index notation: atoms such as A_{ik} read entries of an input matrix ({"A": "A", "a": "A"}),
    # and the result is evaluated for every value of its free indices ({"i": "M", "j": "N"}: sizes)
    indexed: dict[str, str] = field(default_factory=dict)
    indices: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Equation:
    """One equation (or algorithm line) of one paper."""

    id: str
    paper: str
    number: str
    latex: str
    meaning: str
    title: str = ""
    section: str = ""
    symbols: tuple[Symbol, ...] = ()
    code: str | None = None
    demo: str | None = None
    number_note: str = ""
    notes: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()

    @property
    def numbered(self) -> bool:
        """True when the paper prints a number for it, as in "(12)"; false for algorithm lines and prose."""
        return _NUMBER.fullmatch(self.number) is not None

    @property
    def label(self) -> str:
        """How the paper refers to it: "(12)" for numbered equations, else the number text as is."""
        return f"({self.number})" if self.numbered else self.number


@dataclass(frozen=True)
class Paper:
    """A paper's metadata and its equations, in the paper's order."""

    id: str
    title: str
    authors: tuple[str, ...]
    year: int
    arxiv: str | None
    version: str | None
    summary: str
    short: str = ""  # how readers name it: "DDPM", "Lesson 11"
    venue: str = ""
    url: str = ""
    notes: tuple[str, ...] = ()
    equations: tuple[Equation, ...] = field(default=(), repr=False)
    source: str = ""
    pdf_sha256: tuple[str, ...] = ()  # hashes of known PDF files of this paper, for identifying a copy

    @property
    def arxiv_versioned(self) -> str | None:
        """The arXiv id with the version whose numbering the catalog follows, e.g. "2006.11239v2"."""
        if not self.arxiv:
            return None
        return f"{self.arxiv}{self.version or ''}"
