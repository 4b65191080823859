"""Labelled demo figures: each grid's metadata matches its tiles and names what they hold, the PNGs
carry every label where it belongs, and a demo's description says what runs at a given step count.

The demos run once per process on the CPU at ``demo_fixtures.TEST_STEPS`` (shared with test_demos).
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from PIL import Image, ImageFont

from demo_fixtures import TEST_STEPS, demo_result, weights_exist
from paperkit.demos import DEMOS, DemoResult, figure
from paperkit.demos._common import add_grid, classify, real_digits, to_uint8
from paperkit.demos.result import grid_meta, tile_spans

IMAGE_DEMOS = ["forward", "ddpm", "ddim", "inversion", "cfg", "norm_rescale", "decreasing_guidance",
               "interpolation", "diffedit"]
DIGITS = [str(d) for d in range(10)]
BG = np.array(figure.BACKGROUND)


def tiles(result: DemoResult, name: str) -> dict[tuple[str, str], np.ndarray]:
    """(row label, column label) → that tile's pixels, cut out by the metadata alone."""
    meta, img = result.grids[name], result.images[name]
    rows, cols = tile_spans(meta)
    return {(meta["rows"][r], meta["cols"][c]): img[y0:y1, x0:x1]
            for r, (y0, y1) in enumerate(rows) for c, (x0, x1) in enumerate(cols)}


# -- the metadata ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", IMAGE_DEMOS)
def test_grid_metadata_matches_the_tiles(name):
    r = demo_result(name)
    assert r.images and set(r.grids) == set(r.images)
    for key, img in r.images.items():
        meta = r.grids[key]
        assert meta["title"] and "\n" not in meta["title"] and r.title(key) == meta["title"]
        assert r.captions[key] and "\n" not in r.captions[key]
        (h, w), pad = meta["tile"], meta["pad"]
        R, C = len(meta["rows"]), len(meta["cols"])
        assert (h, w, pad) == (16, 16, 1), key
        assert img.shape == tuple(meta["shape"]) == (R * (h + pad) - pad, C * (w + pad) - pad), key
        assert all(isinstance(label, str) for label in meta["rows"] + meta["cols"])
        # the spans cover each pixel once; whatever lies outside them is a pad line of the pad colour
        rows, cols = tile_spans(meta)
        in_row, in_col = np.zeros(img.shape[0], int), np.zeros(img.shape[1], int)
        for y0, y1 in rows:
            in_row[y0:y1] += 1
        for x0, x1 in cols:
            in_col[x0:x1] += 1
        assert in_row.max() == 1 and in_col.max() == 1
        assert (img[in_row == 0] == meta["pad_value"]).all() and (img[:, in_col == 0] == meta["pad_value"]).all()
        assert (in_row == 0).sum() == R - 1 and (in_col == 0).sum() == C - 1
        # the JSON lists the labels
        entry = r.to_json()["images"][key]
        assert entry["title"] == meta["title"] and entry["grid"]["rows"] == meta["rows"]
        assert entry["grid"]["cols"] == meta["cols"] and entry["grid"]["tile"] == [16, 16]
        json.dumps(entry)


def test_forward_and_inversion_label_the_input_column_with_the_real_digits():
    fwd = demo_result("forward")
    meta = fwd.grids["strip"]
    assert meta["rows"] == ["0", "3", "5", "8"] and meta["row_title"] == "digit"
    assert meta["cols"] == ["x_0"] + [f"t={t}" for t in (0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999)]
    x0, _ = real_digits((0, 3, 5, 8))
    cut = tiles(fwd, "strip")
    for i, digit in enumerate(meta["rows"]):
        assert (cut[digit, "x_0"] == to_uint8(x0[i, 0])).all()
    assert cut["8", "t=999"].std() > 40  # pure noise at the last column

    inv = demo_result("inversion")
    meta = inv.grids["reconstruction"]
    assert meta["rows"] == DIGITS and meta["row_title"] == "digit"
    assert meta["cols"] == ["input x_0", "encoded x_T", "decoded 10 steps", "decoded 20 steps", "random x_T decoded"]
    x0, _ = real_digits(range(10))
    cut = tiles(inv, "reconstruction")
    for d in DIGITS:
        assert (cut[d, "input x_0"] == to_uint8(x0[int(d), 0])).all()


