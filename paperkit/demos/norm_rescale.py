"""``norm_rescale``: taming a high guidance scale (12) by rescaling ε̃ at every step.

Variants, all from the same x_T by deterministic DDIM (η = 0), one sample per caption (the scene
model, held-out captions by default), per digit or per prompt:

- ``cfg``: plain guidance, ε̃ = ε_u + s (ε_c − ε_u) (``cfg.6``);
- ``norm``: ε̃ · ‖ε_c‖/‖ε̃‖ per sample (``lesson11.norm_rescale``): the guided direction at the
  conditional prediction's norm;
- ``std``: Lin et al.'s φ ε̃ σ(ε_c)/σ(ε̃) + (1 − φ) ε̃ with φ = 0.7 (``lesson11.guidance_rescale``);
- ``s=1``: the conditional model without guidance, for reference.

Large scales inflate ε̃ and push x̂_0 past the data's range; the table measures it on the final samples
before display clipping: the share of pixels beyond ±1, mean |x| and max |x| — and, with a built-in
model, the classifier's accuracy (the scene world's attribute classifier on the scene model). It also gives ‖ε̃‖/‖ε_c‖
averaged over the steps (and its largest value), before and after rescaling: how much guidance
inflated the prediction, and so how much a rescaling has to undo. On the digits model it barely
does: ‖ε̃‖/‖ε_c‖ stays within about 5 % of 1 at every step even at scale 12, so both rescalings
leave the samples almost as they are, and the saturation comes from the guided direction, which
they keep. That is the finding this demo shows for this model; the lesson met the problem on Stable
Diffusion's latents.
"""

from __future__ import annotations

import torch

from ._common import (Progress, add_grid, ddim_sample, generator, pixels, readings, saturation, start_noise, subject_settings,
                      subjects)
from .plans import sampling_steps
from .result import DemoResult

CLASSES = tuple(range(10))


def run(model, *, device="cpu", seed: int = 0, steps: int | None = None, callback=None, cancel=None,
        scale: float = 12.0, phi: float = 0.7, classes=CLASSES, prompts=None) -> DemoResult:
    steps = sampling_steps(steps)
    variants = [("cfg", float(scale), None), ("norm", float(scale), "norm"), ("std", float(scale), "std"), ("s=1", 1.0, None)]
    about = {"cfg": f"Plain guidance (cfg), s = {scale:g}", "norm": f"Norm-ratio rescaled guidance (norm), s = {scale:g}",
             "std": f"Lin's std-rescaled guidance (std, φ = {phi:g}), s = {scale:g}", "s=1": "No guidance (s=1)"}
    progress = Progress("norm_rescale", steps * len(variants), callback, cancel)
    gen = generator(seed)
    cols, cond, col_title, targets = subjects(model, prompts, classes, device)
    x_T = start_noise(model, len(cols), gen, device)
    result = DemoResult("norm_rescale", settings={"seed": seed, "device": str(device), "steps": steps, "scale": float(scale),
                                                  "phi": float(phi), **subject_settings(cols, targets)})
    rows, samples = [], []
    for name, s, rescale in variants:
        norms: list = []
        x0, _ = ddim_sample(model, x_T, cond, steps=steps, scales=s, rescale=rescale, phi=phi, progress=progress,
                            stage=name, norms=norms)
        x0 = pixels(model, x0)
        samples.append(x0)
        stats = saturation(x0)
        ratios = torch.stack(norms) if norms else torch.ones(1, 2)
        (before, after), peak = ratios.mean(0).tolist(), float(ratios[:, 0].max())
        row = {"variant": name, "scale": s, "‖ε̃‖/‖ε_c‖": before, "max": peak, "after rescale": after, "clipped": stats["clipped"],
               "mean |x|": stats["mean_abs"], "max |x|": stats["max_abs"]}
        result.metrics[f"norm_ratio.{name}"] = before
        result.metrics[f"norm_ratio_max.{name}"] = peak
        result.metrics[f"norm_ratio_after.{name}"] = after
        scored = readings(x0, targets)
        if scored is not None:
            row.update({"accuracy": scored["accuracy"], "confidence": scored["confidence"]})
            result.metrics[f"accuracy.{name}"] = scored["accuracy"]
        rows.append(row)
        add_grid(result, name, x0, title=f"{about[name]}, DDIM {steps} steps",
                 rows=[name], cols=cols, col_title=col_title,
                 caption=f"{name} (scale {s:g}); {col_title}s {', '.join(map(str, cols))}")
        for key in ("clipped", "mean_abs", "max_abs"):
            result.metrics[f"{key}.{name}"] = stats[key]
    add_grid(result, "all", torch.stack(samples, 0),
             title=f"Guidance at s = {scale:g}: plain (cfg), norm-ratio (norm), Lin's (std, φ = {phi:g}), and s = 1",
             rows=[v[0] for v in variants], row_title="variant", cols=cols, col_title=col_title,
             caption="rows: " + ", ".join(v[0] for v in variants) + f"; columns: {col_title}s " + ", ".join(map(str, cols)))
    result.tables.append({"name": "saturation", "title": f"Guidance at scale {scale:g}: saturation of the final samples",
                          "columns": list(rows[0]), "rows": rows})
    by = {r["variant"]: r for r in rows}
    result.text = [
        f"scale {scale:g}: pixels beyond ±1 — plain {by['cfg']['clipped']:.1%}, norm-ratio {by['norm']['clipped']:.1%}, "
        f"Lin's rescale (φ = {phi:g}) {by['std']['clipped']:.1%}, unguided {by['s=1']['clipped']:.1%}",
        f"mean |x|: plain {by['cfg']['mean |x|']:.3f}, norm-ratio {by['norm']['mean |x|']:.3f}, "
        f"Lin's {by['std']['mean |x|']:.3f}, unguided {by['s=1']['mean |x|']:.3f}",
        f"guidance made ‖ε̃‖ {by['cfg']['‖ε̃‖/‖ε_c‖']:.3f}× ‖ε_c‖ on average (at most {by['cfg']['max']:.3f}×); "
        f"after rescaling: norm-ratio "
        f"{by['norm']['after rescale']:.3f}×, Lin's {by['std']['after rescale']:.3f}×",
    ]
    return result
