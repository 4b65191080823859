"""The scene model's network: a small caption encoder over the world's vocabulary and the project's
ε-prediction UNet (``paperkit.models.unet``) at 32×32 RGB.

The encoder embeds each of a caption's six attribute tokens (``tokens.py``) with one shared table,
concatenates them and maps them through a two-layer MLP to the UNet's conditioning vector, which
joins the timestep embedding in every residual block (scale and shift, AdaGN). With ``context_dim``
set it also makes three context tokens — each object (its shape and colour together) and the
background — that the UNet's 8×8 and 4×4 features attend to (cross-attention), so a place in the
picture takes one object's shape *and* its colour: a single vector for "a red circle and a blue
star" leaves the network to guess which colour goes with which shape. With ``slots`` each object's
token also carries its place in the caption — first (the left object) or second — so the two tokens
differ in where they ask to be drawn, and the network need not guess which object goes where.
``embed`` returns both, flat (B, emb_dim + 3·context_dim): what prompt interpolation blends (DiffEdit
and CFG only ever need the tokens).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import torch
from torch import nn

from ..unet import UNet, UNetConfig
from .tokens import SLOTS, VOCABULARY


def _unet_default() -> UNetConfig:
    return UNetConfig(image_size=32, channels=3, num_classes=0, widths=(32, 64, 96), emb_dim=128, dropout=0.0, patch=2,
                      scale_shift=True, context_dim=64)


@dataclass(frozen=True)
class SceneNetConfig:
    token_dim: int = 32
    unet: UNetConfig = field(default_factory=_unet_default)
    slots: bool = True   # an object's context token knows whether it is the first named (left) or the second

    def to_dict(self) -> dict:
        return {"token_dim": self.token_dim, "unet": asdict(self.unet), "slots": self.slots}

    @classmethod
    def from_dict(cls, d: dict) -> "SceneNetConfig":
        return cls(token_dim=int(d["token_dim"]), unet=UNetConfig.from_dict(d["unet"]), slots=bool(d.get("slots", False)))


class SceneNet(nn.Module):
    """ε_θ(x_t, t, c) for captions c given as six token ids (B, 6) or as embeddings (B, D), D = ``embed_dim``."""

    def __init__(self, config: SceneNetConfig = SceneNetConfig()):
        super().__init__()
        self.config = config
        e, d, k = config.unet.emb_dim, config.token_dim, config.unet.context_dim
        self.tokens = nn.Embedding(len(VOCABULARY), d)
        self.encoder = nn.Sequential(nn.Linear(len(SLOTS) * d, e), nn.SiLU(), nn.Linear(e, e))
        if k:  # (shape, colour[, slot]) of an object → its token, one map for both objects; (pattern, colour) → the background's
            self.slot = nn.Embedding(2, d) if config.slots else None
            self.object = nn.Sequential(nn.Linear((3 if config.slots else 2) * d, k), nn.SiLU(), nn.Linear(k, k))
            self.background = nn.Sequential(nn.Linear(2 * d, k), nn.SiLU(), nn.Linear(k, k))
        self.unet = UNet(config.unet)

    @property
    def embed_dim(self) -> int:
        return self.config.unet.emb_dim + 3 * self.config.unet.context_dim

    def embed(self, tokens: torch.Tensor) -> torch.Tensor:
        """Token ids (B, 6) → the caption's conditioning (B, D): the vector, then the context tokens, flat."""
        words = self.tokens(tokens)                                              # (B, 6, d): slots as in SLOTS
        vector = self.encoder(words.flatten(1))
        if not self.config.unet.context_dim:
            return vector
        pairs = words.reshape(words.shape[0], 3, -1)                             # (B, 3, 2d): object, object, background
        first, second = pairs[:, 0], pairs[:, 1]
        if self.slot is not None:                                                # left, right
            first = torch.cat([first, self.slot.weight[0].expand(len(first), -1)], 1)
            second = torch.cat([second, self.slot.weight[1].expand(len(second), -1)], 1)
        context = torch.stack([self.object(first), self.object(second), self.background(pairs[:, 2])], 1)
        return torch.cat([vector, context.flatten(1)], 1)

    def forward(self, x: torch.Tensor, t: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        emb = cond.to(x.dtype) if cond.is_floating_point() else self.embed(cond)
        e, k = self.config.unet.emb_dim, self.config.unet.context_dim
        context = emb[:, e:].reshape(emb.shape[0], 3, k) if k else None
        return self.unet(x, t, emb[:, :e], context)
