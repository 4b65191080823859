"""``paperkit papers [ID] [--json]``: the papers in the catalog, or one paper's details."""

from __future__ import annotations

import argparse

from ..catalog import Paper, load_catalog
from .output import print_json, wrap


def add_parser(sub) -> None:
    p = sub.add_parser("papers", help="list the papers in the catalog", description="List the catalog's papers, or show one paper with its equations.")
    p.add_argument("paper", nargs="?", help="a paper id (ddpm, ddim, diffedit, cfg, lesson11) to show in full")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=run)


def paper_record(paper: Paper, with_equations: bool = False) -> dict:
    record = {
        "id": paper.id,
        "short": paper.short,
        "title": paper.title,
        "authors": list(paper.authors),
        "year": paper.year,
        "venue": paper.venue,
        "arxiv": paper.arxiv,
        "version": paper.version,
        "url": paper.url,
        "summary": paper.summary,
        "notes": list(paper.notes),
        "equations": len(paper.equations),
    }
    if with_equations:
        record["equations"] = [{"id": e.id, "number": e.number, "title": e.title} for e in paper.equations]
    return record


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog()
    if args.paper:
        paper = catalog.paper(args.paper.lower())
        if args.json:
            print_json(paper_record(paper, with_equations=True))
            return 0
        _print_paper(paper)
        return 0
    if args.json:
        print_json([paper_record(p) for p in catalog.papers])
        return 0
    for p in catalog.papers:
        arxiv = f"arXiv {p.arxiv_versioned}" if p.arxiv else "course"
        print(f"{p.id:<9} {p.year}  {arxiv:<19} {len(p.equations):>2} eq{'s' if len(p.equations) != 1 else ' '}  {p.title}")
    print(f"\n{len(catalog.papers)} papers, {len(catalog.equations)} equations. "
          "`paperkit papers ID` shows one; `paperkit eq ID` shows an equation.")
    return 0


def _print_paper(p: Paper) -> None:
    print(p.title)
    print(f"  {', '.join(p.authors)} · {p.venue or p.year} · {p.year}")
    if p.arxiv:
        print(f"  arXiv {p.arxiv_versioned} (equation numbers follow this version) · {p.url}")
    elif p.url:
        print(f"  {p.url}")
    print()
    print(wrap(p.summary))
    if p.notes:
        print("\nNotes")
        for n in p.notes:
            print(wrap("• " + n, indent="  "))
    print("\nEquations")
    for e in p.equations:
        print(f"  {e.id:<32} {e.label:<28} {e.title}")
