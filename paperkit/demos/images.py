"""The user's own images as a model sees them: ``load_images(paths, model)``.

Each file is opened with Pillow (EXIF orientation applied, transparency composited over white),
centre-cropped to a square and resized to ``model.resolution`` with a Lanczos filter, then scaled to
pixels in [−1, 1] — the range ``model.from_pixels`` takes (Stable Diffusion's VAE encoder and the
digits model alike). A three-channel model gets RGB; a one-channel model gets grayscale (ITU-R 601
luma, Pillow's "L"). The digits model draws white digits on a black background (scikit-learn's
digits, ``paperkit.demos._common.real_digits``), so for it an image whose border is light on average
(a dark digit on paper) is inverted: ink becomes bright, paper dark.

A missing, unreadable or non-image file raises ``paperkit.errors.UserError`` with one line naming it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from ..errors import UserError
from .image_file import open_image

#: A border brighter than this (in [0, 1]) is paper, not background: the digits model's input is inverted.
LIGHT_BACKGROUND = 0.5


def pixel_channels(model) -> int:
    """The channels of the model's pixels: 3 for a VAE model (Stable Diffusion), else its own (digits: 1)."""
    vae = getattr(model, "vae", None)
    if vae is not None:
        return int(getattr(vae.config, "in_channels", 3))
    channels = getattr(model, "channels", None)
    return int(channels) if channels is not None else int(model.latent_shape(1)[1])


def light_on_dark(model) -> bool:
    """Whether the model expects bright strokes on a dark background (the digits model)."""
    return getattr(model, "name", "") == "digits"


def load_images(paths: Sequence[str | Path], model) -> tuple[torch.Tensor, list[str]]:
    """(pixels (B, C, R, R) float32 in [−1, 1] on ``model.device``, the files' names) for ``paths``.

    R is ``model.resolution``; C is 3 (RGB) for Stable Diffusion, 1 (grayscale) for the digits model,
    where a light-background image is inverted (see the module docstring).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = [Path(p).expanduser() for p in paths]
    if not paths:
        raise UserError("no image given: name at least one image file")
    size = int(model.resolution)
    channels = pixel_channels(model)
    if channels not in (1, 3):
        raise UserError(f"cannot feed images to a model with {channels}-channel pixels")
    arrays = [_prepare(open_image(p), size, channels) for p in paths]
    if channels == 1 and light_on_dark(model):
        arrays = [1.0 - a if _border_mean(a) > LIGHT_BACKGROUND else a for a in arrays]
    x = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).contiguous() * 2.0 - 1.0
    return x.to(model.device), [p.name for p in paths]


def _prepare(img, size: int, channels: int) -> np.ndarray:
    """Centre crop to a square, Lanczos resize to ``size``, (size, size, channels) floats in [0, 1]."""
    from PIL import Image

    w, h = img.size
    side = min(w, h)
    left, top = (w - side) // 2, (h - side) // 2
    img = img.crop((left, top, left + side, top + side))
    if channels == 1:
        img = img.convert("L")
    img = img.resize((size, size), Image.Resampling.LANCZOS)
    a = np.asarray(img, dtype=np.float32) / 255.0
    return a[..., None] if a.ndim == 2 else a


def _border_mean(a: np.ndarray) -> float:
    """Mean of the outermost ring of pixels: the background's brightness."""
    ring = np.concatenate([a[0].ravel(), a[-1].ravel(), a[1:-1, 0].ravel(), a[1:-1, -1].ravel()])
    return float(ring.mean())
