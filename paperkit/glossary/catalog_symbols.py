"""The symbols of the catalog's equations (``papers/*.toml``, through ``paperkit.catalog``), indexed
for the glossary: each row with its canonical LaTeX key, the key without indices or arguments, and
the bare letter under its accents (``\\bar{\\alpha}_{t-1}`` → ``\\bar{\\alpha}`` → ``\\alpha``).

Read once, on the first look-up that needs a paper's meaning or a letter's decorated forms; plain
data, no torch.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .latex_keys import latex_key, strip_scripts

ACCENTS = ("bar", "hat", "tilde", "dot", "ddot", "vec", "check", "breve", "acute", "grave", "underline", "mathring")
ACCENTED = re.compile(r"^\\(?:" + "|".join(ACCENTS) + r")\{(.*)\}$")
CALLED = re.compile(r"^(.+?)\((?:[^()]|\([^()]*\))*\)$")  # ε_θ(z_λ, c), x̄(t): the symbol before its arguments


def bare(key: str) -> str:
    """A canonical key without its arguments and indices: ``\\epsilon_{\\theta}(x_{t}, t)`` → ``\\epsilon``."""
    called = CALLED.match(key)
    return strip_scripts(called.group(1) if called else key)


def base(key: str) -> str:
    """The letter under the accents and indices: ``\\tilde{\\epsilon}_{\\theta}`` → ``\\epsilon``."""
    key = bare(key)
    for _ in range(4):
        accented = ACCENTED.match(key)
        if not accented:
            break
        key = bare(accented.group(1))
    return key


@dataclass(frozen=True)
class Row:
    """One symbol of one catalog equation, as the paper writes it and what it means there."""

    paper: str
    equation: str  # the equation's id
    latex: str
    key: str
    bare: str
    meaning: str


@functools.cache
def papers() -> dict[str, str]:
    """Catalog paper id → the name readers use ("DDIM"); empty when the catalog cannot be read."""
    try:
        from ..catalog.store import load_catalog

        return {p.id: p.short or p.id for p in load_catalog().papers}
    except Exception:  # a broken catalog leaves the glossary itself usable
        return {}


@functools.cache
def rows() -> tuple[Row, ...]:
    """Every symbol row of every catalog equation, in the catalog's order (DDPM first)."""
    from ..catalog.store import load_catalog

    out = []
    try:
        equations = load_catalog().equations
    except Exception:
        return ()
    for eq in equations:
        for sym in eq.symbols:
            key = latex_key(sym.latex)
            out.append(Row(eq.paper, eq.id, sym.latex, key, bare(key), sym.meaning))
    return tuple(out)


@functools.cache
def equation_keys(paper: str | None = None) -> tuple[tuple[str, str, str], ...]:
    """(paper, equation id, canonical key of its whole LaTeX) for the paper's equations, or all."""
    from ..catalog.store import load_catalog

    try:
        equations = load_catalog().equations
    except Exception:
        return ()
    return tuple((eq.paper, eq.id, latex_key(eq.latex)) for eq in equations if paper is None or eq.paper == paper)


@functools.cache
def _occurrence(key: str) -> re.Pattern:
    inside_accent = "".join(rf"(?<!\\{a}\{{)" for a in ACCENTS)  # α_t is not written in ᾱ_t
    return re.compile(r"(?<![A-Za-z\\])" + inside_accent + re.escape(key) + (r"(?![A-Za-z])" if key[-1:].isalpha() else ""))


def occurs(key: str, text: str) -> bool:
    """``key`` written in ``text`` as a whole symbol: ``\\alpha`` is not in ``\\alphabet`` nor in
    ``\\bar{\\alpha}``, ``x`` not in ``\\exp``."""
    return bool(key) and key in text and _occurrence(key).search(text) is not None


def equations_using(keys, paper: str | None = None) -> list[str]:
    """Ids of the equations (of ``paper``, or all) that write any of ``keys``, or list it as a symbol."""
    keys = [k for k in keys if k]
    listed = {r.equation for r in rows() if (paper is None or r.paper == paper) and (r.key in keys or r.bare in keys)}
    return [eid for p, eid, text in equation_keys(paper) if eid in listed or any(occurs(k, text) for k in keys)]
