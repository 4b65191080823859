"""The symbol glossary: look up any character, LaTeX spelling, name or description; explain every
symbol of an equation, with its meaning in a given paper; how a paper writes and means a symbol, with
its own code; notation clashes across papers.

    from paperkit.glossary import lookup, explain, clashes_for, paper_view
"""

from .explain import Explained, explain
from .model import Clash, Entry, Hit
from .paper_meanings import clashes_for, paper_meaning
from .paper_view import PaperView, paper_view
from .search import Glossary, glossary, lookup

__all__ = ["Clash", "Entry", "Explained", "Glossary", "Hit", "PaperView", "clashes_for", "explain", "glossary", "lookup",
           "paper_meaning", "paper_view"]