def test_sampling_demos_label_rows_and_columns_as_built():
    ddpm = demo_result("ddpm").grids
    assert ddpm["samples"]["cols"] == DIGITS and ddpm["samples"]["col_title"] == "digit"
    taus = [950 - 50 * i for i in range(20)]  # 20 strided steps: t = 950, 900, …, 0
    snaps = [str(taus[i]) for i in sorted({round(k * 19 / 5) for k in range(6)})]
    for key in ("x_t", "x0_hat"):
        assert ddpm[key]["rows"] == DIGITS and ddpm[key]["row_title"] == "digit"
        assert ddpm[key]["cols"] == snaps and ddpm[key]["col_title"] == "t"
    assert snaps[0] == "950" and snaps[-1] == "0"
    ddim = demo_result("ddim").grids["samples"]
    assert ddim["rows"] == [f"{s} steps, η = {eta}" for s, eta in itertools.product((10, 20), (0, 1))]
    assert ddim["row_title"] == "steps, η" and ddim["cols"] == DIGITS and ddim["col_title"] == "digit"
    cfg = demo_result("cfg").grids["sweep"]
    assert cfg["rows"] == ["0", "1", "2", "4", "7.5", "12"] and cfg["row_title"] == "scale s"
    assert cfg["cols"] == DIGITS and cfg["col_title"] == "digit" and "DDIM 8 steps" in cfg["title"]
    norm = demo_result("norm_rescale").grids
    assert norm["all"]["rows"] == ["cfg", "norm", "std", "s=1"] and norm["all"]["cols"] == DIGITS
    assert all(norm[v]["rows"] == [v] for v in ("cfg", "norm", "std", "s=1"))
    dec = demo_result("decreasing_guidance").grids
    assert dec["all"]["rows"] == ["constant", "linear", "cosine"] and dec["all"]["row_title"] == "schedule"
    interp = demo_result("interpolation").grids
    ws = ["0.00", "0.12", "0.25", "0.38", "0.50", "0.62", "0.75", "0.88", "1.00"]
    assert interp["frames"]["rows"] == ["lerp", "slerp"] and interp["frames"]["cols"] == ws
    assert interp["lerp"]["cols"] == interp["slerp"]["cols"] == ws and interp["frames"]["col_title"].startswith("w ")
    edits = demo_result("diffedit")
    meta = edits.grids["edits"]
    assert meta["rows"] == ["3 → 8", "5 → 6", "9 → 8", "1 → 7", "7 → 9", "4 → 9"]
    assert meta["cols"] == ["input x_0", "mask M", "encoded x_r", "edit", "what changed"]
    cut = tiles(edits, "edits")
    assert all(set(np.unique(cut[row, "mask M"])) <= {0, 255} for row in meta["rows"])  # the mask is binary


def test_the_classifier_reads_each_cfg_column_as_its_label():
    """Tiles cut out by the metadata alone, classified: the column label is the digit they show."""
    pytest.importorskip("paperkit.models.digits.classifier")
    if not weights_exist():
        pytest.skip("the digits model's weights are not trained yet")
    import torch

    r = demo_result("cfg")
    cut = tiles(r, "sweep")
    batch = torch.tensor(np.stack([cut["4", d] for d in DIGITS]), dtype=torch.float32)[:, None] / 127.5 - 1
    labels, _ = classify(batch)
    assert (np.asarray(labels) == np.arange(10)).mean() >= 0.7


def test_add_grid_refuses_labels_that_do_not_match_the_tiles():
    import torch

    result = DemoResult("x")
    x = torch.zeros(2, 3, 1, 16, 16)
    with pytest.raises(ValueError, match="2 row and 2 column labels for 2 × 3 tiles"):
        add_grid(result, "bad", x, title="t", rows=["a", "b"], cols=["1", "2"])
    add_grid(result, "good", x, title="t", rows=["a", "b"], cols=["1", "2", "3"])
    assert result.grids["good"]["shape"] == [33, 50] and result.images["good"].shape == (33, 50)
    assert result.captions["good"] == "t"


# -- the labelled PNGs -------------------------------------------------------------------------------

def ink(img: np.ndarray, box) -> np.ndarray:
    """Which pixels of ``box`` differ from the background."""
    x0, y0, x1, y1 = box
    return np.abs(img[y0:y1, x0:x1].astype(int) - BG).sum(-1) > 0


def framed_area(box) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])


