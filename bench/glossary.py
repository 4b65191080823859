"""The glossary, measured: hit@1 and hit@3 on the blind query set (tests/data/glossary_queries.toml),
look-up latency percentiles over the whole glossary against a reference (difflib over the same
phrases, the standard library's fuzzy matcher), the same look-ups in a paper's context (DDIM: each
hit then carries how DDIM writes and means it), and the coverage of the math symbols the PDF engine
finds in the real PDFs and the fixtures.

    .venv/bin/python bench/glossary.py [--repeats 20] [--json]
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PDFS = sorted((ROOT.parent / "shared/papers/pdf").glob("*.pdf")) + sorted((ROOT / "tests/fixtures/pdf").glob("*.pdf"))


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def hit_rates(queries: list[dict]) -> dict:
    from paperkit.glossary import lookup

    by_kind: dict[str, list[tuple[bool, bool]]] = {}
    misses = []
    for q in queries:
        keys = [h.entry.key for h in lookup(q["query"], paper=q.get("paper"), limit=3)]
        hit1 = bool(keys) and keys[0] in q["expect"]
        hit3 = any(k in q["expect"] for k in keys)
        by_kind.setdefault(q["kind"], []).append((hit1, hit3))
        if not hit1:
            misses.append({"query": q["query"], "kind": q["kind"], "expect": q["expect"], "got": keys})
    rows = {kind: {"n": len(v), "hit@1": sum(a for a, _ in v) / len(v), "hit@3": sum(b for _, b in v) / len(v)}
            for kind, v in sorted(by_kind.items())}
    flat = [x for v in by_kind.values() for x in v]
    rows["all"] = {"n": len(flat), "hit@1": sum(a for a, _ in flat) / len(flat), "hit@3": sum(b for _, b in flat) / len(flat)}
    return {"rows": rows, "misses": misses}


def latency(queries: list[str], repeats: int, paper: str | None = None) -> dict:
    from paperkit.glossary import glossary, lookup

    g = glossary()
    phrases = sorted(g.by_phrase)
    ours, reference = [], []
    lookup("alpha", paper=paper)  # the catalog's decorated forms and the paper's symbols, read once
    for _ in range(repeats):
        for q in queries:
            t0 = time.perf_counter()
            lookup(q, paper=paper)
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            difflib.get_close_matches(q.casefold(), phrases, n=3, cutoff=0.6)
            reference.append(time.perf_counter() - t0)
    return {"lookups": len(ours), "p50_ms": percentile(ours, 0.5) * 1e3, "p99_ms": percentile(ours, 0.99) * 1e3,
            "max_ms": max(ours) * 1e3, "difflib_p50_ms": percentile(reference, 0.5) * 1e3,
            "difflib_p99_ms": percentile(reference, 0.99) * 1e3,
            "ratio_p99_ours_over_difflib": percentile(ours, 0.99) / percentile(reference, 0.99)}


def coverage() -> dict:
    from paperkit.glossary import glossary
    from paperkit.pdf.document import open_pdf
    from paperkit.pdf.index import iter_equations

    g = glossary()
    seen: dict[tuple[str, str], str] = {}
    for path in PDFS:
        with open_pdf(path) as doc:
            for eq in iter_equations(doc):
                for s in eq.symbols:
                    seen[(s.char, s.latex)] = path.name
    missing = [(c, l, f) for (c, l), f in seen.items() if g.resolve(c, l) is None]
    return {"symbols": len(seen), "resolved": len(seen) - len(missing), "share": 1 - len(missing) / max(1, len(seen)),
            "missing": missing}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)

    from paperkit.glossary import glossary

    t0 = time.perf_counter()
    g = glossary()
    build_s = time.perf_counter() - t0
    queries = tomllib.loads((ROOT / "tests/data/glossary_queries.toml").read_text())["query"]
    rates = hit_rates(queries)
    sample = [q["query"] for q in queries] + [e.name for e in g.entries[::7]] + [e.char for e in g.entries[::5] if e.char]
    lat = latency(sample, args.repeats)
    in_paper = latency(sample, args.repeats, paper="ddim")
    cov = coverage()
    result = {"entries": len(g.entries), "hand_entries": sum(e.source == "hand" for e in g.entries),
              "build_s": build_s, "hits": rates["rows"], "latency": lat, "latency_in_ddim": in_paper,
              "coverage": cov, "misses": rates["misses"]}
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    print(f"glossary: {result['entries']} entries ({result['hand_entries']} hand-written), built in {build_s:.2f} s")
    print(f"{'kind':14s}{'n':>5s}{'hit@1':>8s}{'hit@3':>8s}")
    for kind, row in rates["rows"].items():
        print(f"{kind:14s}{row['n']:5d}{row['hit@1']:8.3f}{row['hit@3']:8.3f}")
    print(f"latency over {lat['lookups']} look-ups: p50 {lat['p50_ms']:.3f} ms, p99 {lat['p99_ms']:.3f} ms, "
          f"max {lat['max_ms']:.2f} ms (target p99 < 1 ms)")
    print(f"in DDIM's context (each hit with DDIM's spelling, meaning and code): p50 {in_paper['p50_ms']:.3f} ms, "
          f"p99 {in_paper['p99_ms']:.3f} ms, max {in_paper['max_ms']:.2f} ms")
    print(f"reference difflib.get_close_matches: p50 {lat['difflib_p50_ms']:.3f} ms, p99 {lat['difflib_p99_ms']:.3f} ms; "
          f"ratio p99 ours/difflib = {lat['ratio_p99_ours_over_difflib']:.3f}")
    print(f"coverage of PDF math symbols: {cov['resolved']}/{cov['symbols']} = {cov['share']:.3f} (target 1.0)")
    for c, l, f in cov["missing"]:
        print(f"  missing {c!r} {l} ({f})")
    for m in rates["misses"]:
        print(f"  miss [{m['kind']}] {m['query']!r}: expected {m['expect']}, got {m['got']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
