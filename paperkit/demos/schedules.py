"""``schedules``: β_t, ᾱ_t and the signal-to-noise ratio of three noise schedules (``ddpm.schedule``, ``ddpm.alpha_bar``).

- linear: DDPM's β_t from 10⁻⁴ to 0.02 (``ddpm.schedule``), the digits model's own schedule;
- scaled-linear: Stable Diffusion's, √β linear from √0.00085 to √0.012;
- cosine: Nichol & Dhariwal's ᾱ(t) = f(t)/f(0).

ᾱ_t = ∏ (1 − β_s) (``ddpm.alpha_bar``) and SNR(t) = ᾱ_t/(1 − ᾱ_t), the ratio of signal to noise
variance in x_t (``ddpm.4``), plotted on a log scale. Times are the paper's t = 1 … T (index t − 1).
No model and no randomness: ``seed`` and ``steps`` are ignored.
"""

from __future__ import annotations

import torch

from ..diffusion import alpha_bars, cosine_betas, linear_betas, scaled_linear_betas
from ._common import Progress, check_finite
from .plans import T
from .result import DemoResult

SCHEDULES = {"linear": linear_betas, "scaled_linear": scaled_linear_betas, "cosine": cosine_betas}
KEY_T = (1, 250, 500, 750, 1000)


def run(model=None, *, device="cpu", seed: int = 0, steps: int | None = None, callback=None, cancel=None) -> DemoResult:
    progress = Progress("schedules", len(SCHEDULES), callback, cancel)
    result = DemoResult("schedules", settings={"seed": seed, "device": str(device), "steps": None, "T": T})
    ts = list(range(1, T + 1))
    rows = []
    for kind, make in SCHEDULES.items():
        beta = make(T)
        alpha_bar = alpha_bars(beta)  # ddpm.alpha_bar
        snr = alpha_bar / (1 - alpha_bar)
        for name, values in (("beta", beta), ("alpha_bar", alpha_bar), ("snr", snr)):
            check_finite(values, "schedules", f"schedule {kind!r}", what=name)
        result.series[f"beta.{kind}"] = _curve(ts, beta, kind, "β_t", "β_t", "linear")
        result.series[f"alpha_bar.{kind}"] = _curve(ts, alpha_bar, kind, "ᾱ_t", "ᾱ_t", "linear")
        result.series[f"snr.{kind}"] = _curve(ts, snr, kind, "SNR(t) = ᾱ_t/(1 − ᾱ_t)", "SNR", "log")
        below = torch.nonzero(snr < 1).flatten()
        t_half = int(below[0]) + 1 if len(below) else None  # first t where noise outweighs signal
        row = {"schedule": kind, "β_1": float(beta[0]), "β_T": float(beta[-1])}
        row.update({f"ᾱ_{t}": float(alpha_bar[t - 1]) for t in KEY_T})
        row.update({"SNR_500": float(snr[499]), "t(SNR<1)": t_half})
        rows.append(row)
        result.metrics[f"alpha_bar_T.{kind}"] = float(alpha_bar[-1])
        result.metrics[f"snr_500.{kind}"] = float(snr[499])
        result.metrics[f"t_snr_below_1.{kind}"] = t_half
        progress.tick(stage="schedule", schedule=kind)
    result.tables.append({"name": "key_values", "title": "Key values (t is the paper's 1 … T)",
                          "columns": list(rows[0]), "rows": rows})
    lin = result.metrics["alpha_bar_T.linear"]
    result.text = [
        f"linear (DDPM, the digits model's): ᾱ_T = {lin:.2e}, so x_T keeps {lin ** 0.5:.1%} of x_0's scale",
        f"scaled-linear (Stable Diffusion): ᾱ_T = {result.metrics['alpha_bar_T.scaled_linear']:.2e}; "
        f"cosine: ᾱ_T = {result.metrics['alpha_bar_T.cosine']:.2e}",
        "SNR falls below 1 at t = " + ", ".join(f"{k} {result.metrics[f't_snr_below_1.{k}']}" for k in SCHEDULES),
    ]
    return result


def _curve(ts, values: torch.Tensor, label: str, plot: str, ylabel: str, yscale: str) -> dict:
    return {"x": ts, "y": values.tolist(), "label": label, "plot": plot, "xlabel": "t", "ylabel": ylabel, "yscale": yscale}
