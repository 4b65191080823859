"""Draw a scene: numpy only, supersampled so edges are smooth, exactly the same pixels every time.

Backgrounds are patterns in the scene's colour and a lighter tint of it (stripes, checks), a
gradient of it, or a speckled texture seeded by the scene (so two renderings of one layout match).
Objects are filled shapes of their radius r around their centre: a circle, a ring (inner radius
0.55 r), a square (half-side 0.8 r), an upward equilateral triangle and a five-pointed star (both
with r as their outer radius).
"""

from __future__ import annotations

import math

import numpy as np

from .scene import Scene, SceneObject
from .vocabulary import COLOURS

SUPERSAMPLE = 4


def render(scene: Scene, size: int = 32, supersample: int = SUPERSAMPLE) -> np.ndarray:
    """The scene as an (size, size, 3) uint8 RGB image."""
    if size < 8:
        raise ValueError(f"a scene is drawn at 8×8 pixels or more, not {size}×{size}")
    n = size * supersample
    grid = (np.arange(n, dtype=np.float32) + 0.5) / n
    yy, xx = np.meshgrid(grid, grid, indexing="ij")
    image = _background(scene, xx, yy)
    for obj in scene.objects:
        image[shape_mask(obj, xx, yy)] = np.asarray(COLOURS[obj.colour], dtype=np.float32)
    image = image.reshape(size, supersample, size, supersample, 3).mean(axis=(1, 3))
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def _tint(rgb: np.ndarray) -> np.ndarray:
    return 0.45 * rgb + 0.55 * 255.0 if rgb.mean() < 200 else 0.6 * rgb


def _background(scene: Scene, xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
    rgb = np.asarray(COLOURS[scene.colour], dtype=np.float32)
    tint = _tint(rgb)
    n = xx.shape[0]
    out = np.empty((n, n, 3), dtype=np.float32)
    kind = scene.background
    if kind == "plain":
        out[:] = rgb
    elif kind == "gradient":
        t = xx[..., None]
        out[:] = (1 - t) * tint + t * rgb
    elif kind == "stripes":
        band = (np.floor(xx * 8) % 2 == 0)[..., None]
        out[:] = np.where(band, rgb, tint)
    elif kind == "checks":
        cell = ((np.floor(xx * 8) + np.floor(yy * 8)) % 2 == 0)[..., None]
        out[:] = np.where(cell, rgb, tint)
    else:  # noise: a smooth speckle, the same for the same seed
        rng = np.random.default_rng(scene.texture_seed)
        coarse = rng.random((8, 8), dtype=np.float32)
        index = np.minimum((xx * 8).astype(int), 7), np.minimum((yy * 8).astype(int), 7)
        t = coarse[index[1], index[0]][..., None]
        out[:] = (1 - t) * rgb + t * tint
    return out


def shape_mask(obj: SceneObject, xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
    """Where ``obj`` covers the sample points (xx, yy), in image units (0–1, y down)."""
    dx, dy, r = xx - obj.x, yy - obj.y, obj.radius
    if obj.shape == "circle":
        return dx * dx + dy * dy <= r * r
    if obj.shape == "ring":
        d2 = dx * dx + dy * dy
        return (d2 <= r * r) & (d2 >= (0.55 * r) ** 2)
    if obj.shape == "square":
        return np.maximum(np.abs(dx), np.abs(dy)) <= 0.8 * r
    if obj.shape == "triangle":
        return _polygon(dx, dy, [(r * math.cos(a), r * math.sin(a)) for a in (-math.pi / 2, math.pi / 6, 5 * math.pi / 6)])
    # star: ten vertices, outer radius r and inner 0.45 r, a point straight up
    points = [((r if k % 2 == 0 else 0.45 * r) * math.cos(-math.pi / 2 + k * math.pi / 5),
               (r if k % 2 == 0 else 0.45 * r) * math.sin(-math.pi / 2 + k * math.pi / 5)) for k in range(10)]
    return _polygon(dx, dy, points)


def _polygon(dx: np.ndarray, dy: np.ndarray, points: list[tuple[float, float]]) -> np.ndarray:
    """Even-odd point-in-polygon over the whole grid at once."""
    inside = np.zeros(dx.shape, dtype=bool)
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        if y0 == y1:
            continue
        crosses = (y0 > dy) != (y1 > dy)
        x_at = x0 + (dy - y0) * (x1 - x0) / (y1 - y0)
        inside ^= crosses & (dx < x_at)
    return inside