def check_figure(fig: figure.Figure, raw: np.ndarray, meta: dict, scale: int) -> None:
    img = np.asarray(fig.image)
    H, W = raw.shape
    gx0, gy0, gx1, gy1 = fig.grid_box
    # the tiles, pixel-exact: nearest-neighbour ×scale, framed by a pad-coloured line
    assert (gx1 - gx0, gy1 - gy0) == (W * scale, H * scale)
    up = raw.repeat(scale, 0).repeat(scale, 1)
    assert all((img[gy0:gy1, gx0:gx1, ch] == up).all() for ch in range(3))
    f = fig.frame
    assert f == meta["pad"] * scale
    framed = (gx0 - f, gy0 - f, gx1 + f, gy1 + f)
    assert ink(img, framed).sum() == framed_area(framed) and (img[gy0 - f:gy0, gx0 - f:gx1 + f] == figure.FRAME).all()
    assert (img[gy1:gy1 + f, gx0 - f:gx1 + f] == figure.FRAME).all()
    assert (img[gy0:gy1, gx0 - f:gx0] == figure.FRAME).all() and (img[gy0:gy1, gx1:gx1 + f] == figure.FRAME).all()
    # bigger than the grid by the margins that hold the labels
    assert img.shape[0] > H * scale and img.shape[1] > W * scale
    boxes = [fig.title_box, *fig.col_label_boxes]
    assert fig.title_box[3] <= fig.col_label_boxes[0][1] and fig.col_label_boxes[0][3] < gy0 - f
    if any(meta["rows"]):
        assert fig.row_label_boxes[0][2] < gx0 - f
        boxes += fig.row_label_boxes
    col_spans = tile_spans(meta, scale)[1]
    for label, box, (x0, x1) in zip(meta["cols"], fig.col_label_boxes, col_spans, strict=True):
        assert (box[0], box[2]) == (gx0 + x0, gx0 + x1)  # each label sits over its own column
        assert ink(img, box).any() == bool(label), label
    for label, box in zip(meta["rows"], fig.row_label_boxes):
        assert ink(img, box).any() == bool(label), label
    assert ink(img, fig.title_box).any()
    for title, box in ((meta["col_title"], fig.col_title_box), (meta["row_title"], fig.row_title_box)):
        assert (box is not None and ink(img, box).any()) == bool(title)
        if box is not None:
            boxes.append(box)
    # no two boxes overlap, and none overlaps the framed grid
    for a, b in itertools.combinations(boxes + [framed], 2):
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    # the space between two columns' labels, and between two rows', stays empty
    for a, b in zip(fig.col_label_boxes, fig.col_label_boxes[1:]):
        assert b[0] > a[2] and not ink(img, (a[2], a[1], b[0], a[3])).any()
    for a, b in zip(fig.row_label_boxes, fig.row_label_boxes[1:]):
        assert b[1] > a[3] and not ink(img, (a[0], a[3], a[2], b[1])).any()
    # and nothing is drawn outside the boxes (1 px of glyph overhang allowed)
    mask = np.ones(img.shape[:2], bool)
    for x0, y0, x1, y1 in boxes + [framed]:
        mask[max(0, y0 - 1):y1 + 1, max(0, x0 - 1):x1 + 1] = False
    assert not (np.abs(img.astype(int) - BG).sum(-1)[mask] > 0).any()


@pytest.mark.parametrize("name", IMAGE_DEMOS)
def test_labelled_png_draws_every_label_in_its_place(name):
    r = demo_result(name)
    for key in r.images:
        fig = figure.render(r, key)
        assert fig.scale == figure.DEFAULT_SCALE == 4
        check_figure(fig, r.images[key], r.grids[key], 4)


@pytest.mark.parametrize("scale", [1, 2, 4, 6])
def test_long_labels_wrap_shrink_or_cut_without_overlapping(scale):
    labels = ["a label far too long for one column", "x_0", "|edit − input|", "", "η = 1", "antidisestablishment"]
    raw = np.zeros((3 * 17 - 1, len(labels) * 17 - 1), np.uint8)
    meta = grid_meta(title="A title long enough to wrap over the figure's width, and then some more words",
                     rows=["a very long row label indeed, longer than any tile", "", "3 → 8"], cols=labels,
                     tile=(16, 16), row_title="rows: a long axis title", col_title="what each column is")
    check_figure(figure.render_image(raw, meta, scale=scale), raw, meta, scale)


def test_an_image_without_grid_labels_gets_its_title():
    raw = np.full((20, 30), 200, np.uint8)
    fig = figure.render_image(raw, None, title="a plain image", scale=2)
    img = np.asarray(fig.image)
    x0, y0, x1, y1 = fig.grid_box
    assert (x1 - x0, y1 - y0) == (60, 40) and (img[y0:y1, x0:x1] == 200).all()
    assert ink(img, fig.title_box).any() and fig.title_box[3] <= y0


