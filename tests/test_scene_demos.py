"""The demos on the scene world (issue 15): "scenes" is a built-in model and the default of the CLI and
the app; every sampling demo runs on it with captions as its columns, scored by the scene world's
attribute classifier; inversion and forward use rendered held-out scenes; DiffEdit edits held-out
scenes beside the true edit region, writing one plain 32×32 PNG per input, mask, truth and edit.

The model is the shipped one (``load_model("scenes")``). Its samples are not scored for quality here:
the tests check what ran, the shapes, the labels and that the classifier's scores measure what they
say (on rendered scenes, where the answer is known).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from paperkit.cli import main
from paperkit.demos import DEMOS, SCENE_CAPTIONS, SCENE_ENDS, figure, run_demo
from paperkit.demos._common import scene_readings, short_caption, to_uint8
from paperkit.demos.result import tile_spans
from paperkit.errors import UserError

SHORT = [short_caption(c) for c in SCENE_CAPTIONS]


@pytest.fixture(scope="module")
def scenes():
    from paperkit.models import load_model

    return load_model("scenes")


@pytest.fixture
def nothing_loads(monkeypatch):
    """Loading a model or running a demo fails the test: what is checked must be checked before."""
    import paperkit.demos
    import paperkit.models

    def fail(*args, **kwargs):
        raise AssertionError("a model was loaded or a demo ran")

    monkeypatch.setattr(paperkit.models, "load_model", fail)
    monkeypatch.setattr(paperkit.demos, "run_demo", fail)


def tiles(result, name: str) -> dict[tuple[str, str], np.ndarray]:
    """(row label, column label) → that tile's pixels, cut out by the grid's metadata alone."""
    meta, img = result.grids[name], result.images[name]
    rows, cols = tile_spans(meta)
    return {(meta["rows"][r], meta["cols"][c]): img[y0:y1, x0:x1]
            for r, (y0, y1) in enumerate(rows) for c, (x0, x1) in enumerate(cols)}


def rendered(captions) -> "torch.Tensor":  # noqa: F821
    from paperkit.models.scenes.data import render_scenes, to_model_space
    from paperkit.models.scenes.layouts import scene_for_caption

    return to_model_space(render_scenes([scene_for_caption(c) for c in captions]))


# -- the model's name, everywhere ----------------------------------------------------------------------

def test_scenes_is_a_builtin_model_and_the_default():
    from paperkit import settings
    from paperkit.models import MODELS
    from paperkit.models.resolve import DEFAULT_MODEL, canonical_model, is_builtin, is_digits, is_scenes, resolve_model

    ref = resolve_model("scenes")
    assert ref.kind == "scenes" and ref.builtin and not ref.text_to_image and ref.describe() == "built-in scene model"
    assert resolve_model("Scenes (built-in)").kind == resolve_model("built-in").kind == "scenes"
    assert resolve_model("digits").kind == "digits" and resolve_model("digits").builtin
    assert DEFAULT_MODEL == "scenes" == canonical_model(None) == canonical_model(" Scenes ")
    assert canonical_model("digits") == "digits" and is_digits("Digits") and not is_digits(None)
    assert is_scenes(None) and is_builtin("digits") and not is_builtin("org/name")
    assert MODELS == ("scenes", "digits") and settings.DEFAULTS["model"] == "scenes"
    assert {s.default_model for s in DEMOS.values() if s.needs_model} == {"scenes"}
    with pytest.raises(UserError, match="did you mean \"scenes\""):
        resolve_model("scenez")
    with pytest.raises(UserError) as err:
        resolve_model("nonsense")
    assert '"scenes", "digits"' in str(err.value) and "\n" not in str(err.value)


def test_load_model_loads_the_scene_model_by_default():
    from paperkit.models import load_model

    seen = []
    model = load_model(callback=lambda *a: seen.append(a))
    assert model.name == "scenes" and model.resolution == 32 and model.latent_shape(2) == (2, 3, 32, 32)
    assert seen == [(1, 1, {"stage": "load", "component": "scenes"})]


# -- the classifier's scores measure what they say --------------------------------------------------------

def test_scene_readings_score_rendered_scenes_against_their_captions():
    x = rendered(SCENE_CAPTIONS)
    right = scene_readings(x, SCENE_CAPTIONS)
    assert right["accuracy"] == 1.0 and right["hits"] == [True] * len(SCENE_CAPTIONS)
    assert right["labels"][0] == "red circle on plain blue" and right["confidence"] > 0.9
    wrong = scene_readings(x, SCENE_CAPTIONS[1:] + SCENE_CAPTIONS[:1])  # each scene against another's caption
    assert wrong["accuracy"] == 0.0 and wrong["confidence"] < 0.1


def test_default_captions_are_held_out_and_varied():
    from paperkit.scenes import parse_caption

    assert 4 <= len(SCENE_CAPTIONS) <= 6
    parsed = [parse_caption(c) for c in SCENE_CAPTIONS]
    assert {len(p["objects"]) for p in parsed} == {1, 2}
    assert len({p["background"] for p in parsed}) == len(parsed)  # a different background pattern each
    a, b = (parse_caption(c) for c in SCENE_ENDS)
    assert (a["background"], a["colour"]) == (b["background"], b["colour"]) and a["objects"] != b["objects"]
    assert short_caption("a blue square and an orange circle on a speckled green background") == \
        "blue square and orange circle on speckled green"


# -- every sampling demo on the scene model --------------------------------------------------------------

SCORED = {"ddpm": "accuracy", "ddim": "accuracy.steps3_eta0", "cfg": "accuracy.7.5", "norm_rescale": "accuracy.cfg",
          "decreasing_guidance": "accuracy.constant"}


@pytest.mark.parametrize("demo", list(SCORED))
def test_sampling_demos_take_captions_as_columns_and_score_them(scenes, demo):
    result = run_demo(demo, scenes, device="cpu", seed=0, steps=3)
    assert result.settings["prompts"] == list(SCENE_CAPTIONS)  # the whole captions, in order
    assert 0.0 <= result.metrics[SCORED[demo]] <= 1.0
    for name, meta in result.grids.items():
        assert tuple(meta["tile"]) == (32, 32) and result.images[name].shape[-1] == 3, name
        assert meta["title"] and all(meta["rows"]) and all(meta["cols"]), name
        if meta["col_title"] == "caption":
            assert meta["cols"] == SHORT, name
        else:  # ddpm's strips: a caption per row, t per column
            assert meta["rows"] == SHORT and meta["row_title"] == "caption", name
    if demo == "ddim":  # one figure: the settings by row
        assert list(result.grids) == ["samples"]
        assert result.grids["samples"]["rows"] == ["3 steps, η = 0", "3 steps, η = 1"]
    if demo == "ddpm":
        table = result.table("classifier")
        assert [r["asked"] for r in table["rows"]] == SHORT and "scene classifier" in table["title"]
        assert "caption asks for" in " ".join(result.text)


def test_the_users_captions_become_the_columns(scenes):
    captions = ["a red circle on a plain blue background", "a green star and a white ring on a striped black background"]
    result = run_demo("cfg", scenes, device="cpu", seed=0, steps=2, scales=(0.0, 3.0), prompts=captions)
    assert result.settings["prompts"] == captions
    assert result.grids["sweep"]["cols"] == ["red circle on plain blue", "green star and white ring on striped black"]
    assert result.grids["sweep"]["rows"] == ["0", "3"] and "confidence.3" in result.metrics
    with pytest.raises(UserError) as err:
        run_demo("cfg", scenes, device="cpu", seed=0, steps=2, prompts=["a purple dog on a plain blue background"])
    assert "not a caption of the scene world" in str(err.value) and "\n" not in str(err.value)


def test_interpolation_runs_between_two_captions_and_reads_each_frame(scenes):
    result = run_demo("interpolation", scenes, device="cpu", seed=0, steps=2)
    assert (result.settings["source"], result.settings["target"]) == SCENE_ENDS
    meta = result.grids["frames"]
    assert meta["rows"] == ["lerp", "slerp"] and len(meta["cols"]) == 9 and tuple(meta["tile"]) == (32, 32)
    assert "red circle on plain blue" in meta["col_title"] and "yellow star on plain blue" in meta["col_title"]
    assert "caption embedding" in meta["title"]
    rows = result.table("frames")["rows"]
    assert len(rows) == 9 and all(isinstance(r["lerp reads"], str) and " on " in r["lerp reads"] for r in rows)
    for path in ("lerp", "slerp"):
        assert 0 <= result.metrics[f"reads_source.{path}"] <= 9 and 0 <= result.metrics[f"reads_target.{path}"] <= 9
        assert len(result.series[f"p_target.{path}"]["y"]) == 9


def test_inversion_inverts_rendered_held_out_scenes(scenes, tmp_path):
    from paperkit.scenes import parse_caption

    result = run_demo("inversion", scenes, device="cpu", seed=0, steps=2)
    captions = result.settings["prompts"]
    assert len(captions) == 4 and {len(parse_caption(c)["objects"]) for c in captions} == {1, 2}
    meta = result.grids["reconstruction"]
    assert meta["rows"] == [short_caption(c) for c in captions] and meta["row_title"] == "scene"
    assert meta["cols"][0] == "input x_0" and meta["cols"][-1] == "random x_T decoded"
    cut = tiles(result, "reconstruction")
    from paperkit.models.scenes.data import held_out_scenes, render_scenes, to_model_space

    truth = to_model_space(render_scenes(held_out_scenes(2, objects=1, seed=21) + held_out_scenes(2, objects=2, seed=21)))
    for i, row in enumerate(meta["rows"]):  # the input column is the rendering itself
        assert (cut[row, "input x_0"] == to_uint8(truth[i]).transpose(1, 2, 0)).all()
    assert 0.0 <= result.metrics["reads_caption.decoded"] <= 1.0 and result.table("classifier")["rows"]
    # captions given: each rendered at its own seeded layout; an image file works too
    given = run_demo("inversion", scenes, device="cpu", seed=0, steps=1, prompts=["a white ring on a graded red background"])
    assert given.settings["prompts"] == ["a white ring on a graded red background"]
    png = tmp_path / "scene.png"
    Image.fromarray(to_uint8(rendered(["a blue star on a plain yellow background"])[0]).transpose(1, 2, 0)).save(png)
    own = run_demo("inversion", scenes, device="cpu", seed=0, steps=1, images=[str(png)],
                   prompts=["a blue star on a plain yellow background"])
    assert own.grids["reconstruction"]["row_title"] == "image" and tuple(own.grids["reconstruction"]["tile"]) == (32, 32)


def test_forward_noises_held_out_scenes_by_default_and_digits_on_request():
    result = run_demo("forward", device="cpu")
    meta = result.grids["strip"]
    assert meta["row_title"] == "scene" and len(meta["rows"]) == 4 and tuple(meta["tile"]) == (32, 32)
    assert all(" on " in r for r in meta["rows"]) and result.settings["world"] == "scenes"
    assert result.metrics["corr_t0"] > 0.99 and abs(result.metrics["corr_t999"]) < 0.1
    digits = run_demo("forward", device="cpu", world="digits")
    assert digits.grids["strip"]["rows"] == ["0", "3", "5", "8"] and tuple(digits.grids["strip"]["tile"]) == (16, 16)


def test_descriptions_say_what_runs_on_each_model():
    assert "caption" in DEMOS["cfg"].describe(5) and "scene classifier" in DEMOS["cfg"].description
    assert "digit" in DEMOS["cfg"].describe(5, "digits") and "prompt" in DEMOS["cfg"].describe(5, "text")
    assert DEMOS["forward"].description.startswith("held-out scenes")
    assert DEMOS["inversion"].description.startswith("held-out scenes")
    assert DEMOS["inversion"].describe(None, "digits").startswith("real digits")
    assert "red circle" in DEMOS["interpolation"].description and "\"3\"" in DEMOS["interpolation"].describe(None, "digits")
    assert DEMOS["diffedit"].description.startswith("held-out scenes edited inside an inferred mask, beside the true edit region")
    with pytest.raises(ValueError):
        DEMOS["cfg"].describe(5, "pictures")


# -- the CLI ---------------------------------------------------------------------------------------------

def _check_figure(path, entry: dict, scale: int) -> None:
    """The PNG at ``path`` is the labelled figure of ``entry`` (an image of ``--json``): same size, and
    every pixel outside the tiles (title, row and column labels, frame) as ``figure`` draws them."""
    with Image.open(path) as img:
        drawn = np.asarray(img.convert("RGB"))
    layout = figure.render_image(np.zeros(entry["shape"], np.uint8), entry["grid"], title=entry["title"], scale=scale)
    assert drawn.shape == np.asarray(layout.image).shape
    x0, y0, x1, y1 = layout.grid_box
    outside = np.ones(drawn.shape[:2], bool)
    outside[y0:y1, x0:x1] = False
    assert np.array_equal(drawn[outside], np.asarray(layout.image)[outside])
    assert (x1 - x0) == entry["shape"][1] * scale


def test_cli_cfg_on_scenes_writes_labelled_pngs(tmp_path, capsys):
    out = tmp_path / "cfg"
    assert main(["run", "cfg", "--model", "scenes", "--steps", "2", "--device", "cpu", "--out", str(out), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["model"] == "built-in scene model, float32 on cpu"
    assert "one sample per caption" in payload["description"] and payload["settings"]["prompts"] == list(SCENE_CAPTIONS)
    entry = payload["images"]["sweep"]
    assert entry["grid"]["cols"] == SHORT and entry["grid"]["col_title"] == "caption" and entry["grid"]["tile"] == [32, 32]
    assert entry["grid"]["rows"] == ["0", "1", "2", "4", "7.5", "12"] and payload["png_scale"]["sweep"] == 4
    _check_figure(out / "sweep.png", entry, 4)
    assert 0.0 <= payload["metrics"]["accuracy.7.5"] <= 1.0
    # without --model: the same model; the text summary names it and lists the PNG with its title
    assert main(["run", "ddim", "--steps", "2", "--device", "cpu", "--out", str(tmp_path / "ddim"),
                 "--prompt", "a red circle on a plain blue background"]) == 0
    text = capsys.readouterr().out
    assert "model: built-in scene model, float32 on cpu" in text and "accuracy" in text
    assert f"{tmp_path / 'ddim' / 'samples.png'}  — DDIM samples x_0 from one x_T per caption" in text
    with Image.open(tmp_path / "ddim" / "samples.png") as img:
        assert img.width > 32 * 4 and img.height > 2 * 32 * 4  # two rows of ×4 tiles, with labels


@pytest.mark.parametrize("argv, says", [
    (["run", "cfg", "--model", "scenes", "--prompt", "a purple dog on a plain blue background"], "“a purple dog on a plain blue background” is not a caption of the scene world"),
    (["run", "ddpm", "--prompt", "a red circle on a plain blue background", "--prompt", "3"], "“3” is not a caption of the scene world"),
    (["run", "interpolation", "--prompt", "a red circle on a plain blue background", "--prompt", "a cabin in winter"], "is not a caption"),
    (["run", "diffedit", "--from", "a red circle on a plain blue background", "--to", "a red cat on a plain blue background"], "is not a caption"),
    (["run", "diffedit", "--image", "x.png"], "diffedit on the scene model takes no --image"),
    (["run", "ddim", "--model", "scene model"], "unknown model 'scene model'"),
])
def test_a_caption_outside_the_world_is_one_error_line(argv, says, capsys, nothing_loads):
    assert main(argv) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.count("\n") == 0 and says in err and captured.out == "", err
    assert "shapes: circle" in err or "--image" in err or "unknown model" in err  # says what would do


def test_list_shows_the_scene_model(capsys):
    assert main(["run", "--list"]) == 0
    out = capsys.readouterr().out
    assert "one sample per caption at guidance scales" in out and "forward              held-out scenes noised" in out
    assert "on scenes: [--prompt CAPTION [--prompt CAPTION …]]" in out and "on scenes: [--from CAPTION] [--to CAPTION]" in out
    assert "run on the built-in scene model unless --model" in out
    assert main(["run", "--list", "--json"]) == 0
    by = {d["name"]: d for d in json.loads(capsys.readouterr().out)}
    assert by["cfg"]["default_model"] == "scenes" and by["schedules"]["default_model"] is None
    assert by["interpolation"]["scene_inputs"] == [{"option": "--prompt", "count": 2, "required": False}]
    assert all(not i["required"] for d in by.values() for i in d["scene_inputs"])


# -- the app -----------------------------------------------------------------------------------------------

def test_demo_fields_on_the_scene_model():
    from paperkit.demos import get_spec
    from paperkit.tui.widgets.demo_options import default_texts, fields, options, problem

    cfg, interp, diffedit, inversion = (get_spec(n) for n in ("cfg", "interpolation", "diffedit", "inversion"))
    assert default_texts(cfg, "scenes") == {"prompts": ""}  # empty: the demo's held-out captions
    assert problem(cfg, {"prompts": ""}, "scenes") is None and options(cfg, {"prompts": ""}, "scenes") == {}
    two = "a red circle on a plain blue background | a blue star on a checked white background"
    assert options(cfg, {"prompts": two}, "scenes") == {"prompts": [p.strip() for p in two.split("|")]}
    line = problem(cfg, {"prompts": "a red circle on a plain blue background | a red dog"}, "scenes")
    assert line.startswith("cfg: “a red dog” is not a caption of the scene world") and "\n" not in line
    assert default_texts(interp, "scenes") == {"prompts.1": SCENE_ENDS[0], "prompts.2": SCENE_ENDS[1]}
    assert [k for k, _, _ in fields(diffedit, "scenes")] == ["source", "target"]  # no image: it renders its own
    assert "fill in both" in problem(diffedit, {"source": SCENE_ENDS[0], "target": ""}, "scenes")
    assert problem(diffedit, {"source": SCENE_ENDS[0], "target": SCENE_ENDS[1]}, "scenes") is None
    assert [k for k, _, _ in fields(inversion, "scenes")] == ["images", "prompts"]
    assert problem(inversion, {"images": "", "prompts": ""}, "scenes") is None  # nothing required


class _Runner:
    """Records each request and fails it as cancelled (nothing runs)."""

    def __init__(self):
        self.calls = []

    def run(self, name, **kwargs):
        from paperkit.runner import RunFailed

        self.calls.append({"name": name, **kwargs})
        raise RunFailed("cancelled", "cancelled")

    def check_device(self, name):
        return "cpu"


def test_the_app_runs_demos_on_the_scene_model_with_captions(tmp_path, monkeypatch):
    from textual.widgets import Input, Static

    from paperkit.tui.app import PaperkitApp
    from paperkit.tui.screens.equation import EquationScreen
    from paperkit.tui.widgets.demo_options import DemoOptions
    from paperkit.tui.widgets.model_picker import ModelPicker
    from paperkit.tui.widgets.run_panel import RunPanel
    from tui_helpers import NoNotes, run, until

    for var, sub in (("PAPERKIT_DATA_DIR", "data"), ("PAPERKIT_CACHE_DIR", "cache"), ("PAPERKIT_CONFIG_DIR", "config")):
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.chdir(tmp_path)
    runner = _Runner()

    async def go():
        app = PaperkitApp(data_dir=tmp_path / "data", notes=NoNotes())
        app.demo_runner = runner
        async with app.run_test(size=(100, 32)) as pilot:
            app.open_equation("cfg.6")
            await until(pilot, lambda: isinstance(app.screen, EquationScreen), what="the equation screen")
            await pilot.pause()
            panel = app.screen.query_one(RunPanel)
            picker = panel.query_one(ModelPicker)
            assert picker.model == "scenes" and picker.kind == "scenes" and not picker.text_to_image
            assert str(panel.query_one("#model-about", Static).content).startswith("scenes (built-in)")
            about = str(panel.query_one("#run-about", Static).content)
            assert "one sample per caption" in about and about.endswith("(on the scenes model)")
            captions = panel.query_one("#scene-options", DemoOptions)
            assert captions.display and not panel.query_one("#demo-options", DemoOptions).display
            box = captions.query_one("#opt-prompts", Input)
            assert box.value == ""  # the demo's held-out captions unless the user types some
            box.value = "a red circle on a plain blue background | a blue horse"
            assert panel.run() is False and runner.calls == []
            status = str(panel.query_one("#run-status", Static).content)
            assert status.startswith("✗ cfg: “a blue horse” is not a caption of the scene world") and "\n" not in status
            box.value = "a red circle on a plain blue background | a blue star on a striped white background"
            assert panel.run()
            await until(pilot, lambda: not panel.running, what="the run")
            call = runner.calls[-1]
            assert call["model"] == "scenes" and call["options"] == {
                "prompts": ["a red circle on a plain blue background", "a blue star on a striped white background"]}
            picker.choose("digits")  # the digits model: no fields, the demos' own defaults
            await until(pilot, lambda: not captions.display, what="the fields hidden")
            assert panel.run()
            await until(pilot, lambda: not panel.running, what="the digits run")
            assert runner.calls[-1]["model"] == "digits" and runner.calls[-1]["options"] == {}
            assert "(on the digits model)" in str(panel.query_one("#run-about", Static).content)

    run(go())
    from paperkit import settings

    stored = settings.load()
    assert stored["model"] == "digits" and stored["demo_inputs"]["cfg@scenes"]["prompts"].endswith("striped white background")


# -- DiffEdit on the scene model (paperkit.demos.diffedit_scenes) ----------------------------------------

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
