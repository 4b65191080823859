"""DDPM's forward process, posterior and ancestral sampling step (Ho et al. 2020, arXiv 2006.11239).

Names follow the paper: ``alpha_bar_t`` is ᾱ_t, ``alpha_t`` is α_t = 1 − β_t, ``x0_hat`` is the
predicted x̂_0, ``beta_tilde_t`` is β̃_t.
"""

from __future__ import annotations

from typing import Literal

import torch

from ._coeff import coeff, sched


def q_step(x_prev: torch.Tensor, eps: torch.Tensor, beta_t) -> torch.Tensor:
    """One forward step x_{t−1} → x_t ~ q(x_t | x_{t−1}) (``ddpm.2``).

    q(x_t | x_{t−1}) = 𝒩(x_t; √(1 − β_t) x_{t−1}, β_t I), so x_t = √(1 − β_t) x_{t−1} + √β_t ε.
    """
    beta_t = sched(beta_t, x_prev)
    return coeff((1 - beta_t).sqrt(), x_prev) * x_prev + coeff(beta_t.sqrt(), x_prev) * eps


def q_sample(x0: torch.Tensor, eps: torch.Tensor, alpha_bar_t) -> torch.Tensor:
    """Sample x_t ~ q(x_t | x_0) (``ddpm.4``) by reparameterisation.

    q(x_t | x_0) = 𝒩(x_t; √ᾱ_t x_0, (1 − ᾱ_t) I), so x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε with ε ~ 𝒩(0, I).
    DDIM writes the same line as its eq. 4 (``ddim.4``), with α_t for ᾱ_t.
    """
    alpha_bar_t = sched(alpha_bar_t, x0)
    return coeff(alpha_bar_t.sqrt(), x0) * x0 + coeff((1 - alpha_bar_t).sqrt(), x0) * eps


def predict_x0(x_t: torch.Tensor, eps: torch.Tensor, alpha_bar_t) -> torch.Tensor:
    """x̂_0 = (x_t − √(1 − ᾱ_t) ε_θ(x_t)) / √ᾱ_t: ``ddpm.4`` solved for x_0; DDIM's f_θ (``ddim.9``)."""
    alpha_bar_t = sched(alpha_bar_t, x_t)
    return (x_t - coeff((1 - alpha_bar_t).sqrt(), x_t) * eps) / coeff(alpha_bar_t.sqrt(), x_t)


def posterior_mean_variance(x0: torch.Tensor, x_t: torch.Tensor, alpha_bar_t, alpha_bar_prev):
    """Mean μ̃_t(x_t, x_0) and variance β̃_t of q(x_{t−1} | x_t, x_0) (``ddpm.6``, ``ddpm.7``).

    μ̃_t = √ᾱ_{t−1} β_t / (1 − ᾱ_t) · x_0 + √α_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · x_t
    β̃_t = (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · β_t

    Returns ``(mean, variance)``; the variance is a coefficient broadcastable against x_t.
    """
    alpha_bar_t = sched(alpha_bar_t, x_t)
    alpha_bar_prev = sched(alpha_bar_prev, x_t)
    alpha_t = alpha_bar_t / alpha_bar_prev
    beta_t = 1 - alpha_t
    mean = (
        coeff(alpha_bar_prev.sqrt() * beta_t / (1 - alpha_bar_t), x_t) * x0
        + coeff(alpha_t.sqrt() * (1 - alpha_bar_prev) / (1 - alpha_bar_t), x_t) * x_t
    )
    beta_tilde_t = (1 - alpha_bar_prev) / (1 - alpha_bar_t) * beta_t
    return mean, coeff(beta_tilde_t, x_t)


def ddpm_step(
    x_t: torch.Tensor,
    eps: torch.Tensor,
    alpha_bar_t,
    alpha_bar_prev,
    noise: torch.Tensor | None = None,
    variance: Literal["beta_tilde", "beta"] = "beta_tilde",
    clip_x0: float | None = None,
) -> torch.Tensor:
    """One ancestral sampling step x_t → x_{t−1} (``ddpm.alg2``, line 4, through ``ddpm.11``).

    1. x̂_0 from ε_θ(x_t, t) (``ddpm.4`` inverted), optionally clipped to [−clip_x0, clip_x0].
    2. μ_θ(x_t, t) = μ̃_t(x_t, x̂_0) (``ddpm.11``), which equals 1/√α_t (x_t − β_t/√(1 − ᾱ_t) ε_θ).
    3. x_{t−1} = μ_θ + σ_t z with σ_t² = β̃_t (``variance="beta_tilde"``) or β_t (``"beta"``), the two
       choices of §3.2; z = 0 on the last step (ᾱ_{t−1} = 1), as in Algorithm 2.

    ``noise`` is z; when omitted it is drawn with ``torch.randn_like``.
    """
    if variance not in ("beta_tilde", "beta"):
        raise ValueError(f"variance must be 'beta_tilde' or 'beta', got {variance!r}")
    # 1. predicted x_0
    x0_hat = predict_x0(x_t, eps, alpha_bar_t)
    if clip_x0 is not None:
        x0_hat = x0_hat.clamp(-clip_x0, clip_x0)
    # 2. posterior mean with x̂_0 in place of x_0
    mean, beta_tilde_t = posterior_mean_variance(x0_hat, x_t, alpha_bar_t, alpha_bar_prev)
    # 3. add σ_t z
    alpha_bar_prev = sched(alpha_bar_prev, x_t)
    if variance == "beta_tilde":
        sigma_t_sq = beta_tilde_t
    else:
        sigma_t_sq = coeff(1 - sched(alpha_bar_t, x_t) / alpha_bar_prev, x_t)
    if isinstance(sigma_t_sq, float):
        if alpha_bar_prev >= 1:  # the last step: z = 0
            return mean
        sigma_t = max(sigma_t_sq, 0.0) ** 0.5
    else:
        last = coeff(alpha_bar_prev, x_t) >= 1
        sigma_t = torch.where(last, torch.zeros_like(sigma_t_sq), sigma_t_sq).clamp(min=0).sqrt()
    if noise is None:
        noise = torch.randn_like(x_t)
    return mean + sigma_t * noise


def l_simple(eps: torch.Tensor, eps_theta: torch.Tensor) -> torch.Tensor:
    """L_simple (``ddpm.14``) on one draw of (t, x_0, ε): ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖².

    The squared norm is taken per sample and averaged over the batch (the Monte-Carlo estimate of
    the expectation); DDIM's L_γ (``ddim.5``) with all γ_t = 1. Training (``ddpm.alg1``) computes ``eps_theta`` at x_t = ``q_sample(x0, eps, ᾱ_t)``.
    """
    return (eps - eps_theta).pow(2).flatten(1).sum(dim=1).mean()
