"""``explain(latex, paper=None)``: every symbol of an equation with its meaning.

pylatexenc's LatexWalker parses the equation. Each atom (a letter, a macro with its arguments such
as ``\\bar{\\alpha}`` or ``\\mathcal{N}``) is taken together with the indices that follow it, and the
longest spelling that means something wins: the paper's own ``\\epsilon_\\theta^{(t)}`` before the
glossary's ``\\epsilon``. Symbols inside indices, fractions and roots are listed too.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..render import to_unicode
from .latex_keys import latex_key
from .search import glossary

SKIP_MACROS = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "quad", "qquad",
               ",", ";", ":", "!", " ", "displaystyle", "text", "label", "nonumber", "notag", "\\", "limits"}
STRUCTURE = {"frac", "dfrac", "tfrac", "sqrt", "underbrace", "overbrace", "underset", "overset", "stackrel"}
SYMBOL_CHARS = set("|<>∼~")


@dataclass(frozen=True)
class Explained:
    latex: str  # as written in the equation, with its indices when the meaning covers them
    text: str  # one-line Unicode
    name: str  # the glossary entry's name, "" when none
    meaning: str  # the paper's meaning when a paper is given and knows it, else the glossary's
    from_paper: bool
    key: str | None  # glossary key

    def to_json(self) -> dict:
        return {"latex": self.latex, "text": self.text, "name": self.name, "meaning": self.meaning,
                "from_paper": self.from_paper, "key": self.key}


def _atoms(nodes, out: list) -> None:
    """Flatten to a list of ('atom', latex, children) / ('sub'|'sup', '', None) items."""
    for node in nodes or ():
        kind = type(node).__name__
        if kind == "LatexCharsNode":
            for ch in node.chars:
                if ch == "_":
                    out.append(("sub", "", None))
                elif ch == "^":
                    out.append(("sup", "", None))
                elif not ch.isspace():
                    out.append(("atom", ch, None))
        elif kind == "LatexGroupNode":
            out.append(("group", node.latex_verbatim(), node.nodelist))
        elif kind == "LatexMacroNode":
            name = node.macroname
            args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
            if name in SKIP_MACROS:
                continue
            if name in STRUCTURE:
                for arg in args[:1] if name in ("underbrace", "overbrace") else args:
                    out.append(("group", arg.latex_verbatim(), arg.nodelist if hasattr(arg, "nodelist") else [arg]))
                continue
            out.append(("atom", node.latex_verbatim().rstrip(), None))
        elif kind == "LatexSpecialsNode":
            out.append(("atom", node.specials_chars, None))
        elif kind in ("LatexMathNode", "LatexEnvironmentNode"):
            _atoms(node.nodelist, out)


def explain(latex: str, paper: str | None = None) -> list["Explained"]:
    """The distinct symbols of ``latex`` in order of first appearance, each with its meaning."""
    from pylatexenc.latexwalker import LatexWalker

    if not isinstance(latex, str) or not latex.strip() or len(latex) > 5000:
        return []
    try:
        nodes, _, _ = LatexWalker(latex, tolerant_parsing=True).get_latex_nodes()
    except Exception:
        return []
    found: dict[str, Explained] = {}
    _explain_nodes(nodes, paper, found)
    return list(found.values())


def _explain_nodes(nodes, paper, found: dict) -> None:
    items: list = []
    _atoms(nodes, items)
    i = 0
    while i < len(items):
        kind, text, children = items[i]
        if kind == "group":
            _explain_nodes(children, paper, found)
            i += 1
            continue
        if kind != "atom":
            i += 1
            continue
        spellings = [text]
        j = i + 1
        scripts = []
        while j + 1 < len(items) and items[j][0] in ("sub", "sup"):
            mark = "_" if items[j][0] == "sub" else "^"
            arg_kind, arg_text, arg_children = items[j + 1]
            spellings.append(spellings[-1] + mark + arg_text)
            scripts.append((arg_kind, arg_text, arg_children))
            j += 2
        _resolve(list(reversed(spellings)), paper, found)
        for arg_kind, arg_text, arg_children in scripts:
            if arg_kind == "group":
                _explain_nodes(arg_children, paper, found)
            elif arg_kind == "atom":
                _resolve([arg_text], paper, found)
        i = j


def _resolve(spellings: list[str], paper, found: dict) -> None:
    """The first spelling (longest first) the paper or the glossary knows."""
    base = spellings[-1]
    if base.isdigit() or (len(base) == 1 and not base.isalpha() and base not in SYMBOL_CHARS):
        return
    exact = None
    if paper:
        from .paper_meanings import paper_symbols

        exact, _ = paper_symbols(paper)
    g = glossary()
    for spelling in spellings:
        if spelling in found:
            return
        key = latex_key(spelling)
        # a single character is itself first: Latin A is not the Greek capital Alpha spelt "A"
        entry_ids = (g.by_char.get(spelling) if len(spelling) == 1 else None) or g.by_latex.get(key)
        entry = g.entries[entry_ids[0]] if entry_ids else None
        if exact is not None and key in exact:
            found[spelling] = Explained(spelling, to_unicode(spelling), entry.title if entry else "", exact[key], True,
                                        entry.key if entry else None)
            return
        if entry is not None:
            meaning = "; ".join(entry.meanings[:2]) if entry.meanings else entry.title
            found[spelling] = Explained(spelling, to_unicode(spelling), entry.title, meaning, False, entry.key)
            return
    if base not in found and (base[:1].isalpha() or base.startswith("\\")):
        found[base] = Explained(base, to_unicode(base), "", "", False, None)
