"""Bring your own model in the app (issue 13): the run panel's model picker, the demo's prompt and image
fields, settings remembered between sessions, a real Stable Diffusion folder run in the real demo process,
a bad model as one line, and the layout at 80×24 and 200×50.

The Stable Diffusion model is the tiny random-weight one (``tests/sd_fixtures.py``), saved as a real
diffusers folder; the runs go through ``paperkit.runner.DemoRunner``, the process the app really uses.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import numpy as np
import pytest
from textual.widgets import Input, Select, Static

from footer_helpers import footer_keys, settle
from paperkit import settings
from paperkit.tui.app import PaperkitApp
from paperkit.tui.screens.equation import EquationScreen
from paperkit.tui.screens.result import ResultScreen
from paperkit.tui.widgets.completing_input import complete, is_image_name
from paperkit.tui.widgets.demo_options import DemoOptions, default_texts, options, problem
from paperkit.tui.widgets.model_picker import ModelPicker, describe_model
from paperkit.tui.widgets.run_panel import RunPanel, load_label
from paperkit.tui.widgets.run_progress import RunProgress
from sd_fixtures import tiny_folder  # noqa: F401 — a pytest fixture
from tui_helpers import NoNotes, run, until


def text_of(widget: Static) -> str:
    return str(widget.content)


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    """Data, cache and config folders of the test's own; figures written under tmp_path."""
    monkeypatch.setenv("PAPERKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PAPERKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PAPERKIT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def open_equation(app, pilot, eq_id):
    app.open_equation(eq_id)
    await until(pilot, lambda: isinstance(app.screen, EquationScreen), what="the equation screen")
    await pilot.pause()
    return app.screen


async def pick_model(pilot, panel, model: str, *keys: str) -> None:
    """Choose "Stable Diffusion" in the picker with the keyboard, type ``model`` into its box, then ``keys``."""
    kind = panel.query_one("#model-kind", Select)
    kind.scroll_visible(animate=False)
    await pilot.pause()
    if kind.value != "sd":
        kind.focus()
        await pilot.press("enter")  # opens the list: scenes (built-in), digits (built-in), Stable Diffusion
        await pilot.press(*["down"] * (2 - ["scenes", "digits"].index(kind.value)), "enter")
        await until(pilot, lambda: kind.value == "sd", what="Stable Diffusion picked")
    box = panel.query_one("#model-path", Input)
    box.focus()
    box.value = ""
    await pilot.press(*model, *keys)
    await pilot.pause()


class RecordingRunner:
    """The real demo process, with every progress frame and request recorded."""

    def __init__(self, log_path):
        from paperkit.runner import DemoRunner

        self.inner = DemoRunner(log_path=log_path)
        self.stages: list[tuple[str, str | None]] = []
        self.requests: list[dict] = []

    def run(self, name, **kwargs):
        self.requests.append({"name": name, **{k: v for k, v in kwargs.items() if k in ("model", "options", "steps")}})
        progress = kwargs.get("on_progress")

        def record(step, total, info):
            self.stages.append((info.get("stage"), info.get("component")))
            if progress:
                progress(step, total, info)

        return self.inner.run(name, **{**kwargs, "on_progress": record})

    def check_device(self, name):
        return self.inner.check_device(name)

    def stop(self):
        self.inner.stop()


class FakeRunner:
    """Records each request; fails it with ``error`` (a RunFailed) when given, or waits on ``gate``."""

    def __init__(self, error=None, progress=(), gate=None):
        self.calls = []
        self.error, self.progress, self.gate = error, progress, gate

    def run(self, name, **kwargs):
        self.calls.append({"name": name, **kwargs})
        for step, total, info in self.progress:
            kwargs["on_progress"](step, total, info)
        if self.gate is not None:
            self.gate.wait(20)
        from paperkit.runner import RunFailed

        raise self.error or RunFailed("cancelled", "cancelled")

    def check_device(self, name):
        return "cpu"


# -- the real thing: a Stable Diffusion folder, a prompt, the demo process ------------------------------


def test_a_stable_diffusion_folder_runs_a_demo_and_is_remembered(dirs, tiny_folder):
    runner = RecordingRunner(dirs / "runner.log")
    prompt = "a red cube on a table"

    async def first_session():
        app = PaperkitApp(data_dir=dirs / "data", notes=NoNotes())
        app.demo_runner = runner
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddim.12")
            panel = screen.query_one(RunPanel)
            assert panel.spec.name == "ddim"
            fields = panel.query_one("#demo-options", DemoOptions)
            assert not fields.display  # the scene model (the default): its caption fields, not these
            # typed from the current folder, the folder's name completed with Tab
            typed = os.path.relpath(tiny_folder, dirs)[:-1]  # "../tiny-s"
            await pick_model(pilot, panel, typed, "tab")
            assert panel.query_one("#model-path", Input).value == typed + "d/"
            about = text_of(panel.query_one("#model-about", Static))
            assert about.startswith("folder: StableDiffusionPipeline") and "32×32 images" in about, about
            assert fields.display  # a text-to-image model: the demo's prompt field
            box = fields.query_one("#opt-prompts", Input)
            assert box.value == "a photograph of an astronaut riding a horse"  # the default, prefilled
            box.focus()
            await pilot.press("ctrl+a")  # select everything typed before
            box.value = ""
            await pilot.press(*prompt)
            assert box.value == prompt and not panel.running  # "r" in a prompt is a letter, not Run
            assert panel.steps == 20  # quick steps
            button = panel.query_one("#run-button")
            button.scroll_visible(animate=False)
            await pilot.pause()
            await pilot.click(button)
            await until(pilot, lambda: not panel.running, timeout=90, what="the Stable Diffusion run")
            assert panel.state == "done", panel.last_message
            await until(pilot, lambda: isinstance(app.screen, ResultScreen), what="the result screen")
            images = panel.result.images
            assert images and all(np.asarray(im).ndim == 3 and np.asarray(im).shape[-1] == 3 for im in images.values())
            assert panel.result.settings.get("prompts") == [prompt] or prompt in json.dumps(panel.result.settings)
            # the request carried the model and the prompt; the model loaded with its own progress first
            assert runner.requests[-1]["model"] == str(tiny_folder.resolve())  # absolute: it outlives the cwd
            assert runner.requests[-1]["options"] == {"prompts": [prompt]}
            stages = [s for s, _ in runner.stages]
            assert stages[0] == "load" and "load" not in stages[stages.index(next(s for s in stages if s != "load")):]
            assert {c for s, c in runner.stages if s == "load"} >= {"unet"}
            device = text_of(panel.query_one("#run-device", Static))
            assert "device: cpu · float32" in device, device
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen, what="back to the equation")

    async def second_session():
        app = PaperkitApp(data_dir=dirs / "data", notes=NoNotes())
        app.demo_runner = runner
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddim.12")
            panel = screen.query_one(RunPanel)
            picker = panel.query_one(ModelPicker)
            assert picker.text_to_image and picker.model == str(tiny_folder.resolve())
            assert panel.query_one("#opt-prompts", Input).value == prompt
            assert "Stable Diffusion (tiny-sd)" in text_of(panel.query_one("#run-about", Static))

    try:
        run(first_session(), limit=120)
        stored = json.loads((dirs / "config" / "settings.json").read_text())
        assert stored["model"] == str(tiny_folder.resolve()) and stored["demo_inputs"]["ddim"] == {"prompts": prompt}
        run(second_session())
    finally:
        runner.stop()


