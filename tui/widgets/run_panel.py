"""``RunPanel``: run one demo from the equation panel (or the Lesson 11 page) — Run, progress,
cancel, the device — and open its result full screen when it is done.

The demo runs in the session's demo process (``paperkit.runner``: a run there costs what it costs
from the command line; in a thread of the app it took 2.5× as long). A thread worker here waits on
that process: it posts progress to the UI (throttled there to ~20 updates a second), and ``cancel()``
sets the flag the worker passes on, so the demo stops between two steps. Every failure — a NaN, a
device that is not there, CUDA out of memory, a demo process that died, any other exception — ends
as one line in the panel and a notification; the app carries on.

When a run finishes the result opens in ``ResultScreen`` (if the panel's screen is still the one
shown); the panel keeps a one-line summary, and ``v`` (or the View button) shows the result again.

A demo that needs a model gets a model picker (``ModelPicker``: the built-in scene model — the
default — the built-in digits model, or a Stable Diffusion folder / cached Hub id) and the fields the
demo takes on that model (``DemoOptions``): on the scene model its captions (all optional: empty, the
demo's held-out captions and scenes; a text outside the scene world is one line before any run), on
a text-to-image model prompts, images, from/to. The choice and each model's fields are remembered
between runs and sessions (``paperkit.settings``; the scene fields under "DEMO@scenes"). Loading a
model shows its own progress ("loading Stable Diffusion (sd15): unet 1/5…"), then the panel names
the device and dtype the model runs in. With the digits model the panel runs exactly what it ran
before: no fields, the demos' own defaults.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Select, Static

from .demo_options import DemoOptions, default_texts
from .model_picker import ModelPicker
from .run_progress import RunProgress

from paperkit.models.resolve import DEFAULT_MODEL, canonical_model, is_digits, is_scenes  # plain Python, no torch
from paperkit.runner.failures import describe_failure as describe_error  # plain Python, no torch

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")  # paperkit.device.DEVICES (that module imports nothing heavy
# at module level either, but keeping the tuple here spares the import until a run)
DEVICE_HELP = {
    "auto": "CUDA if present, else MPS, else CPU",
    "cpu": "the CPU",
    "cuda": "an NVIDIA GPU",
    "mps": "Apple's Metal GPU",
}
# "quick" step counts for the sampling demos: a few seconds on a CPU instead of the paper's full count
QUICK_STEPS = {"ddpm": 100, "ddim": 20, "inversion": 20, "diffedit": 20, "cfg": 10, "norm_rescale": 10,
               "decreasing_guidance": 10, "interpolation": 10}


def quick_steps(spec) -> int | None:
    """The quick step count for a demo spec, or None when the demo has no steps to shorten."""
    if spec.default_steps is None:
        return None
    return min(spec.default_steps, QUICK_STEPS.get(spec.name, max(5, spec.default_steps // 5)))


def describe_spec(spec, steps: int | None, kind: str | None = None) -> str:
    """What the demo will do at ``steps`` (None: its default), in the registry's words, on a model of
    ``kind`` ("scenes", "digits", "text"; None: the demo's default model)."""
    return spec.describe(steps, kind)


def remembered_kind(model: str | None) -> str:
    """The kind of a remembered model choice: "scenes" (also for none), "digits" or "text"."""
    return "digits" if is_digits(model) else "scenes" if is_scenes(model) else "text"


SCENE_KEY = "{demo}@scenes"  # where the settings keep a demo's fields on the scene model


def output_dir(demo: str) -> Path:
    """Where the app writes a run's figures: ``./paperkit-out/DEMO`` as ``paperkit run`` does, or
    the user cache's ``runs/DEMO`` when the current folder cannot be written to."""
    import os

    here = Path.cwd() / "paperkit-out"
    if os.access(Path.cwd(), os.W_OK) and (not here.exists() or os.access(here, os.W_OK)):
        return (here / demo).resolve()
    import platformdirs

    root = os.environ.get("PAPERKIT_CACHE_DIR") or platformdirs.user_cache_dir("paperkit")
    return Path(root) / "runs" / demo


def runner_of(app):
    """The app's demo process: ``app.demo_runner`` when set (tests give a fake), else the session's."""
    runner = getattr(app, "demo_runner", None)
    if runner is not None:
        return runner
    from paperkit.runner import shared_runner

    return shared_runner()


@dataclass
class Outcome:
    state: str  # "done", "cancelled" or "error"
    message: str = ""
    result: Any = None
    paths: dict | None = None


class RunPanel(Vertical):
    """Run button, device choice, quick toggle, progress and status for one demo; the result opens full screen."""

    BINDINGS = [
        Binding("v", "view_result", "View result", tooltip="Show the last run's result again, full screen"),
    ]

    DEFAULT_CSS = """
    RunPanel { height: auto; padding: 0 0 1 0; }
    RunPanel .run-about { color: $text-muted; }
    RunPanel .run-controls { height: auto; margin-top: 1; }
    RunPanel .run-controls > Button { margin-right: 1; min-width: 10; }
    RunPanel .run-controls > Select { width: 16; margin-right: 1; }
    RunPanel .run-controls > Checkbox { width: auto; }
    RunPanel #run-device { color: $text-muted; height: auto; }
    RunPanel #run-status { height: auto; }
    RunPanel #run-status.-error { color: $error; text-style: bold; }
    RunPanel #run-status.-cancelled { color: $warning; text-style: bold; }
    RunPanel #run-status.-done { color: $success; text-style: bold; }
    RunPanel #run-progress { margin: 0 0 1 0; display: none; }
    RunPanel #run-progress.-running { display: block; }
    RunPanel #run-files { color: $text-muted; height: auto; display: none; }
    RunPanel #view-button { display: none; margin-top: 1; }
    RunPanel ModelPicker { margin-top: 1; }
    RunPanel DemoOptions.-hidden { display: none; }
    RunPanel.-has-result #run-files, RunPanel.-has-result #view-button { display: block; }
    """

    class Progress(Message, bubble=False):
        def __init__(self, run_id: int, step: int, total: int, info: dict):
            super().__init__()
            self.run_id, self.step, self.total, self.info = run_id, step, total, info

    class Status(Message, bubble=False):
        def __init__(self, run_id: int, status: str | None = None, device: str | None = None):
            super().__init__()
            self.run_id, self.status, self.device = run_id, status, device

    class Finished(Message):
        """A run ended: ``state`` is "done", "cancelled" or "error" (bubbles to the screen)."""

        def __init__(self, run_id: int, outcome: Outcome):
            super().__init__()
            self.run_id, self.outcome = run_id, outcome

        @property
        def state(self) -> str:
            return self.outcome.state

    def __init__(self, demo: str, **kwargs):
        super().__init__(**kwargs)
        from paperkit.demos import get_spec  # the registry: plain data, no torch

        self.spec = get_spec(demo)
        self.quick = quick_steps(self.spec)
        self.running = False
        self.state = "idle"  # idle, running, done, cancelled, error
        self.last_message = ""
        self.result = None
        self.record = None  # the last finished run (a RunRecord), shown by v
        self._run_id = 0
        self._cancel: threading.Event | None = None
        self._started = 0.0
        self._device_shown = "auto"
        self._stage = ""  # the stage of the last progress shown ("load" while the model loads)
        self._model_label = "the scenes model"
        self._settings = None  # paperkit.settings, read once when the panel is built

    # -- layout ------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        spec = self.spec
        yield Static(Text(self._about()), classes="run-about", id="run-about")
        if spec.needs_model:
            settings = self._remembered()
            picker = ModelPicker(settings["model"], settings["sd_model"], id="model-picker")
            yield picker
            kind = remembered_kind(settings["model"])
            remembered = settings["demo_inputs"].get(spec.name)
            options = DemoOptions(spec, remembered if isinstance(remembered, dict) else None, id="demo-options")
            options.set_class(kind != "text" or not spec.inputs, "-hidden")
            yield options
            remembered = settings["demo_inputs"].get(SCENE_KEY.format(demo=spec.name))
            captions = DemoOptions(spec, remembered if isinstance(remembered, dict) else None, kind="scenes",
                                   id="scene-options")
            captions.set_class(kind != "scenes" or not spec.scene_inputs, "-hidden")
            yield captions
        with Horizontal(classes="run-controls"):
            run = Button("▶ Run", id="run-button", variant="primary")
            run.tooltip = "Run this demo in the background (key: r)"
            yield run
            cancel = Button("■ Cancel", id="cancel-button", variant="error", disabled=True)
            cancel.tooltip = "Stop the demo between two steps (key: Esc)"
            yield cancel
            device = Select([(d, d) for d in DEVICE_CHOICES], value="auto", allow_blank=False, id="device")
            device.tooltip = "Device: auto = CUDA, else MPS, else CPU (key: d)"
            yield device
            if self.quick is not None and self.quick < (spec.default_steps or 0):
                quick = Checkbox(f"quick: {self.quick} steps (full: {spec.default_steps})", value=True, id="quick")
                quick.tooltip = f"Fewer sampling steps so a CPU run takes seconds; steps: {spec.steps_help} (key: s)"
                yield quick
        yield Static(Text(f"device: auto ({DEVICE_HELP['auto']})"), id="run-device")
        yield Static(Text("ready: r runs it; the result opens full screen"), id="run-status")
        yield RunProgress(id="run-progress")
        yield Static("", id="run-files")
        view = Button("View result (v)", id="view-button")
        view.tooltip = "Show the last run's result again, full screen"
        yield view

    def _about(self) -> str:
        spec = self.spec
        steps = self.steps if self.is_mounted else self._initial_steps()
        if not spec.needs_model:
            return f"{spec.title} — {describe_spec(spec, steps)}"
        pickers = self.query("#model-picker") if self.is_mounted else ()
        if pickers:
            picker = pickers.first(ModelPicker)
            kind, label = picker.kind, picker.label()
        else:
            kind = remembered_kind(self._remembered()["model"])
            label = {"scenes": "the scenes model", "digits": "the digits model"}.get(kind, "Stable Diffusion")
        about = f"{spec.title} — {describe_spec(spec, steps, kind)}"
        return about + (f" (on {label})" if kind != "text" else f" — on {label}")

    def _remembered(self) -> dict:
        """The settings the panel starts from (read once): the model and each demo's fields."""
        if self._settings is None:
            from paperkit import settings

            self._settings = settings.load()
        return self._settings

    # -- the model and the demo's fields ---------------------------------------------------------------
    def _picker(self) -> ModelPicker | None:
        pickers = self.query("#model-picker")
        return pickers.first(ModelPicker) if pickers else None

    @property
    def model(self) -> str:
        """What a run asks for: "scenes", "digits", or the Stable Diffusion folder (absolute) / Hub id picked
        ("" while none is typed)."""
        picker = self._picker()
        if picker is None:
            return DEFAULT_MODEL
        if not picker.text_to_image:
            return picker.model  # a built-in model: "scenes" or "digits"
        return canonical_model(picker.model) if picker.model else ""

    def _options(self) -> tuple[dict, str | None]:
        """(the demo's options, or the one line saying why the run cannot start)."""
        model = self.model
        if model == "digits":  # the demos' own defaults (held-out digits, every class)
            return {}, None
        if model == "scenes":  # the captions typed, each checked against the scene world; empty: the demo's own
            boxes = self.query("#scene-options")
            if not boxes:
                return {}, None
            fields = boxes.first(DemoOptions)
            return fields.options(), fields.problem()
        picker = self._picker()
        picker.check()  # the folder may have changed since it was typed
        if picker.problem:  # no such folder, not a pipeline, …: said before any process starts
            return {}, picker.problem
        boxes = self.query("#demo-options")
        if not boxes:
            return {}, None
        fields = boxes.first(DemoOptions)
        return fields.options(), fields.problem()

    def _remember(self) -> None:
        """Keep the model and the demo's fields for the next run and the next session."""
        if not self.spec.needs_model:
            return
        from paperkit import settings

        picker = self.query_one("#model-picker", ModelPicker)
        changes = {"model": self.model or DEFAULT_MODEL}
        if picker.sd_text:
            changes["sd_model"] = canonical_model(picker.sd_text)
        settings.update(**changes)
        if picker.text_to_image and self.spec.inputs:
            settings.remember_demo_inputs(self.spec.name, self.query_one("#demo-options", DemoOptions).texts)
        elif picker.kind == "scenes" and self.spec.scene_inputs:
            key, texts = SCENE_KEY.format(demo=self.spec.name), self.query_one("#scene-options", DemoOptions).texts
            if texts != default_texts(self.spec, "scenes") or settings.demo_inputs(key):
                settings.remember_demo_inputs(key, texts)  # the defaults untouched: nothing to keep

    def _initial_steps(self) -> int | None:
        return self.quick if self.quick is not None and self.quick < (self.spec.default_steps or 0) else None

    # -- public API (the screen's bindings call these) -----------------------------------------------
    @property
    def device(self) -> str:
        value = self.query_one("#device", Select).value
        return value if isinstance(value, str) else "auto"

    @property
    def steps(self) -> int | None:
        """The steps to pass: the quick count when the toggle is on, else the demo's default (None)."""
        boxes = self.query("#quick")
        if boxes and boxes.first(Checkbox).value:
            return self.quick
        return None

    def steps_note(self) -> str:
        """"100 steps (quick; full: 1000)" — the step count the run used, for the result's summary."""
        if self.spec.default_steps is None:
            return ""
        steps = self.steps
        if steps is not None and steps < self.spec.default_steps:
            return f"{steps} steps (quick; full: {self.spec.default_steps}, s switches)"
        return f"{self.spec.default_steps} steps (full)"

    def toggle_quick(self) -> None:
        boxes = self.query("#quick")
        if boxes:
            box = boxes.first(Checkbox)
            box.value = not box.value
        else:
            self.notify(f"{self.spec.name} has no steps to shorten ({self.spec.steps_help or 'fixed'})")

    def focus_device(self) -> None:
        select = self.query_one("#device", Select)
        select.focus()
        select.expanded = True

    def focus_model(self) -> bool:
        """Focus the model picker (its box when Stable Diffusion is picked); False when the demo needs no model."""
        picker = self._picker()
        if picker is None:
            self.notify(f"{self.spec.name} runs without a model")
            return False
        target = picker.query_one("#model-path") if picker.text_to_image else picker.query_one("#model-kind")
        target.focus()
        target.scroll_visible(animate=False)
        return True

    def run(self) -> bool:
        """Start the demo; False (and a notice) when one is already running."""
        if self.running:
            self.notify("A demo is already running: Esc cancels it", severity="warning")
            return False
        options, trouble = self._options()
        if trouble:  # a field left empty, a file that is not there: one line, no run
            self.state = "error"
            self.last_message = trouble
            self._set_status(f"✗ {trouble}", "-error")
            self.notify(trouble, title="Cannot run", severity="warning", timeout=6, markup=False)
            return False
        model = self.model if self.spec.needs_model else DEFAULT_MODEL
        self._model_label = self.query_one("#model-picker", ModelPicker).label() if self.spec.needs_model else ""
        self._remember()
        self._run_id += 1
        self._cancel = threading.Event()
        self.running = True
        self.state = "running"
        self.last_message = ""
        self._started = time.monotonic()
        self._set_running(True)
        self._set_status("starting…", "")
        bar = self.query_one("#run-progress", RunProgress)
        bar.add_class("-running")
        bar.start()
        self._stage = ""
        self.scroll_visible(animate=False)
        self._run_worker(self._run_id, self.spec.name, self.device, self.steps, self._cancel, runner_of(self.app),
                         model, options)
        return True

    def cancel(self) -> bool:
        """Ask the running demo to stop between two steps; False when nothing runs."""
        if not self.running or self._cancel is None:
            return False
        self._cancel.set()
        self._set_status("cancelling… (stops after the current step)", "")
        return True

    def show_result(self) -> bool:
        """Open the last run's result full screen; False when there is none yet."""
        if self.record is None:
            return False
        from ..screens.result import ResultScreen

        self.app.push_screen(ResultScreen(self.record))
        return True

    def action_view_result(self) -> None:
        if not self.show_result():
            self.notify("No result yet: r runs the demo", timeout=3)

    # -- events ------------------------------------------------------------------------------------
    @on(Button.Pressed, "#run-button")
    def _on_run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.run()

    @on(Button.Pressed, "#cancel-button")
    def _on_cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.cancel()

    @on(Button.Pressed, "#view-button")
    def _on_view_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.show_result()

    @on(ModelPicker.Changed)
    def _on_model_changed(self, event: ModelPicker.Changed) -> None:
        event.stop()
        boxes = self.query("#demo-options")
        if boxes:
            boxes.first().set_class(not event.text_to_image or not self.spec.inputs, "-hidden")
        boxes = self.query("#scene-options")
        if boxes:
            boxes.first().set_class(event.picker.kind != "scenes" or not self.spec.scene_inputs, "-hidden")
        self.query_one("#run-about", Static).update(Text(self._about()))
        from paperkit import settings

        # remembered as soon as it is usable (a half-typed path is not); the fields when the demo runs
        if not event.text_to_image:
            settings.update(model=event.model)  # a built-in model
        elif event.model and event.usable:
            settings.update(model=canonical_model(event.model), sd_model=canonical_model(event.model))

    @on(DemoOptions.Submitted)
    def _on_fields_submitted(self, event: DemoOptions.Submitted) -> None:
        event.stop()
        self.run()

    @on(Input.Submitted, "#model-path")
    def _on_model_submitted(self, event: Input.Submitted) -> None:
        """Enter in the model box runs, as in the demo's fields."""
        event.stop()
        self.run()

    @on(Checkbox.Changed, "#quick")
    def _on_quick_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.query_one("#run-about", Static).update(Text(self._about()))

    @on(Select.Changed, "#device")
    def _on_device_changed(self, event: Select.Changed) -> None:
        event.stop()
        name = event.value if isinstance(event.value, str) else "auto"
        if name == self._device_shown:  # Select also reports its initial value: nothing to check
            return
        self._device_shown = name
        self.query_one("#run-device", Static).update(Text(f"device: {name} (checking…)"))
        self._check_device(name, runner_of(self.app))

    def on_unmount(self) -> None:
        # leaving the screen (or quitting) stops a running demo at its next step
        if self._cancel is not None:
            self._cancel.set()

    def on_run_panel_progress(self, message: Progress) -> None:
        if message.run_id != self._run_id or not self.running:
            return
        info = message.info or {}
        stage = info.get("stage", "step")
        bar = self.query_one("#run-progress", RunProgress)
        if stage != "load" and self._stage == "load":
            bar.start()  # the demo's own progress and times start after the model has loaded
        self._stage = stage
        if stage == "load":
            label = load_label(message.step, message.total, info)
        else:
            extra = ", ".join(f"{k} {v}" for k, v in info.items() if k not in ("demo", "stage") and _short(v))
            label = f"{stage} {message.step}/{message.total}" + (f" ({extra})" if extra else "")
        # the status line is set when the run starts; progress only repaints its own line (no relayout)
        bar.show(message.step, message.total, label)

    def on_run_panel_status(self, message: Status) -> None:
        if message.run_id not in (self._run_id, -1):
            return
        if message.device is not None:
            self.query_one("#run-device", Static).update(Text(message.device))
        if message.status is not None and self.running and not (self._cancel and self._cancel.is_set()):
            self._set_status(message.status, "")

    def on_run_panel_finished(self, message: Finished) -> None:
        if message.run_id != self._run_id:
            message.stop()
            return
        outcome = message.outcome
        self.running = False
        self.state = outcome.state
        self.last_message = outcome.message
        self._set_running(False)
        bar = self.query_one("#run-progress", RunProgress)
        bar.stop()
        bar.remove_class("-running")
        elapsed = time.monotonic() - self._started
        if outcome.state == "done":
            from ..screens.result import RunRecord, files_line, summary_line

            self.result = outcome.result
            device = str((getattr(outcome.result, "settings", {}) or {}).get("device", ""))
            title = self.spec.title
            if self._model_label and self._model_label not in ("the scenes model", "the digits model"):
                title = f"{title} — {self._model_label}"
            self.record = RunRecord(title, outcome.result, dict(outcome.paths or {}), elapsed, device,
                                    self.steps_note())
            self._set_status(summary_line(self.record), "-done")
            self.query_one("#run-files", Static).update(Text(files_line(self.record)))
            self.add_class("-has-result")
            if self.screen is self.app.screen:  # still where the run started: show the result now
                self.show_result()
            else:
                self.notify(f"{self.spec.title}: done in {elapsed:.1f} s — v on its page shows the result", timeout=6)
        elif outcome.state == "cancelled":
            self._set_status("cancelled", "-cancelled")
            self.notify(f"{self.spec.name}: cancelled", severity="warning")
        else:
            self._set_status(f"✗ {outcome.message}", "-error")
            self.notify(outcome.message, title="Demo failed", severity="error", timeout=8, markup=False)

    # -- helpers -----------------------------------------------------------------------------------
    def _set_running(self, running: bool) -> None:
        self.query_one("#run-button", Button).disabled = running
        self.query_one("#cancel-button", Button).disabled = not running

    def _set_status(self, text: str, cls: str) -> None:
        status = self.query_one("#run-status", Static)
        status.remove_class("-error", "-cancelled", "-done")
        if cls:
            status.add_class(cls)
        status.update(Text(text))

    # -- workers (threads that wait on the demo process) -------------------------------------------
    @work(thread=True, exclusive=True, group="demo", description="run a demo", exit_on_error=False)
    def _run_worker(self, run_id: int, name: str, device_name: str, steps: int | None, cancel: threading.Event,
                    runner, model: str = DEFAULT_MODEL, options: dict | None = None) -> None:
        post = self.post_message  # thread-safe and never blocks, so a closing app cannot deadlock here
        last = [0.0]

        def on_progress(step: int, total: int, info: dict) -> None:
            now = time.monotonic()
            if step >= total or step <= 1 or now - last[0] >= PROGRESS_EVERY_S:
                last[0] = now
                post(self.Progress(run_id, step, total, dict(info)))

        def on_status(text: str) -> None:
            if text.startswith("device: "):
                post(self.Status(run_id, device=f"{text} ({device_name})"))
            else:
                post(self.Status(run_id, status=text))

        from paperkit.runner import RunFailed

        try:
            if cancel.is_set():
                raise RunFailed("cancelled", "cancelled")
            outcome = runner.run(name, model=model, device=device_name, steps=steps, out_dir=output_dir(name),
                                 options=options or {}, on_progress=on_progress, on_status=on_status, cancel=cancel)
        except RunFailed as exc:
            post(self.Finished(run_id, Outcome(exc.kind, str(exc))))
        except BaseException as exc:  # noqa: BLE001 — every failure becomes one line in the panel
            post(self.Finished(run_id, Outcome("error", describe_error(exc, name))))
        else:
            post(self.Finished(run_id, Outcome("done", result=outcome.result, paths=outcome.paths)))

    @work(thread=True, exclusive=True, group="device", description="check a device", exit_on_error=False)
    def _check_device(self, name: str, runner) -> None:
        try:
            device = runner.check_device(name)
            text = f"device: {device} ({name}: {DEVICE_HELP.get(name, name)})"
        except Exception as exc:
            text = f"✗ {exc}" if type(exc).__name__ == "RunFailed" else f"✗ {describe_error(exc, 'device')}"
        self.post_message(self.Status(-1, device=text))


PROGRESS_EVERY_S = 0.25  # progress posted to the UI at most four times a second: each costs the demo CPU


def load_label(step: int, total: int, info: dict) -> str:
    """"loading Stable Diffusion (tiny-sd): unet 1/5…" — the progress line while a model loads."""
    model = info.get("model") or "the model"
    component = info.get("component")
    part = f"{component} {step}/{total}" if component else f"{step}/{total}"
    return f"loading {model}: {part}…"


def _short(value: Any) -> bool:
    return isinstance(value, (int, float, str)) and len(str(value)) <= 12
