"""``paperkit explain 'LATEX' [--paper ID] [--json]``: every symbol of an equation, with its meaning.

The equation is printed as one line of Unicode and in 2-D as the paper writes it (terms in the
paper's order, fitted to the terminal's width: ``COLUMNS`` when set); LaTeX that is not
well-formed is reported as such, with exit status 2.
"""

from __future__ import annotations

import argparse
import shutil

from ..errors import UserError
from .output import display_width, pad, print_json
from .symbol_cmd import check_paper


def add_parser(sub) -> None:
    p = sub.add_parser(
        "explain", help="list every symbol of a LaTeX equation with its meaning (in a paper, with --paper)",
        description="Parse a LaTeX equation and explain each symbol in it, with the paper's own meaning "
        "when --paper is given. Also prints the equation as Unicode and in 2-D, as the paper writes it, "
        "fitted to the terminal's width.",
    )
    p.add_argument("latex", help="the equation, e.g. '\\bar{\\alpha}_t = \\prod_{s=1}^{t} \\alpha_s'")
    p.add_argument("--paper", help="a catalog paper id, for the paper's meaning of each symbol")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..glossary import explain
    from ..render import latex_problem, to_2d, to_unicode
    from ..render.twod import wrap

    check_paper(args.paper)
    problem = latex_problem(args.latex)
    if problem:
        raise UserError(problem)
    width = max(20, shutil.get_terminal_size().columns)
    symbols = explain(args.latex, paper=args.paper)
    pretty = to_2d(args.latex, width)
    if args.json:
        print_json({"latex": args.latex, "text": to_unicode(args.latex), "pretty": pretty,
                    "symbols": [s.to_json() for s in symbols]})
        return 0 if symbols else 1
    if not symbols:
        print("no symbols found: give an equation in LaTeX, e.g. '\\epsilon_\\theta(x_t, t)'")
        return 1
    print(wrap(to_unicode(args.latex), width))
    print("\n" + pretty + "\n")
    column = min(16, max(display_width(s.text) for s in symbols))
    for s in symbols:
        source = f" ({args.paper})" if s.from_paper else ""
        print(_symbol_line(pad(s.text, column), (s.meaning or "not in the glossary") + source, width))
    return 0


def _symbol_line(symbol: str, meaning: str, width: int) -> str:
    """``  SYMBOL  meaning…`` with the meaning wrapped under itself within ``width`` columns (under
    the symbol, 4 columns in, when the symbol leaves it too little room)."""
    from ..render.twod import wrap

    head = f"  {symbol}  "
    indent = display_width(head)
    if indent > width - 24:
        first = wrap(f"  {symbol}", width)
        return first + "\n" + "\n".join("    " + line for line in wrap(meaning, width - 4).split("\n"))
    lines = wrap(meaning, width - indent).split("\n")
    return "\n".join((head if k == 0 else " " * indent) + line for k, line in enumerate(lines))
