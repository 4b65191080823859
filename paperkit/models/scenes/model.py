"""``SceneModel``: the trained scene network behind the model protocol (``paperkit.models.protocol``).

Captions in, 32×32 RGB pixels in [−1, 1] out. ``encode_prompt`` reads a caption of the world
("a red circle on a striped blue background") into six token ids; ``null_cond`` is the null caption
of classifier-free guidance; ``prompt_embedding`` gives the caption's conditioning vector, which
prompt interpolation blends. The schedule is DDPM's linear one, T = 1000, as the model was trained.
"""

from __future__ import annotations

from pathlib import Path

import torch

from ...diffusion.noise_schedule import NoiseSchedule
from ...errors import UserError
from .net import SceneNet, SceneNetConfig
from .tokens import NULL_TOKENS, caption_tokens

WEIGHTS = Path(__file__).resolve().parent.parent / "weights" / "scenes.pt"
DEFAULT_GUIDANCE = 3.0


class SceneModel:
    """The caption-conditioned ε-prediction model of the scene world: (B, 3, 32, 32) pixels."""

    name = "scenes"
    channels = 3
    text_to_image = True  # prompts are captions of the world

    def __init__(self, net: SceneNet, alpha_bars: torch.Tensor, meta: dict | None = None):
        self.net = net.eval()
        self.alpha_bars = alpha_bars.to(torch.float64).cpu()
        self.meta = dict(meta or {})
        self.image_size = net.config.unet.image_size

    @torch.inference_mode()
    def eps(self, x_t: torch.Tensor, t, cond) -> torch.Tensor:
        """ε_θ(x_t, t, c). ``t``: an int or (B,) ints; ``cond``: (B, 6) token ids or (B, D) embeddings."""
        x_t = x_t.to(self.device)
        t = torch.as_tensor(t, device=self.device, dtype=torch.long).reshape(-1)
        if t.numel() == 1:
            t = t.expand(x_t.shape[0])
        cond = torch.as_tensor(cond, device=self.device)
        if cond.ndim == 1:
            cond = cond.reshape(1, -1)
        if cond.shape[0] == 1 and x_t.shape[0] > 1:  # one caption shared by the batch
            cond = cond.expand(x_t.shape[0], *cond.shape[1:])
        return self.net(x_t, t, cond)

    @property
    def null_cond(self) -> torch.Tensor:
        """The null caption (six ``<null>`` tokens): the unconditional ε_θ(x_t) of classifier-free guidance."""
        return torch.tensor([NULL_TOKENS], device=self.device)

    def encode_prompt(self, prompt) -> torch.Tensor:
        """A caption (or a list of them) → token ids (B, 6). "" is the null caption; anything outside
        the world's vocabulary is a UserError that says what a caption looks like."""
        prompts = list(prompt) if isinstance(prompt, (list, tuple)) else [prompt]
        return torch.tensor([caption_tokens(p) for p in prompts], device=self.device)

    @torch.inference_mode()
    def prompt_embedding(self, prompts) -> torch.Tensor:
        """Captions → their conditioning vectors (B, D), what prompt interpolation blends."""
        return self.net.embed(self.encode_prompt(list(prompts)))

    @torch.inference_mode()
    def embed(self, tokens) -> torch.Tensor:
        """Token ids (B, 6) → conditioning vectors (B, D): how the sampler embeds the null caption when
        the captions are given as vectors (prompt interpolation)."""
        tokens = torch.as_tensor(tokens, device=self.device)
        return self.net.embed(tokens.reshape(-1, tokens.shape[-1]))

    @property
    def schedule(self) -> NoiseSchedule:
        """Its training ᾱ (DDPM's linear β, T = 1000) on DDIM's leading grid, ᾱ = 1 after the last step."""
        return NoiseSchedule(self.alpha_bars)

    @property
    def resolution(self) -> int:
        return self.image_size

    @property
    def dtype(self) -> torch.dtype:
        return torch.float32

    def latent_shape(self, batch: int) -> tuple[int, ...]:
        return (int(batch), 3, self.image_size, self.image_size)

    def to_pixels(self, x: torch.Tensor) -> torch.Tensor:
        """Samples are pixels already: (B, 3, 32, 32) in [−1, 1], not clipped."""
        return x

    def from_pixels(self, pixels: torch.Tensor) -> torch.Tensor:
        return pixels.to(self.device)

    def to(self, device) -> "SceneModel":
        self.net.to(device)
        return self

    @property
    def device(self) -> torch.device:
        return next(self.net.parameters()).device

    def __repr__(self) -> str:
        params = sum(p.numel() for p in self.net.parameters())
        return f"SceneModel({self.image_size}×{self.image_size} RGB, {params / 1e6:.2f} M params, T={len(self.alpha_bars)}, {self.device})"


def save_weights(model: SceneModel, path: Path = WEIGHTS, meta: dict | None = None) -> Path:
    """The weights as float16 with the config, schedule and metadata (the model card's numbers)."""
    state = {k: v.detach().to("cpu", torch.float16) if v.is_floating_point() else v.cpu() for k, v in model.net.state_dict().items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save({"config": model.net.config.to_dict(), "state_dict": state, "alpha_bars": model.alpha_bars,
                "meta": meta if meta is not None else model.meta}, tmp)
    tmp.replace(path)
    return path


def load_scenes(path: Path = WEIGHTS, device="cpu") -> SceneModel:
    """The shipped scene model (float32 at run time), or one UserError saying what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"the scene model's weights are missing ({path}); train them with `paperkit train scenes`")
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
        net = SceneNet(SceneNetConfig.from_dict(blob["config"]))
        net.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in blob["state_dict"].items()})
    except Exception as exc:  # a truncated or foreign file
        raise UserError(f"cannot load the scene model from {path}: {exc}") from exc
    return SceneModel(net, blob["alpha_bars"], blob.get("meta")).to(device)
