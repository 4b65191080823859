"""The built-in scene world (issue 15): RGB scenes of one or two objects on a patterned background,
each with a caption composed from its attributes, rendered exactly so an edit's true region is
known. ``random_scene``, ``render``, ``edit``, ``edit_region``, ``parse_caption``."""

from .edits import edit, edit_region
from .render import render, shape_mask
from .scene import Scene, SceneObject, caption, parse_caption, random_scene
from .vocabulary import BACKGROUNDS, COLOURS, SHAPES

__all__ = ["BACKGROUNDS", "COLOURS", "SHAPES", "Scene", "SceneObject", "caption", "edit", "edit_region",
           "parse_caption", "random_scene", "render", "shape_mask"]
