"""Classifier-free guidance and the variants shown in fast.ai lesson 11.

- ``cfg``: Ho & Salimans, arXiv 2207.12598, eq. 6 (``cfg.6``).
- ``rescale_by_std``: Lin et al., arXiv 2305.08891, §3.4 (``lesson11.guidance_rescale``).
- ``rescale_by_norm_ratio`` and ``guidance_scale_schedule``: variations shared by students on the
  course forum during lesson 11 (``lesson11.norm_rescale``, ``lesson11.decreasing_guidance``).
"""

from __future__ import annotations

import math
from typing import Literal

import torch


def cfg(eps_uncond: torch.Tensor, eps_cond: torch.Tensor, scale: float) -> torch.Tensor:
    """Guided noise prediction ε̃ = ε_u + s (ε_c − ε_u) (``cfg.6``).

    The paper writes ε̃_θ(z_λ, c) = (1 + w) ε_θ(z_λ, c) − w ε_θ(z_λ); this is the same with
    s = 1 + w. s = 1 is the conditional model alone, s = 0 the unconditional one. ``scale`` may be a
    float or one value per sample.
    """
    scale = _per_sample(scale, eps_cond)
    return eps_uncond + scale * (eps_cond - eps_uncond)


def rescale_by_norm_ratio(eps_guided: torch.Tensor, eps_ref: torch.Tensor) -> torch.Tensor:
    """ε̂ = ε̃ · ‖ε_ref‖ / ‖ε̃‖, per sample (``lesson11.norm_rescale``).

    Guidance at a large scale inflates the norm of the prediction; rescaling it to the norm of a
    reference (the conditional or unconditional prediction) keeps the direction and undoes the
    inflation. The norm is the Frobenius norm over all but the batch dimension.
    """
    dims = tuple(range(1, eps_guided.ndim))
    norm_ref = torch.linalg.vector_norm(eps_ref, dim=dims, keepdim=True)
    norm_guided = torch.linalg.vector_norm(eps_guided, dim=dims, keepdim=True)
    return eps_guided * (norm_ref / norm_guided)


def rescale_by_std(eps_guided: torch.Tensor, eps_cond: torch.Tensor, phi: float = 0.7) -> torch.Tensor:
    """Lin et al.'s guidance rescale (``lesson11.guidance_rescale``), per sample.

    1. ε_rescaled = ε_cfg · σ(ε_pos) / σ(ε_cfg), σ the standard deviation over all but the batch dim;
    2. ε_final = φ ε_rescaled + (1 − φ) ε_cfg.

    The paper suggests φ = 0.7. This is what diffusers' ``rescale_noise_cfg`` computes.
    """
    dims = list(range(1, eps_guided.ndim))
    std_pos = eps_cond.std(dim=dims, keepdim=True)
    std_cfg = eps_guided.std(dim=dims, keepdim=True)
    eps_rescaled = eps_guided * (std_pos / std_cfg)
    return phi * eps_rescaled + (1 - phi) * eps_guided


def guidance_scale_schedule(
    scale: float,
    steps: int,
    kind: Literal["constant", "linear", "cosine"] = "constant",
    min_scale: float = 1.0,
) -> list[float]:
    """Guidance scale s_i for each of ``steps`` sampling steps (``lesson11.decreasing_guidance``).

    - ``"constant"``: s_i = s;
    - ``"linear"``: s_i = s + (s_min − s) · i/(N − 1), from s at the first (noisiest) step to s_min;
    - ``"cosine"``: s_i = s_min + (s − s_min) · ½(1 + cos(π i/(N − 1))), the same ends, flatter at both.

    Strong guidance early fixes the composition; weaker guidance late leaves detail to the model.
    """
    if int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    if kind not in ("constant", "linear", "cosine"):
        raise ValueError(f"kind must be 'constant', 'linear' or 'cosine', got {kind!r}")
    if kind == "constant" or steps == 1:
        return [float(scale)] * steps
    fractions = [i / (steps - 1) for i in range(steps)]
    if kind == "linear":
        return [scale + (min_scale - scale) * f for f in fractions]
    return [min_scale + (scale - min_scale) * 0.5 * (1 + math.cos(math.pi * f)) for f in fractions]


def _per_sample(scale, like: torch.Tensor):
    if isinstance(scale, (int, float)):
        return scale
    scale = torch.as_tensor(scale, device=like.device, dtype=like.dtype)
    return scale.reshape(-1, *([1] * (like.ndim - 1))) if scale.ndim == 1 else scale


class NormRatio:
    """A rescale rule for ``sample``: ``rescale_by_norm_ratio`` against the conditional ε
    (``lesson11.norm_rescale``)."""

    name = "norm"

    def __call__(self, eps_cfg: torch.Tensor, eps_cond: torch.Tensor, eps_uncond: torch.Tensor) -> torch.Tensor:
        return rescale_by_norm_ratio(eps_cfg, eps_cond)

    def __repr__(self) -> str:
        return "NormRatio()"


class StdRescale:
    """A rescale rule for ``sample``: Lin et al.'s ``rescale_by_std`` with φ (``lesson11.guidance_rescale``);
    diffusers' ``guidance_rescale=φ``."""

    name = "std"

    def __init__(self, phi: float = 0.7):
        if not 0 <= phi <= 1:
            raise ValueError(f"φ must be in [0, 1], got {phi!r}")
        self.phi = float(phi)

    def __call__(self, eps_cfg: torch.Tensor, eps_cond: torch.Tensor, eps_uncond: torch.Tensor) -> torch.Tensor:
        return rescale_by_std(eps_cfg, eps_cond, self.phi)

    def __repr__(self) -> str:
        return f"StdRescale(phi={self.phi:g})"


def rescale_rule(name: str | None, phi: float = 0.7):
    """"norm" → ``NormRatio()``, "std" → ``StdRescale(phi)``, None → None."""
    if name is None:
        return None
    if name == "norm":
        return NormRatio()
    if name == "std":
        return StdRescale(phi)
    raise ValueError(f"rescale must be None, 'norm' or 'std', got {name!r}")
