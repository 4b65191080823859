"""Broadcasting helpers shared by the step functions.

Schedules are float64 but samples are usually float32. A schedule value such as ᾱ_t may be a Python
float, a 0-d tensor or one value per sample (shape (B,)). ``sched`` lifts it to a tensor on the
sample's device in high precision, so that ratios such as ᾱ_t/ᾱ_{t−1} keep their digits; ``coeff``
casts a finished coefficient to the sample's dtype, shaped to broadcast over (B, C, H, W, ...).
Keeping this here keeps device and dtype handling out of the maths.
"""

from __future__ import annotations

import torch


def sched(value, like: torch.Tensor) -> torch.Tensor:
    """A schedule value in float64 (float32 on MPS, which has no float64) on ``like``'s device."""
    dtype = torch.float32 if like.device.type == "mps" else torch.float64
    # dtype goes into as_tensor itself: a Python float would otherwise pass through float32 first
    return torch.as_tensor(value, dtype=dtype, device=like.device)


def coeff(value, like: torch.Tensor) -> torch.Tensor:
    """``value`` (scalar or one per sample) in ``like``'s dtype and device, broadcastable against it."""
    t = torch.as_tensor(value, device=like.device)
    if t.ndim == 1 and like.ndim > 1:
        if t.shape[0] not in (1, like.shape[0]):
            raise ValueError(f"per-sample coefficient has {t.shape[0]} values for a batch of {like.shape[0]}")
        t = t.reshape(-1, *([1] * (like.ndim - 1)))
    elif t.ndim > 1:
        raise ValueError(f"a coefficient must be a scalar or one value per sample, got shape {tuple(t.shape)}")
    return t.to(dtype=like.dtype)
