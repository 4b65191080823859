"""Full indexing (text in reading order, numbered equations, their LaTeX and symbols, and the paper's
own notation: symbol definitions and uses, cross-references and their targets, every page) against
pymupdf's own ``page.get_text("rawdict")`` over the same pages, in the same process.

Both sides open the file fresh each round, so neither profits from the other's caches; they are
timed alternately (see ``_common.time_interleaved``). The same indexing without the notation is
timed too ("plain"), so the notation's own share shows. Target (issues 4 and 14): ratio ≤ 2.

    .venv/bin/python bench/pdf_index.py [--repeats 5] [--json] [PDF ...]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = sorted((ROOT.parent / "shared/papers/pdf").glob("*.pdf")) + sorted((ROOT / "tests/fixtures/pdf").glob("*.pdf"))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("pdfs", nargs="*", type=Path, default=DEFAULT)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)

    import pymupdf

    from paperkit.pdf.document import open_pdf
    from paperkit.pdf.extract import TEXT_FLAGS
    from paperkit.pdf.index import index_document

    rows, ratios = [], []
    for path in args.pdfs:
        data = path.read_bytes()

        def raw():
            doc = pymupdf.open(stream=data, filetype="pdf")
            for page in doc:
                page.get_text("rawdict", flags=TEXT_FLAGS)  # text only: ours also collects the vector paths

        def ours():
            return index_document(open_pdf(data, name=path.name))

        def plain():
            return index_document(open_pdf(data, name=path.name), notation=False)

        times = _common.time_interleaved({"raw": raw, "plain": plain, "ours": ours}, args.repeats)
        index = ours()
        ratio = _common.paired_ratio(times["ours"], times["raw"])
        ratios.append(ratio)
        notation = index.notation
        rows.append({"pdf": path.name, "pages": len(index.pages), "equations": len(index.equations),
                     "symbols": len(notation.symbols), "defined": sum(1 for s in notation.symbols if s.definition),
                     "references": len(notation.mentions),
                     "rawdict_s": statistics.median(times["raw"]), "plain_s": statistics.median(times["plain"]),
                     "ours_s": statistics.median(times["ours"]),
                     "plain_ratio": round(_common.paired_ratio(times["plain"], times["raw"]), 3),
                     "ratio": round(ratio, 3)})
    overall = statistics.median(ratios)
    env = {"python": platform.python_version(), "pymupdf": pymupdf.VersionBind, "machine": platform.machine()}
    if args.json:
        print(json.dumps({"benchmark": "pdf indexing vs rawdict", "rows": rows, "median_ratio": round(overall, 3),
                          "environment": env}, indent=2))
        return 0
    print(f"PDF indexing vs pymupdf get_text('rawdict'); pymupdf {env['pymupdf']}, Python {env['python']}, {env['machine']}")
    print(f"{'pdf':18s}{'pages':>6s}{'eqs':>5s}{'syms':>5s}{'refs':>5s}{'rawdict s':>11s}{'plain s':>9s}"
          f"{'ours s':>9s}{'plain':>7s}{'ratio':>7s}")
    for r in rows:
        print(f"{r['pdf']:18s}{r['pages']:6d}{r['equations']:5d}{r['symbols']:5d}{r['references']:5d}"
              f"{r['rawdict_s']:11.4f}{r['plain_s']:9.4f}{r['ours_s']:9.4f}{r['plain_ratio']:7.2f}{r['ratio']:7.2f}")
    plain = statistics.median(r["plain_ratio"] for r in rows)
    print(f"median ratio ours/rawdict = {overall:.2f}  (target ≤ 2); without the notation {plain:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
