"""The command palette's ``Provider``: papers, equations, symbols and demos, searched as you type.

Papers, equations and demos come from the catalog and the demo registry (plain data, no torch);
symbols from the glossary's own ranked look-up, so typing "alpha bar" or "∇" finds them too.

Each item is searched by its *words*: an equation by its id cut at dots and underscores
(``ddpm.alpha_bar`` → ddpm, alpha, bar), its title, and the names of the symbols in its title and
symbol table (ᾱ → "alpha bar"), so "alpha bar" finds ``ddpm.alpha_bar``. A query whose words are all
whole words of an item ranks first, then words that start one, then Textual's fuzzy match.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from functools import partial

from textual.command import DiscoveryHit, Hit, Provider

WORD = re.compile(r"[0-9a-z]+")


def words(text: str) -> list[str]:
    """Lower-case words of ``text``: ``ddpm.alpha_bar`` → ddpm, alpha, bar."""
    return WORD.findall(unicodedata.normalize("NFKC", text).casefold())


UNITS = re.compile(r"\\(?:bar|hat|tilde|mathcal|mathbb|mathbf|boldsymbol)\{\\?[A-Za-z]+\}|\\[A-Za-z]+")
FORMATTING = {"mathcal", "mathbb", "mathbf", "boldsymbol", "mathrm", "text", "operatorname", "left", "right",
              "frac", "sqrt", "quad", "qquad", "cdot", "ldots", "cdots", "mid"}
MINOR = {"and", "so", "on", "as", "is", "to", "with", "of", "the", "by", "or", "in", "for", "dot", "times", "see"}


def symbol_names(latex_and_text: list[str]) -> set[str]:
    """The spoken names of the symbols in these strings (ᾱ → alpha, bar; \\nabla → nabla, grad), from the glossary."""
    from paperkit.glossary import glossary
    from paperkit.glossary.latex_keys import latex_key

    g = glossary()
    found: list[int] = []
    for text in latex_and_text:
        for c in text:
            if not c.isascii():
                found += g.by_char.get(unicodedata.normalize("NFC", c), [])[:1]
        for macro in UNITS.findall(text):
            if macro[1:] not in FORMATTING:
                found += g.by_latex.get(latex_key(macro), [])
    names: set[str] = set()
    for i in found:
        e = g.entries[i]
        if e.source == "hand":
            names.update(w for w in words(f"{e.say} {e.key}") if w not in MINOR and len(w) > 1)
    return names


class Item:
    """One thing the palette can open, with the words it is found by."""

    def __init__(self, title: str, help_text: str, callback, primary: list[str], secondary: set[str] = frozenset()):
        self.title, self.help, self.callback = title, help_text, callback
        self.primary = set(primary)  # the id's and title's words
        self.secondary = set(secondary) - self.primary  # its symbols' names, its description

    def score(self, query_words: list[str]) -> float:
        """1 when every query word is a whole word of the title or id; less for symbol names, prefixes."""
        total = 0.0
        for w in query_words:
            if w in self.primary:
                total += 1.0
            elif w in self.secondary:
                total += 0.8
            elif len(w) >= 2 and any(p.startswith(w) for p in self.primary):
                total += 0.6
            elif len(w) >= 3 and any(p.startswith(w) for p in self.secondary):
                total += 0.45
            else:
                return 0.0
        return total / len(query_words)


class PaperkitCommands(Provider):
    """Open a paper, jump to an equation, look up a symbol, run a demo."""

    async def startup(self) -> None:
        # the catalog, the demo registry and the glossary (≈ 0.3 s the first time) load in a thread,
        # so opening the palette never blocks the app
        self.items = await asyncio.to_thread(self._build)

    def _build(self) -> list[Item]:
        from paperkit.catalog import load_catalog
        from paperkit.demos import DEMOS

        catalog = load_catalog()
        items = [Item(f"Paper: {p.short} — {p.title}", f"open the catalog view of {p.id}", partial(self.app.open_paper, p.id),
                      words(f"{p.id} {p.short} {p.title}"), set(words(" ".join(p.authors))))
                 for p in catalog.papers]
        for e in catalog.equations:
            try:
                names = symbol_names([e.title] + [s.latex for s in e.symbols])
            except Exception:  # the glossary unreadable: equations are still found by id and title
                names = set()
            items.append(Item(f"Equation {e.id}: {e.title}", f"{e.paper} {e.label}", partial(self.app.open_equation, e.id),
                              words(f"{e.id} {e.title} equation eq {e.number}"), names))
        from .widgets.run_panel import describe_spec, quick_steps  # what a run from the app will do: its quick steps

        items += [Item(f"Demo: {spec.title}", describe_spec(spec, quick_steps(spec)), partial(self._demo, spec),
                       words(f"demo {spec.title}"), set(words(spec.description)))
                  for spec in DEMOS.values()]
        items.append(Item("Glossary", "look up any symbol", self.app.open_glossary, ["glossary", "symbols"], {"symbol", "notation", "latex"}))
        return items

    def _demo(self, spec) -> None:
        if spec.equations:
            self.app.open_equation(spec.equations[0])

    async def discover(self):
        for item in self.items[:12]:
            yield DiscoveryHit(item.title, item.callback, help=item.help)

    async def search(self, query: str):
        matcher = self.matcher(query)
        query_words = words(query)
        for item in self.items:
            by_words = item.score(query_words) if query_words else 0.0
            fuzzy = matcher.match(item.title)
            if by_words > 0:  # whole words first: 0.5 … 1.0, ahead of any fuzzy-only match
                yield Hit(0.5 + by_words / 2, matcher.highlight(item.title), item.callback, text=item.title, help=item.help)
            elif fuzzy > 0:
                yield Hit(fuzzy / 2, matcher.highlight(item.title), item.callback, text=item.title, help=item.help)
        from paperkit.glossary import lookup

        for hit in await asyncio.to_thread(lookup, query, None, 5):
            entry = hit.entry
            title = f"Symbol {entry.char or ''} {entry.title}".replace("  ", " ")
            yield Hit(0.45 + hit.score / 2, title, partial(self.app.open_glossary, query), text=title,
                      help=", ".join(entry.latex[:2]))