def test_scale_must_be_a_positive_integer():
    raw = np.zeros((16, 16), np.uint8)
    for bad in (0, -1, 2.5):
        with pytest.raises(ValueError, match="positive integer"):
            figure.render_image(raw, None, scale=bad)


def test_labels_use_a_font_that_draws_them_or_spell_them_out():
    """Greek, arrows and minus signs: drawn when the font has them, else in ASCII (never as empty boxes)."""
    builtin = ImageFont.load_default(size=14)  # Pillow's Aileron: Latin only
    assert figure._printable("η = 0, 3 → 8, ε_c − ε_u", builtin) == "eta = 0, 3 -> 8, eps_c - eps_u"
    assert figure._printable("t=999", builtin) == "t=999"
    ours = figure.font(14)
    if figure._font_path(False) is not None:  # a Unicode system font (DejaVu Sans here)
        assert figure._printable("η → ᾱ x̂ −", ours) == "η → ᾱ x̂ −"


def test_write_pngs_writes_one_labelled_file_per_image(tmp_path):
    r = demo_result("norm_rescale")
    paths = figure.write_pngs(r, tmp_path / "new" / "folder")
    assert list(paths) == list(r.images)
    assert sorted(p.name for p in (tmp_path / "new" / "folder").iterdir()) == sorted(f"{k}.png" for k in r.images)
    for key, path in paths.items():
        assert path == tmp_path / "new" / "folder" / f"{key}.png"
        with Image.open(path) as img:
            assert img.format == "PNG" and img.size == figure.render(r, key).image.size
    again = figure.write_pngs(r, tmp_path / "again")
    assert all(again[k].read_bytes() == paths[k].read_bytes() for k in paths)  # deterministic


# -- descriptions that match the steps ---------------------------------------------------------------

def test_descriptions_at_the_default_steps():
    d = {name: spec.description for name, spec in DEMOS.items()}
    assert d["ddpm"].startswith("Algorithm 2 over all T = 1000 steps")
    assert "DDIM at 10 and 50 steps" in d["ddim"]
    assert "at 10, 20 and 50 steps" in d["inversion"]
    for name in ("cfg", "norm_rescale", "decreasing_guidance", "interpolation"):
        assert "25 DDIM steps" in d[name], name
    assert "a 50-step DDIM schedule" in d["diffedit"] and "its first 40" in d["diffedit"]
    assert "median of 3 timed runs" in d["matmul"]
    for spec in DEMOS.values():
        assert spec.describe(None) == spec.description and spec.describe(spec.default_steps) == spec.description
        assert "{" not in spec.description


@pytest.mark.parametrize("name, says, ran", [
    ("ddpm", "20 strided ancestral steps (t = 950, 900, …, 0", lambda r: r.settings["steps"] == 20),
    ("ddim", "DDIM at 10 and 20 steps", lambda r: r.settings["steps"] == [10, 20]),
    ("inversion", "decoded back at 10 and 20 steps", lambda r: r.settings["steps"] == [10, 20]),
    ("cfg", "8 DDIM steps each", lambda r: r.settings["steps"] == 8),
    ("norm_rescale", "8 DDIM steps each", lambda r: r.settings["steps"] == 8),
    ("decreasing_guidance", "over 8 DDIM steps", lambda r: len(r.series["linear"]["y"]) == 8),
    ("interpolation", "8 DDIM steps each", lambda r: r.settings["steps"] == 8),
    ("diffedit", "a 20-step DDIM schedule, encoded and decoded over its first 16", lambda r: r.settings["encode_steps"] == 16),
])
def test_describe_says_what_runs(name, says, ran):
    steps = TEST_STEPS[name]
    assert says in DEMOS[name].describe(steps)
    assert ran(demo_result(name))


def test_describe_at_other_step_counts():
    assert DEMOS["ddim"].describe(5) == "DDIM at 5 steps with η = 0 and η = 1 from the same noise, timed"
    assert "decoded back at 1 step;" in DEMOS["inversion"].describe(1)
    assert DEMOS["ddpm"].describe(2).startswith("2 strided ancestral steps (t = 500, 0:")
    assert DEMOS["ddpm"].describe(1000) == DEMOS["ddpm"].description
    assert "1 DDIM step each" in DEMOS["cfg"].describe(1)
    assert "(1 timed run per method)" in DEMOS["matmul"].describe(1)
    for name in ("schedules", "forward"):
        assert DEMOS[name].describe(7) == DEMOS[name].description
