"""How well ``glyph_latex.to_latex`` rebuilds equation LaTeX from PDF glyphs: fixture equations vs truth.

For every numbered equation listed in ``tests/fixtures/pdf/truth.json`` (TeX-typeset fixture PDFs
whose ground truth is the catalog LaTeX), the display box comes from ``paperkit.pdf.equations``
(matched to the truth by the label's box; a simple fallback grows the box from the label when the
detector misses it), the label's glyphs are left out, and the predicted LaTeX is compared with the
truth by ``latex_metric.token_edit_distance``. Prints id, distance, prediction and truth per
equation, then the mean beside the published anchors (pix2tex 0.10, Nougat 0.06) and the time per
equation. Fixtures marked ``"heldout": true`` are left out: ``bench/latex_heldout.py`` measures them.

    .venv/bin/python bench/latex_accuracy.py [--json] [--fixtures DIR]
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

from paperkit.pdf import extract  # noqa: E402
from paperkit.pdf.glyph_latex import to_latex  # noqa: E402
from paperkit.pdf.latex_metric import token_edit_distance  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
ANCHORS = {"pix2tex": 0.10, "Nougat": 0.06}


@dataclass
class Result:
    pdf: str
    page: int
    label: str
    id: str
    truth: str
    predicted: str
    distance: float
    seconds: float
    box_source: str  # "detector" or "fallback"


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def fallback_box(raw: dict, label_bbox, page_width: float) -> tuple[float, float, float, float]:
    """The display around a label when no detector is at hand: the label's column, grown up and down
    from the label's row through rows that are not prose (few words, or not starting at the column's
    left edge), stopping at a gap of more than two lines."""
    lx0, ly0, lx1, ly1 = label_bbox
    lines = []
    for block in raw["blocks"]:
        for line in block.get("lines", []):
            if line["dir"][0] < 0.99:
                continue
            text = "".join(ch["c"] for span in line["spans"] for ch in span["chars"])
            lines.append((tuple(line["bbox"]), text))
    col_x1 = lx1
    col_x0 = min((b[0] for b, _ in lines if b[2] <= col_x1 + 1 and b[0] > (col_x1 - page_width * 0.55)), default=0.0)
    cy = (ly0 + ly1) / 2
    size = ly1 - ly0
    in_col = sorted((b, t) for b, t in lines if b[0] >= col_x0 - 1 and b[2] <= col_x1 + 1)

    def prose(b, t) -> bool:
        words = [w for w in t.split() if sum(c.isalpha() for c in w) >= 3]
        return len(words) >= 4 and b[0] <= col_x0 + 2 * size

    top, bottom = ly0, ly1
    for b, t in sorted(in_col, key=lambda bt: -bt[0][3]):  # upwards
        if b[3] > cy:
            continue
        if top - b[3] > 2.2 * size or prose(b, t):
            break
        top = min(top, b[1])
    for b, t in sorted(in_col, key=lambda bt: bt[0][1]):  # downwards
        if b[1] < cy:
            continue
        if b[1] - bottom > 2.2 * size or prose(b, t):
            break
        bottom = max(bottom, b[3])
    return (col_x0, top, col_x1, bottom)


def display_boxes(doc, page_number: int) -> list:
    """The detector's equations on a page (label, bbox, label_bbox), or [] when it is not available."""
    try:
        from paperkit.pdf.index import page_equations
    except ImportError:
        return []
    return page_equations(doc, page_number, latex=False)


def evaluate(fixtures: Path = FIXTURES) -> list[Result]:
    from paperkit.pdf.document import open_pdf

    truth = json.loads((fixtures / "truth.json").read_text())
    results: list[Result] = []
    for pdf_name, info in truth.items():
        if not pdf_name.endswith(".pdf") or not isinstance(info, dict) or info.get("heldout"):
            continue
        with open_pdf(fixtures / pdf_name) as doc:
            detected: dict[int, list] = {}
            for eq in info["equations"]:
                page_number = eq["page"]
                if page_number not in detected:
                    detected[page_number] = display_boxes(doc, page_number)
                page = doc.page(page_number)
                raw = extract.read_rawdict(page)
                label_bbox = tuple(eq["label_bbox"])
                match = next((d for d in detected[page_number] if d.label == eq["label"]
                              and _overlap(d.label_bbox, label_bbox)), None)
                if match is not None:
                    bbox, source = match.bbox, "detector"
                else:
                    bbox, source = fallback_box(raw, label_bbox, page.rect.width), "fallback"
                glyphs = [g for g in extract.glyphs_in(raw, bbox) if not extract.contains_center(label_bbox, g.bbox)]
                rules = extract.rules_in(page.get_cdrawings(), bbox)
                t0 = time.perf_counter()
                predicted = to_latex(glyphs, rules)
                seconds = time.perf_counter() - t0
                results.append(Result(pdf_name, page_number, eq["label"], eq.get("catalog_id") or f"{pdf_name}:{eq['label']}",
                                      eq["latex"], predicted, token_edit_distance(predicted, eq["latex"]), seconds, source))
    return results


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    p.add_argument("--fixtures", type=Path, default=FIXTURES, help="folder with truth.json and the PDFs")
    args = p.parse_args(argv)
    results = evaluate(args.fixtures)
    mean = statistics.fmean(r.distance for r in results) if results else float("nan")
    per_eq_ms = 1000 * statistics.median(r.seconds for r in results) if results else float("nan")
    if args.json:
        print(json.dumps({"mean_distance": mean, "median_ms_per_equation": per_eq_ms, "anchors": ANCHORS,
                          "equations": [r.__dict__ for r in results]}, indent=1))
        return 0
    for r in results:
        flag = "" if r.box_source == "detector" else "  [fallback box]"
        print(f"{r.pdf:<14} p{r.page} ({r.label:>4}) {r.id:<30} distance {r.distance:.3f}  {1000 * r.seconds:6.1f} ms{flag}")
        if r.distance > 0:
            print(f"    predicted: {r.predicted}")
            print(f"    truth:     {r.truth}")
    exact = sum(r.distance == 0 for r in results)
    print()
    print(f"equations: {len(results)}, exact: {exact}")
    print(f"mean normalised token edit distance: {mean:.4f}")
    for name, value in ANCHORS.items():
        print(f"  anchor {name:<8} {value:.2f}")
    print(f"time per equation: median {per_eq_ms:.1f} ms, max {1000 * max(r.seconds for r in results):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
