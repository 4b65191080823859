"""``paperkit eq ID [--json] [--verify]``: one equation with its meaning, symbols and code."""

from __future__ import annotations

import argparse

from ..catalog import Equation, load_catalog
from ..catalog.code_links import CodeLinkError, locate
from ..errors import UserError
from ..render import to_unicode
from .output import display_width, pad, print_json, wrap


def add_parser(sub) -> None:
    p = sub.add_parser(
        "eq", help="show an equation, its symbols and the code behind it",
        description="Show a catalog equation: LaTeX, a Unicode rendering, its meaning, its symbols with "
        "their meaning in this paper, and the code that implements it. Give a paper id to list its equations.",
    )
    p.add_argument("id", help="an equation id such as ddim.12, or a paper id to list its equations")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--verify", action="store_true", help="also check the equation against its code numerically (loads torch and sympy)")
    p.set_defaults(func=run)


def equation_record(eq: Equation) -> dict:
    """The JSON form: id, paper, number, latex, text, meaning, symbols, code (plus notes)."""
    record = {
        "id": eq.id,
        "paper": eq.paper,
        "number": eq.number,
        "title": eq.title,
        "latex": eq.latex,
        "text": to_unicode(eq.latex),
        "meaning": eq.meaning,
        "symbols": [{"latex": s.latex, "text": to_unicode(s.latex), "meaning": s.meaning} for s in eq.symbols],
        "code": None,
        "demo": eq.demo,
        "number_note": eq.number_note or None,
        "notes": list(eq.notes),
    }
    if eq.code:
        loc = locate(eq.code)
        record["code"] = {"object": loc.object, "file": loc.file, "line": loc.line, "source": loc.source}
    return record


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog()
    key = args.id.strip().lower()
    if key in {p.id for p in catalog.papers} and "." not in key:
        paper = catalog.paper(key)
        for e in paper.equations:
            print(f"{e.id:<32} {e.label:<28} {e.title}")
        return 0
    eq = catalog.equation(args.id)
    try:
        record = equation_record(eq)
    except CodeLinkError as exc:  # a catalog bug, but the user still gets the rest
        raise UserError(f"{eq.id}: its code link is broken ({exc})") from exc
    results = _verify(eq) if args.verify else None
    if args.json:
        if results is not None:
            record["verified"] = [{"part": r.part, "ok": r.ok, "max_abs_err": r.max_abs_err, "message": r.message} for r in results]
        print_json(record)
        return 0 if results is None or all(r.ok for r in results) else 1
    _print(record, eq)
    if results is not None:
        print("\nVerification (sympy on the LaTeX vs the code, float64)")
        for r in results:
            print(f"  {'✓' if r.ok else '✗'} {r.part:<20} max |difference| {r.max_abs_err:.2e} {r.message}")
        if not results:
            print("  no numeric check: " + ("; ".join(eq.notes) or "not a closed form"))
        return 0 if all(r.ok for r in results) else 1
    return 0


def _verify(eq: Equation):
    from ..verify.checks import run_check

    return [run_check(eq, c) for c in eq.checks]


def _print(record: dict, eq: Equation) -> None:
    paper = load_catalog().paper(eq.paper)
    where = f"eq. {eq.label}" if eq.numbered else eq.label
    print(f"{eq.id} — {paper.short} {where}: {eq.title}")
    print()
    print("  " + record["text"])
    print()
    print("LaTeX")
    print("  " + record["latex"])
    print("\nMeaning")
    print(wrap(record["meaning"]))
    if record["number_note"]:
        print("\nNumbering")
        print(wrap(record["number_note"]))
    if record["symbols"]:
        print("\nSymbols (meaning in this paper)")
        width = max(display_width(s["text"]) for s in record["symbols"])
        for s in record["symbols"]:
            print(f"  {pad(s['text'], width)}  {s['meaning']}   [{s['latex']}]")
    for note in record["notes"]:
        print("\nNote")
        print(wrap(note))
    code = record["code"]
    if code:
        print(f"\nCode: {code['object']}  ({code['file']}:{code['line']})")
        print("\n".join("  " + line for line in code["source"].splitlines()))
    else:
        print("\nCode: none linked")
    if eq.demo:
        print(f"\nDemo: paperkit run {eq.demo}")