def test_a_bad_model_is_one_line_and_a_digits_run_follows(dirs, tiny_folder):
    import shutil

    runner = RecordingRunner(dirs / "runner.log")
    broken = Path(shutil.copytree(tiny_folder, dirs / "broken-sd"))
    for weights in (broken / "unet").glob("*.safetensors"):
        weights.write_bytes(b"not safetensors at all")  # a pipeline folder whose UNet cannot be read

    async def go():
        app = PaperkitApp(data_dir=dirs / "data", notes=NoNotes())
        app.demo_runner = runner
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_equation(app, pilot, "ddim.12")
            panel = screen.query_one(RunPanel)
            status = panel.query_one("#run-status", Static)
            # no such folder: said by the picker, and again by Run, before any process starts
            await pick_model(pilot, panel, "./no-such-model")
            assert text_of(panel.query_one("#model-about", Static)) == "✗ model folder not found: no-such-model"
            panel.query_one("#run-button").focus()  # out of the boxes: r is Run again
            await pilot.press("r")
            assert text_of(status) == "✗ model folder not found: no-such-model" and panel.state == "error"
            assert runner.requests == [] and not panel.running
            # a folder that looks right but does not load: the demo process says why, in one line
            await pick_model(pilot, panel, "broken-sd")
            assert text_of(panel.query_one("#model-about", Static)).startswith("folder: StableDiffusionPipeline")
            panel.query_one("#run-button").focus()
            await pilot.press("r")
            await until(pilot, lambda: not panel.running, timeout=60, what="the failed load")
            assert panel.state == "error" and runner.requests[-1]["model"] == str(broken.resolve())
            line = text_of(status)
            assert line.startswith("✗ ") and "\n" not in line and "Traceback" not in line
            assert "broken-sd" in line, line
            assert app.is_running and app.screen is screen
            # the picker is still usable: back to digits, and the same demo runs as it always did
            kind = panel.query_one("#model-kind", Select)
            kind.focus()
            await pilot.press("enter", "up", "enter")
            await until(pilot, lambda: kind.value == "digits", what="digits picked")
            assert not panel.query_one("#demo-options").display
            panel.query_one("#run-button").focus()
            await pilot.press("r")
            await until(pilot, lambda: not panel.running, timeout=60, what="the digits run")
            assert panel.state == "done", panel.last_message
            assert runner.requests[-1]["model"] == "digits" and runner.requests[-1]["options"] == {}
            assert "device: cpu · float32" in text_of(panel.query_one("#run-device", Static))
            await until(pilot, lambda: isinstance(app.screen, ResultScreen), what="the result screen")
            await pilot.pause(0.3)
    try:
        run(go(), limit=120)
    finally:
        runner.stop()
    assert settings.load()["model"] == "digits"


