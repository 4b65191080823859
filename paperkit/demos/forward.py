"""``forward``: real images noised straight from x_0 to x_t (``ddpm.4``) at t = 0, 100, …, 900, 999.

x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε with ε ~ 𝒩(0, I) drawn once per image and reused along its row, so the
row shows the same noise taking over as ᾱ_t falls. The schedule is DDPM's linear one (the scene
model's and the digits model's). t is the 0-based index into ᾱ used by the model and diffusers (the
paper's t + 1). The first column is x_0 itself. No model is needed.

``world`` picks the images: "scenes" (the default) renders held-out scenes of the scene world
(32×32 RGB, layouts never seen in training; rows labelled by their captions), "digits" takes
held-out digits (16×16, ``classes``).
"""

from __future__ import annotations

import torch

from ..diffusion import alpha_bars, linear_betas, q_sample
from ._common import Progress, add_grid, check_finite, generator, randn, real_digits, short_caption
from .result import DemoResult

TIMESTEPS = (0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999)
CLASSES = (0, 3, 5, 8)
SCENES = 4      # held-out scenes, one row each
WORLDS = ("scenes", "digits")


def run(model=None, *, device="cpu", seed: int = 0, steps: int | None = None, callback=None, cancel=None,
        classes=CLASSES, timesteps=TIMESTEPS, world: str = "scenes") -> DemoResult:
    if world not in WORLDS:
        raise ValueError(f"world is one of {', '.join(WORLDS)}, got {world!r}")
    progress = Progress("forward", len(timesteps), callback, cancel)
    gen = generator(seed)
    ab = alpha_bars(linear_betas())
    if world == "scenes":
        x0, labels, what = *_held_out_scenes(), "scene"
        subject = {"prompts": labels}
        labels = [short_caption(c) for c in labels]
    else:
        x0, digits = real_digits(classes)
        labels, what = digits.tolist(), "digit"
        subject = {"classes": list(map(int, classes))}
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
    strip = torch.stack(columns, dim=1)  # (images, 1 + len(t), C, H, W)
    result = DemoResult("forward", settings={"seed": seed, "device": str(device), "steps": None, "world": world,
                                             **subject, "timesteps": list(timesteps)})
    add_grid(result, "strip", strip, title=f"q(x_t | x_0): each held-out {what} noised to x_t in one jump (ddpm.4)",
             rows=labels, row_title=what, cols=["x_0", *[f"t={t}" for t in timesteps]],
             caption=(f"rows: held-out {what}s " + ", ".join(map(str, labels))
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
        f"{len(labels)} held-out {what}s noised to {len(timesteps)} timesteps in one jump each (ddpm.4)",
        f"at t = 999 only √ᾱ = {rows[-1]['√ᾱ_t']:.4f} of x_0 is left: corr(x_999, x_0) = {rows[-1]['corr(x_t, x_0)']:.3f}, "
        f"std(x_999) = {rows[-1]['std(x_t)']:.3f} (pure noise: 1)",
    ]
    return result


def _held_out_scenes(count: int = SCENES) -> tuple[torch.Tensor, list[str]]:
    """Rendered held-out scenes in [−1, 1] (N, 3, 32, 32) and their captions."""
    from ..models.scenes.data import held_out_scenes, render_scenes, to_model_space

    scenes = held_out_scenes(count, seed=3)
    return to_model_space(render_scenes(scenes)), [s.caption for s in scenes]


def _correlation(a: torch.Tensor, b: torch.Tensor) -> float:
    """Mean over the batch of the Pearson correlation between each x_t and its x_0."""
    a = a.flatten(1) - a.flatten(1).mean(1, keepdim=True)
    b = b.flatten(1) - b.flatten(1).mean(1, keepdim=True)
    return float(((a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1))).mean())
