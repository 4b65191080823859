"""The scene world (issue 15, item 1): captions from attributes and back, exact renderings, every
shape and background distinct, and the true edit region of an edit."""

from __future__ import annotations

import random

import numpy as np
import pytest

from paperkit.scenes import (BACKGROUNDS, COLOURS, SHAPES, Scene, SceneObject, edit, edit_region, parse_caption,
                             random_scene, render, shape_mask)
from paperkit.scenes.scene import PAIR_RADIUS, SINGLE_RADIUS


def one(shape="circle", colour="red", background="plain", bg="white", x=0.5, y=0.5, radius=0.3, seed=0) -> Scene:
    return Scene(background, bg, (SceneObject(shape, colour, x, y, radius),), texture_seed=seed)


def test_captions_are_composed_from_the_attributes_and_read_back():
    scene = Scene("stripes", "blue", (SceneObject("circle", "red", 0.3, 0.3, 0.15),
                                      SceneObject("star", "orange", 0.7, 0.7, 0.15)))
    assert scene.caption == "a red circle and an orange star on a striped blue background"
    assert parse_caption(scene.caption) == {"objects": [("red", "circle"), ("orange", "star")],
                                            "background": "stripes", "colour": "blue"}
    with pytest.raises(ValueError, match="not a caption of the scene world"):
        parse_caption("a mauve hexagon on a paisley background")


def test_a_caption_names_two_objects_left_to_right():
    right, left = SceneObject("star", "orange", 0.75, 0.2, 0.15), SceneObject("circle", "red", 0.25, 0.8, 0.15)
    assert Scene("plain", "white", (right, left)).caption == "a red circle and an orange star on a plain white background"
    rng = random.Random(3)
    pairs = [s for s in (random_scene(rng, objects=2) for _ in range(50))]
    for scene in pairs:
        first, second = parse_caption(scene.caption)["objects"]
        by_x = sorted(scene.objects, key=lambda o: o.x)
        assert (first, second) == ((by_x[0].colour, by_x[0].shape), (by_x[1].colour, by_x[1].shape))


def test_a_rendering_is_exact_rgb_and_the_same_every_time():
    rng = random.Random(7)
    for _ in range(20):
        scene = random_scene(rng)
        image = render(scene, 32)
        assert image.shape == (32, 32, 3) and image.dtype == np.uint8
        assert np.array_equal(image, render(scene, 32))
    # a plain background is its colour's usual RGB, an object's centre its own
    image = render(one(colour="blue", bg="yellow"), 32)
    assert tuple(image[0, 0]) == COLOURS["yellow"] and tuple(image[16, 16]) == COLOURS["blue"]


def test_every_shape_and_background_looks_different():
    shapes = [render(one(shape=s), 32) for s in SHAPES]
    assert all(not np.array_equal(a, b) for i, a in enumerate(shapes) for b in shapes[i + 1:])
    backgrounds = [render(one(background=b, bg="green"), 32) for b in BACKGROUNDS]
    assert all(not np.array_equal(a, b) for i, a in enumerate(backgrounds) for b in backgrounds[i + 1:])
    # a ring has a hole where a circle has none
    grid = (np.arange(64) + 0.5) / 64
    yy, xx = np.meshgrid(grid, grid, indexing="ij")
    assert not shape_mask(SceneObject("ring", "red", 0.5, 0.5, 0.3), xx, yy)[32, 32]
    assert shape_mask(SceneObject("circle", "red", 0.5, 0.5, 0.3), xx, yy)[32, 32]


def test_random_scenes_vary_and_keep_objects_apart_and_visible():
    rng = random.Random(1)
    scenes = [random_scene(rng) for _ in range(200)]
    assert {s.background for s in scenes} == set(BACKGROUNDS)
    assert {o.shape for s in scenes for o in s.objects} == set(SHAPES)
    assert {len(s.objects) for s in scenes} == {1, 2}
    for s in scenes:
        assert all(o.colour != s.colour for o in s.objects)
        low, high = SINGLE_RADIUS if len(s.objects) == 1 else PAIR_RADIUS
        assert all(low <= o.radius <= high and o.radius <= o.x <= 1 - o.radius and o.radius <= o.y <= 1 - o.radius
                   for o in s.objects)  # in their size range, whole inside the picture
        if len(s.objects) == 2:
            a, b = s.objects
            assert (a.x - b.x) ** 2 + (a.y - b.y) ** 2 >= (a.radius + b.radius) ** 2
    # pairs of the largest size still find room (a first object in the middle is placed again)
    assert all(len(random_scene(random.Random(k), objects=2).objects) == 2 for k in range(300))


def test_the_true_edit_region_is_where_the_renderings_differ():
    scene = Scene("checks", "green", (SceneObject("circle", "red", 0.3, 0.35, 0.18),
                                      SceneObject("triangle", "white", 0.72, 0.7, 0.18)))
    after, before_caption, after_caption = edit(scene, 0, shape="square", colour="blue")
    assert before_caption == "a red circle and a white triangle on a checked green background"
    assert after_caption == "a blue square and a white triangle on a checked green background"
    region = edit_region(scene, after, 32)
    a, b = render(scene, 32), render(after, 32)
    assert np.array_equal(region, np.any(a != b, axis=-1))
    assert region.any()
    # only around the edited object: nothing changes near the triangle
    ys, xs = np.nonzero(region)
    assert xs.max() / 32 <= 0.3 + 0.18 + 1 / 32 and ys.max() / 32 <= 0.35 + 0.18 + 1 / 32
    with pytest.raises(ValueError, match="must change"):
        edit(scene, 0, shape="circle", colour="red")


def test_bad_attributes_are_one_clear_error():
    with pytest.raises(ValueError, match="unknown shape 'hexagon'"):
        SceneObject("hexagon", "red", 0.5, 0.5, 0.2)
    with pytest.raises(ValueError, match="unknown colour"):
        one(bg="mauve")
    with pytest.raises(ValueError, match="one or two objects"):
        Scene("plain", "white", ())
    with pytest.raises(ValueError, match="8×8 pixels or more"):
        render(one(), 4)
