"""DDIM's generalised step, its σ_t(η), deterministic inversion and timestep sub-sequences
(Song, Meng & Ermon, arXiv 2010.02502).

DDIM writes α_t for what DDPM calls ᾱ_t. The code uses DDPM's name, ``alpha_bar_t``, throughout, so
that one variable means one thing across the package; docstrings give both.
"""

from __future__ import annotations

from typing import Literal

import torch

from ._coeff import coeff, sched
from .ddpm import predict_x0


def ddim_sigma(alpha_bar_t, alpha_bar_prev, eta):
    """σ_t(η) = η √((1 − ᾱ_{t−1})/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_{t−1}) (``ddim.16``, DDIM's α written ᾱ).

    η = 0 gives the deterministic DDIM sampler, η = 1 the DDPM posterior's standard deviation √β̃_t.
    Returns a float64 tensor (a float when all inputs are floats).
    """
    if isinstance(alpha_bar_t, float) and isinstance(alpha_bar_prev, float) and isinstance(eta, (int, float)):
        return eta * max((1 - alpha_bar_prev) / (1 - alpha_bar_t) * (1 - alpha_bar_t / alpha_bar_prev), 0.0) ** 0.5
    alpha_bar_t = torch.as_tensor(alpha_bar_t, dtype=torch.float64)
    alpha_bar_prev = torch.as_tensor(alpha_bar_prev, dtype=torch.float64)
    variance = (1 - alpha_bar_prev) / (1 - alpha_bar_t) * (1 - alpha_bar_t / alpha_bar_prev)
    return eta * variance.clamp(min=0).sqrt()


def ddim_step(
    x_t: torch.Tensor,
    eps: torch.Tensor,
    alpha_bar_t,
    alpha_bar_prev,
    eta: float = 0.0,
    noise: torch.Tensor | None = None,
    clip_x0: float | None = None,
) -> torch.Tensor:
    """One generalised DDIM step x_t → x_{t−1} (``ddim.12``); t−1 may be any earlier timestep τ_{i−1}.

    x_{t−1} = √ᾱ_{t−1} x̂_0  +  √(1 − ᾱ_{t−1} − σ_t²) ε_θ(x_t)  +  σ_t ε_t
              "predicted x_0"  "direction pointing to x_t"        "random noise"

    with x̂_0 from ``ddim.9`` and σ_t = σ_t(η) from ``ddim.16``. Given the ε that produced x_t from x_0
    it samples the posterior q_σ(x_{t−1} | x_t, x_0) of ``ddim.7``; DiffEdit recalls the η = 0 case as
    its eq. 2 (``diffedit.2``). ``noise`` is ε_t, drawn with
    ``torch.randn_like`` when omitted and η > 0.
    """
    # 1. predicted x_0 (ddim.9), optionally clipped
    x0_hat = predict_x0(x_t, eps, alpha_bar_t)
    if clip_x0 is not None:
        x0_hat = x0_hat.clamp(-clip_x0, clip_x0)
    # 2. σ_t(η) (ddim.16); zero for deterministic DDIM
    alpha_bar_prev = sched(alpha_bar_prev, x_t)
    sigma_t = ddim_sigma(sched(alpha_bar_t, x_t), alpha_bar_prev, eta) if eta != 0 else torch.zeros_like(alpha_bar_prev)
    # 3. direction pointing to x_t
    direction = coeff((1 - alpha_bar_prev - sigma_t**2).clamp(min=0).sqrt(), x_t) * eps
    x_prev = coeff(alpha_bar_prev.sqrt(), x_t) * x0_hat + direction
    # 4. random noise
    if eta != 0:
        if noise is None:
            noise = torch.randn_like(x_t)
        x_prev = x_prev + coeff(sigma_t, x_t) * noise
    return x_prev


def ddim_invert_step(x_t: torch.Tensor, eps: torch.Tensor, alpha_bar_t, alpha_bar_next) -> torch.Tensor:
    """One deterministic DDIM encoding step x_t → x_{t+1}: the ODE of ``ddim.13`` run forwards in t.

    x_{t+1}/√ᾱ_{t+1} = x_t/√ᾱ_t + (√((1 − ᾱ_{t+1})/ᾱ_{t+1}) − √((1 − ᾱ_t)/ᾱ_t)) ε_θ(x_t),
    i.e. x_{t+1} = √ᾱ_{t+1} x̂_0 + √(1 − ᾱ_{t+1}) ε_θ(x_t). DiffEdit's encoder (``diffedit.step2``)
    applies it from x_0 up to the encoding ratio r.
    """
    x0_hat = predict_x0(x_t, eps, alpha_bar_t)
    alpha_bar_next = sched(alpha_bar_next, x_t)
    return coeff(alpha_bar_next.sqrt(), x_t) * x0_hat + coeff((1 - alpha_bar_next).sqrt(), x_t) * eps


def ddim_timesteps(
    T: int, steps: int, spacing: Literal["leading", "trailing", "linspace"] = "leading", offset: int = 0
) -> torch.Tensor:
    """The sub-sequence τ of [0, T) that DDIM samples on (``ddim.subsequence``), in descending order.

    DDIM §4.2 samples on an increasing sub-sequence τ_1 < … < τ_S of the T training steps; the
    paper uses a linear ("leading") or quadratic one. Spacings, with 0-based indices as diffusers uses:

    - ``"leading"``: 0, k, 2k, … with k = T // steps (DDIM's linear sub-sequence), plus ``offset``;
    - ``"trailing"``: T−1, T−1−T/steps, … rounded (Lin et al. 2023, Table 2), so the last step is T−1;
    - ``"linspace"``: ``steps`` evenly spaced values from 0 to T−1, rounded.
    """
    if int(steps) != steps or not 1 <= steps <= T:
        raise ValueError(f"steps must be an integer between 1 and T={T}, got {steps!r}")
    if spacing == "leading":
        step_ratio = T // steps
        taus = torch.arange(steps, dtype=torch.int64) * step_ratio + offset
        return taus.flip(0)
    if spacing == "trailing":
        taus = torch.round(torch.arange(T, 0, -T / steps, dtype=torch.float64)).to(torch.int64) - 1
        return taus
    if spacing == "linspace":
        return torch.round(torch.linspace(0, T - 1, steps, dtype=torch.float64)).to(torch.int64).flip(0)
    raise ValueError(f"spacing must be 'leading', 'trailing' or 'linspace', got {spacing!r}")


