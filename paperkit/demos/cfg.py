"""``cfg``: a classifier-free guidance sweep (``cfg.6``): ε̃ = ε_u + s (ε_c − ε_u) at s = 0, 1, 2, 4, 7.5, 12.

One sample per caption (the scene model: held-out captions by default), per digit or per prompt,
per scale, all from the same x_T, by deterministic DDIM (η = 0) on the leading sub-sequence. s = 0 is
the unconditional model (the null caption or class), s = 1 the conditional one alone; larger s pushes
samples towards what makes the condition recognisable, at the cost of variety and, at large s, of
saturated pixels. A classifier scores each scale: on the scene model the scene world's attribute
classifier (accuracy: the share it reads as exactly the caption's objects; confidence: its mean
probability of those objects), on the digits model the digits classifier (accuracy: it reads the
digit asked for; confidence: mean p(asked)).
"""

from __future__ import annotations

import torch

from ._common import (Progress, add_grid, ddim_sample, generator, pixels, readings, saturation, start_noise, subject_settings,
                      subjects)
from .plans import sampling_steps
from .result import DemoResult

SCALES = (0.0, 1.0, 2.0, 4.0, 7.5, 12.0)
CLASSES = tuple(range(10))


def run(model, *, device="cpu", seed: int = 0, steps: int | None = None, callback=None, cancel=None,
        scales=SCALES, classes=CLASSES, prompts=None) -> DemoResult:
    steps = sampling_steps(steps)
    progress = Progress("cfg", steps * len(scales), callback, cancel)
    gen = generator(seed)
    cols, cond, col_title, targets = subjects(model, prompts, classes, device)
    x_T = start_noise(model, len(cols), gen, device)
    rows, samples = [], []
    for s in scales:
        x0, _ = ddim_sample(model, x_T, cond, steps=steps, scales=float(s), progress=progress, stage=f"scale {s:g}")
        x0 = pixels(model, x0)
        samples.append(x0)
        stats = saturation(x0)
        row = {"scale": float(s), "clipped": stats["clipped"], "mean |x|": stats["mean_abs"], "max |x|": stats["max_abs"]}
        scored = readings(x0, targets)
        if scored is not None:
            row.update({"accuracy": scored["accuracy"], "confidence": scored["confidence"]})
        rows.append(row)
    result = DemoResult("cfg", settings={"seed": seed, "device": str(device), "steps": steps,
                                         "scales": list(map(float, scales)), **subject_settings(cols, targets)})
    add_grid(result, "sweep", torch.stack(samples, 0),
             title=f"Classifier-free guidance: ε_u + s (ε_c − ε_u), DDIM {steps} steps, same x_T per {col_title}",
             rows=[f"{s:g}" for s in scales], row_title="scale s", cols=cols, col_title=col_title,
             caption=("rows: guidance scale " + ", ".join(f"{s:g}" for s in scales)
                      + f"; columns: {col_title}s " + ", ".join(map(str, cols))))
    result.tables.append({"name": "scales", "title": f"Guidance sweep, DDIM {steps} steps, η = 0",
                          "columns": list(rows[0]), "rows": rows})
    xs = [float(s) for s in scales]
    result.series["clipped"] = _series(xs, [r["clipped"] for r in rows], "pixels beyond ±1", "saturation")
    for r in rows:
        result.metrics[f"clipped.{r['scale']:g}"] = r["clipped"]
    if "accuracy" in rows[0]:
        result.series["accuracy"] = _series(xs, [r["accuracy"] for r in rows], "accuracy", "classifier")
        result.series["confidence"] = _series(xs, [r["confidence"] for r in rows], "mean p(asked)", "classifier")
        for r in rows:
            result.metrics[f"accuracy.{r['scale']:g}"] = r["accuracy"]
            result.metrics[f"confidence.{r['scale']:g}"] = r["confidence"]
        best = max(rows, key=lambda r: (r["accuracy"], r["confidence"]))
        result.text.append("classifier accuracy by scale: " + ", ".join(f"{r['scale']:g} → {r['accuracy']:.0%}" for r in rows)
                           + f" (best {best['scale']:g})")
    elif targets is not None:
        result.text.append("no classifier installed: the sweep is shown without scores")
    result.text.append("pixels beyond ±1: " + ", ".join(f"{r['scale']:g} → {r['clipped']:.1%}" for r in rows))
    return result


def _series(x, y, label, plot):
    return {"x": x, "y": y, "label": label, "plot": plot, "xlabel": "guidance scale s", "ylabel": plot, "yscale": "linear"}
