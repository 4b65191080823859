"""``RunPanel``: run one demo from the equation panel — Run, progress, cancel, the device — and show its result.

The demo runs in a thread worker (``paperkit.demos.run_demo``, which imports torch ≈ 2.3 s and loads
the digits model): nothing heavy is imported on the UI thread. The demo's ``callback(step, total,
info)`` posts progress to the UI (throttled); ``cancel()`` sets the ``threading.Event`` passed as
the demo's cancel flag, so it raises ``Cancelled`` between two steps. Every failure — a NaN
(``NonFiniteError``), a device that is not there (``UserError``), CUDA out of memory, any other
exception — ends as one line in the panel and a notification; the app carries on.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, ProgressBar, Select, Static

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
PROGRESS_EVERY_S = 0.05  # at most ~20 progress updates a second reach the UI

_MODELS: dict[str, Any] = {}  # the digits model per device, loaded once per session (in the worker)
_MODELS_LOCK = threading.Lock()


def quick_steps(spec) -> int | None:
    """The quick step count for a demo spec, or None when the demo has no steps to shorten."""
    if spec.default_steps is None:
        return None
    return min(spec.default_steps, QUICK_STEPS.get(spec.name, max(5, spec.default_steps // 5)))


def describe_error(exc: BaseException, demo: str) -> str:
    """One line for the panel: what failed, in the user's words."""
    name = type(exc).__name__
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if name == "UserError":
        return text.replace("--device ", "device ")
    if name == "NonFiniteError":
        return text
    if name == "OutOfMemoryError" or "out of memory" in text.lower():
        return f"{demo}: out of GPU memory — switch the device to cpu or use quick steps"
    if isinstance(exc, ValueError):
        return f"{demo}: {text}"
    if "CUDA" in text or "cuda" in text:
        return f"{demo}: CUDA failed ({text}) — switch the device to cpu"
    return f"{demo} failed: {name}: {text}" if text else f"{demo} failed: {name}"


@dataclass
class Outcome:
    state: str  # "done", "cancelled" or "error"
    message: str = ""
    result: Any = None


