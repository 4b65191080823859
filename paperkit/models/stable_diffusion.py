"""Stable Diffusion as a ``paperkit.diffusion`` model: ``eps``, ``null_cond`` and ``alpha_bars``.

``StableDiffusionModel`` wraps the components of a diffusers ``StableDiffusionPipeline`` (UNet, VAE,
CLIP text encoder and tokenizer, scheduler) so that DiffEdit's steps (``diffedit.step1`` mask,
``diffedit.step2`` DDIM encoding, ``diffedit.step3`` masked decoding) run on it unchanged: the
maths lives in ``paperkit.diffusion`` and sees only tensors; this module only turns text into
embeddings, images into latents and back, and calls the UNet.

This module imports torch, diffusers and transformers; ``paperkit.models`` imports it lazily.
"""

from __future__ import annotations

from pathlib import Path

import torch

from ..diffusion.noise_schedule import NoiseSchedule
from ..errors import UserError

#: The sub-folders a Stable Diffusion pipeline folder must have for ``from_folder``.
REQUIRED_COMPONENTS = ("unet", "vae", "text_encoder", "tokenizer", "scheduler")


class StableDiffusionModel:
    """A Stable Diffusion pipeline seen as ε_θ(x_t, t, c) over latents.

    - ``eps(x_t, t, cond)``: the UNet's noise prediction (``ddpm.eps_theta``), with ``cond`` the
      text encoder's hidden states (B, 77, D);
    - ``null_cond``: the embedding of the empty prompt "", the unconditional input of classifier-free
      guidance (``cfg.6``) and of DiffEdit's encoder (``diffedit.step2``);
    - ``alpha_bars``: the scheduler's ᾱ_t as float64, shape (T,); ``steps_offset``: the scheduler's
      offset of the "leading" DDIM timesteps (1 for Stable Diffusion), to pass as ``offset``.
    """

    def __init__(self, pipeline):
        self.pipeline = pipeline
        self.unet = pipeline.unet
        self.vae = pipeline.vae
        self.text_encoder = pipeline.text_encoder
        self.tokenizer = pipeline.tokenizer
        self.scheduler = pipeline.scheduler
        config = self.scheduler.config
        try:
            self.schedule = NoiseSchedule.from_scheduler(self.scheduler)
        except ValueError as exc:
            raise UserError(f"unsupported scheduler config: {exc}") from exc
        self.alpha_bars = self.schedule.alpha_bars
        self.steps_offset = self.schedule.steps_offset
        self.prediction_type = getattr(config, "prediction_type", "epsilon") or "epsilon"
        if self.prediction_type not in ("epsilon", "v_prediction", "sample"):
            raise UserError(f"unsupported prediction type {self.prediction_type!r} in the scheduler's config")
        self.vae_scale_factor = 2 ** (len(self.vae.config.block_out_channels) - 1)
        self._null_cond = None
        if hasattr(pipeline, "set_progress_bar_config"):
            pipeline.set_progress_bar_config(disable=True)

    # -- construction -----------------------------------------------------------------------------

    @classmethod
    def from_folder(cls, path, device="cpu", dtype=torch.float32) -> "StableDiffusionModel":
        """Load a local diffusers Stable Diffusion folder (``model_index.json``, ``unet/``, ``vae/``, …).

        Nothing is downloaded. A missing folder or one that is not a Stable Diffusion pipeline raises
        ``UserError`` with one line saying so.
        """
        from diffusers import StableDiffusionPipeline

        path = Path(path).expanduser()
        if not path.exists():
            raise UserError(f"model folder not found: {path}")
        if not path.is_dir():
            raise UserError(f"model path is not a folder: {path}")
        if not (path / "model_index.json").is_file():
            raise UserError(f"not a diffusers pipeline folder (no model_index.json): {path}")
        missing = [name for name in REQUIRED_COMPONENTS if not (path / name).is_dir()]
        if missing:
            raise UserError(f"incomplete Stable Diffusion folder {path}: missing {', '.join(m + '/' for m in missing)}")
        try:
            pipe = StableDiffusionPipeline.from_pretrained(
                str(path), local_files_only=True, safety_checker=None, requires_safety_checker=False, dtype=dtype
            )
        except Exception as exc:  # diffusers raises OSError, ValueError, KeyError, JSONDecodeError …
            reason = " ".join(str(exc).split()) or type(exc).__name__
            if len(reason) > 200:
                reason = reason[:197] + "..."
            raise UserError(f"cannot load a Stable Diffusion pipeline from {path}: {reason}") from exc
        return cls(pipe).to(device)

    def to(self, device) -> "StableDiffusionModel":
        """Move every module (and the cached null embedding) to ``device``; returns self."""
        self.pipeline.to(device)
        if self._null_cond is not None:
            self._null_cond = self._null_cond.to(device)
        return self

    @property
    def device(self) -> torch.device:
        return self.unet.device

    @property
    def dtype(self) -> torch.dtype:
        return self.unet.dtype

    @property
    def latent_size(self) -> int:
        """The UNet's native latent side (``unet.config.sample_size``)."""
        return int(self.unet.config.sample_size)

    @property
    def resolution(self) -> int:
        """The native image side in pixels: latent side × the VAE's down-scaling factor."""
        return self.latent_size * self.vae_scale_factor

    # -- what the demos ask of any model (``paperkit.models.protocol``) ----------------------------

    text_to_image = True
    name = "Stable Diffusion"

    def latent_shape(self, batch: int) -> tuple[int, ...]:
        """The shape of x_T for ``batch`` samples: (B, 4, h, w) latents at the UNet's native size."""
        return (int(batch), int(self.unet.config.in_channels), self.latent_size, self.latent_size)

    def prompt_embedding(self, prompts) -> torch.Tensor:
        """Prompts → CLIP hidden states (B, 77, D): what prompt interpolation blends."""
        return self.encode_prompt(list(prompts))

    def to_pixels(self, x: torch.Tensor) -> torch.Tensor:
        """Latents → pixels in [−1, 1], (B, 3, H, W), float32, decoded by the VAE one image at a time
        (peak memory of one decode, whatever the batch)."""
        return torch.cat([self.decode_image(z[None], clamp=False).float() for z in x])

    def from_pixels(self, pixels: torch.Tensor) -> torch.Tensor:
        """Pixels in [−1, 1], (B, 3, H, W) → latents (the VAE posterior's mean), in the UNet's dtype."""
        return self.encode_image(pixels).to(self.dtype)

    # -- text -------------------------------------------------------------------------------------

    @torch.no_grad()
    def encode_prompt(self, text) -> torch.Tensor:
        """CLIP hidden states for a prompt or a list of prompts: (B, 77, D), as the pipeline computes them."""
        texts = [text] if isinstance(text, str) else list(text)
        tokens = self.tokenizer(
            texts, padding="max_length", max_length=self.tokenizer.model_max_length, truncation=True,
            return_tensors="pt",
        )
        attention_mask = None
        if getattr(self.text_encoder.config, "use_attention_mask", False):
            attention_mask = tokens.attention_mask.to(self.text_encoder.device)
        hidden = self.text_encoder(tokens.input_ids.to(self.text_encoder.device), attention_mask=attention_mask)[0]
        return hidden.to(dtype=self.dtype, device=self.device)

    @property
    def null_cond(self) -> torch.Tensor:
        """The embedding of the empty prompt "" (``cfg.6``'s unconditional input), computed once."""
        if self._null_cond is None:
            self._null_cond = self.encode_prompt("")
        return self._null_cond

    # -- noise prediction -------------------------------------------------------------------------

    @torch.no_grad()
    def eps(self, x_t: torch.Tensor, t, cond: torch.Tensor) -> torch.Tensor:
        """ε_θ(x_t, t, c): the UNet's noise prediction, returned in ``x_t``'s dtype.

        ``t`` is an int or a tensor (0-d or one per sample). Checkpoints trained to predict v
        (``v_prediction``) or x_0 (``sample``) are converted to ε, so the maths always sees ε.
        """
        sample = x_t.to(device=self.device, dtype=self.dtype)
        cond = torch.as_tensor(cond).to(device=self.device, dtype=self.dtype)
        timestep = t.to(self.device) if torch.is_tensor(t) else t
        out = self.unet(sample, timestep, encoder_hidden_states=cond).sample
        if self.prediction_type != "epsilon":
            ab = self.alpha_bars[torch.as_tensor(t).cpu()].to(device=self.device, dtype=torch.float32)
            ab = ab.reshape(-1, *([1] * (sample.ndim - 1))) if ab.ndim == 1 else ab
            x = sample.float()
            if self.prediction_type == "v_prediction":  # v = √ᾱ ε − √(1−ᾱ) x_0  ⇒  ε = √ᾱ v + √(1−ᾱ) x_t
                out = ab.sqrt() * out.float() + (1 - ab).sqrt() * x
            else:  # ε = (x_t − √ᾱ x̂_0)/√(1−ᾱ)
                out = (x - ab.sqrt() * out.float()) / (1 - ab).sqrt()
        return out.to(device=x_t.device, dtype=x_t.dtype)

    # -- images -----------------------------------------------------------------------------------

    @torch.no_grad()
    def encode_image(self, pixels: torch.Tensor, generator: torch.Generator | None = None, sample: bool = False):
        """Latents z = s · E(x) for pixels x in [−1, 1], shape (B, 3, H, W) → (B, 4, H/f, W/f).

        The VAE's posterior mean by default (deterministic); ``sample=True`` draws from it with
        ``generator``, as diffusers' pipelines do. s is ``vae.config.scaling_factor``.
        """
        dist = self.vae.encode(pixels.to(device=self.vae.device, dtype=self.vae.dtype)).latent_dist
        z = dist.sample(generator) if sample else dist.mean
        shift = getattr(self.vae.config, "shift_factor", None) or 0.0
        return (z - shift) * self.vae.config.scaling_factor

    @torch.no_grad()
    def decode_image(self, latents: torch.Tensor, clamp: bool = True) -> torch.Tensor:
        """Pixels from latents: D(z / s), clamped to [−1, 1] unless ``clamp=False`` (to measure saturation)."""
        shift = getattr(self.vae.config, "shift_factor", None) or 0.0
        z = latents.to(device=self.vae.device, dtype=self.vae.dtype) / self.vae.config.scaling_factor + shift
        out = self.vae.decode(z).sample
        return out.clamp(-1, 1) if clamp else out

    def __repr__(self) -> str:
        return (
            f"StableDiffusionModel(resolution={self.resolution}, T={len(self.alpha_bars)}, "
            f"device={self.device}, dtype={self.dtype})"
        )
