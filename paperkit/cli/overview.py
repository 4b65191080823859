"""``paperkit`` with no arguments: an overview of what the library holds and how to use it."""

from __future__ import annotations

import argparse

from .. import __version__
from ..catalog import load_catalog


def run(parser: argparse.ArgumentParser) -> int:
    catalog = load_catalog()
    checked = sum(1 for e in catalog.equations if e.checks)
    print(f"paperkit {__version__} — a terminal reading companion for machine-learning papers\n")
    print("Catalog")
    for p in catalog.papers:
        source = f"arXiv {p.arxiv_versioned}" if p.arxiv else "fast.ai course"
        print(f"  {p.id:<9} {len(p.equations):>2} equation{'s' if len(p.equations) != 1 else ' '}  {p.title} ({p.year}, {source})")
    print(f"  {len(catalog.equations)} equations, {checked} with numeric checks of their LaTeX against the code.\n")
    print("Try")
    print("  paperkit papers                 the papers, with arXiv ids and versions")
    print("  paperkit papers ddim            one paper: summary, notation notes, its equations")
    print("  paperkit eq ddim.12             an equation: Unicode, meaning, symbols, the torch code")
    print("  paperkit eq ddpm.7 --verify     evaluate the LaTeX with sympy and compare with the code")
    print("  paperkit eq cfg.6 --json        the same as JSON")
    print("  paperkit symbol ᾱ --paper ddim  what a symbol is, how to type and say it, what it means here")
    print("  paperkit explain '\\bar\\alpha_t = \\prod_s \\alpha_s' --paper ddpm   every symbol of an equation")
    print("  paperkit fetch ddim             download the arXiv PDF the catalog follows (into the cache)")
    print("  paperkit open ddim              open it: identified paper, outline, equations linked to the catalog")
    print("  paperkit pdf FILE --equations   a PDF's numbered equations with LaTeX rebuilt from the glyphs")
    print("  paperkit diffedit --model DIR --image IMG --from TEXT --to TEXT --out DIR")
    print("                                  DiffEdit with a local Stable Diffusion folder\n")
    print("Commands")
    for action in parser._subparsers._group_actions:  # argparse keeps sub-command help here
        for choice in action._choices_actions:
            print(f"  {choice.dest:<10} {choice.help}")
    return 0
