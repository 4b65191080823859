"""How well the equation index rebuilds LaTeX on equations it was not developed on: the held-out fixture.

``tests/fixtures/pdf/heldout.pdf`` (``"heldout": true`` in ``truth.json``) holds equations written for
it, none from the catalog that ``glyph_latex`` was developed against. For every numbered equation in
its truth, the detected equation with the same page and label is taken from
``paperkit.pdf.index.iter_equations`` (detection, display box and LaTeX, end to end) and its
``latex`` is compared with the truth by ``latex_metric.token_edit_distance``; a truth equation that is
not detected counts as distance 1.0. Prints page, label, distance, prediction and truth per equation,
the labels missed and the extra ones detected, then the mean beside the published anchors
(pix2tex 0.10, Nougat 0.06) and the five worst.

    .venv/bin/python bench/latex_heldout.py [--json] [--fixtures DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from paperkit.pdf.latex_metric import token_edit_distance  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
ANCHORS = {"pix2tex": 0.10, "Nougat": 0.06}
MISSED = 1.0  # distance of a truth equation that is not detected


@dataclass
class Result:
    pdf: str
    page: int
    label: str
    truth: str
    predicted: str | None  # None: not detected
    distance: float


def evaluate(fixtures: Path = FIXTURES) -> tuple[list[Result], list[tuple[str, int, str]], float]:
    """Per truth equation of the held-out fixtures; the extra (pdf, page, label) detected; seconds taken."""
    from paperkit.pdf.document import open_pdf
    from paperkit.pdf.index import iter_equations

    truth = json.loads((fixtures / "truth.json").read_text())
    results: list[Result] = []
    extra: list[tuple[str, int, str]] = []
    seconds = 0.0
    for pdf_name, info in truth.items():
        if not pdf_name.endswith(".pdf") or not isinstance(info, dict) or not info.get("heldout"):
            continue
        with open_pdf(fixtures / pdf_name) as doc:
            t0 = time.perf_counter()
            detected = list(iter_equations(doc))
            seconds += time.perf_counter() - t0
        by_key: dict[tuple[int, str], list] = {}
        for eq in detected:
            by_key.setdefault((eq.page, eq.label), []).append(eq)
        wanted = {(eq["page"], eq["label"]) for eq in info["equations"]}
        extra += [(pdf_name, eq.page, eq.label) for eq in detected if (eq.page, eq.label) not in wanted]
        for eq in info["equations"]:
            found = by_key.get((eq["page"], eq["label"]))
            if not found:
                results.append(Result(pdf_name, eq["page"], eq["label"], eq["latex"], None, MISSED))
                continue
            predicted = found.pop(0).latex or ""
            results.append(Result(pdf_name, eq["page"], eq["label"], eq["latex"], predicted,
                                  token_edit_distance(predicted, eq["latex"])))
        extra += [(pdf_name, eq.page, eq.label) for rest in by_key.values() for eq in rest
                  if (eq.page, eq.label) in wanted]  # a label detected twice
    return results, extra, seconds


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    p.add_argument("--fixtures", type=Path, default=FIXTURES, help="folder with truth.json and the PDFs")
    args = p.parse_args(argv)
    results, extra, seconds = evaluate(args.fixtures)
    if not results:
        print("no held-out fixture in truth.json")
        return 1
    mean = statistics.fmean(r.distance for r in results)
    detected = [r for r in results if r.predicted is not None]
    missed = [r for r in results if r.predicted is None]
    mean_detected = statistics.fmean(r.distance for r in detected) if detected else float("nan")
    worst = sorted(results, key=lambda r: -r.distance)[:5]
    if args.json:
        print(json.dumps({"mean_distance": mean, "mean_distance_detected": mean_detected,
                          "detected": len(detected), "equations": len(results),
                          "missed": [f"{r.pdf}:p{r.page}:({r.label})" for r in missed],
                          "extra": [f"{pdf}:p{page}:({label})" for pdf, page, label in extra],
                          "seconds": seconds, "anchors": ANCHORS,
                          "results": [r.__dict__ for r in results]}, indent=1))
        return 0
    for r in results:
        flag = "  [not detected]" if r.predicted is None else ""
        print(f"{r.pdf:<14} p{r.page} ({r.label:>4}) distance {r.distance:.3f}{flag}")
        if r.distance > 0 and r.predicted is not None:
            print(f"    predicted: {r.predicted}")
            print(f"    truth:     {r.truth}")
    exact = sum(r.distance == 0 for r in results)
    print()
    print(f"equations: {len(results)}, detected: {len(detected)}, exact: {exact}")
    print(f"missed: {', '.join(f'{r.pdf} p{r.page} ({r.label})' for r in missed) or 'none'}")
    print(f"extra:  {', '.join(f'{pdf} p{page} ({label})' for pdf, page, label in extra) or 'none'}")
    print(f"mean normalised token edit distance: {mean:.4f} (a missed equation counts {MISSED:.1f})")
    print(f"  over the detected equations only:  {mean_detected:.4f}")
    for name, value in ANCHORS.items():
        print(f"  anchor {name:<8} {value:.2f}")
    print("five worst:")
    for r in worst:
        print(f"  p{r.page} ({r.label:>4}) {r.distance:.3f}")
        print(f"    predicted: {r.predicted if r.predicted is not None else '(not detected)'}")
        print(f"    truth:     {r.truth}")
    print(f"time: {seconds:.2f} s for detection and LaTeX of {len(results)} equations")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
