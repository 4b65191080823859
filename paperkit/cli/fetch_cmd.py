"""``paperkit fetch PAPER [--force] [--out PATH]``: download a paper's PDF from arXiv.

PAPER is a catalog id (ddpm, ddim, diffedit, cfg: the arXiv version the catalog's equation numbers
follow) or an arXiv id (``2207.12598``, ``2207.12598v1``, ``cs/0112017``, ``arXiv:…`` or an
``arxiv.org/abs/…`` link). The PDF goes to the user cache (``$PAPERKIT_CACHE_DIR`` overrides it) or
to ``--out``; its path is printed on stdout. Progress goes to stderr.

Without ``--out`` or ``--force`` nothing is downloaded when the paper's PDF is already on disk: in
the cache, or a file the app opened before and identified as this paper (``local_pdf``); that
file's path is printed instead, so ``paperkit fetch cfg`` always answers with a PDF of CFG.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..pdf.fetch import arxiv_url, cache_dir, fetch_paper, local_pdf, pdf_path


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "fetch", help="download a paper's PDF from arXiv into the cache",
        description="Download a paper's PDF from arXiv (the version the catalog follows, for a catalog id) "
        "into the user cache, and print its path. A PDF already cached is not downloaded again.",
    )
    p.add_argument("paper", help="a catalog id (ddpm, ddim, diffedit, cfg) or an arXiv id such as 2207.12598v1")
    p.add_argument("--force", action="store_true", help="download again even if the PDF is already there")
    p.add_argument("--out", metavar="PATH", default=None, help="save here (a file, or a folder) instead of the cache")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    if not args.out and not args.force:
        found = local_pdf(args.paper, recent_documents())
        if found is not None:
            if found.parent == cache_dir():
                print("already downloaded (--force downloads it again)", file=sys.stderr)
            else:
                print(f"already on disk: {found} (opened in paperkit and identified as this paper); "
                      "--force downloads arXiv's copy into the cache", file=sys.stderr)
            print(found)
            return 0
    dest = None
    if args.out:
        dest = Path(args.out).expanduser()
        if dest.is_dir():
            dest = dest / pdf_path(args.paper).name
    target = dest or pdf_path(args.paper)
    existed = target.is_file()
    bar = ProgressBar(arxiv_url(args.paper))
    try:
        path = fetch_paper(args.paper, force=args.force, progress=bar, dest=dest)
    finally:
        bar.finish()
    if existed and not bar.started:
        print("already downloaded (--force downloads it again)", file=sys.stderr)
    print(path)
    return 0


def recent_documents(limit: int = 1000) -> list[dict]:
    """The PDFs the app opened before (the notes store's list, newest first), for ``local_pdf``.

    No notes database yet means none, and no database is created for asking; one that cannot be
    read means none too (the command goes on to download), with the store's own warnings on stderr.
    """
    from ..notes import NoteStore, database_path

    if not database_path().is_file():
        return []
    try:
        with NoteStore.open() as store:
            for warning in store.warnings:
                print(f"paperkit: warning: {warning}", file=sys.stderr)
            return store.recent_documents(limit=limit)
    except Exception as exc:  # a locked or unreadable database: looking is a nicety, never a failure
        print(f"paperkit: warning: the list of PDFs opened before is unavailable ({exc})", file=sys.stderr)
        return []


class ProgressBar:
    """``progress(done, total)`` drawn on stderr: redrawn in place on a terminal when its text changes;
    elsewhere a line at the start, at each quarter and at the end."""

    WIDTH = 24

    def __init__(self, url: str, stream=None):
        self.url = url
        self.stream = stream or sys.stderr
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = False
        self.text = ""
        self.quarter = 0

    def __call__(self, done: int, total: int | None) -> None:
        if not self.started:
            self.started = True
            size = f" ({_mb(total)})" if total else ""
            print(f"downloading {self.url}{size}", file=self.stream, flush=True)
        if self.interactive:
            self._draw(done, total)
        elif total and done * 4 // total > self.quarter:
            self.quarter = done * 4 // total
            print(f"  {_mb(done)} of {_mb(total)} ({done * 100 // total}%)", file=self.stream, flush=True)

    def _draw(self, done: int, total: int | None) -> None:
        if total:
            filled = min(self.WIDTH, done * self.WIDTH // total)
            text = f"  {'█' * filled}{'·' * (self.WIDTH - filled)} {_mb(done)} / {_mb(total)} {done * 100 // total:3d}%"
        else:
            text = f"  {_mb(done)}"
        if text != self.text:
            self.text = text
            print(f"\r\033[K{text}", end="", file=self.stream, flush=True)

    def finish(self) -> None:
        """End the bar's line (on a terminal), so that what follows starts on a line of its own."""
        if self.text:
            print(file=self.stream, flush=True)
            self.text = ""


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"
