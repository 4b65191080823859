"""``forward``: real digits noised straight from x_0 to x_t (``ddpm.4``) at t = 0, 100, …, 900, 999.

x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε with ε ~ 𝒩(0, I) drawn once per digit and reused along its row, so the
row shows the same noise taking over as ᾱ_t falls. The schedule is DDPM's linear one (the digits
model's). t is the 0-based index into ᾱ used by the model and diffusers (the paper's t + 1). The first
column is x_0 itself. Digits are held-out images (never seen in training). No model is needed.
"""

from __future__ import annotations

import torch

from ..diffusion import alpha_bars, linear_betas, q_sample
from ._common import Progress, add_grid, check_finite, generator, randn, real_digits
from .result import DemoResult

TIMESTEPS = (0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999)
CLASSES = (0, 3, 5, 8)


def run(model=None, *, device="cpu", seed: int = 0, steps: int | None = None, callback=None, cancel=None,
        classes=CLASSES, timesteps=TIMESTEPS) -> DemoResult:
    progress = Progress("forward", len(timesteps), callback, cancel)
    gen = generator(seed)
    ab = alpha_bars(linear_betas())
    x0, labels = real_digits(classes)
    x0 = x0.to(device)
    eps = randn(x0.shape, gen, device)  # one ε per digit, shared by its row
    columns, rows = [x0], []
    corr_series = []
    for t in timesteps:
        x_t = check_finite(q_sample(x0, eps, ab[t]), "forward", f"t={t}")
        columns.append(x_t)
        a = float(ab[t])
        corr = _correlation(x_t, x0)
        corr_series.append(corr)
        rows.append({"t": t, "ᾱ_t": a, "√ᾱ_t": a ** 0.5, "√(1−ᾱ_t)": (1 - a) ** 0.5, "SNR": a / (1 - a),
                     "corr(x_t, x_0)": corr, "std(x_t)": float(x_t.std())})
        progress.tick(stage="noise", t=t)
    strip = torch.stack(columns, dim=1)  # (digits, 1 + len(t), 1, H, W)
    result = DemoResult("forward", settings={"seed": seed, "device": str(device), "steps": None,
                                             "classes": list(map(int, classes)), "timesteps": list(timesteps)})
    add_grid(result, "strip", strip, title="q(x_t | x_0): each held-out digit noised to x_t in one jump (ddpm.4)",
             rows=labels.tolist(), row_title="digit", cols=["x_0", *[f"t={t}" for t in timesteps]],
             caption=("rows: held-out digits " + ", ".join(map(str, labels.tolist()))
                      + "; columns: x_0, then x_t at t = " + ", ".join(map(str, timesteps))))
    result.series["corr"] = {"x": list(timesteps), "y": corr_series, "label": "corr(x_t, x_0), measured",
                             "plot": "how much of x_0 is left", "xlabel": "t", "ylabel": "correlation", "yscale": "linear"}
    result.series["sqrt_alpha_bar"] = {"x": list(timesteps), "y": [r["√ᾱ_t"] for r in rows], "label": "√ᾱ_t",
                                       "plot": "how much of x_0 is left", "xlabel": "t", "ylabel": "correlation",
                                       "yscale": "linear"}
    result.tables.append({"name": "forward", "title": "x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε",
                          "columns": list(rows[0]), "rows": rows})
    result.metrics = {"corr_t0": rows[0]["corr(x_t, x_0)"], "corr_t999": rows[-1]["corr(x_t, x_0)"],
                      "alpha_bar_999": rows[-1]["ᾱ_t"], "std_t999": rows[-1]["std(x_t)"]}
    result.text = [
        f"{len(classes)} held-out digits noised to {len(timesteps)} timesteps in one jump each (ddpm.4)",
        f"at t = 999 only √ᾱ = {rows[-1]['√ᾱ_t']:.4f} of x_0 is left: corr(x_999, x_0) = {rows[-1]['corr(x_t, x_0)']:.3f}, "
        f"std(x_999) = {rows[-1]['std(x_t)']:.3f} (pure noise: 1)",
    ]
    return result


def _correlation(a: torch.Tensor, b: torch.Tensor) -> float:
    """Mean over the batch of the Pearson correlation between each x_t and its x_0."""
    a = a.flatten(1) - a.flatten(1).mean(1, keepdim=True)
    b = b.flatten(1) - b.flatten(1).mean(1, keepdim=True)
    return float(((a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1))).mean())
