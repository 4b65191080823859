"""The demos on the scene world (issue 15): every sampling demo runs on the scene model with captions
as its columns, and DiffEdit edits held-out scenes beside the true edit region, writing one plain
32×32 PNG per input, mask, truth and edit."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from paperkit.cli import main
from paperkit.errors import UserError


@pytest.fixture(scope="module")
def scenes():
    from paperkit.models import load_model

    return load_model("scenes")


@pytest.mark.parametrize("demo", ["ddim", "cfg", "norm_rescale", "decreasing_guidance", "interpolation", "inversion", "ddpm"])
def test_sampling_demos_run_on_scenes_with_captions_as_columns(scenes, demo):
    from paperkit.demos import run_demo

    result = run_demo(demo, scenes, device="cpu", seed=0, steps=3)
    name = next(iter(result.images))
    grid = result.grids[name]
    assert result.images[name].ndim == 3 and result.images[name].shape[-1] == 3  # RGB tiles
    assert grid["tile"] == [32, 32] or tuple(grid["tile"]) == (32, 32)
    labels = " ".join(map(str, grid["rows"] + grid["cols"]))
    if demo != "ddim":
        assert "background" in labels or "background" in grid["title"] or "background" in json.dumps(result.settings)


def test_cfg_on_scenes_is_scored_by_the_attribute_classifier(scenes):
    from paperkit.demos import run_demo

    result = run_demo("cfg", scenes, device="cpu", seed=0, steps=3, scales=(0.0, 3.0),
                      prompts=["a red circle on a plain blue background"])
    assert result.settings["prompts"] == ["a red circle on a plain blue background"]
    assert 0.0 <= result.metrics["accuracy.3"] <= 1.0 and "confidence.3" in result.metrics


def test_a_caption_outside_the_world_is_one_error_line(capsys):
    assert main(["run", "cfg", "--model", "scenes", "--steps", "2", "--prompt", "a purple dog on a plain blue background"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "caption" in err


def test_diffedit_writes_input_mask_truth_and_edit_per_scene(tmp_path, capsys):
    out = tmp_path / "de"
    assert main(["run", "diffedit", "--steps", "10", "--out", str(out), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["model"].startswith("built-in scene model")
    rows = payload["tables"][0]["rows"]
    assert len(rows) == 6 and {"mask IoU", "kept outside", "reads as Q"} <= set(rows[0])
    assert all(r["kept outside"] == 1.0 for r in rows)  # the last step blends back the input itself
    for i in range(1, 7):
        for kind in ("input", "mask", "truth", "edit"):
            image = Image.open(out / f"{i}-{kind}.png")
            assert image.size == (32, 32), (i, kind)
        truth = np.asarray(Image.open(out / f"{i}-truth.png"))
        assert set(np.unique(truth)) <= {0, 255} and truth.any()
        assert payload["files"][f"{i}-mask"]["path"].endswith(f"{i}-mask.png")
    assert (out / "edits.png").is_file()
    grid = payload["images"]["edits"]["grid"]
    assert grid["cols"] == ["input", "true region", "inferred mask", "edit", "|edit − input|"] and len(grid["rows"]) == 6
    assert 0.0 <= payload["metrics"]["mean_iou"] <= 1.0


def test_diffedit_from_to_captions_and_their_errors(scenes):
    from paperkit.demos import run_demo
    from paperkit.demos.diffedit_scenes import caption_edit

    e = caption_edit("a red circle on a striped blue background", "a yellow star on a striped blue background")
    assert e.label == "red circle → yellow star" and e.before.objects[0].x == e.after.objects[0].x
    result = run_demo("diffedit", scenes, device="cpu", seed=0, steps=10, source=e.source, target=e.target, n=2)
    assert [r["edit"] for r in result.table("edits")["rows"]] == ["red circle → yellow star"]
    for src, dst in [("a red circle on a striped blue background", "a red circle on a plain blue background"),
                     ("a red circle on a striped blue background", "a red circle on a striped blue background"),
                     ("a red circle on a striped blue background", "a red dog on a striped blue background")]:
        with pytest.raises(UserError) as err:
            caption_edit(src, dst)
        assert "\n" not in str(err.value)
    with pytest.raises(UserError, match="drop --image"):
        run_demo("diffedit", scenes, device="cpu", seed=0, steps=10, images=["x.png"])


def test_scenes_is_a_builtin_model_name():
    from paperkit.models.resolve import canonical_model, resolve_model

    ref = resolve_model("scenes")
    assert ref.kind == "scenes" and ref.builtin and not ref.text_to_image and ref.describe() == "built-in scene model"
    assert canonical_model(" Scenes ") == "scenes"
    with pytest.raises(UserError, match="did you mean \"scenes\""):
        resolve_model("scenez")
