"""A scene for a caption: the world renders any caption's layout exactly, so a caption typed by a user
(``--from`` for DiffEdit, ``--prompt`` for inversion) becomes a scene with the same seeded layout
every time — positions and sizes drawn from a generator seeded by the caption itself."""

from __future__ import annotations

import random
from dataclasses import replace

from ...errors import UserError
from ...scenes import Scene, SceneObject, parse_caption, random_scene
from ...scenes.scene import left_to_right


def scene_for_caption(caption: str, seed: int = 0) -> Scene:
    """The scene a caption describes, at a layout seeded by the caption (and ``seed``). UserError for a
    caption outside the world, or one whose objects share a colour with the background."""
    try:
        parsed = parse_caption(caption)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    objects = parsed["objects"]
    if any(c == parsed["colour"] for c, _ in objects):
        raise UserError(f"“{caption}”: an object the colour of its background would be invisible; pick another colour")
    rng = random.Random(f"paperkit scenes: caption {' '.join(caption.lower().split())} {seed}")
    layout = random_scene(rng, objects=len(objects))
    # the caption names its objects left to right (``paperkit.scenes.caption``): so are they placed
    placed = tuple(SceneObject(shape, colour, o.x, o.y, o.radius) for (colour, shape), o in zip(objects, left_to_right(layout.objects)))
    return replace(layout, background=parsed["background"], colour=parsed["colour"], objects=placed)
