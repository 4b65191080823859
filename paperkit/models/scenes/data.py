"""The scene model's data: scenes drawn by ``paperkit.scenes`` and rendered exactly, in [−1, 1].

Training draws its scenes from one seeded stream (``training_scenes``); evaluation — sample quality
and DiffEdit's held-out edits — from another (``held_out_scenes``), so no held-out layout is one the
model was trained on (positions are continuous: a collision would need two equal floats; a test
checks the default sets anyway). Scenes are rendered once, up front, into a uint8 array: rendering
costs about a millisecond each, which would otherwise hold up every training step.
"""

from __future__ import annotations

import random

import numpy as np
import torch

from ...scenes import Scene, random_scene, render
from ...scenes.scene import PAIR_SHARE

IMAGE_SIZE = 32


def training_scenes(count: int, seed: int = 0, pairs: float = PAIR_SHARE) -> list[Scene]:
    """``count`` scenes of the training stream, a share ``pairs`` of them with two objects."""
    rng = random.Random(f"paperkit scenes: train {seed}")
    return [random_scene(rng, pairs=pairs) for _ in range(count)]


def held_out_scenes(count: int, objects: int | None = None, seed: int = 0) -> list[Scene]:
    rng = random.Random(f"paperkit scenes: held out {seed}")
    return [random_scene(rng, objects=objects) for _ in range(count)]


def render_scenes(scenes: list[Scene], size: int = IMAGE_SIZE) -> np.ndarray:
    """(N, size, size, 3) uint8."""
    return np.stack([render(s, size) for s in scenes]) if scenes else np.zeros((0, size, size, 3), np.uint8)


def to_model_space(images: np.ndarray | torch.Tensor) -> torch.Tensor:
    """uint8 (N, H, W, 3) → float (N, 3, H, W) in [−1, 1], the range DDPM's reverse process works in (§3.3)."""
    x = torch.as_tensor(np.asarray(images)).permute(0, 3, 1, 2).float()
    return x / 127.5 - 1.0


def to_uint8(x: torch.Tensor) -> np.ndarray:
    """float (N, 3, H, W) in [−1, 1] → uint8 (N, H, W, 3), clipped."""
    return ((x.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()
