"""``inversion``: DDIM inversion (``ddim.13``) of real digits, then DDIM decoding (``ddim.12``, η = 0) back.

DDIM's sampler is the Euler discretisation of an ODE (``ddim.13``); run forwards in t it encodes x_0
into a latent x_T that decodes back to (nearly) x_0. Each encoding step t_{i−1} → t_i evaluates ε_θ at
t_i on x_{t_{i−1}} (``ddim_invert_step``, as DiffEdit's encoder and diffusers' DDIMInverseScheduler do),
the mirror of the decoding step t_i → t_{i−1}; the small mismatch between the two is the
reconstruction error, which shrinks as the steps get shorter. Both directions use the class-conditional
model with the digit's true label, no guidance, on the "leading" sub-sequence (``ddim.subsequence``).

For scale, the last row decodes a fresh Gaussian x_T with the same labels: the error a latent that
knows nothing about the input gives. Digits are held-out images (never seen in training).
"""

from __future__ import annotations

import torch

from ..diffusion import ddim_invert_step, ddim_step, ddim_timesteps
from ._common import Progress, add_grid, check_finite, generator, randn, real_digits
from .plans import inversion_step_counts
from .result import DemoResult

CLASSES = tuple(range(10))


def encode(model, x0, cond, steps, progress, demo="inversion"):
    """x_0 → x_T by ``ddim.13`` forwards over ``steps`` steps of the leading sub-sequence."""
    ab = model.alpha_bars
    taus = ddim_timesteps(len(ab), steps, "leading").flip(0).tolist()  # ascending: 0, k, 2k, …
    x, ab_prev = x0, 1.0
    for i, t in enumerate(taus):
        eps = model.eps(x, t, cond)
        x = ddim_invert_step(x, eps, ab_prev, float(ab[t]))
        check_finite(x, demo, f"encode ({steps} steps) step {i + 1}/{steps} (t={t})")
        ab_prev = float(ab[t])
        progress.tick(stage=f"encode {steps}", t=t)
    return x


def decode(model, x_T, cond, steps, progress, demo="inversion", stage="decode"):
    """x_T → x_0 by deterministic DDIM (``ddim.12``, η = 0) over the same sub-sequence."""
    ab = model.alpha_bars
    taus = ddim_timesteps(len(ab), steps, "leading").tolist()  # descending
    x = x_T
    for i, t in enumerate(taus):
        ab_prev = float(ab[taus[i + 1]]) if i + 1 < len(taus) else 1.0
        x = ddim_step(x, model.eps(x, t, cond), float(ab[t]), ab_prev)
        check_finite(x, demo, f"{stage} ({steps} steps) step {i + 1}/{steps} (t={t})")
        progress.tick(stage=f"{stage} {steps}", t=t)
    return x


def run(model, *, device="cpu", seed: int = 0, steps: int | None = None, callback=None, cancel=None,
        classes=CLASSES) -> DemoResult:
    step_counts = inversion_step_counts(steps)  # 10 and 20 below N, and N
    largest = step_counts[-1]
    progress = Progress("inversion", 2 * sum(step_counts) + largest, callback, cancel)
    x0, labels = real_digits(classes)
    x0, cond = x0.to(device), labels.to(device)
    rows, recon, latents = [], {}, {}
    for s in step_counts:
        x_T = encode(model, x0, cond, s, progress)
        x_rec = decode(model, x_T, cond, s, progress)
        err = (x_rec - x0).float()
        rows.append({"steps": s, "mse": float(err.pow(2).mean()), "max |error|": float(err.abs().max()),
                     "std(x_T)": float(x_T.std())})
        recon[s], latents[s] = x_rec, x_T
    gen = generator(seed)
    x_rand = decode(model, randn(x0.shape, gen, device), cond, largest, progress, stage="decode noise")
    err = (x_rand - x0).float()
    baseline = {"steps": largest, "mse": float(err.pow(2).mean()), "max |error|": float(err.abs().max()), "std(x_T)": 1.0}

    result = DemoResult("inversion", settings={"seed": seed, "device": str(device), "steps": step_counts,
                                               "classes": list(map(int, classes))})
    add_grid(result, "reconstruction", torch.stack([x0, latents[largest], *[recon[s] for s in step_counts], x_rand], 1),
             title=f"DDIM inversion: each digit encoded to x_T ({largest} steps) and decoded back",
             rows=labels.tolist(), row_title="digit",
             cols=["input x_0", "encoded x_T", *[f"decoded {s} steps" for s in step_counts], "random x_T decoded"],
             caption=("rows: digits " + ", ".join(map(str, labels.tolist()))
                      + f"; columns: x_0, its x_T ({largest} steps, clipped), "
                      + ", ".join(f"decoded after {s} steps" for s in step_counts)
                      + f", a random x_T decoded ({largest} steps)"))
    result.tables.append({"name": "reconstruction", "title": "Encode with ddim.13, decode with ddim.12 (η = 0)",
                          "columns": ["x_T from", *rows[0]],
                          "rows": [{"x_T from": "inversion", **r} for r in rows] + [{"x_T from": "random noise", **baseline}]})
    result.series["mse"] = {"x": step_counts, "y": [r["mse"] for r in rows], "label": "inversion",
                            "plot": "reconstruction MSE", "xlabel": "DDIM steps", "ylabel": "MSE", "yscale": "log"}
    for r in rows:
        result.metrics[f"mse.{r['steps']}"] = r["mse"]
        result.metrics[f"max_abs.{r['steps']}"] = r["max |error|"]
    result.metrics["mse.random"] = baseline["mse"]
    best = rows[-1]
    result.text = [
        f"{len(classes)} held-out digits inverted and decoded: MSE {best['mse']:.2e}, max |error| {best['max |error|']:.3f} "
        f"at {best['steps']} steps (pixels in [−1, 1])",
        f"a random x_T decoded with the same labels lands at MSE {baseline['mse']:.3f}: the latent carries the image",
    ]
    return result
