"""The words of the scene world (issue 15): shapes, named colours with their usual RGB, and
backgrounds, each with the word a caption uses for it."""

from __future__ import annotations

SHAPES = ("circle", "square", "triangle", "star", "ring")

# the usual RGB of each colour name (CSS's where it has one, softened so no two are close)
COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (220, 40, 40),
    "green": (40, 170, 60),
    "blue": (40, 80, 220),
    "yellow": (240, 210, 40),
    "orange": (250, 140, 20),
    "purple": (140, 60, 180),
    "white": (245, 245, 245),
    "black": (20, 20, 20),
}

# background pattern → the adjective a caption uses
BACKGROUNDS: dict[str, str] = {
    "plain": "plain",
    "gradient": "graded",
    "stripes": "striped",
    "checks": "checked",
    "noise": "speckled",
}
