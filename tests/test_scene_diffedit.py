"""DiffEdit on the scene world (issue 15; Couairon et al. 2022, §3), with the shipped scene model:
each edit's row and figure row labelled "red circle → blue square", its inferred mask scored against
the true edit region, the input kept exactly outside the mask (the last step blends back x_0 itself,
``diffedit.step3``), one progress counter that cancel stops, the per-edit 32×32 PNGs of ``--out``,
the same files arriving through the demo process, and bad captions as one error line.

Nothing here depends on how good the edits are: the weights may be a short run's placeholder."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
from PIL import Image

from paperkit.cli import main
from paperkit.progress import Cancelled

STEPS, N = 10, 2
N_ENC = int(STEPS * 0.8)  # DIFFEDIT_DEFAULTS' r = 0.8: encoding and decoding run int(steps · r) steps
KINDS = ("input", "mask", "truth", "edit")
SOURCE, TARGET = "a red circle on a striped blue background", "a yellow star on a striped blue background"


@pytest.fixture(scope="module")
def scenes():
    from paperkit.models import load_model

    return load_model("scenes")


@pytest.fixture(scope="module")
def held_out(scenes):
    """The default run (six held-out edits) and its progress reports."""
    from paperkit.demos import run_demo

    seen = []
    result = run_demo("diffedit", scenes, device="cpu", seed=0, steps=STEPS, n=N,
                      callback=lambda step, total, info: seen.append((step, total, info.get("stage"))))
    return result, seen


def test_held_out_edits_are_labelled_rows_scored_per_edit(held_out):
    from paperkit.models.scenes.edits import held_out_edits

    result, _ = held_out
    edits = held_out_edits(6)
    labels = [e.label for e in edits]
    assert all(" → " in label for label in labels)
    grid = result.grids["edits"]
    assert grid["rows"] == labels and grid["tile"] == [32, 32]
    assert grid["cols"][:4] == ["input", "true region", "inferred mask", "edit"]
    rows = result.table("edits")["rows"]
    assert [r["edit"] for r in rows] == labels
    for r in rows:
        assert 0.0 <= r["mask IoU"] <= 1.0
        assert r["kept outside"] == 1.0  # exactly: the last step puts x_0 itself outside the mask
        assert r["reads as Q"] in ("yes", "no") and r["classifier reads"] != "—"
    assert result.metrics["unchanged_outside_mask"] == 1.0
    assert result.metrics["mean_iou"] == pytest.approx(np.mean([r["mask IoU"] for r in rows]), abs=1e-3)
    assert [{"from": e.source, "to": e.target} for e in edits] == result.settings["edits"]


def test_settings_name_the_papers_values_beside_the_ones_used(held_out):
    result, _ = held_out
    s = result.settings
    assert s["paper"] == {"n": 10, "strength": 0.5, "threshold": 0.5, "rescale": "minmax", "fill_holes": False,
                          "encode_ratio": 0.5, "guidance": 7.5}
    assert {"rescale", "fill_holes", "encode_ratio"} <= set(s["not_the_papers"]) and "threshold" not in s["not_the_papers"]
    assert (s["n"], s["steps"]) == (N, STEPS)
    assert set(s["not_the_papers"]) == {k for k in s["paper"] if s[k] != s["paper"][k]} and "n" in s["not_the_papers"]


def test_files_are_the_edits_pixels_input_kept_exactly_outside_the_mask(held_out):
    from paperkit.models.scenes.edits import held_out_edits
    from paperkit.scenes import edit_region

    result, _ = held_out
    assert sorted(result.files) == sorted(f"{i}-{k}" for i in range(1, 7) for k in KINDS)
    for i, e in enumerate(held_out_edits(6), 1):
        x, mask, truth, y = (np.asarray(result.files[f"{i}-{k}"]) for k in KINDS)
        assert x.shape == y.shape == (32, 32, 3) and mask.shape == truth.shape == (32, 32)
        assert {x.dtype, mask.dtype, truth.dtype, y.dtype} == {np.dtype(np.uint8)}
        assert set(np.unique(mask)) <= {0, 255} and set(np.unique(truth)) <= {0, 255}
        assert np.array_equal(truth == 255, edit_region(e.before, e.after, 32))  # the true region, white
        outside = mask == 0
        assert np.array_equal(x[outside], y[outside])


def test_one_progress_counter_over_mask_encoding_and_decoding(held_out):
    _, seen = held_out
    total = 1 + 2 * N_ENC
    assert [s for s, _, _ in seen] == list(range(1, total + 1)) and {t for _, t, _ in seen} == {total}
    assert [stage for _, _, stage in seen] == ["mask"] + ["encode"] * N_ENC + ["decode"] * N_ENC


def test_cancel_stops_between_steps(scenes):
    from paperkit.demos import run_demo

    cancel, seen = threading.Event(), []

    def progress(step, total, info):
        seen.append(step)
        if step == 3:
            cancel.set()

    with pytest.raises(Cancelled):
        run_demo("diffedit", scenes, device="cpu", seed=0, steps=STEPS, n=N, callback=progress, cancel=cancel)
    assert seen == [1, 2, 3]


def test_out_writes_each_edits_four_pngs_at_32_pixels(tmp_path, capsys):
    out = tmp_path / "de"
    assert main(["run", "diffedit", "--model", "scenes", "--steps", str(STEPS), "--from", SOURCE, "--to", TARGET,
                 "--out", str(out), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [r["edit"] for r in payload["tables"][0]["rows"]] == ["red circle → yellow star"]
    assert payload["settings"]["edits"] == [{"from": SOURCE, "to": TARGET}]
    assert sorted(p.name for p in out.glob("1-*.png")) == sorted(f"1-{k}.png" for k in KINDS)
    assert not list(out.glob("2-*.png"))
    images = {k: Image.open(out / f"1-{k}.png") for k in KINDS}
    assert {k: im.size for k, im in images.items()} == dict.fromkeys(KINDS, (32, 32))
    assert images["input"].mode == images["edit"].mode == "RGB" and images["mask"].mode == images["truth"].mode == "L"
    x, mask, y = (np.asarray(images[k]) for k in ("input", "mask", "edit"))
    assert np.array_equal(x[mask == 0], y[mask == 0])
    assert payload["files"]["1-edit"]["shape"] == [32, 32, 3]
    assert Image.open(out / "edits.png").size[0] > 5 * 32  # the labelled figure beside them


def test_the_diffedit_alias_runs_on_the_scene_model_by_default(tmp_path, capsys):
    """`paperkit diffedit` is `paperkit run diffedit` with the method's knobs: no --model and no
    --image needed; the knobs reach the scene demo and an --image is one line."""
    out = tmp_path / "alias"
    assert main(["diffedit", "--steps", str(STEPS), "--n", "2", "--threshold", "0.4", "--rescale", "minmax",
                 "--from", SOURCE, "--to", TARGET, "--out", str(out), "--json"]) == 0
    settings = json.loads(capsys.readouterr().out)["settings"]
    assert settings["model"] == "scenes" and (settings["n"], settings["threshold"], settings["rescale"]) == (2, 0.4, "minmax")
    assert sorted(p.name for p in out.glob("1-*.png")) == sorted(f"1-{k}.png" for k in KINDS)
    assert main(["diffedit", "--image", str(out / "1-input.png")]) == 2
    assert "the scene model takes no --image" in capsys.readouterr().err


@pytest.mark.parametrize("args, words", [
    (["--from", "a purple dog on a plain blue background", "--to", TARGET], "not a caption"),
    (["--from", SOURCE], "--from and --to"),
    (["--from", SOURCE, "--to", SOURCE], "nothing to edit"),
    (["--from", SOURCE, "--to", "a red circle on a plain blue background"], "same background"),
    (["--from", "a blue circle on a plain blue background", "--to", TARGET], "invisible"),
])
def test_bad_captions_are_one_error_line(capsys, args, words):
    assert main(["run", "diffedit", "--model", "scenes", "--steps", "2", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len([line for line in err if "error" in line]) == 1 and words in err[-1]


def test_a_captions_scene_is_the_same_layout_every_time():
    from paperkit.models.scenes.layouts import scene_for_caption

    a, b = scene_for_caption(SOURCE), scene_for_caption("  A red circle on a striped  blue background ")
    assert a == b and a.caption == SOURCE
    assert scene_for_caption(SOURCE, seed=1) != a and scene_for_caption(SOURCE, seed=1).caption == SOURCE
    # two objects are placed in the caption's order, left to right, whatever the seed
    for text in ("a red circle and a blue star on a plain white background", "a blue star and a red circle on a plain white background"):
        for seed in range(5):
            scene = scene_for_caption(text, seed=seed)
            assert scene.caption == text
            assert (scene.objects[0].colour, scene.objects[0].x < scene.objects[1].x) == (text.split()[1], True)


def test_the_files_cross_the_demo_process(tmp_path):
    from paperkit.runner import DemoRunner

    runner = DemoRunner(log_path=tmp_path / "runner.log")
    try:
        seen = []
        out = runner.run("diffedit", model="scenes", steps=STEPS, options={"n": N, "source": SOURCE, "target": TARGET},
                         out_dir=tmp_path / "de", on_progress=lambda s, t, i: seen.append((s, t, i.get("stage"))))
    finally:
        runner.stop()
    files = out.result.files
    assert sorted(files) == sorted(f"1-{k}" for k in KINDS)
    for k in KINDS:
        on_disk = np.asarray(Image.open(tmp_path / "de" / f"1-{k}.png"))
        assert np.array_equal(on_disk, np.asarray(files[f"1-{k}"]))
    demo = [x for x in seen if x[2] != "load"]
    assert demo[-1][0] == demo[-1][1] == 1 + 2 * N_ENC
