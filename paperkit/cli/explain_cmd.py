"""``paperkit explain 'LATEX' [--paper ID] [--json]``: every symbol of an equation, with its meaning."""

from __future__ import annotations

import argparse

from .output import display_width, pad, print_json
from .symbol_cmd import check_paper


def add_parser(sub) -> None:
    p = sub.add_parser(
        "explain", help="list every symbol of a LaTeX equation with its meaning (in a paper, with --paper)",
        description="Parse a LaTeX equation and explain each symbol in it, with the paper's own meaning "
        "when --paper is given. Also prints the equation as Unicode and, when sympy can parse it, in 2-D.",
    )
    p.add_argument("latex", help="the equation, e.g. '\\bar{\\alpha}_t = \\prod_{s=1}^{t} \\alpha_s'")
    p.add_argument("--paper", help="a catalog paper id, for the paper's meaning of each symbol")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..glossary import explain
    from ..render import to_unicode
    from ..render.pretty import to_2d

    check_paper(args.paper)
    symbols = explain(args.latex, paper=args.paper)
    if args.json:
        print_json({"latex": args.latex, "text": to_unicode(args.latex), "pretty": to_2d(args.latex),
                    "symbols": [s.to_json() for s in symbols]})
        return 0 if symbols else 1
    if not symbols:
        print("no symbols found: give an equation in LaTeX, e.g. '\\epsilon_\\theta(x_t, t)'")
        return 1
    print(to_unicode(args.latex))
    pretty = to_2d(args.latex)
    if pretty:
        print("\n" + pretty + "\n")
    width = min(16, max(display_width(s.text) for s in symbols))
    for s in symbols:
        source = f" ({args.paper})" if s.from_paper else ""
        meaning = s.meaning or "not in the glossary"
        print(f"  {pad(s.text, width)}  {meaning}{source}")
    return 0
