"""``ddpm``: ancestral sampling, DDPM's Algorithm 2 (``ddpm.alg2``), one sample per caption (the scene
model), per digit or per prompt.

x_T ~ 𝒩(0, I); for t = T … 1: x_{t−1} = 1/√α_t (x_t − β_t/√(1 − ᾱ_t) ε_θ(x_t, t, c)) + σ_t z, the mean
being μ_θ of ``ddpm.11``, σ_t² = β̃_t, z = 0 on the last step. ε_θ is the conditional model (no
guidance: Algorithm 2 as written). x̂_0 is not clipped. On the scene model the columns are captions
(held-out ones by default) and the scene world's attribute classifier reads each sample; on the
digits model the digits classifier does.

By default every one of the T = 1000 steps runs (1000 model calls on a batch of 10). ``steps`` < 1000
strides the timesteps (DDIM's "leading" sub-sequence τ, every T/steps-th t): each step then uses
α = ᾱ_t/ᾱ_{t_prev}, i.e. the same ancestral step over a longer stride, as in Nichol & Dhariwal's
respacing — not Algorithm 2 exactly, which the summary says.

The strips keep x_t and x̂_0 = (x_t − √(1 − ᾱ_t) ε_θ)/√ᾱ_t at six points along the way.
"""

from __future__ import annotations

import torch

from ..diffusion import schedule_of
from ._common import (Progress, add_grid, ddim_sample, generator, is_scene_model, pixels, readings, saturation, start_noise,
                      subject_settings, subjects)
from .plans import T
from .plans import ddpm_steps
from .result import DemoResult

CLASSES = tuple(range(10))
SNAPSHOTS = 6


def run(model, *, device="cpu", seed: int = 0, steps: int | None = None, callback=None, cancel=None,
        classes=CLASSES, prompts=None, variance: str = "beta_tilde") -> DemoResult:
    steps = ddpm_steps(steps)
    taus = schedule_of(model).timesteps(steps)  # every t when steps == T
    progress = Progress("ddpm", len(taus), callback, cancel)
    gen = generator(seed)
    cols, cond, col_title, targets = subjects(model, prompts, classes, device)
    x_T = start_noise(model, len(cols), gen, device)
    record = sorted({round(k * (len(taus) - 1) / (SNAPSHOTS - 1)) for k in range(SNAPSHOTS)})
    # Algorithm 2 through the one sampler: ε_θ(x_t, t), then line 4 with z = 0 on the last step
    x, recorded = ddim_sample(model, x_T, cond, steps=steps, sampler="ddpm", variance=variance, gen=gen,
                              progress=progress, record=record)
    snap_t = [taus[i] for i in record]
    xs = [pixels(model, recorded[i][0]) for i in record]
    x0s = [pixels(model, recorded[i][1]) for i in record]
    x = pixels(model, x)
    stats = saturation(x)
    result = DemoResult("ddpm", settings={"seed": seed, "device": str(device), "steps": len(taus),
                                          **subject_settings(cols, targets), "variance": variance})
    add_grid(result, "samples", x, title=f"DDPM samples x_0 after {len(taus)} steps, one per {col_title}",
             rows=["x_0"], cols=cols, col_title=col_title,
             caption=f"x_0 for the {col_title}s " + ", ".join(map(str, cols)))
    at_t = "columns: t = " + ", ".join(map(str, snap_t))
    add_grid(result, "x_t", torch.stack(xs, dim=1), title=f"x_t along the way ({len(taus)} steps, sampling runs left to right)",
             rows=cols, row_title=col_title, cols=snap_t, col_title="t",
             caption=f"x_t along the way; rows: {col_title}s {', '.join(map(str, cols))}; {at_t}")
    add_grid(result, "x0_hat", torch.stack(x0s, dim=1), title="The model's x̂_0 predicted from each x_t (clipped for display)",
             rows=cols, row_title=col_title, cols=snap_t, col_title="t",
             caption=f"the model's x̂_0 at the same steps (clipped for display); {at_t}")
    result.metrics = {"steps": len(taus), "clipped": stats["clipped"], "mean_abs": stats["mean_abs"],
                      "max_abs": stats["max_abs"]}
    scored = readings(x, targets)
    scenes = is_scene_model(model)
    if scored is not None:
        result.metrics.update(accuracy=scored["accuracy"], confidence=scored["confidence"])
        result.tables.append({"name": "classifier", "title": f"What the {'scene' if scenes else 'digits'} classifier reads in each sample",
                              "columns": ["asked", "read", "p(asked)"],
                              "rows": [{"asked": c, "read": r, "p(asked)": p}
                                       for c, r, p in zip(cols, scored["labels"], scored["target_probs"])]})
    stride = "every timestep (Algorithm 2 as written)" if len(taus) == T else (
        f"strided: every {T // len(taus)}-th timestep (respaced ancestral steps, not Algorithm 2's T steps)")
    result.text = [f"{len(taus)} ancestral steps, {stride}, {len(cols)} samples in one batch, σ_t² = "
                   + ("β̃_t" if variance == "beta_tilde" else "β_t")]
    if scored is not None:
        asked = "with the objects their caption asks for" if scenes else "as the digit asked"
        result.text.append(f"classifier reads {scored['accuracy']:.0%} of the samples {asked} "
                           f"(mean p = {scored['confidence']:.2f})")
    return result