# -- the panel with a stand-in runner: what reaches it, what never becomes a run ---------------------


def test_a_missing_required_field_is_one_line_not_a_run(dirs, tiny_folder):
    async def go():
        app = PaperkitApp(data_dir=dirs / "data", notes=NoNotes())
        app.demo_runner = FakeRunner()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_equation(app, pilot, "diffedit.step1")
            panel = screen.query_one(RunPanel)
            assert panel.spec.name == "diffedit"
            await pick_model(pilot, panel, str(tiny_folder))
            fields = panel.query_one(DemoOptions)
            assert {"opt-images", "opt-source", "opt-target"} <= {w.id for w in fields.query(Input)}
            assert panel.run() is False
            status = text_of(panel.query_one("#run-status", Static))
            assert status == "✗ diffedit needs an image: image file(s) to work on, resized to the model's resolution"
            assert panel.state == "error" and not panel.running and app.demo_runner.calls == []
            fields.set_text("images", str(dirs / "nope.png"))
            assert panel.run() is False and "image not found" in text_of(panel.query_one("#run-status", Static))
            assert app.demo_runner.calls == []
    run(go())


def test_loading_shows_its_own_progress_and_oom_suggests_what_to_shrink(dirs, tiny_folder):
    from paperkit.runner import RunFailed
    from paperkit.runner.failures import describe_failure as describe_run_failure

    oom = type("OutOfMemoryError", (RuntimeError,), {})("CUDA out of memory. Tried to allocate 2 GiB")
    gate = threading.Event()
    load = {"stage": "load", "component": "unet", "model": "Stable Diffusion (tiny-sd)"}
    sd32 = type("Model", (), {"dtype": "torch.float32", "text_to_image": True})()  # SD loaded in float32
    runner = FakeRunner(error=RunFailed("error", describe_run_failure(oom, "ddim", sd32)),
                        progress=[(1, 5, load)], gate=gate)

    async def go():
        app = PaperkitApp(data_dir=dirs / "data", notes=NoNotes())
        app.demo_runner = runner
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_equation(app, pilot, "ddim.12")
            panel = screen.query_one(RunPanel)
            await pick_model(pilot, panel, str(tiny_folder))
            assert panel.run()
            bar = panel.query_one("#run-progress", RunProgress)
            await until(pilot, lambda: bar.label.startswith("loading"), what="the load progress")
            assert bar.label == "loading Stable Diffusion (tiny-sd): unet 1/5…" and (bar.step, bar.total) == (1, 5)
            gate.set()
            await until(pilot, lambda: not panel.running, what="the failure")
            status = text_of(panel.query_one("#run-status", Static))
            assert status.startswith("✗ ddim: out of GPU memory") and "smaller batch" in status
            assert "fewer steps" in status and "half precision" in status and "\n" not in status
            call = runner.calls[0]
            assert call["model"] == str(tiny_folder.resolve()) and call["options"]["prompts"]
            assert app.is_running
    run(go())


