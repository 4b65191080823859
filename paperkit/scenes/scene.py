"""A scene of the built-in world: a background and one or two objects, its caption, and random scenes.

A ``Scene`` is its whole layout — every attribute and position — so a renderer draws it exactly, and
two scenes that differ in one object's shape or colour differ only where that object is (the true
edit region, ``edits.edit_region``). The caption is composed from the attributes: "a red circle on
a striped blue background", "a red circle and a green star on a plain white background". Two objects
are named left to right, as one reads the picture, so a caption also says which object is where:
"a red circle and a green star" has the circle on the left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .vocabulary import BACKGROUNDS, COLOURS, SHAPES


@dataclass(frozen=True)
class SceneObject:
    """One object: its shape, colour, centre and radius, in units of the image side (0–1), so a
    layout renders at any resolution."""

    shape: str
    colour: str
    x: float
    y: float
    radius: float

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise ValueError(f"unknown shape {self.shape!r}: one of {', '.join(SHAPES)}")
        if self.colour not in COLOURS:
            raise ValueError(f"unknown colour {self.colour!r}: one of {', '.join(COLOURS)}")
        if not (0.05 <= self.radius <= 0.5 and 0.0 <= self.x <= 1.0 and 0.0 <= self.y <= 1.0):
            raise ValueError(f"an object's centre must lie in the image and its radius in 0.05–0.5: {self}")


@dataclass(frozen=True)
class Scene:
    """A background (pattern and colour, and the seed of its noise texture) and its objects."""

    background: str
    colour: str
    objects: tuple[SceneObject, ...]
    texture_seed: int = 0

    def __post_init__(self) -> None:
        if self.background not in BACKGROUNDS:
            raise ValueError(f"unknown background {self.background!r}: one of {', '.join(BACKGROUNDS)}")
        if self.colour not in COLOURS:
            raise ValueError(f"unknown colour {self.colour!r}: one of {', '.join(COLOURS)}")
        if not 1 <= len(self.objects) <= 2:
            raise ValueError("a scene has one or two objects")

    @property
    def caption(self) -> str:
        return caption(self)

    def with_object(self, index: int, shape: str | None = None, colour: str | None = None) -> "Scene":
        """The same scene with object ``index`` given another shape and/or colour, at the same place."""
        objects = list(self.objects)
        old = objects[index]
        objects[index] = replace(old, shape=shape or old.shape, colour=colour or old.colour)
        return replace(self, objects=tuple(objects))


def caption(scene: Scene) -> str:
    """ "a red circle on a striped blue background"; two objects named left to right (by centre)."""
    things = " and ".join(f"{_article(o.colour)} {o.colour} {o.shape}" for o in left_to_right(scene.objects))
    return f"{things} on a {BACKGROUNDS[scene.background]} {scene.colour} background"


def left_to_right(objects) -> list[SceneObject]:
    """Objects in the order a caption names them: by the centre's x, then its y."""
    return sorted(objects, key=lambda o: (o.x, o.y))


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


_THING = "an? (?P<c{i}>{colours}) (?P<s{i}>{shapes})"
_CAPTION = re.compile(
    "^" + _THING.format(i=1, colours="|".join(COLOURS), shapes="|".join(SHAPES))
    + "(?: and " + _THING.format(i=2, colours="|".join(COLOURS), shapes="|".join(SHAPES)) + ")?"
    + f" on a (?P<bg>{'|'.join(BACKGROUNDS.values())}) (?P<bc>{'|'.join(COLOURS)}) background$")


def parse_caption(text: str) -> dict:
    """The attributes a caption names: {"objects": [(colour, shape), …] left to right, "background", "colour"}.
    Raises ValueError, in one line, for a caption outside the world's vocabulary."""
    m = _CAPTION.match(" ".join(text.lower().split()))
    if m is None:
        raise ValueError(f"“{text}” is not a caption of the scene world: say e.g. “a red circle on a striped "
                         f"blue background” (shapes: {', '.join(SHAPES)}; colours: {', '.join(COLOURS)})")
    objects = [(m["c1"], m["s1"])] + ([(m["c2"], m["s2"])] if m["c2"] else [])
    pattern = next(k for k, v in BACKGROUNDS.items() if v == m["bg"])
    return {"objects": objects, "background": pattern, "colour": m["bc"]}


# object sizes as radii in units of the image side, large enough that a shape reads at 32×32: a lone
# object 8–12 px across its radius, each of a pair 6–8 px, at least GAP apart
SINGLE_RADIUS = (0.25, 0.37)
PAIR_RADIUS = (0.18, 0.25)
GAP = 0.02
PAIR_SHARE = 0.4  # the share of scenes with two objects, when the count is left to chance


def random_scene(rng, objects: int | None = None, pairs: float = PAIR_SHARE) -> Scene:
    """A random scene from ``rng`` (``random.Random`` or anything with ``random``/``choice``):
    objects in colours other than the background's, placed apart so neither hides the other; two
    objects with probability ``pairs`` unless ``objects`` says how many."""
    count = objects if objects is not None else (1 if rng.random() < 1 - pairs else 2)
    background = rng.choice(tuple(BACKGROUNDS))
    bg_colour = rng.choice(tuple(COLOURS))
    placed: list[SceneObject] = []
    low, high = SINGLE_RADIUS if count == 1 else PAIR_RADIUS
    tries = 0
    while len(placed) < count:
        tries += 1
        if tries % 64 == 0:  # no room left beside the first object: place both again
            placed = []
        radius = low + (high - low) * rng.random()
        x = radius + (1 - 2 * radius) * rng.random()
        y = radius + (1 - 2 * radius) * rng.random()
        if any((x - o.x) ** 2 + (y - o.y) ** 2 < (radius + o.radius + GAP) ** 2 for o in placed):
            continue
        colour = rng.choice([c for c in COLOURS if c != bg_colour and all(c != o.colour for o in placed)])
        placed.append(SceneObject(rng.choice(SHAPES), colour, x, y, radius))
    return Scene(background, bg_colour, tuple(placed), texture_seed=rng.randrange(1 << 30))
