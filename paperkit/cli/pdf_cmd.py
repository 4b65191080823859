"""``paperkit pdf FILE``: what the PDF engine reads from a paper, for scripts and for checking it.

    paperkit pdf FILE                      summary: pages, identified paper, outline, equations
    paperkit pdf FILE --equations [--json] numbered equations: page, label, box, LaTeX, symbols, catalog id
    paperkit pdf FILE --outline [--json]   bookmarks, or the headings found on the pages
    paperkit pdf FILE --page N [--json]    page N's text in reading order
    paperkit pdf FILE --search TEXT        lines that contain TEXT, with their pages
    paperkit pdf FILE --render N --out F   page N (or --clip x0,y0,x1,y1 of it) as PNG at --zoom
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UserError
from .output import print_json


def add_parser(sub) -> None:
    p = sub.add_parser(
        "pdf", help="read a PDF: outline, text in reading order, numbered equations and their LaTeX",
        description="Read a paper's PDF with paperkit's engine. With no option, print a summary.",
    )
    p.add_argument("file", help="a PDF file, or a catalog id / arXiv id already fetched with 'paperkit fetch'")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--equations", action="store_true", help="the numbered display equations, with LaTeX rebuilt from the glyphs")
    what.add_argument("--outline", action="store_true", help="the outline: bookmarks, or headings found on the pages")
    what.add_argument("--page", type=int, metavar="N", help="page N's text in reading order (1-based)")
    what.add_argument("--search", metavar="TEXT", help="find TEXT (case and ligatures ignored)")
    what.add_argument("--render", type=int, metavar="N", help="render page N as PNG (needs --out)")
    p.add_argument("--zoom", type=float, default=2.0, help="render scale, 1 = 72 dpi (default 2)")
    p.add_argument("--clip", metavar="X0,Y0,X1,Y1", help="render only this box of the page, in PDF points")
    p.add_argument("--out", metavar="FILE", help="where --render writes the PNG")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def local_pdf(ref: str) -> Path:
    """A PDF path for ``ref``: the file, or a catalog/arXiv id's cached copy (never a download)."""
    path = Path(ref).expanduser()
    if path.exists():
        return path
    from ..pdf.fetch import cached_path

    try:
        cached = cached_path(ref)
    except UserError:
        raise UserError(f"no such file: {ref}") from None
    if cached is None:
        raise UserError(f"{ref} has not been fetched yet: run 'paperkit fetch {ref}' first")
    return cached


def run(args: argparse.Namespace) -> int:
    from ..pdf.document import open_pdf

    if args.render is None and (args.out or args.clip):
        raise UserError("--out and --clip go with --render N")
    with open_pdf(local_pdf(args.file), name=args.file) as doc:
        if args.equations:
            return _equations(doc, args.json)
        if args.outline:
            return _outline(doc, args.json)
        if args.page is not None:
            text = doc.text(args.page)
            print_json({"page": args.page, "text": text}) if args.json else print(text)
            return 0
        if args.search is not None:
            return _search(doc, args.search, args.json)
        if args.render is not None:
            return _render(doc, args)
        return print_summary(doc, args.json)


def _equations(doc, as_json: bool) -> int:
    from ..pdf.index import find_equations

    report = find_equations(doc)
    if as_json:
        print_json([eq.to_json() for eq in report.equations])
        return 0
    if not report.equations:
        print(f"{doc.name}: no numbered display equations")
    for eq in report.equations:
        link = f"  → {eq.catalog_id}" if eq.catalog_id else ""
        print(f"p.{eq.page:<3} ({eq.label}){link}\n      {eq.latex}")
    if report.missing:
        print(f"\nIn the catalog for {report.paper_id} but not found in this PDF: {', '.join(report.missing)}")
    return 0


def _outline(doc, as_json: bool) -> int:
    from ..pdf.outline import outline

    entries = outline(doc)
    if as_json:
        print_json([{"level": e.level, "title": e.title, "page": e.page, "source": e.source} for e in entries])
        return 0
    if not entries:
        print(f"{doc.name}: no bookmarks and no headings found")
    for e in entries:
        print(f"{'  ' * (e.level - 1)}{e.title}  ·  p.{e.page}")
    return 0


def _search(doc, query: str, as_json: bool) -> int:
    from ..pdf.search import search

    hits = search(doc, query)
    if as_json:
        print_json([{"page": h.page, "text": h.text, "bbox": [round(v, 2) for v in h.bbox]} for h in hits])
    else:
        for h in hits:
            print(f"p.{h.page:<3} {h.text}")
        if not hits:
            print(f"no match for {query!r}")
    return 0 if hits else 1


def _render(doc, args) -> int:
    if not args.out:
        raise UserError("--render needs --out FILE.png")
    clip = None
    if args.clip:
        try:
            clip = tuple(float(v) for v in args.clip.split(","))
        except ValueError:
            clip = ()
        if len(clip) != 4:
            raise UserError(f"--clip takes four numbers x0,y0,x1,y1, not {args.clip!r}")
    png = doc.render_png(args.render, zoom=args.zoom, clip=clip)
    out = Path(args.out)
    try:
        out.write_bytes(png)
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(out)
    return 0


def summary(doc) -> dict:
    from ..pdf.identify import arxiv_id, identify
    from ..pdf.index import find_equations
    from ..pdf.outline import outline

    found = identify(doc)
    report = find_equations(doc, paper_id=found.paper_id if found else None)
    return {
        "file": doc.name,
        "pages": doc.page_count,
        "title": doc.metadata.get("title"),
        "arxiv": arxiv_id(doc),
        "paper": found.paper_id if found else None,
        "identified_by": found.by if found else None,
        "outline": [{"level": e.level, "title": e.title, "page": e.page} for e in outline(doc)],
        "equations": [{"page": e.page, "label": e.label, "catalog_id": e.catalog_id} for e in report.equations],
        "missing": report.missing,
    }


def print_summary(doc, as_json: bool) -> int:
    info = summary(doc)
    if as_json:
        print_json(info)
        return 0
    print(f"{info['file']}: {info['pages']} pages" + (f", arXiv {info['arxiv']}" if info["arxiv"] else ""))
    if info["title"]:
        print(f"  title     {info['title']}")
    if info["paper"]:
        print(f"  catalog   {info['paper']} (identified by {info['identified_by']})")
    sections = [e for e in info["outline"] if e["level"] == 1]
    if sections:
        print("  outline   " + " · ".join(e["title"] for e in sections))
    eqs = info["equations"]
    labels = ", ".join(f"({e['label']})" + (f"={e['catalog_id']}" if e["catalog_id"] else "") for e in eqs)
    print(f"  equations {len(eqs)} numbered" + (f": {labels}" if eqs else ""))
    if info["missing"]:
        print(f"  missing   catalog equations not found in this PDF: {', '.join(info['missing'])}")
    return 0
