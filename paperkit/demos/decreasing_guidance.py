"""``decreasing_guidance``: constant vs linear vs cosine guidance-scale schedules (``lesson11.decreasing_guidance``).

The scale s_i at DDIM step i (``guidance_scale_schedule``) goes from 7.5 at the first, noisiest step
down to 1 at the last for "linear" and "cosine"; "constant" keeps 7.5 throughout. Each step applies
``cfg.6`` with its s_i. Same x_T for all three, η = 0, one sample per caption (the scene model,
held-out captions by default), per digit or per prompt. The schedules are plotted as series; the
table gives saturation and the classifier's scores (the scene world's attribute classifier on the
scene model, the digits classifier on the digits model).
"""

from __future__ import annotations

import torch

from ..diffusion import guidance_scale_schedule, schedule_of
from ._common import (Progress, add_grid, ddim_sample, generator, pixels, readings, saturation, start_noise, subject_settings,
                      subjects)
from .plans import sampling_steps
from .result import DemoResult

KINDS = ("constant", "linear", "cosine")
CLASSES = tuple(range(10))


def run(model, *, device="cpu", seed: int = 0, steps: int | None = None, callback=None, cancel=None,
        scale: float = 7.5, min_scale: float = 1.0, classes=CLASSES, prompts=None) -> DemoResult:
    steps = sampling_steps(steps)
    progress = Progress("decreasing_guidance", steps * len(KINDS), callback, cancel)
    gen = generator(seed)
    cols, cond, col_title, targets = subjects(model, prompts, classes, device)
    x_T = start_noise(model, len(cols), gen, device)
    taus = schedule_of(model).timesteps(steps)
    result = DemoResult("decreasing_guidance", settings={"seed": seed, "device": str(device), "steps": steps,
                                                         "scale": float(scale), "min_scale": float(min_scale),
                                                         **subject_settings(cols, targets)})
    rows, samples = [], []
    for kind in KINDS:
        schedule = guidance_scale_schedule(scale, steps, kind, min_scale)
        result.series[kind] = {"x": taus, "y": schedule, "label": kind, "plot": "guidance scale per step",
                               "xlabel": "t (sampling runs from left to right: high t first)", "ylabel": "s",
                               "yscale": "linear"}
        x0, _ = ddim_sample(model, x_T, cond, steps=steps, scales=schedule, progress=progress, stage=kind)
        x0 = pixels(model, x0)
        samples.append(x0)
        span = f"s = {scale:g} throughout" if kind == "constant" else f"s from {scale:g} down to {min_scale:g}"
        add_grid(result, kind, x0, title=f"{kind.capitalize()} guidance schedule ({span}), DDIM {steps} steps",
                 rows=[kind], cols=cols, col_title=col_title,
                 caption=f"{kind} schedule from {scale:g} to {min_scale:g}; {col_title}s {', '.join(map(str, cols))}")
        stats = saturation(x0)
        row = {"schedule": kind, "mean s": sum(schedule) / steps, "clipped": stats["clipped"], "mean |x|": stats["mean_abs"]}
        scored = readings(x0, targets)
        if scored is not None:
            row.update({"accuracy": scored["accuracy"], "confidence": scored["confidence"]})
            result.metrics[f"accuracy.{kind}"] = scored["accuracy"]
        result.metrics[f"clipped.{kind}"] = stats["clipped"]
        result.metrics[f"mean_scale.{kind}"] = row["mean s"]
        rows.append(row)
    add_grid(result, "all", torch.stack(samples, 0),
             title=f"Guidance-scale schedules from {scale:g} to {min_scale:g} (constant: {scale:g}), DDIM {steps} steps",
             rows=list(KINDS), row_title="schedule", cols=cols, col_title=col_title,
             caption="rows: " + ", ".join(KINDS) + f"; columns: {col_title}s " + ", ".join(map(str, cols)))
    result.tables.append({"name": "schedules", "title": f"Guidance {scale:g} → {min_scale:g}, DDIM {steps} steps, η = 0",
                          "columns": list(rows[0]), "rows": rows})
    result.text = ["pixels beyond ±1: " + ", ".join(f"{r['schedule']} {r['clipped']:.1%}" for r in rows)
                   + "; mean scale: " + ", ".join(f"{r['schedule']} {r['mean s']:.2f}" for r in rows)]
    if "accuracy" in rows[0]:
        result.text.append("classifier accuracy: " + ", ".join(f"{r['schedule']} {r['accuracy']:.0%}" for r in rows))
    return result
