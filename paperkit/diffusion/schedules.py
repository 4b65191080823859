"""Noise schedules β_1..β_T and their cumulative products ᾱ_t.

All schedules are returned in float64 with shape (T,), index 0 holding β_1 (the paper's t = 1).
"""

from __future__ import annotations

import math

import torch


def linear_betas(T: int = 1000, beta_1: float = 1e-4, beta_T: float = 0.02) -> torch.Tensor:
    """DDPM's linear schedule (``ddpm.schedule``): β_t rises linearly from β_1 = 10⁻⁴ to β_T = 0.02.

    Ho et al. 2020, §4: "the forward process variances ... increasing linearly from β_1 = 10⁻⁴ to
    β_T = 0.02", with T = 1000.
    """
    _check_T(T)
    return torch.linspace(beta_1, beta_T, T, dtype=torch.float64)


def scaled_linear_betas(T: int = 1000, beta_1: float = 0.00085, beta_T: float = 0.012) -> torch.Tensor:
    """Stable Diffusion's schedule: √β_t is linear from √β_1 to √β_T, then squared."""
    _check_T(T)
    return torch.linspace(math.sqrt(beta_1), math.sqrt(beta_T), T, dtype=torch.float64) ** 2


def cosine_betas(T: int = 1000, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    """Nichol & Dhariwal's cosine schedule (2021, eq. 17): ᾱ(t) = f(t)/f(0), f(t) = cos²((t/T + s)/(1 + s) · π/2).

    β_t = 1 − ᾱ_t/ᾱ_{t−1}, clipped at ``max_beta`` to avoid the singularity at t = T.
    """
    _check_T(T)
    t = torch.arange(T + 1, dtype=torch.float64) / T
    f = torch.cos((t + s) / (1 + s) * math.pi / 2) ** 2
    betas = 1 - f[1:] / f[:-1]
    return betas.clamp(max=max_beta)


def alpha_bars(betas: torch.Tensor) -> torch.Tensor:
    """ᾱ_t = ∏_{s=1}^{t} (1 − β_s) (``ddpm.4``'s ᾱ_t; DDIM writes it α_t)."""
    betas = torch.as_tensor(betas, dtype=torch.float64)
    return torch.cumprod(1 - betas, dim=0)


def _check_T(T: int) -> None:
    if int(T) != T or T < 1:
        raise ValueError(f"T must be a positive integer, got {T!r}")
