"""``SceneModel``: the trained scene network behind the model protocol (``paperkit.models.protocol``).

Captions in, 32×32 RGB pixels in [−1, 1] out. ``encode_prompt`` reads a caption of the world
("a red circle on a striped blue background") into six token ids; ``null_cond`` is the null caption
of classifier-free guidance; ``prompt_embedding`` gives the caption's conditioning vector, which
prompt interpolation blends. The schedule is DDPM's linear one, T = 1000, as the model was trained.
"""

from __future__ import annotations

from pathlib import Path

import torch

from ..pixel_model import PixelModel, load_model_file, save_model_file
from .net import SceneNet, SceneNetConfig
from .tokens import NULL_TOKENS, caption_tokens

WEIGHTS = Path(__file__).resolve().parent.parent / "weights" / "scenes.pt"
DEFAULT_GUIDANCE = 3.0


class SceneModel(PixelModel):
    """The caption-conditioned ε-prediction model of the scene world: (B, 3, 32, 32) pixels."""

    name = "scenes"
    channels = 3
    text_to_image = True  # prompts are captions of the world

    def __init__(self, net: SceneNet, alpha_bars: torch.Tensor, meta: dict | None = None):
        super().__init__(net, alpha_bars, meta)
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


def save_weights(model: SceneModel, path: Path = WEIGHTS, meta: dict | None = None) -> Path:
    """The weights as float16 with the config, schedule and metadata (the model card's numbers)."""
    return save_model_file(model, path, meta)


def load_scenes(path: Path = WEIGHTS, device="cpu") -> SceneModel:
    """The shipped scene model (float32 at run time), or one UserError saying what is wrong."""
    net, blob = load_model_file(path, lambda config: SceneNet(SceneNetConfig.from_dict(config)), "scene model",
                                "paperkit train scenes")
    return SceneModel(net, blob["alpha_bars"], blob.get("meta")).to(device)
