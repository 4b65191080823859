"""The paper catalog: metadata and equations of each paper, read from the TOML files in ``papers/``.

Plain data only: this package imports neither torch nor pymupdf, so the app can list papers and
show equations at start-up.
"""

from .model import Check, Equation, Paper, Symbol
from .store import Catalog, load_catalog

__all__ = ["Catalog", "Check", "Equation", "Paper", "Symbol", "SymbolRow", "load_catalog", "symbol_rows"]


def __getattr__(name: str):
    """``symbol_rows`` and ``SymbolRow`` load on first use: deriving symbols needs pylatexenc's parser
    and the render tables (≈ 45 ms), which the app's first screen does not."""
    if name in ("symbol_rows", "SymbolRow"):
        from . import symbol_table

        return getattr(symbol_table, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
