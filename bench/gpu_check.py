"""Every demo on CUDA and on the CPU: the time ratio cuda/cpu and the largest differences between outputs.

Both devices start from the same noise (every draw comes from a seeded CPU generator, then moves to
the device), so the outputs differ only by floating-point rounding, compounded over the sampling
steps: the check reports, per demo, the largest pixel difference (0..255) in any image, the share of
pixels that differ by more than 8 levels, and the largest relative difference over the metrics. It
also runs each demo twice on CUDA to confirm the same seed gives the same result there.

Without CUDA it says so and makes one quick CPU-only pass (few steps) so that the script itself is
exercised, then exits 0.

    .venv/bin/python bench/gpu_check.py [--repeats 3] [--steps N] [--demo NAME ...] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from paperkit.demos import DEMOS, run_demo  # noqa: E402
from paperkit.models import load_model  # noqa: E402

CPU_ONLY_STEPS = 4


def timed(name, model, device, steps, repeats):
    """(median seconds over ``repeats`` runs after a warm-up, the last result)."""
    fn = _common.synced(lambda: run_demo(name, model, device=device, seed=0, steps=steps), device)
    result = fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def differences(a, b) -> dict:
    """Largest differences between two results of one demo: images (0..255 levels) and metrics (relative)."""
    max_px, share = 0, 0.0
    for key in a.images:
        d = np.abs(a.images[key].astype(np.int16) - b.images[key].astype(np.int16))
        max_px = max(max_px, int(d.max()))
        share = max(share, float((d > 8).mean()))
    max_rel, worst = 0.0, None
    for key in a.metrics.keys() & b.metrics.keys():
        x, y = float(a.metrics[key]), float(b.metrics[key])
        rel = abs(x - y) / max(abs(x), abs(y), 1e-12) if not (math.isnan(x) and math.isnan(y)) else 0.0
        if rel > max_rel:
            max_rel, worst = rel, key
    return {"max_pixel_diff": max_px, "share_pixels_over_8": share, "max_metric_rel_diff": max_rel, "worst_metric": worst}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3, help="timed runs per demo and device (median; default 3)")
    p.add_argument("--steps", type=int, default=None, help="steps for every demo (default: each demo's own)")
    p.add_argument("--demo", action="append", choices=list(DEMOS), help="only these demos (repeatable)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = p.parse_args(argv)
    names = args.demo or list(DEMOS)

    if not torch.cuda.is_available():
        model = load_model("digits", device="cpu")
        rows = {}
        for name in names:
            t0 = time.perf_counter()
            run_demo(name, model, device="cpu", seed=0, steps=CPU_ONLY_STEPS if DEMOS[name].needs_model else None)
            rows[name] = {"cpu_s": time.perf_counter() - t0, "steps": CPU_ONLY_STEPS}
        if args.json:
            print(json.dumps({"benchmark": "gpu_check", "cuda": False, "cpu_only": rows}, indent=2))
        else:
            print(f"CUDA is not available: nothing to compare. CPU-only pass at {CPU_ONLY_STEPS} steps:")
            for name, row in rows.items():
                print(f"  {name:22s}{row['cpu_s']:8.3f} s  ok")
        return 0

    cuda, cpu = torch.device("cuda"), torch.device("cpu")
    models = {"cuda": load_model("digits", device=cuda), "cpu": load_model("digits", device=cpu)}
    rows = {}
    for name in names:
        gpu_s, gpu_result = timed(name, models["cuda"], cuda, args.steps, args.repeats)
        cpu_s, cpu_result = timed(name, models["cpu"], cpu, args.steps, args.repeats)
        again = run_demo(name, models["cuda"], device=cuda, seed=0, steps=args.steps)
        rows[name] = {"cuda_s": gpu_s, "cpu_s": cpu_s, "ratio_cuda_over_cpu": gpu_s / cpu_s,
                      "cuda_repeatable": again.comparable() == gpu_result.comparable(),
                      **differences(gpu_result, cpu_result)}
    env = {"gpu": torch.cuda.get_device_name(cuda), "torch": torch.__version__, "cpu_threads": torch.get_num_threads()}
    if args.json:
        print(json.dumps({"benchmark": "gpu_check", "cuda": True, "rows": rows, "repeats": args.repeats,
                          "steps": args.steps, "environment": env}, indent=2))
        return 0
    print(f"Demos on CUDA vs CPU, median of {args.repeats} runs after a warm-up; {env['gpu']}, "
          f"torch {env['torch']}, {env['cpu_threads']} CPU threads")
    print(f"{'demo':22s}{'cuda s':>9s}{'cpu s':>9s}{'cuda/cpu':>10s}{'max Δpx':>9s}{'>8 lv':>8s}{'max Δmetric':>13s}  repeatable")
    for name, r in rows.items():
        print(f"{name:22s}{r['cuda_s']:9.3f}{r['cpu_s']:9.3f}{r['ratio_cuda_over_cpu']:10.2f}{r['max_pixel_diff']:9d}"
              f"{r['share_pixels_over_8']:8.1%}{r['max_metric_rel_diff']:13.2e}  {r['cuda_repeatable']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
