"""``paperkit notes``: the reader's notes on equations, symbols, papers and PDF pages.

    paperkit notes list [--json]
    paperkit notes add TARGET TEXT        # paperkit notes add eq:ddim.12 "the sampler"
    paperkit notes rm TARGET
    paperkit notes export [--out FILE]    # Markdown

Notes live in ``notes.sqlite3`` in the user data folder (``$PAPERKIT_DATA_DIR`` overrides it).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ..errors import UserError

KINDS = ("eq", "sym", "paper", "pdf")
_TARGET = re.compile(r"([A-Za-z][\w-]*):(\S.*)")


def add_parser(sub) -> None:
    p = sub.add_parser(
        "notes",
        help="your notes on equations, symbols, papers and PDF pages",
        description="List, add, remove and export your notes. A note's target is kind:id, kind one of "
        "eq (eq:ddim.12), sym (sym:alpha-bar), paper (paper:ddim) or pdf (pdf:<sha256>#p3).",
    )
    p.set_defaults(func=run, notes_action=None, json=False)
    actions = p.add_subparsers(dest="notes_action", metavar="ACTION")

    a = actions.add_parser("list", help="list the notes (the default)", description="List every note, ordered by target.")
    a.add_argument("--json", action="store_true", help="print JSON instead of text")

    a = actions.add_parser("add", help="add or replace the note on a target", description="Add the note on TARGET, or replace it.")
    a.add_argument("target", metavar="TARGET", help="kind:id, e.g. eq:ddim.12, sym:alpha-bar, paper:ddim, pdf:<sha256>#p3")
    a.add_argument("text", metavar="TEXT", nargs="+", help="the note (several words are joined with spaces)")

    a = actions.add_parser("rm", help="remove the note on a target", description="Remove the note on TARGET.")
    a.add_argument("target", metavar="TARGET", help="the note's target, as `paperkit notes list` shows it")

    a = actions.add_parser("export", help="export every note as Markdown", description="Every note as Markdown, grouped by kind.")
    a.add_argument("--out", metavar="FILE", help="write the Markdown to FILE (replaced atomically) instead of stdout")


def run(args: argparse.Namespace) -> int:
    from ..notes import NoteStore

    store = NoteStore.open()
    try:
        for warning in store.warnings:
            print(f"paperkit: warning: {warning}", file=sys.stderr)
        action = args.notes_action or "list"
        if action == "list":
            return _list(store, args.json)
        if action == "add":
            return _add(store, args.target, " ".join(args.text))
        if action == "rm":
            return _rm(store, args.target)
        return _export(store, args.out)
    finally:
        store.close()


def parse_target(target: str) -> tuple[str, str]:
    """``(kind, id)`` of a target such as "eq:ddim.12"; a UserError unless it looks like kind:id."""
    m = _TARGET.fullmatch(target.strip())
    if not m:
        raise UserError(f"a note target looks like kind:id with kind one of {', '.join(KINDS)} (e.g. eq:ddim.12), not {target!r}")
    return m.group(1).lower(), m.group(2).rstrip()


def canonical_target(target: str) -> str:
    """The target with its id checked against the catalog for eq: and paper: (a UserError suggesting ids if unknown)."""
    kind, key = parse_target(target)
    if kind not in KINDS:
        raise UserError(f"unknown note kind {kind!r} in {target!r}: use one of {', '.join(KINDS)} (e.g. eq:ddim.12)")
    if kind in ("eq", "paper"):
        from ..catalog import load_catalog

        catalog = load_catalog()
        key = catalog.equation(key).id if kind == "eq" else catalog.paper(key.lower()).id
    return f"{kind}:{key}"


def _list(store, as_json: bool) -> int:
    notes = store.list()
    if as_json:
        from .output import print_json

        print_json([{"target": n.target, "text": n.text, "created": n.created, "updated": n.updated} for n in notes])
        return 0
    if not notes:
        print('No notes yet. `paperkit notes add eq:ddim.12 "the sampler"` adds one.')
        return 0
    width = min(max(len(n.target) for n in notes), 40)
    for n in notes:
        first, *rest = n.text.strip().splitlines() or [""]
        more = " …" if rest else ""
        print(f"{n.target:<{width}}  {first}{more}")
    print(f"\n{len(notes)} note{'s' if len(notes) != 1 else ''} in {store.path}")
    return 0


def _add(store, target: str, text: str) -> int:
    if not text.strip():
        raise UserError("the note is empty: `paperkit notes rm TARGET` removes a note")
    target = canonical_target(target)
    existed = store.get(target) is not None
    store.save(target, text)
    print(f"{'replaced' if existed else 'saved'} the note on {target}")
    return 0


def _rm(store, target: str) -> int:
    kind, key = parse_target(target)
    # a note stays removable even when its equation or paper has left the catalog: try it as written
    # first, then the catalog's spelling of the id
    candidates = [f"{kind}:{key}"]
    try:
        candidates.append(canonical_target(target))
    except UserError:
        pass
    for candidate in candidates:
        if store.delete(candidate):
            print(f"removed the note on {candidate}")
            return 0
    raise UserError(f"no note on {candidates[-1]}; `paperkit notes list` shows the notes")


def _export(store, out: str | None) -> int:
    markdown = store.export_markdown()
    if out is None:
        sys.stdout.write(markdown)
        return 0
    path = Path(out).expanduser()
    if path.is_dir():
        raise UserError(f"{path} is a folder: give a file name to --out")
    from ..notes import write_atomically

    write_atomically(path, markdown)
    count = len(store.list())
    print(f"wrote {count} note{'s' if count != 1 else ''} to {path}")
    return 0
