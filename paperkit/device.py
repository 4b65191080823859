"""The one device rule: CUDA if present, else MPS, else CPU, unless the user names one."""

from __future__ import annotations

from .errors import UserError

DEVICES = ("auto", "cpu", "cuda", "mps")


def resolve_device(name: str = "auto"):
    """``auto`` picks CUDA, then MPS, then CPU; naming a backend that is missing is a UserError.

    Only ``auto`` falls back: asking for ``cuda`` on a machine without it is an error, not a
    silent switch to the CPU. Imports torch (≈ 2 s), so call it where the work starts.
    """
    import torch

    if name not in DEVICES:
        raise UserError(f"unknown device {name!r}: choose one of {', '.join(DEVICES)}")
    mps = getattr(torch.backends, "mps", None)
    has_mps = bool(mps is not None and mps.is_available())
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "mps" if has_mps else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise UserError("--device cuda was asked for but CUDA is not available on this machine")
    if name == "mps" and not has_mps:
        raise UserError("--device mps was asked for but MPS is not available on this machine")
    return torch.device(name)
