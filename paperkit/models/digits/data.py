"""scikit-learn's handwritten digits as the diffusion model and the classifier see them.

``sklearn.datasets.load_digits`` ships inside scikit-learn (1797 images, 8×8, grey levels 0..16,
about 180 per digit): nothing is downloaded. Each image is

1. scaled from 0..16 to [−1, 1] (x / 8 − 1), the range DDPM's reverse process works in (§3.3);
2. upsampled 8×8 → 16×16, bilinear with ``align_corners=False``, so the UNet has two levels to
   downsample through.

One fixed split, stratified by digit and seeded (80 % train / 20 % held out, seed 0), is shared by
the diffusion model (trained on TRAIN only) and the classifier that scores its samples (trained on
TRAIN, its accuracy on HELD_OUT is the ceiling a sample can be scored against).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import torch
from torch.nn import functional as F

IMAGE_SIZE = 16
SPLIT_SEED = 0
HELD_OUT_FRACTION = 0.2

Split = Literal["train", "held_out", "all"]


@lru_cache(maxsize=1)
def _raw() -> tuple[torch.Tensor, torch.Tensor]:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = torch.as_tensor(bunch.images, dtype=torch.float32)  # (1797, 8, 8), 0..16
    labels = torch.as_tensor(bunch.target, dtype=torch.long)     # (1797,), 0..9
    return images, labels


def to_model_space(images_0_16: torch.Tensor, size: int = IMAGE_SIZE) -> torch.Tensor:
    """(N, 8, 8) grey levels 0..16 → (N, 1, size, size) in [−1, 1] (bilinear, align_corners=False)."""
    x = images_0_16.to(torch.float32)[:, None] / 8.0 - 1.0
    if x.shape[-1] != size:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    return x.clamp(-1.0, 1.0)


@lru_cache(maxsize=1)
def split_indices() -> tuple[torch.Tensor, torch.Tensor]:
    """The fixed stratified split: (train indices, held-out indices) into the 1797 images, sorted.

    Within each digit the images are shuffled with a generator seeded by ``SPLIT_SEED`` and the first
    round(20 %) are held out, so every digit keeps its share on both sides.
    """
    _, labels = _raw()
    g = torch.Generator().manual_seed(SPLIT_SEED)
    train, held = [], []
    for digit in range(10):
        idx = torch.nonzero(labels == digit).flatten()
        idx = idx[torch.randperm(len(idx), generator=g)]
        n_held = round(len(idx) * HELD_OUT_FRACTION)
        held.append(idx[:n_held])
        train.append(idx[n_held:])
    return torch.cat(train).sort().values, torch.cat(held).sort().values


def load_split(split: Split = "train") -> tuple[torch.Tensor, torch.Tensor]:
    """Images (N, 1, 16, 16) in [−1, 1], float32, and labels (N,) int64 of ``split``.

    ``"train"`` (1438 images), ``"held_out"`` (359) or ``"all"`` (1797). Returns fresh tensors.
    """
    images, labels = _raw()
    if split == "all":
        idx = torch.arange(len(labels))
    elif split in ("train", "held_out"):
        idx = split_indices()[0 if split == "train" else 1]
    else:
        raise ValueError(f"split must be 'train', 'held_out' or 'all', got {split!r}")
    return to_model_space(images[idx]), labels[idx].clone()


def random_shift(x: torch.Tensor, max_shift: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Translate each image by up to ``max_shift`` pixels in x and y, filling with background (−1).

    The light augmentation both trainers may use: the digits are centred only roughly in their 8×8
    boxes, so a one-pixel shift at 16×16 (half a source pixel) stays inside the data's own spread.
    """
    if max_shift <= 0:
        return x
    B, _, H, W = x.shape
    padded = F.pad(x, (max_shift,) * 4, value=-1.0)
    shifts = torch.randint(0, 2 * max_shift + 1, (B, 2), generator=generator)
    out = torch.empty_like(x)
    for i, (dy, dx) in enumerate(shifts.tolist()):
        out[i] = padded[i, :, dy:dy + H, dx:dx + W]
    return out
