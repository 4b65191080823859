"""``paperkit symbol QUERY [--paper ID] [--json]``: look a symbol up in the glossary."""

from __future__ import annotations

import argparse

from ..errors import UserError
from .output import print_json, wrap


def add_parser(sub) -> None:
    p = sub.add_parser(
        "symbol", help="look up a symbol: a character, LaTeX, a name or a description (typos welcome)",
        description="Look up notation in the glossary: paste a character (ᾱ, ∇, 𝒩, ⍴), type LaTeX in any common "
        "spelling (\\bar{\\alpha}_t), a name (alpha bar) or a description (upside-down triangle).",
    )
    p.add_argument("query", help="what to look up")
    p.add_argument("--paper", help="a catalog paper id: also give the symbol's meaning in that paper")
    p.add_argument("--limit", type=int, default=5, help="how many results (default 5)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def check_paper(paper: str | None) -> None:
    if paper:
        from ..catalog import load_catalog

        load_catalog().paper(paper)  # a UserError naming the close ids when unknown


def run(args: argparse.Namespace) -> int:
    from ..glossary import clashes_for, lookup

    check_paper(args.paper)
    if not 1 <= args.limit <= 100:
        raise UserError("--limit takes a number from 1 to 100")
    hits = lookup(args.query, paper=args.paper, limit=args.limit)
    if args.json:
        print_json([h.to_json() for h in hits])
        return 0 if hits else 1
    if not hits:
        shown = args.query if len(args.query) <= 40 else args.query[:40] + "…"
        print(f"no match for {shown!r}: try a character, LaTeX such as \\alpha, or a name such as 'alpha bar'")
        return 1
    for n, hit in enumerate(hits):
        e = hit.entry
        latex = "  ".join(e.latex[:3])
        print(f"{e.char or '·':<3} {e.title}  [{e.category}]  {latex}")
        if n == 0:
            if e.say:
                print(f"    say     {e.say}")
            for meaning in e.meanings:
                print(wrap(f"• {meaning}", indent="    "))
            if hit.paper_meaning:
                print(wrap(f"in {args.paper}: {hit.paper_meaning}", indent="    "))
            if e.torch:
                print(f"    torch   {e.torch}")
            if e.apl:
                print(f"    APL     {e.apl}")
            if e.example:
                print(f"    e.g.    {e.example}")
            for clash in clashes_for(args.paper, e.latex[0] if e.latex else None, e.key):
                print(wrap(f"⚠ notation clash: {clash.note}", indent="    "))
            if len(hits) > 1:
                print("  also:")
    return 0
