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
from ..errors import UserError, is_out_of_memory
from .resolve import check_pipeline_folder, display_path


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
        self.prediction_type = getattr(config, "prediction_type", "epsilon") or "epsilon"
        if self.prediction_type not in ("epsilon", "v_prediction", "sample"):
            raise UserError(f"unsupported prediction type {self.prediction_type!r} in the scheduler's config")
        self.vae_scale_factor = 2 ** (len(self.vae.config.block_out_channels) - 1)
        self._null_cond = None
        if hasattr(pipeline, "set_progress_bar_config"):
            pipeline.set_progress_bar_config(disable=True)

    # -- construction -----------------------------------------------------------------------------

    @classmethod
    def from_folder(cls, path, device="cpu", dtype=None, callback=None) -> "StableDiffusionModel":
        """Load a local diffusers Stable Diffusion folder (``model_index.json``, ``unet/``, ``vae/``, …).

        Nothing is downloaded. The components are loaded one at a time (``load_pipeline``), each
        reported to ``callback(step, total, {"stage": "load", "component": name})``; ``dtype`` None
        is half precision on CUDA and float32 elsewhere (``default_dtype``). A missing folder, one
        that is not a Stable Diffusion pipeline or a component that cannot be read raises
        ``UserError`` with one line saying so.
        """
        pipe = load_pipeline(path, device=device, dtype=dtype, callback=callback)
        return cls(pipe)

    def to(self, device) -> "StableDiffusionModel":
        """Move every module (and the cached null embedding) to ``device``; returns self."""
        self.pipeline.to(device)
        if self._null_cond is not None:
            self._null_cond = self._null_cond.to(device)
        return self

    @property
    def steps_offset(self) -> int:
        """The schedule's offset of the "leading" DDIM timesteps (1 for Stable Diffusion)."""
        return self.schedule.steps_offset

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


# -- loading, component by component ----------------------------------------------------------------

#: What each component of a supported pipeline must be (``model_index.json``: [library, class]).
SUPPORTED_CLASSES = {"unet": ("UNet2DConditionModel",), "vae": ("AutoencoderKL",),
                     "text_encoder": ("CLIPTextModel",), "tokenizer": ("CLIPTokenizer", "CLIPTokenizerFast")}
_DTYPES = {"float16": torch.float16, "fp16": torch.float16, "half": torch.float16, "bfloat16": torch.bfloat16,
           "bf16": torch.bfloat16, "float32": torch.float32, "fp32": torch.float32, "float": torch.float32}


def default_dtype(device) -> torch.dtype:
    """Half precision on CUDA (Stable Diffusion v1 at 512 px then fits 4 GB), float32 elsewhere
    (CPUs gain nothing from float16 and MPS is unreliable with it)."""
    return torch.float16 if torch.device(device).type == "cuda" else torch.float32


def resolve_dtype(dtype, device) -> torch.dtype:
    """``dtype`` as a torch dtype: None or "auto" → ``default_dtype(device)``; names as in ``_DTYPES``."""
    if dtype is None or (isinstance(dtype, str) and dtype.strip().lower() == "auto"):
        return default_dtype(device)
    if isinstance(dtype, torch.dtype):
        return dtype
    key = str(dtype).strip().lower().removeprefix("torch.")
    if key not in _DTYPES:
        raise UserError(f"unknown dtype {dtype!r}: use auto, float16, bfloat16 or float32")
    return _DTYPES[key]


def _variant(folder: Path) -> str | None:
    """"fp16" when a component folder holds only fp16-variant weights (``*.fp16.safetensors``), the
    way some Hub repositories ship them; else None (the plain weights)."""
    try:
        names = [p.name for p in folder.iterdir() if p.suffix in (".safetensors", ".bin")]
    except OSError:
        return None
    plain = [n for n in names if n.count(".") == 1]
    return "fp16" if not plain and any(".fp16." in n for n in names) else None


def _reason(exc: BaseException) -> str:
    reason = " ".join(str(exc).split()) or type(exc).__name__
    return reason if len(reason) <= 200 else reason[:197] + "..."


class _quiet_loading:
    """While loading, diffusers' and transformers' own progress bars and warnings (unexpected config
    keys of another scheduler class, "Loading weights" bars) are off; ``callback`` is the progress.
    Their settings are restored afterwards."""

    def __enter__(self):
        from diffusers.utils import logging as dlog
        from transformers.utils import logging as tlog

        self.saved = [(lib, lib.get_verbosity(), lib.is_progress_bar_enabled()) for lib in (dlog, tlog)]
        for lib in (dlog, tlog):
            lib.set_verbosity_error()
            lib.disable_progress_bar()
        return self

    def __exit__(self, *exc):
        for lib, verbosity, bar in self.saved:
            lib.set_verbosity(verbosity)
            if bar:
                lib.enable_progress_bar()
        return False


