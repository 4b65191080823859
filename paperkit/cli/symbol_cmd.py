"""``paperkit symbol QUERY [--paper ID] [--json]``: look a symbol up in the glossary.

With ``--paper`` the answer leads with that paper: how it writes the symbol, what it means there,
its equations, its own PyTorch and example, and its notation clashes (``symbol 'alpha bar' --paper
ddim``: DDIM writes ᾱ as α_t). Without it, the best hit lists how the catalog papers write the
letter (α_t in DDPM and in DDIM, ᾱ_t …), each with its meaning there.
"""

from __future__ import annotations

import argparse

from ..errors import UserError
from .output import pad, print_json, wrap

FORMS_SHOWN = 4  # the catalog spellings listed under the best hit; the rest are counted


def add_parser(sub) -> None:
    p = sub.add_parser(
        "symbol", help="look up a symbol: a character, LaTeX, a name or a description (typos welcome)",
        description="Look up notation in the glossary: paste a character (ᾱ, ∇, 𝒩, ⍴), type LaTeX in any common "
        "spelling (\\bar{\\alpha}_t), a name (alpha bar) or a description (upside-down triangle).",
    )
    p.add_argument("query", help="what to look up")
    p.add_argument("--paper", help="a catalog paper id: lead with how that paper writes the symbol and what it means there")
    p.add_argument("--limit", type=int, default=5, help="how many results (default 5)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def check_paper(paper: str | None) -> None:
    if paper:
        from ..catalog import load_catalog

        load_catalog().paper(paper)  # a UserError naming the close ids when unknown


def run(args: argparse.Namespace) -> int:
    from ..glossary import lookup
    from ..glossary.display import as_typed

    check_paper(args.paper)
    if not 1 <= args.limit <= 100:
        raise UserError("--limit takes a number from 1 to 100")
    hits = lookup(args.query, paper=args.paper, limit=args.limit)
    if args.json:
        print_json([h.to_json() for h in hits])
        return 0 if hits else 1
    if not hits:
        print(f"no match for {as_typed(args.query)}: try a character, LaTeX such as \\alpha, or a name such as 'alpha bar'")
        return 1
    for n, hit in enumerate(hits):
        e = hit.entry
        print(f"{e.char or '·':<3} {e.title}  [{e.category}]  {'  '.join(e.latex[:3])}")
        if n == 0:
            if hit.view is not None:
                print_paper(hit)
                print("  in general")
            print_entry(hit)
            if hit.view is None:
                print_forms(e)
                print_clashes(hit)
            if len(hits) > 1:
                print("  also:")
    return 0


def _text(latex: str) -> str:
    from ..render import to_unicode

    try:
        return to_unicode(latex) or latex
    except Exception:  # malformed LaTeX is still readable as typed
        return latex


def print_paper(hit) -> None:
    """The chosen paper first: its spelling, its meaning, its equations, its PyTorch and example, its clashes."""
    from ..glossary import glossary

    view = hit.view
    head = f"    in {view.name}  "
    if view.written:
        head += f"{hit.entry.char} is written " if view.renamed and hit.entry.char else "written "
        head += f"{_text(view.written)}   {view.written}"
    else:
        head += f"not among the symbols of {view.name}'s catalog equations"
    if view.means_entry:
        g = glossary()
        other = g.entries[g.by_key[view.means_entry]] if view.means_entry in g.by_key else None
        named = f"{other.char} “{other.say}”" if other is not None and other.char else view.means_entry
        head += f" — the glossary's {named}"
    print(head)
    if view.meaning:
        print(wrap(view.meaning, indent="      "))
    if view.equations:
        print(wrap("equations " + ", ".join(view.equations), indent="      "))
    if view.specific:  # the paper's own code and example, for the paper's own meaning
        if view.torch:
            print(f"      torch   {view.torch}")
        if view.example:
            print(f"      e.g.    {_text(view.example)}")
            print(f"              {view.example}")
    for clash in view.clashes:
        print(wrap(f"⚠ notation clash: {clash.note}", indent="      "))
        for paper, meaning in clash.papers.items():
            if paper != view.paper:
                print(wrap(f"{_paper_name(paper)}: {meaning}", indent="        "))


def _paper_name(paper: str) -> str:
    from ..glossary.catalog_symbols import papers

    return papers().get(paper, paper)


def print_entry(hit) -> None:
    """What the glossary says in general; the entry's own PyTorch and example only where no paper's
    meaning replaces them (one paper's example is never shown under another paper's meaning)."""
    e = hit.entry
    if e.say:
        print(f"    say     {e.say}")
    for meaning in e.meanings:
        print(wrap(f"• {meaning}", indent="    "))
    if hit.view is None or not hit.view.specific:
        if e.torch:
            print(f"    torch   {e.torch}")
        if e.example:
            print(f"    e.g.    {_text(e.example)}")
            print(f"            {e.example}")
    if e.apl:
        print(f"    APL     {e.apl}")


def print_forms(entry) -> None:
    """How the catalog papers write this letter, with indices and accents, and what each means there."""
    from ..glossary.paper_view import catalog_forms

    try:
        forms = catalog_forms(entry)
    except Exception:  # an unreadable catalog: the glossary's answer still stands
        return
    if not forms:
        return
    print("    in the papers")
    for form in forms[:FORMS_SHOWN]:
        label = pad(_text(form.latex), 10)
        for k, use in enumerate(form.uses):
            line = wrap(f"{_paper_name(use.paper)}: {use.meaning}", indent=" " * 17)
            print(("      " + label + " " + line[17:]) if k == 0 else line)
    if len(forms) > FORMS_SHOWN:
        rest = ", ".join(_text(f.latex) for f in forms[FORMS_SHOWN:])
        print(wrap(f"also {rest}; add --paper ID for one paper's spelling, meaning and code", indent="      "))


def print_clashes(hit) -> None:
    from ..glossary import clashes_for

    e = hit.entry
    for clash in clashes_for(None, e.latex[0] if e.latex else None, e.key):
        print(wrap(f"⚠ notation clash: {clash.note}", indent="    "))
