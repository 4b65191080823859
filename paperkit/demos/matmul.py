"""``matmul``: lesson 11's ladder of speed-ups for C = A B (``lesson11.matmul``), measured on this machine.

The lesson's two problems — one mini-batch, 5×784 @ 784×10, and the whole 50,000-image training
set, 50,000×784 @ 784×10 — on random data, multiplied by every method of ``paperkit.lab``: Python
loops over tensors and over lists, Numba (a compiled ``dot``, the whole product, and its parallel
version), element-wise products, broadcasting, einsum and torch's ``@``; on a CUDA device also the
``numba.cuda`` kernel and torch on the GPU. ``paperkit.lab.bench`` does the timing (compile time
excluded, medians, the slow loops timed on a few rows and scaled; see its docstring).

- ``steps``: timed repeats per method (default 3; the median is reported);
- ``rows``: rows of the large problem (default 50,000, the lesson's; fewer for a quick table);
- ``include_gpu``: None adds the GPU rows when ``device`` is CUDA.

Outputs: the table "benchmark" (rows of the issue's JSON: method, shape, seconds, vs_python,
vs_torch, max_abs_err, note) and "targets", both volatile (wall-clock); a bar chart of the speed-up
over the Python loops per method and shape (log scale: ``x`` is the rung 1, 2, … and ``labels`` the
method names; marked ``"kind": "bar"`` and ``"volatile": True``, since the values are timings); the broadcasting rule at work in ``a[i, :, None] * b`` (``lesson11.broadcasting``)
and the lesson's Frobenius norm (``lesson11.frobenius``), which are deterministic.
"""

from __future__ import annotations

import time

import torch

from ..lab.bench import LESSON_SHAPES, machine_info, run_benchmark, shape_label, targets
from ..lab.broadcasting import explain_broadcast
from ..lab.frobenius import frobenius_norm
from .plans import matmul_repeats
from .result import DemoResult

CHART = "Speed-up over the pure-Python loop (× faster, log scale)"


def run(model=None, *, device="cpu", seed: int = 0, steps: int | None = None, callback=None, cancel=None,
        rows: int | None = None, include_gpu: bool | None = None) -> DemoResult:
    repeats = matmul_repeats(steps)
    if repeats < 1:
        raise ValueError(f"steps (timed repeats) must be at least 1, got {repeats}")
    (m_small, k, n), (m_big, _, _) = LESSON_SHAPES
    m_big = m_big if rows is None else int(rows)
    if m_big < 1:
        raise ValueError(f"rows must be at least 1, got {m_big}")
    shapes = ((m_small, k, n), (m_big, k, n))
    device = torch.device(device)
    gpu = include_gpu if include_gpu is not None else (False if device.type != "cuda" else None)

    t0 = time.perf_counter()
    table = run_benchmark(shapes, repeats=repeats, seed=seed, include_gpu=gpu, callback=callback, cancel=cancel)
    bench_s = time.perf_counter() - t0

    result = DemoResult("matmul", settings={"seed": seed, "device": str(device), "steps": repeats, "repeats": repeats,
                                            "shapes": [shape_label(*s) for s in shapes], "machine": machine_info()})
    result.timings["benchmark_s"] = bench_s
    columns = ["method", "shape", "seconds", "vs_python", "vs_torch", "max_abs_err", "note"]
    # "json_key": a CLI that honours it can also print these rows at the top level, {"rows": [...]}
    result.tables.append({"name": "benchmark", "volatile": True, "json_key": "rows", "columns": columns, "rows": table,
                          "title": "C = A @ B, median seconds per call (vs_python: × faster than the Python loops; "
                                   "vs_torch: × torch's time)"})
    result.tables.append({"name": "targets", "volatile": True, "columns": ["target", "measured", "met"],
                          "rows": targets(table), "title": "Lesson 11's targets on this machine"})
    for label in dict.fromkeys(r["shape"] for r in table):
        these = [r for r in table if r["shape"] == label]
        result.series[f"speedup.{label.split(' ')[0]}"] = {
            "x": list(range(1, len(these) + 1)), "y": [r["vs_python"] for r in these],
            "labels": [r["method"] for r in these], "label": label, "plot": CHART,
            "xlabel": "method (rung of the ladder)", "ylabel": "× faster than Python loops", "yscale": "log",
            "kind": "bar", "volatile": True,
        }

    # the broadcasting step of matmul_broadcast, explained (lesson11.broadcasting)
    ex = explain_broadcast((k, 1), (k, n), names=("a[i, :, None]", "b"))
    result.tables.append({
        "name": "broadcasting", "title": f"a[i, :, None] * b: {ex.shapes[0]} with {ex.shapes[1]} → {ex.result}",
        "columns": ["dim", "a[i, :, None]", "b", "result", "rule"],
        "rows": [{"dim": s.dim, "a[i, :, None]": s.sizes[0], "b": s.sizes[1], "result": s.result, "rule": s.rule}
                 for s in ex.steps],
    })
    # the lesson's Frobenius norm (lesson11.frobenius)
    lesson_matrix = torch.tensor([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])
    frob = float(frobenius_norm(lesson_matrix))

    worst = max(r["max_abs_err"] for r in table)
    limits = sorted({r["note"].split(" of ")[0].removeprefix("extrapolated from ") + f" ({r['method']})"
                     for r in table if r["note"].startswith("extrapolated")})
    result.metrics.update({"max_abs_err": worst, "within_1e-3": int(worst <= 1e-3), "methods": len({r["method"] for r in table}),
                           "rows_large": m_big, "frobenius_lesson": frob})
    result.text = [
        f"C = A @ B with A {m_small}×{k} and {m_big:,}×{k} (uniform in [0, 1), like pixels) and B {k}×{n} (N(0, 1)), "
        f"seed {seed}; median of {repeats} timed run(s) per method, Numba compiled before timing",
        "rows timed and scaled linearly for the large problem: " + (", ".join(limits) if limits else "none"),
        f"largest |C − C_torch| over every method: {worst:.2g} ({'within' if worst <= 1e-3 else 'NOT within'} 1e-3)",
        f"broadcasting in matmul_broadcast: {' with '.join(map(str, ex.shapes))} → {ex.result}",
        f"Frobenius norm of [[1,2,3],[4,5,6],[7,8,9]]: {frob:.2f} (lesson11.frobenius)",
        "timings, speed-ups and the targets are in the tables below (they change from run to run)",
    ]
    return result
