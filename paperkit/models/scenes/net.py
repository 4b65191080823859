"""The scene model's network: a small caption encoder over the world's vocabulary and the project's
ε-prediction UNet (``paperkit.models.unet``) at 32×32 RGB.

The encoder embeds each of a caption's six attribute tokens (``tokens.py``) with one shared table,
concatenates them and maps them through a two-layer MLP to the UNet's conditioning vector, which is
added to the timestep embedding in every residual block. Concatenation keeps each word in its slot,
so the network knows which colour goes with which shape; the vector is what prompt interpolation
blends (DiffEdit and CFG only ever need the tokens).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import torch
from torch import nn

from ..unet import UNet, UNetConfig
from .tokens import SLOTS, VOCABULARY


def _unet_default() -> UNetConfig:
    return UNetConfig(image_size=32, channels=3, num_classes=0, widths=(32, 64, 96), emb_dim=128, dropout=0.0, patch=2,
                      scale_shift=True)


@dataclass(frozen=True)
class SceneNetConfig:
    token_dim: int = 32
    unet: UNetConfig = field(default_factory=_unet_default)

    def to_dict(self) -> dict:
        return {"token_dim": self.token_dim, "unet": asdict(self.unet)}

    @classmethod
    def from_dict(cls, d: dict) -> "SceneNetConfig":
        return cls(token_dim=int(d["token_dim"]), unet=UNetConfig.from_dict(d["unet"]))


class SceneNet(nn.Module):
    """ε_θ(x_t, t, c) for captions c given as six token ids (B, 6) or as embeddings (B, emb_dim)."""

    def __init__(self, config: SceneNetConfig = SceneNetConfig()):
        super().__init__()
        self.config = config
        e = config.unet.emb_dim
        self.tokens = nn.Embedding(len(VOCABULARY), config.token_dim)
        self.encoder = nn.Sequential(nn.Linear(len(SLOTS) * config.token_dim, e), nn.SiLU(), nn.Linear(e, e))
        self.unet = UNet(config.unet)

    def embed(self, tokens: torch.Tensor) -> torch.Tensor:
        """Token ids (B, 6) → the caption's conditioning vector (B, emb_dim)."""
        return self.encoder(self.tokens(tokens).flatten(1))

    def forward(self, x: torch.Tensor, t: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        emb = cond.to(x.dtype) if cond.is_floating_point() else self.embed(cond)
        return self.unet(x, t, emb)
