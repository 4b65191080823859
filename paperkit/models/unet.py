"""The small ε-prediction UNet of the built-in models: the digits (16×16, one channel, a class) and the
scene world (32×32 RGB, a caption's embedding).

For the digits, 16 → 8 → 4 with residual blocks (GroupNorm, SiLU, 3×3 convolutions), the timestep and the class
added into every block through one embedding, and self-attention at 4×4. ``patch`` > 1 folds each p×p patch of pixels into channels first
(``pixel_unshuffle``) and unfolds the output at the end: the scenes' 32×32 RGB is run as 16×16×12,
a quarter of the convolutions' work for a CPU-trained model, at no cost to sharp edges (each output
channel still owns one pixel). Plain torch: importing
diffusers (≈ 4 s) for a network this small would cost more than running it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F


@dataclass(frozen=True)
class UNetConfig:
    image_size: int = 16
    channels: int = 1
    num_classes: int = 10          # the null class for guidance is index num_classes
    widths: tuple[int, ...] = (32, 48, 64)
    emb_dim: int = 128
    groups: int = 8
    dropout: float = 0.1
    patch: int = 1                 # pixels folded into channels on the way in (1: none)
    scale_shift: bool = False      # condition by scaling and shifting the second norm (ADM's AdaGN), not by adding
    context_dim: int = 0           # > 0: cross-attention to a sequence of context tokens of this width …
    cross_from: int = 1            # … at the levels from this one down (0: every level, 1: below the top) and the middle

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "UNetConfig":
        d = dict(d)
        d["widths"] = tuple(d["widths"])
        return cls(**d)


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of integer timesteps (Vaswani et al. 2017; DDPM §4), shape (B, dim)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=1)


class ResBlock(nn.Module):
    """GroupNorm, SiLU, 3×3 convolution, twice, around a skip; the embedding enters between the two,
    added as a bias per channel or (``scale_shift``, Dhariwal & Nichol 2021 §3 "AdaGN") as
    GroupNorm(h)·(1 + s) + b, which lets the caption switch features on and off, not only shift them."""

    def __init__(self, c_in: int, c_out: int, emb_dim: int, groups: int, dropout: float, scale_shift: bool = False):
        super().__init__()
        self.scale_shift = scale_shift
        self.norm1 = nn.GroupNorm(groups, c_in)
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.emb = nn.Linear(emb_dim, 2 * c_out if scale_shift else c_out)
        self.norm2 = nn.GroupNorm(groups, c_out)
        self.drop = nn.Dropout(dropout)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)
        self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        e = self.emb(F.silu(emb))[:, :, None, None]
        if self.scale_shift:
            scale, shift = e.chunk(2, dim=1)
            h = self.norm2(h) * (1 + scale) + shift
        else:
            h = self.norm2(h + e)
        h = self.conv2(self.drop(F.silu(h)))
        return h + self.skip(x)


class SelfAttention(nn.Module):
    def __init__(self, c: int, groups: int, heads: int = 4):
        super().__init__()
        self.norm = nn.GroupNorm(groups, c)
        self.attn = nn.MultiheadAttention(c, heads, batch_first=True)

    def forward(self, x):
        B, C, H, W = x.shape
        h = self.norm(x).flatten(2).transpose(1, 2)
        h, _ = self.attn(h, h, h, need_weights=False)
        return x + h.transpose(1, 2).reshape(B, C, H, W)


class CrossAttention(nn.Module):
    """Each position of the feature map attends to the context tokens (Rombach et al. 2022, §3.3): the
    scene model's objects, so that a place can take one object's shape *and* colour — what a single
    conditioning vector added everywhere binds poorly. The output projection starts at zero, so the
    block starts as the identity."""

    def __init__(self, c: int, context_dim: int, groups: int, heads: int = 4):
        super().__init__()
        self.heads = heads
        self.norm = nn.GroupNorm(groups, c)
        self.q = nn.Linear(c, c, bias=False)
        self.kv = nn.Linear(context_dim, 2 * c, bias=False)
        self.out = nn.Linear(c, c)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x, context):
        B, C, H, W = x.shape
        q = self.q(self.norm(x).flatten(2).transpose(1, 2))                      # (B, HW, C)
        k, v = self.kv(context).chunk(2, dim=-1)                                  # (B, L, C) each
        split = lambda z: z.reshape(B, z.shape[1], self.heads, C // self.heads).transpose(1, 2)
        h = F.scaled_dot_product_attention(split(q), split(k), split(v))         # (B, heads, HW, C/heads)
        h = self.out(h.transpose(1, 2).reshape(B, H * W, C))
        return x + h.transpose(1, 2).reshape(B, C, H, W)


class UNet(nn.Module):
    """ε_θ(x_t, t, c): the noise in x_t, given the timestep t and the class c (or its embedding)."""

    def __init__(self, config: UNetConfig = UNetConfig()):
        super().__init__()
        self.config = config
        w, e, g, p, ss = config.widths, config.emb_dim, config.groups, config.dropout, config.scale_shift
        self.time_mlp = nn.Sequential(nn.Linear(e, e), nn.SiLU(), nn.Linear(e, e))
        self.class_emb = nn.Embedding(config.num_classes + 1, e)
        p2 = config.patch * config.patch
        self.conv_in = nn.Conv2d(config.channels * p2, w[0], 3, padding=1)
        self.down = nn.ModuleList()
        self.downsample = nn.ModuleList()
        chans = [w[0]]
        c = w[0]
        cross = config.context_dim
        self.down_cross = nn.ModuleList()
        for i, width in enumerate(w):
            self.down.append(ResBlock(c, width, e, g, p, ss))
            c = width
            if cross and i >= config.cross_from:
                self.down_cross.append(CrossAttention(c, cross, g))
            chans.append(c)
            if i < len(w) - 1:
                self.downsample.append(nn.Conv2d(c, c, 3, stride=2, padding=1))
        self.mid1 = ResBlock(c, c, e, g, p, ss)
        self.mid_attn = SelfAttention(c, g)
        self.mid_cross = CrossAttention(c, cross, g) if cross else None
        self.mid2 = ResBlock(c, c, e, g, p, ss)
        self.up = nn.ModuleList()
        self.upsample = nn.ModuleList()
        self.up_cross = nn.ModuleList()
        for i, width in reversed(list(enumerate(w))):
            self.up.append(ResBlock(c + chans.pop(), width, e, g, p, ss))
            c = width
            if cross and i >= config.cross_from:
                self.up_cross.append(CrossAttention(c, cross, g))
            if i > 0:
                self.upsample.append(nn.Conv2d(c, c, 3, padding=1))
        self.norm_out = nn.GroupNorm(g, c)
        self.conv_out = nn.Conv2d(c, config.channels * p2, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def embed_class(self, labels: torch.Tensor) -> torch.Tensor:
        """The class embedding that conditions the network: (B,) labels → (B, emb_dim)."""
        return self.class_emb(labels)

    def forward(self, x: torch.Tensor, t: torch.Tensor, cond: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
        """``cond`` is either integer labels (B,) or class embeddings (B, emb_dim), e.g. interpolated;
        ``context`` (B, L, context_dim) the tokens cross-attention reads, with ``context_dim`` set."""
        c_emb = self.class_emb(cond) if not cond.is_floating_point() else cond.to(x.dtype)
        emb = self.time_mlp(timestep_embedding(t, self.config.emb_dim).to(x.dtype)) + c_emb
        p = self.config.patch
        h = self.conv_in(F.pixel_unshuffle(x, p) if p > 1 else x)
        skips = [h]
        for i, block in enumerate(self.down):
            h = block(h, emb)
            if self.down_cross and i >= self.config.cross_from:
                h = self.down_cross[i - self.config.cross_from](h, context)
            skips.append(h)
            if i < len(self.downsample):
                h = self.downsample[i](h)
        h = self.mid_attn(self.mid1(h, emb))
        if self.mid_cross is not None:
            h = self.mid_cross(h, context)
        h = self.mid2(h, emb)
        for i, block in enumerate(self.up):
            h = block(torch.cat([h, skips.pop()], dim=1), emb)
            if self.up_cross and i < len(self.up_cross):
                h = self.up_cross[i](h, context)
            if i < len(self.upsample):
                h = self.upsample[i](F.interpolate(h, scale_factor=2, mode="nearest"))
        out = self.conv_out(F.silu(self.norm_out(h)))
        return F.pixel_shuffle(out, p) if p > 1 else out


DigitsUNet = UNet  # the name the digits model's code and checkpoints were written with