def test_the_digits_model_runs_as_before(dirs):
    settings.update(model="digits")  # picked in an earlier session

    async def go():
        app = PaperkitApp(data_dir=dirs / "data", notes=NoNotes())
        app.demo_runner = FakeRunner()
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_equation(app, pilot, "cfg.6")
            panel = screen.query_one(RunPanel)
            picker = panel.query_one(ModelPicker)
            assert picker.model == "digits" and not picker.text_to_image
            assert not panel.query_one("#scene-options").display
            assert not panel.query_one("#model-path").display and not panel.query_one(DemoOptions).display
            assert "(on the digits model)" in text_of(panel.query_one("#run-about", Static))
            assert text_of(panel.query_one("#model-about", Static)).startswith("digits (built-in)")
            await pilot.press("r")
            await until(pilot, lambda: not panel.running, what="the run")
            call = app.demo_runner.calls[0]
            assert call["model"] == "digits" and call["options"] == {} and call["steps"] == 10
        assert json.loads((dirs / "config" / "settings.json").read_text())["demo_inputs"] == {}  # no fields kept
        app = PaperkitApp(data_dir=dirs / "data", notes=NoNotes())
        async with app.run_test(size=(80, 24)) as pilot:  # a demo without a model: no picker
            screen = await open_equation(app, pilot, "ddpm.schedule")
            assert not screen.query(ModelPicker)
    run(go())


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
def test_picker_and_fields_fit_at_80x24_and_200x50(dirs, tiny_folder, size):
    async def go():
        app = PaperkitApp(data_dir=dirs / "data", notes=NoNotes())
        app.demo_runner = FakeRunner()
        async with app.run_test(size=size) as pilot:
            screen = await open_equation(app, pilot, "lesson11.prompt_interpolation")
            panel = screen.query_one(RunPanel)
            assert panel.spec.name == "interpolation"
            await pick_model(pilot, panel, str(tiny_folder))
            fields = panel.query_one(DemoOptions)
            one, two = fields.query_one("#opt-prompts-1", Input), fields.query_one("#opt-prompts-2", Input)
            assert (one.value, two.value) == ("a cabin in the woods in summer", "a cabin in the woods in winter")
            for widget in (panel.query_one("#model-kind"), panel.query_one("#model-path"), one, two,
                           panel.query_one("#run-button"), panel.query_one("#device")):
                widget.scroll_visible(animate=False)
                await pilot.pause()
                region = widget.region
                assert region.width >= 8 and region.right <= size[0], (widget.id, region)
            # the description wraps inside the pane rather than running off it
            about = panel.query_one("#model-about", Static)
            assert about.region.right <= size[0] and about.region.height >= 1
            await settle(pilot)
            keys = footer_keys(app)
            assert not keys.cut, keys
            # Tab in the model box: lists what is in a folder, then moves on to the next field
            box = panel.query_one("#model-path", Input)
            box.value = str(tiny_folder) + "/"
            box.focus()
            await pilot.press("tab")
            about = text_of(panel.query_one("#model-about", Static))
            assert "unet/" in about and "vae/" in about and box.has_focus, about
            await pilot.press("tab")
            assert one.has_focus
            panel.query_one("#run-button").focus()
            assert panel.focus_model()
            await pilot.pause()
            assert box.has_focus
            two.value = ""
            assert panel.run() is False
            assert "interpolation takes two prompts" in text_of(panel.query_one("#run-status", Static))
    run(go())


# -- the plain logic -----------------------------------------------------------------------------------


def test_settings_are_written_atomically_and_a_corrupt_file_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERKIT_CONFIG_DIR", str(tmp_path / "cfg"))
    path = settings.settings_path()
    assert path == tmp_path / "cfg" / "settings.json"
    assert settings.load() == settings.DEFAULTS and not path.exists()  # no file: the defaults
    settings.update(model="/models/sd15", sd_model="/models/sd15")
    assert json.loads(path.read_text())["model"] == "/models/sd15"
    settings.remember_demo_inputs("ddim", {"prompts": "a cat | a dog"})
    assert settings.demo_inputs("ddim") == {"prompts": "a cat | a dog"} and settings.load()["model"] == "/models/sd15"
    assert os.listdir(path.parent) == ["settings.json"]  # no temporary file left behind
    before = path.read_bytes()
    with pytest.raises(TypeError):  # a value JSON cannot hold fails before the file is touched
        settings.save({"model": object()})
    assert path.read_bytes() == before and os.listdir(path.parent) == ["settings.json"]
    # unchanged settings are not rewritten
    mtime = path.stat().st_mtime_ns
    settings.update(model="/models/sd15")
    assert path.stat().st_mtime_ns == mtime
    for corrupt in (b"{not json", b"[1, 2]", b"\xff\xfe", b""):
        path.write_bytes(corrupt)
        assert settings.load() == settings.DEFAULTS
    path.write_text(json.dumps({"model": 3, "demo_inputs": "x", "sd_model": "/m"}))
    assert settings.load() == {**settings.DEFAULTS, "sd_model": "/m"}  # wrong types dropped, the rest kept
    settings.update(model="digits")  # over a corrupt file: written afresh
    assert settings.load()["model"] == "digits"


