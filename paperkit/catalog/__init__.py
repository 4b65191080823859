"""The paper catalog: metadata and equations of each paper, read from the TOML files in ``papers/``.

Plain data only: this package imports neither torch nor pymupdf, so the app can list papers and
show equations at start-up.
"""

from .symbol_table import SymbolRow, symbol_rows
from .model import Check, Equation, Paper, Symbol
from .store import Catalog, load_catalog

__all__ = ["Catalog", "Check", "Equation", "Paper", "Symbol", "SymbolRow", "load_catalog", "symbol_rows"]
