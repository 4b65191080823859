"""What ``paperkit.diffusion.sample`` and the demos ask of a model: bring your own by providing this.

The built-in digits model (``paperkit.models.digits``) and Stable Diffusion
(``paperkit.models.stable_diffusion``) both satisfy ``DemoModel``; ``sample`` itself needs only
``SamplerModel``. A minimal model of your own::

    class MyModel:
        schedule = NoiseSchedule(alpha_bars(linear_betas()))   # or NoiseSchedule.from_config(cfg)
        null_cond = torch.tensor([10])                         # for classifier-free guidance

        def eps(self, x_t, t, cond):                           # ε_θ(x_t, t, c), ``ddpm.eps_theta``
            return my_unet(x_t, t, cond)

    x_0 = sample(MyModel(), torch.randn(4, 3, 32, 32), torch.tensor([1, 2, 3, 4]), steps=50, guidance_scale=3)

This module holds only the typing protocols (no torch import at run time).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Sequence, runtime_checkable

if TYPE_CHECKING:  # pragma: no cover
    import torch

    from ..diffusion.noise_schedule import NoiseSchedule


@runtime_checkable
class SamplerModel(Protocol):
    """Enough for ``sample``/``invert``: the noise prediction, the unconditional input and the schedule.

    ``schedule`` may be missing if the model has ``alpha_bars`` (then DDIM's leading grid, ᾱ_0 := 1).
    """

    def eps(self, x_t: "torch.Tensor", t: int, cond) -> "torch.Tensor":
        """ε_θ(x_t, t, c) for a batch x_t, an integer timestep and a batch of conditionings."""

    @property
    def null_cond(self) -> "torch.Tensor":
        """The unconditional input of classifier-free guidance (``cfg.6``): a null label or ""'s embedding."""

    @property
    def schedule(self) -> "NoiseSchedule":
        """ᾱ_t and the sampling grid (spacing, steps offset, ᾱ after the last step)."""


@runtime_checkable
class DemoModel(SamplerModel, Protocol):
    """What the demos also use: prompts in, pixels out."""

    name: str
    text_to_image: bool  # True: prompts are free text (columns are prompts); False: they name classes

    def encode_prompt(self, prompts: Sequence[str]) -> "torch.Tensor":
        """The conditioning batch for ``prompts`` (labels or text-encoder states)."""

    def prompt_embedding(self, prompts: Sequence[str]) -> "torch.Tensor":
        """A float embedding per prompt that ``lerp``/``slerp`` can blend and ``eps`` accepts as cond."""

    def latent_shape(self, batch: int) -> tuple[int, ...]:
        """The shape of x_T for ``batch`` samples."""

    def to_pixels(self, x: "torch.Tensor") -> "torch.Tensor":
        """Samples → pixels in [−1, 1] (not clipped), (B, 1 or 3, H, W)."""

    def from_pixels(self, pixels: "torch.Tensor") -> "torch.Tensor":
        """Pixels in [−1, 1] → the model's space (latents for Stable Diffusion)."""

    @property
    def resolution(self) -> int:
        """The side in pixels of the images it makes."""

    def to(self, device) -> "DemoModel":
        """Move to ``device``; returns the model."""
