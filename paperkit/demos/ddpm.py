"""``ddpm``: ancestral sampling, DDPM's Algorithm 2 (``ddpm.alg2``), one sample per digit.

x_T ~ 𝒩(0, I); for t = T … 1: x_{t−1} = 1/√α_t (x_t − β_t/√(1 − ᾱ_t) ε_θ(x_t, t, c)) + σ_t z, the mean
being μ_θ of ``ddpm.11``, σ_t² = β̃_t, z = 0 on the last step. ε_θ is the class-conditional model
(no guidance: Algorithm 2 as written). x̂_0 is not clipped.

By default every one of the T = 1000 steps runs (1000 model calls on a batch of 10). ``steps`` < 1000
strides the timesteps (DDIM's "leading" sub-sequence τ, every T/steps-th t): each step then uses
α = ᾱ_t/ᾱ_{t_prev}, i.e. the same ancestral step over a longer stride, as in Nichol & Dhariwal's
respacing — not Algorithm 2 exactly, which the summary says.

The strips keep x_t and x̂_0 = (x_t − √(1 − ᾱ_t) ε_θ)/√ᾱ_t at six points along the way.
"""

from __future__ import annotations

import torch

from ..diffusion import ddim_timesteps, ddpm_step, predict_x0
from ._common import Progress, add_grid, check_finite, generator, randn, readings, saturation
from .plans import T
from .plans import ddpm_steps
from .result import DemoResult

CLASSES = tuple(range(10))
SNAPSHOTS = 6


def run(model, *, device="cpu", seed: int = 0, steps: int | None = None, callback=None, cancel=None,
        classes=CLASSES, variance: str = "beta_tilde") -> DemoResult:
    steps = ddpm_steps(steps)
    ab = model.alpha_bars
    taus = ddim_timesteps(len(ab), steps, "leading").tolist()  # every t when steps == T
    ab_t = ab[taus].tolist()
    ab_prev = ab_t[1:] + [1.0]
    progress = Progress("ddpm", len(taus), callback, cancel)
    gen = generator(seed)
    cond = torch.tensor(list(classes), device=device)
    x = randn((len(classes), model.channels, model.image_size, model.image_size), gen, device)  # x_T
    record = {round(k * (len(taus) - 1) / (SNAPSHOTS - 1)) for k in range(SNAPSHOTS)}
    xs, x0s, snap_t = [], [], []
    for i, (t, a_t, a_prev) in enumerate(zip(taus, ab_t, ab_prev)):
        eps = model.eps(x, t, cond)                                 # ε_θ(x_t, t)
        if i in record:
            xs.append(x)
            x0s.append(predict_x0(x, eps, a_t))
            snap_t.append(t)
        z = randn(x.shape, gen, device) if a_prev < 1 else None     # z = 0 on the last step
        x = ddpm_step(x, eps, a_t, a_prev, noise=z, variance=variance)  # Algorithm 2, line 4
        check_finite(x, "ddpm", f"step {i + 1}/{len(taus)} (t={t})")
        progress.tick(stage="sample", t=t)
    stats = saturation(x)
    result = DemoResult("ddpm", settings={"seed": seed, "device": str(device), "steps": len(taus),
                                          "classes": list(map(int, classes)), "variance": variance})
    digits = list(map(int, classes))
    add_grid(result, "samples", x, title=f"DDPM samples x_0 after {len(taus)} steps, one per digit",
             rows=["x_0"], cols=digits, col_title="digit",
             caption="x_0 for the digits " + ", ".join(map(str, digits)))
    cols = "columns: t = " + ", ".join(map(str, snap_t))
    add_grid(result, "x_t", torch.stack(xs, dim=1), title=f"x_t along the way ({len(taus)} steps, sampling runs left to right)",
             rows=digits, row_title="digit", cols=snap_t, col_title="t",
             caption=f"x_t along the way; rows: digits {', '.join(map(str, digits))}; {cols}")
    add_grid(result, "x0_hat", torch.stack(x0s, dim=1), title="The model's x̂_0 predicted from each x_t (clipped for display)",
             rows=digits, row_title="digit", cols=snap_t, col_title="t",
             caption=f"the model's x̂_0 at the same steps (clipped for display); {cols}")
    result.metrics = {"steps": len(taus), "clipped": stats["clipped"], "mean_abs": stats["mean_abs"],
                      "max_abs": stats["max_abs"]}
    scored = readings(x, classes)
    if scored is not None:
        result.metrics.update(accuracy=scored["accuracy"], confidence=scored["confidence"])
        result.tables.append({"name": "classifier", "title": "What the classifier reads in each sample",
                              "columns": ["asked", "read", "p(asked)"],
                              "rows": [{"asked": c, "read": r, "p(asked)": p}
                                       for c, r, p in zip(classes, scored["labels"], scored["target_probs"])]})
    stride = "every timestep (Algorithm 2 as written)" if len(taus) == T else (
        f"strided: every {T // len(taus)}-th timestep (respaced ancestral steps, not Algorithm 2's T steps)")
    result.text = [f"{len(taus)} ancestral steps, {stride}, {len(classes)} samples in one batch, σ_t² = "
                   + ("β̃_t" if variance == "beta_tilde" else "β_t")]
    if scored is not None:
        result.text.append(f"classifier reads {scored['accuracy']:.0%} of the samples as the digit asked "
                           f"(mean p = {scored['confidence']:.2f})")
    return result
