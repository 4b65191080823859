"""Lesson 11's matrix-multiplication ladder on this machine: the table of ``paperkit run matmul``, plus the machine.

Every method of ``paperkit.lab`` (Python loops over tensors and lists, Numba dot / njit / parallel,
element-wise, broadcasting, einsum, torch; on a GPU numba.cuda and torch CUDA) on the lesson's
5×784 @ 784×10 and 50,000×784 @ 784×10, random data. Median time per call, speed-up over the Python
loops, ratio to torch's ``@``, largest error against torch; the slow loops are timed on a few rows
and scaled (the note says so). Numba compiles before timing. Then the lesson's targets, met or not.

    .venv/bin/python bench/matmul.py [--repeats 3] [--quick] [--rows 50000] [--device auto|cpu|cuda] [--json]

``--json`` prints ``{"rows": [{"method", "shape", "seconds", "vs_python", "vs_torch", "max_abs_err", "note"}],
"targets": [...], "machine": {...}}``. Timings are reports, not tests: they move with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from paperkit.lab.bench import LESSON_SHAPES, format_rows, machine_info, run_benchmark, targets, to_json


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3, help="timed runs per method, median reported (default 3)")
    p.add_argument("--quick", action="store_true", help="one timed run per method (about half the time)")
    p.add_argument("--rows", type=int, default=LESSON_SHAPES[1][0], help="rows of the large problem (default 50,000)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                   help="auto: GPU rows when CUDA is available; cpu: none; cuda: required")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = p.parse_args(argv)
    if args.repeats < 1 or args.rows < 1:
        p.error("--repeats and --rows must be at least 1")
    (m, k, n), _ = LESSON_SHAPES
    shapes = ((m, k, n), (args.rows, k, n))
    include_gpu = {"auto": None, "cpu": False, "cuda": True}[args.device]

    def progress(step, total, info):
        if not args.json:
            print(f"\r\033[K{step}/{total} {info['shape']} {info['method']}", end="", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    rows = run_benchmark(shapes, repeats=1 if args.quick else args.repeats, seed=args.seed,
                         include_gpu=include_gpu, callback=progress)
    elapsed = time.perf_counter() - t0
    info = machine_info()
    goals = targets(rows)
    if args.json:
        print(json.dumps({**to_json(rows), "targets": goals, "machine": info, "elapsed_s": round(elapsed, 2)},
                         indent=2, ensure_ascii=False))
        return 0
    print(file=sys.stderr)
    print("Lesson 11: C = A @ B from scratch (median per call; vs python: × faster than the Python loops, "
          "vs torch: × torch's time)")
    print(f"{info['cpu']}, {info['cores']} cores ({info['machine']}); python {info['python']}, torch {info['torch']} "
          f"({info['torch_threads']} threads), numba {info['numba']} ({info['numba_threads']} threads, "
          f"{info['numba_threading_layer']}); GPU: {info['gpu'] or 'none'}")
    print()
    print(format_rows(rows))
    print()
    for goal in goals:
        print(f"{'met    ' if goal['met'] else 'NOT met'}  {goal['target']}: {goal['measured']}")
    print(f"\n{elapsed:.1f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
