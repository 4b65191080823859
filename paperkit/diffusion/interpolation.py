"""Interpolating between two prompts' embeddings (``lesson11.prompt_interpolation``).

Students in lesson 11 blended prompts (for example across the seasons) by interpolating their text
embeddings. Linear interpolation shrinks the norm mid-way between two nearly orthogonal vectors;
spherical interpolation (Shoemake 1985) follows the great circle and keeps it.
"""

from __future__ import annotations

import torch


def lerp(a: torch.Tensor, b: torch.Tensor, t: float) -> torch.Tensor:
    """(1 − t) a + t b (``lesson11.prompt_interpolation``)."""
    return (1 - t) * a + t * b


def slerp(a: torch.Tensor, b: torch.Tensor, t: float, dot_threshold: float = 0.9995) -> torch.Tensor:
    """sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b, cos Ω = ⟨a, b⟩/(‖a‖‖b‖) (``lesson11.prompt_interpolation``).

    The whole tensor is treated as one vector. When a and b are nearly parallel (cos Ω above
    ``dot_threshold``) sin Ω → 0 and the formula is ill-conditioned, so it falls back to ``lerp``.
    """
    a64, b64 = a.double().flatten(), b.double().flatten()
    cos_omega = torch.dot(a64, b64) / (a64.norm() * b64.norm())
    if cos_omega.abs() > dot_threshold:
        return lerp(a, b, t)
    omega = torch.arccos(cos_omega)
    sin_omega = torch.sin(omega)
    w_a = (torch.sin((1 - t) * omega) / sin_omega).to(a.dtype)
    w_b = (torch.sin(t * omega) / sin_omega).to(a.dtype)
    return w_a * a + w_b * b
