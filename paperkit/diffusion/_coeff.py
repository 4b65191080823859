"""Broadcasting helpers shared by the step functions.

Schedules are float64 but samples are usually float32. A schedule value such as ᾱ_t may be a Python
float, a 0-d tensor or one value per sample (shape (B,)). ``sched`` lifts it to a float64 tensor, so
that ratios such as ᾱ_t/ᾱ_{t−1} keep their digits; ``coeff`` turns a finished coefficient into what
multiplies the sample:

- a single value stays on the CPU and becomes a Python float, which torch applies as a scalar: no
  tensor is created or copied to the GPU per step, which is what made a step slower than diffusers';
- one value per sample goes to the sample's device and dtype, shaped (B, 1, 1, …) to broadcast.

Keeping this here keeps device and dtype handling out of the maths.
"""

from __future__ import annotations

import torch


def sched(value, like: torch.Tensor) -> torch.Tensor:
    """A schedule value in float64: on the CPU when it is a single value, else on ``like``'s device.

    MPS has no float64, so per-sample values bound for MPS stay float32.
    """
    t = torch.as_tensor(value, dtype=torch.float64) if not isinstance(value, torch.Tensor) else value
    if t.numel() == 1 and t.ndim <= 1:
        # dtype goes into the conversion itself: a Python float would otherwise pass through float32
        return t.detach().to(device="cpu", dtype=torch.float64).reshape(())
    dtype = torch.float32 if like.device.type == "mps" else torch.float64
    return t.to(device=like.device, dtype=dtype)


def coeff(value, like: torch.Tensor):
    """``value`` ready to multiply ``like``: a Python float when single, else (B, 1, …) in its dtype."""
    t = torch.as_tensor(value)
    if t.numel() == 1 and t.ndim <= 1:
        return float(t)
    if t.ndim == 1 and like.ndim > 1:
        if t.shape[0] != like.shape[0]:
            raise ValueError(f"per-sample coefficient has {t.shape[0]} values for a batch of {like.shape[0]}")
        return t.to(device=like.device, dtype=like.dtype).reshape(-1, *([1] * (like.ndim - 1)))
    if t.ndim > 1:
        raise ValueError(f"a coefficient must be a scalar or one value per sample, got shape {tuple(t.shape)}")
    return t.to(device=like.device, dtype=like.dtype)