def load_pipeline(path, device="cpu", dtype=None, callback=None):
    """A diffusers ``StableDiffusionPipeline`` from a local folder, loaded one component at a time.

    UNet, VAE, CLIP text encoder, tokenizer, then the scheduler as ``DDIMScheduler`` whatever class
    the folder names (the demos sample with DDIM, ``ddim.12``; the folder's training schedule — β's,
    ``steps_offset``, prediction type — is what is read). Each component goes to ``device`` as soon
    as it is loaded, and ``callback(i, 5, {"stage": "load", "component": name})`` follows it. No
    safety checker or feature extractor. Nothing is downloaded (``local_files_only``).

    A folder that is not a supported pipeline, or a component that cannot be read (missing or
    truncated weights), is a ``UserError`` of one line; out-of-memory errors pass through as they are.
    """
    folder = Path(path).expanduser()
    index = check_pipeline_folder(folder)
    with _quiet_loading():  # importing the pipeline makes transformers warn about torchvision
        from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
        from transformers import CLIPTextModel, CLIPTokenizer
    for name, classes in SUPPORTED_CLASSES.items():
        entry = index.get(name)
        cls_name = entry[1] if isinstance(entry, (list, tuple)) and len(entry) == 2 else None
        if cls_name is not None and cls_name not in classes:
            raise UserError(f"{display_path(folder)}: its {name} is a {cls_name}, paperkit loads {' or '.join(classes)} "
                            "(Stable Diffusion v1/v2 pipelines)")
    device = torch.device(device)
    dtype = resolve_dtype(dtype, device)
    where = str(folder)
    loaders = (
        ("unet", lambda: UNet2DConditionModel.from_pretrained(
            where, subfolder="unet", torch_dtype=dtype, variant=_variant(folder / "unet"), local_files_only=True)),
        ("vae", lambda: AutoencoderKL.from_pretrained(
            where, subfolder="vae", torch_dtype=dtype, variant=_variant(folder / "vae"), local_files_only=True)),
        ("text_encoder", lambda: CLIPTextModel.from_pretrained(
            where, subfolder="text_encoder", dtype=dtype, variant=_variant(folder / "text_encoder"), local_files_only=True)),
        ("tokenizer", lambda: CLIPTokenizer.from_pretrained(where, subfolder="tokenizer", local_files_only=True)),
        ("scheduler", lambda: DDIMScheduler.from_pretrained(where, subfolder="scheduler", local_files_only=True)),
    )
    parts = {}
    for step, (name, load) in enumerate(loaders, 1):
        try:
            with _quiet_loading():
                part = load()
        except Exception as exc:  # diffusers/transformers raise OSError, ValueError, SafetensorError, EnvironmentError …
            if is_out_of_memory(exc):
                raise
            raise UserError(f"cannot load the {name} of {display_path(folder)}: {_reason(exc)}") from exc
        if isinstance(part, torch.nn.Module):
            part = part.to(device).eval()
        parts[name] = part
        if callback is not None:
            callback(step, len(loaders), {"stage": "load", "component": name})
    unet, vae = parts["unet"], parts["vae"]
    if unet.config.in_channels != vae.config.latent_channels:
        raise UserError(f"{display_path(folder)}: its UNet takes {unet.config.in_channels} channels, not the VAE's "
                        f"{vae.config.latent_channels} latents (an inpainting or depth model?): not supported")
    pipe = StableDiffusionPipeline(
        vae=vae, text_encoder=parts["text_encoder"], tokenizer=parts["tokenizer"], unet=unet,
        scheduler=parts["scheduler"], safety_checker=None, feature_extractor=None, requires_safety_checker=False,
    )
    pipe.set_progress_bar_config(disable=True)
    return pipe


def download_pipeline(repo_id: str, cache_dir) -> Path:
    """Download Hub repository ``repo_id``'s pipeline files into the Hugging Face cache, as diffusers'
    ``from_pretrained`` does (``DiffusionPipeline.download``: the component folders' configs and
    weights, no safety checker), and return the snapshot folder. No network, no such repository or a
    gated one is a ``UserError`` line."""
    with _quiet_loading():  # diffusers' "Couldn't connect to the Hub" chatter; huggingface_hub's bars stay
        from diffusers import StableDiffusionPipeline

        try:
            folder = StableDiffusionPipeline.download(
                repo_id, cache_dir=str(cache_dir), safety_checker=None, feature_extractor=None, image_encoder=None)
        except Exception as exc:  # no network, no such repository, a gated one …
            raise UserError(_download_failure(repo_id, cache_dir, exc)) from exc
    return Path(folder)


def _download_failure(repo_id: str, cache_dir, exc: BaseException) -> str:
    """Why a download failed, in one line, from the exception and its causes."""
    chain, seen = [], exc
    while seen is not None and len(chain) < 8:
        chain.append(type(seen).__name__)
        seen = seen.__cause__ or seen.__context__
    where = f"model {repo_id!r} is not in the Hugging Face cache ({display_path(cache_dir)})"
    if "GatedRepoError" in chain:
        return f"{where} and it is gated on the Hub: accept its licence on huggingface.co and log in (`hf auth login`)"
    if "RepositoryNotFoundError" in chain:
        return f"{where} and the Hub has no such model (or it is private: log in with `hf auth login`)"
    if any(n in chain for n in ("ConnectError", "ConnectionError", "ConnectTimeout", "Timeout", "ReadTimeout",
                                "OfflineModeIsEnabled", "LocalEntryNotFoundError")):
        return f"{where} and the Hub cannot be reached: check the network, or download it where there is one (`hf download {repo_id}`)"
    return f"{where} and could not be downloaded: {_reason(exc)}"
