"""Models behind the maths in ``paperkit.diffusion``, and ``load_model`` to get one by name.

A *model* there is anything with ``eps(x_t, t, cond)``, an optional ``null_cond`` and ``alpha_bars``.

- ``load_model("digits")``: the project's own class-conditional model on scikit-learn's digits,
  whose weights ship in the package (``paperkit.models.digits``);
- ``stable_diffusion.StableDiffusionModel`` wraps a local diffusers Stable Diffusion folder;
  ``tiny_sd`` builds a tiny random-weight one offline, for tests and benchmarks.

The submodules import torch (and, for Stable Diffusion, diffusers): they load only when called.
"""

from __future__ import annotations

MODELS = ("digits",)


def load_model(name: str = "digits", device="cpu"):
    """The named model on ``device``: "digits", or a path to a local Stable Diffusion folder."""
    from ..errors import UserError

    if name == "digits":
        from .digits.model import load_digits

        return load_digits(device=device)
    from pathlib import Path

    if Path(name).expanduser().is_dir():
        from .stable_diffusion import StableDiffusionModel

        return StableDiffusionModel.from_folder(Path(name).expanduser(), device=device)
    raise UserError(f"unknown model {name!r}: use \"digits\" or a Stable Diffusion folder")
