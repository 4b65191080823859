"""``paperkit open FILE|ID``: open a PDF file, or a catalog paper (fetched from arXiv if needed).

In a terminal it opens the app on it. With ``--print``/``--json``, or when not in a terminal, it
prints what paperkit found instead: pages, the catalog paper it is, its outline and its numbered
equations linked to the catalog.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser(
        "open", help="open a PDF or a catalog paper (fetching it if needed) and show what paperkit found",
        description="Open a PDF file, a catalog paper id (ddpm, ddim, diffedit, cfg) or an arXiv id. "
        "Ids are fetched from arXiv into the cache the first time.",
    )
    p.add_argument("paper", help="a PDF file, a catalog id or an arXiv id")
    p.add_argument("--json", action="store_true", help="print what was found as JSON instead of opening the app")
    p.add_argument("--print", action="store_true", dest="print_only", help="print what was found instead of opening the app")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import UserError
    from ..pdf.document import open_pdf
    from ..pdf.fetch import arxiv_url, resolve
    from .fetch_cmd import ProgressBar
    from .pdf_cmd import print_summary

    try:
        url = arxiv_url(args.paper)
    except UserError:
        url = args.paper
    from ..catalog import load_catalog
    from . import _interactive, run_app

    from ..pdf.paths import folder_message

    target = Path(args.paper).expanduser()
    if target.is_dir():  # not "no such file": say it is a folder, and which PDFs it holds
        raise UserError(folder_message(target, args.paper))
    in_app = _interactive() and not (args.json or args.print_only)
    if in_app and args.paper.strip().lower() in {p.id for p in load_catalog().papers}:
        return run_app(args.paper.strip().lower())  # the catalog view; it fetches the PDF on request
    bar = ProgressBar(url, sys.stderr)
    path = resolve(args.paper, progress=bar)
    bar.finish()
    if in_app:
        return run_app(str(path))
    with open_pdf(path, name=str(path)) as doc:
        return print_summary(doc, args.json)