class RunPanel(Vertical):
    """Run button, device choice, quick toggle, progress bar and status line for one demo, then its result."""

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
    RunPanel #run-status.-done { color: $success; }
    RunPanel #run-progress { margin: 0 0 1 0; }
    RunPanel #run-result { height: auto; }
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
        self._run_id = 0
        self._cancel: threading.Event | None = None
        self._started = 0.0
        self._device_shown = "auto"

    # -- layout ------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        spec = self.spec
        about = f"{spec.title} — {spec.description}"
        if spec.needs_model:
            about += " (on the digits model)"
        yield Static(Text(about), classes="run-about")
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
        yield Static(Text("ready: press r or ▶ Run"), id="run-status")
        yield ProgressBar(total=None, show_eta=True, id="run-progress")
        yield Vertical(id="run-result")

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

    def run(self) -> bool:
        """Start the demo; False (and a notice) when one is already running."""
        if self.running:
            self.notify("A demo is already running: Esc cancels it", severity="warning")
            return False
        self._run_id += 1
        self._cancel = threading.Event()
        self.running = True
        self.state = "running"
        self.last_message = ""
        self._started = time.monotonic()
        self._set_running(True)
        self._set_status("starting… (importing torch, ≈ 2 s the first time)", "")
        bar = self.query_one("#run-progress", ProgressBar)
        bar.update(total=None, progress=0)
        self._run_worker(self._run_id, self.spec.name, self.device, self.steps, self._cancel)
        return True

    def cancel(self) -> bool:
        """Ask the running demo to stop between two steps; False when nothing runs."""
        if not self.running or self._cancel is None:
            return False
        self._cancel.set()
        self._set_status("cancelling… (stops after the current step)", "")
        return True

    # -- events ------------------------------------------------------------------------------------
    @on(Button.Pressed, "#run-button")
    def _on_run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.run()

    @on(Button.Pressed, "#cancel-button")
    def _on_cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.cancel()

    @on(Select.Changed, "#device")
    def _on_device_changed(self, event: Select.Changed) -> None:
        event.stop()
        name = event.value if isinstance(event.value, str) else "auto"
        if name == self._device_shown:  # Select also reports its initial value: nothing to check
            return
        self._device_shown = name
        self.query_one("#run-device", Static).update(Text(f"device: {name} (checking…)"))
        self._check_device(name)

    def on_unmount(self) -> None:
        # leaving the screen (or quitting) stops a running demo at its next step
        if self._cancel is not None:
            self._cancel.set()

    def on_run_panel_progress(self, message: Progress) -> None:
        if message.run_id != self._run_id or not self.running:
            return
        bar = self.query_one("#run-progress", ProgressBar)
        bar.update(total=message.total, progress=message.step)
        info = message.info or {}
        stage = info.get("stage", "step")
        extra = ", ".join(f"{k} {v}" for k, v in info.items() if k not in ("demo", "stage") and _short(v))
        if not self._cancel or not self._cancel.is_set():
            self._set_status(f"{stage} {message.step}/{message.total}" + (f" ({extra})" if extra else ""), "")

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
        bar = self.query_one("#run-progress", ProgressBar)
        elapsed = time.monotonic() - self._started
        if outcome.state == "done":
            if bar.total is None:
                bar.update(total=1, progress=1)
            else:
                bar.update(progress=bar.total)
            self.result = outcome.result
            self._set_status(f"done in {elapsed:.1f} s", "-done")
            self._show_result(outcome.result)
        elif outcome.state == "cancelled":
            self._set_status("cancelled", "-cancelled")
            self.notify(f"{self.spec.name}: cancelled", severity="warning")
        else:
            self._set_status(f"✗ {outcome.message}", "-error")
            self.notify(outcome.message, title="Demo failed", severity="error", timeout=8)

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

    def _show_result(self, result) -> None:
        from .demo_result import DemoResultView  # textual-image and plotext load with the first result

        box = self.query_one("#run-result", Vertical)
        box.remove_children()
        try:
            box.mount(DemoResultView(result))
        except Exception as exc:  # never let a rendering problem take the app down
            box.mount(Static(Text(f"the result cannot be shown: {type(exc).__name__}: {exc}")))

    # -- workers (threads) ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="demo", description="run a demo", exit_on_error=False)
    def _run_worker(self, run_id: int, name: str, device_name: str, steps: int | None, cancel: threading.Event) -> None:
        post = self.post_message  # thread-safe and never blocks, so a closing app cannot deadlock here
        last = [0.0]

        def callback(step: int, total: int, info: dict) -> None:
            now = time.monotonic()
            if step >= total or step <= 1 or now - last[0] >= PROGRESS_EVERY_S:
                last[0] = now
                post(self.Progress(run_id, step, total, dict(info)))

        from paperkit.progress import Cancelled

        try:
            from paperkit.device import resolve_device  # torch ≈ 2.3 s, here in the worker only

            device = resolve_device(device_name)
            post(self.Status(run_id, device=f"device: {device} ({device_name})"))
            if cancel.is_set():
                raise Cancelled("cancelled before the demo started")
            import paperkit.demos as demos

            spec = demos.get_spec(name)
            model = None
            if spec.needs_model:
                post(self.Status(run_id, status=f"loading the digits model on {device}…"))
                model = _model_on(device)
                if cancel.is_set():
                    raise Cancelled("cancelled before the demo started")
            post(self.Status(run_id, status=f"running {name} on {device}…"))
            result = demos.run_demo(name, model, device=device, steps=steps, callback=callback, cancel=cancel)
        except Cancelled:
            post(self.Finished(run_id, Outcome("cancelled", "cancelled")))
        except BaseException as exc:  # noqa: BLE001 — every failure becomes one line in the panel
            if cancel.is_set() and isinstance(exc, KeyboardInterrupt):
                post(self.Finished(run_id, Outcome("cancelled", "cancelled")))
            else:
                post(self.Finished(run_id, Outcome("error", describe_error(exc, name))))
        else:
            post(self.Finished(run_id, Outcome("done", result=result)))

    @work(thread=True, exclusive=True, group="device", description="check a device", exit_on_error=False)
    def _check_device(self, name: str) -> None:
        try:
            from paperkit.device import resolve_device  # torch ≈ 2.3 s, in this worker only

            device = resolve_device(name)
            text = f"device: {device} ({name}: {DEVICE_HELP.get(name, name)})"
        except Exception as exc:
            text = f"✗ {describe_error(exc, 'device')}"
        self.post_message(self.Status(-1, device=text))


def _model_on(device):
    """The digits model on ``device``, loaded once and reused by later runs."""
    from paperkit.models import load_model

    key = str(device)
    with _MODELS_LOCK:
        if key not in _MODELS:
            _MODELS[key] = load_model("digits", device=device)
        return _MODELS[key]


def _short(value: Any) -> bool:
    return isinstance(value, (int, float, str)) and len(str(value)) <= 12
