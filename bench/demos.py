"""Every demo timed on this machine at its default settings, against the aim of 5 s per demo.

One warm-up run of each demo (untimed: first calls allocate and pick kernels), then ``--repeats``
timed runs, interleaved across demos so that drift in clock speed hits all of them; the median is
reported. The model is loaded once (``load_model("digits")``) and its load time reported apart.
A second table times one ε_θ call at a few batch sizes: what the sampling demos are made of.

    .venv/bin/python bench/demos.py [--repeats 3] [--device cpu] [--demo NAME ...] [--json]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

import torch  # noqa: E402

from paperkit.demos import DEMOS, run_demo  # noqa: E402
from paperkit.models import load_model  # noqa: E402

AIM_S = 5.0


def eps_timings(model, device, batches=(1, 2, 10, 20, 40), calls=30) -> dict[int, float]:
    """Median milliseconds of one ε_θ(x_t, t, c) call per batch size (5 rounds of ``calls`` calls)."""
    out = {}
    for b in batches:
        x = torch.randn(b, 1, 16, 16, generator=torch.Generator().manual_seed(0)).to(device)
        c = (torch.arange(b) % 10).to(device)
        fn = _common.synced(lambda: [model.eps(x, 500, c) for _ in range(calls)], device)
        fn()
        rounds = []
        for _ in range(5):
            t0 = time.perf_counter()
            fn()
            rounds.append((time.perf_counter() - t0) / calls * 1e3)
        out[b] = statistics.median(rounds)
    return out


def main(argv=None) -> int:
    p = _common.parser(__doc__.splitlines()[0])
    p.set_defaults(repeats=3)
    p.add_argument("--demo", action="append", choices=list(DEMOS), help="only these demos (repeatable)")
    args = p.parse_args(argv)
    names = args.demo or list(DEMOS)
    device = torch.device(args.device)

    t0 = time.perf_counter()
    model = load_model("digits", device=device)
    load_s = time.perf_counter() - t0

    def runner(name):
        return _common.synced(lambda: run_demo(name, model, device=device, seed=0), device)

    times = _common.time_interleaved({name: runner(name) for name in names}, args.repeats, warmup=1)
    rows = {}
    for name in names:
        row = _common.summary(times[name])
        row["aim_s"] = AIM_S
        row["within_aim"] = row["median_s"] <= AIM_S
        row["steps"] = DEMOS[name].default_steps
        rows[name] = row
    eps_ms = eps_timings(model, device)
    env = _common.environment(device)
    if args.json:
        print(json.dumps({"benchmark": "demos", "rows": rows, "model_load_s": load_s, "eps_ms_by_batch": eps_ms,
                          "repeats": args.repeats, "environment": env}, indent=2))
        return 0
    print(f"Demos at their default settings, median of {args.repeats} runs after a warm-up (aim: {AIM_S:g} s each)")
    print(f"{env['device']}; torch {env['torch']}, {env['threads']} CPU threads, {env['machine']}")
    print(f"{'demo':22s}{'steps':>7s}{'median s':>10s}{'min s':>9s}{'max s':>9s}{'of aim':>9s}  ")
    for name, row in rows.items():
        steps = "" if row["steps"] is None else str(row["steps"])
        mark = "ok" if row["within_aim"] else "OVER"
        print(f"{name:22s}{steps:>7s}{row['median_s']:10.3f}{row['min_s']:9.3f}{row['max_s']:9.3f}"
              f"{row['median_s'] / AIM_S:9.0%}  {mark}")
    print(f"model load: {load_s:.3f} s")
    print("one ε_θ call: " + ", ".join(f"batch {b}: {ms:.2f} ms" for b, ms in eps_ms.items()))
    over = [n for n, r in rows.items() if not r["within_aim"]]
    print("all within the aim" if not over else f"over the aim: {', '.join(over)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
