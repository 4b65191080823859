"""The command palette's ``Provider``: papers, equations, symbols and demos, searched as you type.

Papers, equations and demos come from the catalog and the demo registry (plain data, no torch);
symbols from the glossary's own ranked look-up, so typing "alpha bar" or "∇" finds them too.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Provider


class PaperkitCommands(Provider):
    """Open a paper, jump to an equation, look up a symbol, run a demo."""

    async def startup(self) -> None:
        from paperkit.catalog import load_catalog
        from paperkit.demos import DEMOS

        catalog = load_catalog()
        self.items = [(f"Paper: {p.short} — {p.title}", f"open the catalog view of {p.id}", partial(self.app.open_paper, p.id))
                      for p in catalog.papers]
        self.items += [(f"Equation {e.id}: {e.title}", f"{e.paper} {e.label}", partial(self.app.open_equation, e.id))
                       for e in catalog.equations]
        self.items += [(f"Demo: {spec.title}", spec.description, partial(self._demo, spec))
                       for spec in DEMOS.values()]
        self.items += [("Glossary", "look up any symbol", self.app.open_glossary)]

    def _demo(self, spec) -> None:
        if spec.equations:
            self.app.open_equation(spec.equations[0])

    async def discover(self):
        for title, help_text, callback in self.items[:12]:
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str):
        matcher = self.matcher(query)
        for title, help_text, callback in self.items:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
        from paperkit.glossary import lookup

        for hit in lookup(query, limit=5):
            entry = hit.entry
            title = f"Symbol {entry.char or ''} {entry.title}".replace("  ", " ")
            yield Hit(0.5 + hit.score / 2, title, partial(self.app.open_glossary, query), help=", ".join(entry.latex[:2]))
