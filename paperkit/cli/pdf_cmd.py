"""``paperkit pdf FILE``: what the PDF engine reads from a paper, for scripts and for checking it.

    paperkit pdf FILE                      summary: pages, identified paper, outline, equations
    paperkit pdf FILE --equations [--json] numbered equations: page, label, box, LaTeX, symbols, catalog id
    paperkit pdf FILE --outline [--json]   bookmarks, or the headings found on the pages
    paperkit pdf FILE --page N [--json]    page N's text in reading order
    paperkit pdf FILE --search TEXT        lines that contain TEXT, with their pages
    paperkit pdf FILE --render N --out F   page N (or --clip x0,y0,x1,y1 of it) as PNG at --zoom
    paperkit pdf FILE --symbols [--json]   the paper's symbols: LaTeX, definition, where used
    paperkit pdf FILE --references [--json]  "Eq. (6)", "Table 2", "[23]" … and what each points at
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import UserError
from .output import display_width, print_json


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
    what.add_argument("--symbols", action="store_true",
                      help="the paper's symbols: LaTeX, the words that define them, where they are used")
    what.add_argument("--references", action="store_true",
                      help="cross-references (Eq. (6), Table 2, Section 3.1, [23], (Ho et al., 2020)) and their targets")
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
        if args.symbols or args.references:
            if not has_text_layer(doc):
                print(f"{doc.name} has no text layer (a scanned PDF?): no symbols or references to read", file=sys.stderr)
                return 1
            notation = read_notation_with_progress(doc)
            return (_symbols if args.symbols else _references)(notation, args.json)
        return print_summary(doc, args.json)


def _equations(doc, as_json: bool) -> int:
    """Each numbered equation with its LaTeX, and its symbols explained from the paper itself (the
    glossary's meaning only where the paper gives none, marked as such)."""
    from ..pdf.index import find_equations
    from ..pdf.notation import read_notation
    from ..pdf.notation.explain import explain_equation

    report = find_equations(doc)
    by_page: dict[int, list] = {}
    for eq in report.equations:
        by_page.setdefault(eq.page, []).append(eq)
    notation = read_notation(doc, equations=lambda number: by_page.get(number, [])) if report.equations else None
    explained = {id(eq): explain_equation(notation, eq) for eq in report.equations} if notation else {}
    if as_json:
        print_json([{**eq.to_json(), "explained": [e.to_json() for e in explained.get(id(eq), [])]}
                    for eq in report.equations])
        return 0
    if not report.equations:
        print(f"{doc.name}: no numbered display equations")
    for eq in report.equations:
        link = f"  → {eq.catalog_id}" if eq.catalog_id else ""
        print(f"p.{eq.page:<3} ({eq.label}){link}\n      {eq.latex}")
        for e in explained.get(id(eq), []):
            if e.source == "paper":
                meaning = f"{e.meaning} (p. {e.page})" + ("  [redefined]" if e.redefined else "")
            elif e.source == "glossary":
                meaning = f"{e.meaning}  (glossary, not this paper)"
            else:
                meaning = "—"
            print(f"        {e.text:<12} {meaning}")
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


# -- symbols and cross-references (issue 14) -------------------------------------------------------

PROGRESS_PAGES = 20  # shorter PDFs are read before a progress line would be worth showing


def has_text_layer(doc) -> bool:
    """Whether any page has text: a scanned PDF's pages are images only. Stops at the first page
    with text, so a normal paper costs one page's text."""
    for number in range(1, doc.page_count + 1):
        try:
            if doc.page(number).get_text("text").strip():
                return True
        except UserError:
            raise
        except Exception:  # a page whose text cannot be read counts as none
            continue
    return False


def read_notation_with_progress(doc):
    """``read_notation(doc)``, one pass over the pages, with "reading page n/N" on stderr for long
    PDFs when stderr is a terminal (never in a pipe or a log)."""
    from ..pdf.notation import read_notation

    show = sys.stderr.isatty() and doc.page_count >= PROGRESS_PAGES

    def progress(page: int, pages: int) -> None:
        print(f"\rreading page {page}/{pages}", end="", file=sys.stderr, flush=True)

    try:
        return read_notation(doc, progress if show else None)
    finally:
        if show:
            print("\r\x1b[K", end="", file=sys.stderr, flush=True)


def _symbols(notation, as_json: bool) -> int:
    """The paper's symbols, in the order they first appear: a table, or ``PaperSymbol.to_json``."""
    symbols = sorted(notation.symbols, key=lambda s: (min(s.pages + [s.page or 0]), s.latex))
    if as_json:
        print_json([s.to_json() for s in symbols])
        return 0
    if not symbols:
        print("no symbols found")
        return 0
    from .output import pad

    rows = [("symbol", "LaTeX", "page", "definition", "uses", "pages")]
    for s in symbols:
        definition = _cut(s.definition.phrase, 48) if s.definition else "—"
        rows.append((s.text, _cut(s.latex, 30), f"p.{s.page}" if s.page else "",
                     definition + (" (redefined)" if s.redefined else ""), str(len(s.uses)),
                     _page_list(s.pages)))
    widths = [max(display_width(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        cells = [pad(cell, width) for cell, width in zip(row[:4], widths)] + [row[4].rjust(widths[4]), row[5]]
        print("  ".join(cells).rstrip())
    defined = sum(1 for s in symbols if s.definition)
    print(f"\n{len(symbols)} symbols, {defined} with a definition found, {sum(s.redefined for s in symbols)} redefined")
    return 0


def _cut(text: str, limit: int) -> str:
    """A table cell cut to ``limit`` characters, as printed (whitespace kept)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _page_list(pages: list[int]) -> str:
    """[1, 2, 3, 5] → "1–3, 5"."""
    out, start = [], None
    for i, p in enumerate(pages):
        if start is None:
            start = p
        if i + 1 == len(pages) or pages[i + 1] != p + 1:
            out.append(str(start) if start == p else f"{start}–{p}")
            start = None
    return ", ".join(out)


KIND_TITLES = {"equation": "Equations", "algorithm": "Algorithms", "table": "Tables", "figure": "Figures",
               "section": "Sections", "citation": "Citations"}


def _references(notation, as_json: bool) -> int:
    from ..pdf.xref import KINDS

    mentions = notation.mentions
    if as_json:
        print_json([m.to_json() for m in mentions])
        return 0
    if not mentions:
        print("no cross-references found")
        return 0
    for kind in KINDS:
        found = [m for m in mentions if m.kind == kind]
        if not found:
            continue
        resolved = sum(m.target is not None for m in found)
        print(f"{KIND_TITLES[kind]} ({len(found)}, {resolved} resolved)")
        for m in found:
            print(f"  p.{m.place.page:<3} {_printed(m)} → {_target_text(m)}")
        print()
    counts = ", ".join(f"{sum(m.kind == k for m in mentions)} {k}" for k in KINDS if any(m.kind == k for m in mentions))
    resolved = sum(m.target is not None for m in mentions)
    print(f"{len(mentions)} references ({counts}); {resolved} resolved ({100 * resolved / len(mentions):.0f}%)")
    return 0


def _printed(mention) -> str:
    """The mention as printed; one number of a group "[35, 2, 5]" is shown as "[2]", one label of
    "Figures 1, 3 and 6 to 8" as "Figures 1, 3 and 6 to 8 — 3"."""
    text = mention.text
    if mention.kind == "citation":
        return f"[{mention.label}]" if text.startswith("[") and text != f"[{mention.label}]" else text
    rest = text.replace(mention.label, "", 1)
    return f"{text} — {mention.label}" if any(c.isdigit() for c in rest) else text


def _target_text(mention) -> str:
    t = mention.target
    if t is None:
        return "unresolved"
    if t.kind == "equation":
        return f"equation ({t.label}), page {t.page}"
    if t.kind == "citation":  # the entry, without its own "[23] "
        return _cut(t.text.removeprefix(f"[{t.label}]").strip(), 100)
    return f"{_cut(t.text, 70)}, page {t.page}"
