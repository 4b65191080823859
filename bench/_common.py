"""Shared helpers for the bench scripts: interleaved timing, medians, a table and ``--json``.

Each benchmark times our code and a diffusers reference in the same process, alternating the two
on every repeat (so drift in clock speed or cache state hits both), and reports medians; the final
ratio is the median of the per-round ratios (``paired_ratio``), with the ratio of medians beside it.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from typing import Callable


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--repeats", type=int, default=5, help="timed runs of each side (median reported; default 5)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    p.add_argument("--device", default="cpu", help="torch device to run on (default cpu)")
    return p


def synced(fn: Callable[[], object], device) -> Callable[[], object]:
    """``fn`` followed by a device synchronisation, so that asynchronous GPU work is inside the timing."""
    import torch

    device = torch.device(device)
    if device.type == "cuda":
        def run():
            out = fn()
            torch.cuda.synchronize(device)
            return out
        return run
    if device.type == "mps":
        def run():
            out = fn()
            torch.mps.synchronize()
            return out
        return run
    return fn


def time_interleaved(fns: dict[str, Callable[[], object]], repeats: int, warmup: int = 1) -> dict[str, list[float]]:
    """Run every function ``warmup`` times untimed, then ``repeats`` timed rounds, alternating order."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    for r in range(repeats):
        for name in (names if r % 2 == 0 else names[::-1]):
            t0 = time.perf_counter()
            fns[name]()
            times[name].append(time.perf_counter() - t0)
    return times


def paired_ratio(ours: list[float], reference: list[float]) -> float:
    """Median over rounds of ours/reference, each round timing both back to back.

    On a shared machine the speed drifts between rounds; a ratio within a round cancels the drift,
    so this is steadier than the ratio of the two medians (which is reported beside it).
    """
    return statistics.median(a / b for a, b in zip(ours, reference))


def summary(times: list[float]) -> dict[str, float]:
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times)}


def environment(device="cpu") -> dict[str, str]:
    import diffusers
    import torch

    device = torch.device(device)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu"
    return {
        "device": f"{device.type}: {name}",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "diffusers": diffusers.__version__,
        "threads": str(torch.get_num_threads()),
        "machine": platform.machine(),
    }


def report(title: str, rows: dict[str, dict], ratio: float, extra: dict, as_json: bool, per: str | None = None,
           per_count: int = 1, device="cpu") -> None:
    """Print the table (or JSON) and the final ``ratio ours/diffusers = X.XX`` line (``ratio``: see ``paired_ratio``)."""
    if as_json:
        print(json.dumps({"benchmark": title, "rows": rows, "ratio_ours_over_diffusers": round(ratio, 4),
                          **extra, "environment": environment(device)}, indent=2))
        return
    env = environment(device)
    print(title)
    print(f"{env['device']}; torch {env['torch']}, diffusers {env['diffusers']}, {env['threads']} CPU threads, "
          f"{env['machine']}")
    header = f"{'':32s}{'median s':>11s}{'min s':>10s}{'max s':>10s}"
    if per:
        header += f"{per:>14s}"
    print(header)
    for name, row in rows.items():
        line = f"{name:32s}{row['median_s']:11.4f}{row['min_s']:10.4f}{row['max_s']:10.4f}"
        if per:
            line += f"{row['median_s'] / per_count * 1e3:14.3f}"
        print(line)
    for key, value in extra.items():
        print(f"{key} = {value}")
    print(f"ratio ours/diffusers = {ratio:.2f}")