def test_settings_in_a_folder_that_cannot_be_written_hold_for_the_session(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the config folder would be")
    monkeypatch.setenv("PAPERKIT_CONFIG_DIR", str(blocker / "sub"))
    assert settings.update(model="/m")["model"] == "/m"  # no exception, no file
    assert settings.load()["model"] == "scenes"  # the default


def test_describe_model(tiny_folder, tmp_path, monkeypatch):
    line, ok = describe_model("digits")
    assert ok and line.startswith("digits (built-in)")
    line, ok = describe_model(str(tiny_folder))
    assert ok and line == f"folder: StableDiffusionPipeline, 32×32 images, diffusers {_diffusers_version()}; float16 on CUDA, float32 elsewhere"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert describe_model(str(empty)) == (f"✗ not a diffusers pipeline folder (no model_index.json): {empty}", False)
    assert describe_model(str(tmp_path / "nope")) == (f"✗ model folder not found: {tmp_path / 'nope'}", False)
    (tmp_path / "f.txt").write_text("x")
    assert describe_model(str(tmp_path / "f.txt"))[0].startswith("✗ model path is not a folder")
    assert describe_model("digit")[0].startswith("✗ unknown model 'digit'; did you mean \"digits\"?")
    # a Hub id: its snapshot in the Hugging Face cache, nothing downloaded here
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    line, ok = describe_model("someone/tiny-sd")
    assert not ok and "is not in the Hugging Face cache" in line and "\n" not in line
    revision = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub" / "models--someone--tiny-sd"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(revision)
    (repo / "snapshots").mkdir()
    (repo / "snapshots" / revision).symlink_to(tiny_folder, target_is_directory=True)
    line, ok = describe_model("someone/tiny-sd")
    assert ok and line.startswith("someone/tiny-sd (Hugging Face cache): StableDiffusionPipeline, 32×32 images"), line


def _diffusers_version() -> str:
    from importlib.metadata import version

    return version("diffusers")


def test_demo_fields_from_the_registry():
    from paperkit.demos import get_spec

    ddim, interp, diffedit, inversion = (get_spec(n) for n in ("ddim", "interpolation", "diffedit", "inversion"))
    assert default_texts(ddim) == {"prompts": "a photograph of an astronaut riding a horse"}
    assert options(ddim, {"prompts": " a cat |a dog | "}) == {"prompts": ["a cat", "a dog"]}
    assert options(ddim, {"prompts": ""}) == {}  # empty: the demo's default
    assert default_texts(interp) == {"prompts.1": "a cabin in the woods in summer",
                                     "prompts.2": "a cabin in the woods in winter"}
    assert options(interp, {"prompts.1": "day", "prompts.2": "night"}) == {"prompts": ["day", "night"]}
    assert "two prompts" in problem(interp, {"prompts.1": "day", "prompts.2": ""})
    assert problem(diffedit, {"images": "", "source": "a", "target": "b"}).startswith("diffedit needs an image")
    here = Path(__file__).resolve()
    texts = {"images": str(here), "source": "", "target": "b"}
    assert problem(diffedit, texts) == "diffedit needs a 'from' text: text describing the image as it is (DiffEdit's reference R)"
    texts["source"] = "a"
    assert problem(diffedit, texts) is None
    assert options(diffedit, texts) == {"images": [str(here)], "source": "a", "target": "b"}
    assert problem(inversion, {"images": str(here), "prompts": "a | b"}).startswith("inversion takes one prompt")
    assert options(inversion, {"images": str(here), "prompts": ""}) == {"images": [str(here)]}
    assert load_label(2, 5, {"stage": "load", "component": "vae", "model": "Stable Diffusion (x)"}) == \
        "loading Stable Diffusion (x): vae 2/5…"


def test_path_completion_offers_folders_and_images(tmp_path):
    (tmp_path / "models" / "sd-1").mkdir(parents=True)
    (tmp_path / "models" / "sd-2").mkdir()
    (tmp_path / "models" / "cat.png").write_bytes(b"png")
    (tmp_path / "models" / "notes.txt").write_text("x")
    base = f"{tmp_path}/models/"
    assert complete(base).candidates == ["sd-1/", "sd-2/"]  # folders only for a model
    assert complete(base, is_image_name).candidates == ["cat.png", "sd-1/", "sd-2/"]
    assert complete(base + "s").text == base + "sd-"
    assert complete(base + "c", is_image_name).text == base + "cat.png"
    assert "no folder" in complete(base + "x").problem
