"""A paper's own notation from the PDF alone: symbols, their definitions and uses (``read_notation``)."""

from .index import Notation, read_notation

__all__ = ["Notation", "read_notation"]
