"""``ddim``: DDIM sampling (``ddim.12``) at 10 and 50 steps, η = 0 and η = 1 (``ddim.16``), timed.

Every setting starts from the same x_T (one per caption with the scene model — held-out captions by
default, read by the scene world's attribute classifier — one per digit with the class-conditional
digits model, one per prompt with a text-to-image model; no guidance) and samples on the model's
sub-sequence τ
(``ddim.subsequence``: "leading" τ = 0, k, 2k, … with k = T/S for the digits; Stable Diffusion's
folder says its own, 1, 21, 41, … for 50 steps).
η = 0 is the deterministic DDIM sampler: its 10-step and 50-step samples stay close (the paper's
"consistency", §5.3), which the table measures as the mean squared difference to the η = 0 sample at
the largest step count. η = 1 takes σ_t = √β̃_t, DDPM's ancestral step over the same sub-sequence,
and drifts further. η > 0 draws its noise from the seeded CPU generator.

The figure ``samples`` has one row per setting (steps, η) and one column per caption / digit /
prompt, so the same x_T reads down a column.
"""

from __future__ import annotations

import time

import torch

from ._common import (Progress, add_grid, ddim_sample, generator, pixels, readings, saturation, start_noise, subject_settings,
                      subjects)
from .plans import ddim_step_counts
from .result import DemoResult

CLASSES = tuple(range(10))


def run(model, *, device="cpu", seed: int = 0, steps: int | None = None, callback=None, cancel=None,
        classes=CLASSES, prompts=None, etas=(0.0, 1.0)) -> DemoResult:
    step_counts = ddim_step_counts(steps)  # min(10, N) and N
    largest = step_counts[-1]
    settings = [(s, float(eta)) for s in step_counts for eta in etas]
    progress = Progress("ddim", sum(s for s, _ in settings), callback, cancel)
    gen = generator(seed)
    cols, cond, col_title, targets = subjects(model, prompts, classes, device)
    x_T = start_noise(model, len(cols), gen, device)
    samples, seconds = {}, {}
    for s, eta in settings:
        t0 = time.perf_counter()
        x0, _ = ddim_sample(model, x_T, cond, steps=s, eta=eta, gen=gen, progress=progress, stage=f"{s} steps η={eta:g}")
        if x0.device.type == "cuda":
            torch.cuda.synchronize(x0.device)
        seconds[(s, eta)] = time.perf_counter() - t0
        samples[(s, eta)] = pixels(model, x0)
    result = DemoResult("ddim", settings={"seed": seed, "device": str(device), "steps": step_counts,
                                          "etas": list(map(float, etas)), **subject_settings(cols, targets)})
    reference = samples[(largest, float(etas[0]))]
    row_labels = [f"{s} steps, η = {eta:g}" for s, eta in samples]
    add_grid(result, "samples", torch.stack(list(samples.values()), 0),
             title=f"DDIM samples x_0 from one x_T per {col_title}: steps and η by row",
             rows=row_labels, row_title="steps, η", cols=cols, col_title=col_title,
             caption=("rows: " + "; ".join(row_labels) + f"; columns: {col_title}s " + ", ".join(map(str, cols))))
    rows, timing_rows = [], []
    for (s, eta), x0 in samples.items():
        name = f"steps{s}_eta{eta:g}"
        stats = saturation(x0)
        row = {"steps": s, "η": eta, "mse vs ref": float((x0 - reference).pow(2).mean()),
               "clipped": stats["clipped"], "mean |x|": stats["mean_abs"]}
        scored = readings(x0, targets)
        if scored is not None:
            row.update({"accuracy": scored["accuracy"], "confidence": scored["confidence"]})
            result.metrics[f"accuracy.{name}"] = scored["accuracy"]
        rows.append(row)
        result.metrics[f"mse_vs_ref.{name}"] = row["mse vs ref"]
        timing_rows.append({"steps": s, "η": eta, "seconds": seconds[(s, eta)],
                            "ms / step": seconds[(s, eta)] / s * 1e3})
    result.tables.append({"name": "samples", "title": f"Samples vs the η = {etas[0]:g}, {largest}-step ones (ref)",
                          "columns": list(rows[0]), "rows": rows})
    result.tables.append({"name": "timings", "title": f"Wall-clock time of the sampling loop on {device} (batch of {len(cols)})",
                          "columns": list(timing_rows[0]), "rows": timing_rows, "volatile": True})
    for (s, eta), sec in seconds.items():
        result.timings[f"steps{s}_eta{eta:g}_s"] = sec
    few = min(step_counts)
    if few != largest:
        c0 = result.metrics[f"mse_vs_ref.steps{few}_eta{etas[0]:g}"]
        line = f"η = 0: {few} steps land {c0:.4f} (MSE) from {largest} steps on the same x_T"
        if len(etas) > 1:
            line += f"; η = {etas[1]:g}: {result.metrics[f'mse_vs_ref.steps{few}_eta{etas[1]:g}']:.4f}"
        result.text.append(line)
    result.text.append(f"{len(settings)} settings from one x_T per {col_title}; wall-clock times are in the timings table")
    return result
