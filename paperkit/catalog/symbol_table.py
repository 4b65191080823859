"""An equation's symbol table: which catalog row gives the meaning of which symbol derived from the
equation's LaTeX (``equation_symbols``), what is missing, and the rows the equation screen shows.

A catalog row ``{ latex, meaning }`` gives the meaning of (covers) one symbol derived by
``equation_symbols.derive_symbols`` when its LaTeX is that symbol, optionally followed by a power, by
one bracketed argument list (the row ``\\epsilon_\\theta(x_t, t)`` covers ε_θ, ``q(x_{t-1}|x_t, x_0)``
covers q, ``\\mathcal{N}(x; \\mu, \\Sigma)`` covers 𝒩, ``\\mathbb{1}[\\cdot]`` covers 𝟙), or — for an
operator or a delimiter pair — by its scripts and contents (``\\mathbb{E}_{t, x_0, \\epsilon}`` covers
𝔼, ``\\|A\\|_F`` covers ``\\|\\cdot\\|_F``). It covers only that head symbol, never the symbols of its
arguments: x_t in ``\\epsilon_\\theta(x_t, t)`` needs its own row. A row for a larger expression
(``1-\\alpha_t``, a fraction) covers nothing; it stays as an extra explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .equation_symbols import DerivedSymbol, SymbolDerivationError, derive_symbols, occurrences
from .model import Equation


@dataclass(frozen=True)
class SymbolRow:
    """One row of an equation's symbol table, as the equation screen shows it."""

    latex: str  # as the catalog writes it
    text: str  # one line of Unicode (paperkit.render.to_unicode)
    meaning: str  # the meaning in this paper; "" only for a derived symbol the catalog has no row for
    symbol: str | None  # canonical LaTeX of the derived symbol this row covers, None for an expression row


_LEADING = re.compile(r"^(?:\s|\\(?:left|bigl?|Bigl?|biggl?|Biggl?)(?![A-Za-z]))*")


def row_symbol(latex: str) -> str | None:
    """The canonical symbol a catalog row with this LaTeX gives the meaning of, or None when the row
    is an expression (see the module's docstring): the head symbol followed by nothing, a power, or one
    bracketed argument list."""
    try:
        found = occurrences(latex) if isinstance(latex, str) else ()
    except SymbolDerivationError:
        return None
    if not found:
        return None
    head = min(found, key=lambda o: (o.pos, -o.end))
    if _LEADING.sub("", latex[:head.pos]):
        return None
    rest = _strip_power(_strip_argument(latex[head.end:].strip()))
    return head.key if not rest else None


def _strip_argument(text: str) -> str:
    """``(x_t, t)`` or ``\\left[ … \\right]`` at the start of ``text`` removed, with what follows kept."""
    body = re.sub(r"^\\(?:left|bigl?|Bigl?|biggl?|Biggl?)(?![A-Za-z])", "", text)
    if not body[:1] in ("(", "["):
        return text
    depth = 0
    for i, ch in enumerate(body):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth == 0:
                return body[i + 1:].strip()
    return text


def _strip_power(text: str) -> str:
    match = re.fullmatch(r"\^\s*(?:\{[^{}]*\}|\\?[A-Za-z0-9]+)", text)
    return "" if match else text


def missing_symbols(equation: Equation) -> list[DerivedSymbol]:
    """The derived symbols of ``equation`` that no row of its ``symbols`` table covers."""
    covered = {row_symbol(s.latex) for s in equation.symbols}
    return [d for d in derive_symbols(equation.latex) if d.latex not in covered]


def symbol_rows(equation: Equation) -> list[SymbolRow]:
    """The equation's symbol table for the equation screen: the catalog's rows in their order (the
    order of first appearance in the equation), each with its LaTeX, Unicode text and meaning, then any
    derived symbol the catalog has no row for, with an empty meaning. Never raises on odd LaTeX."""
    from ..render import to_unicode

    rows = []
    for sym in equation.symbols:
        rows.append(SymbolRow(sym.latex, to_unicode(sym.latex), sym.meaning, row_symbol(sym.latex)))
    try:
        derived = derive_symbols(equation.latex)
    except SymbolDerivationError:
        return rows
    covered = {r.symbol for r in rows}
    rows.extend(SymbolRow(d.latex, d.text, "", d.latex) for d in derived if d.latex not in covered)
    return rows
