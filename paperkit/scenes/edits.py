"""Edits of a scene and their true edit region (issue 15): "red circle → blue square" at the same
layout and background changes only the pixels where the two renderings differ."""

from __future__ import annotations

import numpy as np

from .render import render
from .scene import Scene


def edit_region(before: Scene, after: Scene, size: int = 32) -> np.ndarray:
    """The (size, size) boolean mask of pixels that differ between the two scenes' renderings."""
    return np.any(render(before, size) != render(after, size), axis=-1)


def edit(scene: Scene, index: int = 0, shape: str | None = None, colour: str | None = None) -> tuple[Scene, str, str]:
    """The scene with object ``index`` changed, and the two captions (from, to)."""
    after = scene.with_object(index, shape=shape, colour=colour)
    if after == scene:
        raise ValueError("an edit must change the object's shape or colour")
    return after, scene.caption, after.caption
