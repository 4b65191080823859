"""The demo process: ``python -m paperkit.runner.server``, started by ``DemoRunner``.

It reads requests on stdin and answers on stdout (``protocol.py``). Each demo runs on this
process's main thread through ``paperkit.demos.run_demo`` — the call ``paperkit run`` makes — so a
run costs here what it costs from the command line. A reader thread takes the requests: a cancel
sets the running demo's flag at once (the demo stops between two steps), a device question is
answered without waiting for the run.

Models (issue 13, "bring your own model"): a request names its model — "scenes" (the default, issue
15), "digits", a Stable Diffusion folder or a Hub id — and the model is loaded through ``paperkit.models.load_model`` once per
(model, device, dtype) and kept for later runs. At most one Stable Diffusion stays loaded: picking
another one (or the same one on another device) drops the previous one first and empties the CUDA
cache; the built-in models are small and stay loaded beside it. Loading streams its own progress frames (``info["stage"] == "load"``, with the component
being loaded), then a "device: …" status naming the device and dtype the model really runs in (on
CUDA ``load_model`` picks half precision). A model that cannot be loaded is one line (its
``UserError``'s text) and the process carries on.

Anything a library prints goes to stderr, which the app points at a log file: stdout carries
only frames.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time

from ..models.resolve import BUILTIN, DEFAULT_MODEL, canonical_model
from .failures import describe_failure
from .protocol import read_frame, write_frame

PROGRESS_EVERY_S = 0.1  # at most ten progress frames a second (the app shows four)


class Server:
    def __init__(self, inp, out):
        self.inp, self.out = inp, out
        self.write_lock = threading.Lock()
        self.requests: queue.Queue = queue.Queue()
        self.cancels: dict[int, threading.Event] = {}
        self.models: dict[tuple, object] = {}  # (model, device, dtype asked for) → the loaded model

    def send(self, message) -> None:
        with self.write_lock:
            write_frame(self.out, message)

    # -- the reader thread ---------------------------------------------------------------------
    def read_requests(self) -> None:
        while True:
            try:
                message = read_frame(self.inp)
            except Exception:  # a torn frame: the app has gone
                message = None
            if message is None or message[0] == "shutdown":
                for flag in self.cancels.values():
                    flag.set()
                self.requests.put(None)
                return
            kind = message[0]
            if kind == "run":
                self.cancels[message[1]] = threading.Event()
                self.requests.put(message)
            elif kind == "cancel":
                flag = self.cancels.get(message[1])
                if flag is not None:
                    flag.set()
            elif kind == "device":
                self.answer_device(message[1], message[2])

    def answer_device(self, request_id: int, name: str) -> None:
        try:
            from ..device import resolve_device

            self.send(("device", request_id, True, str(resolve_device(name))))
        except Exception as exc:
            self.send(("device", request_id, False, describe_failure(exc, "device")))

    # -- the main thread -----------------------------------------------------------------------
    def serve(self) -> None:
        import torch  # ≈ 2.3 s: this is what "starting" waits for, once per session

        threading.Thread(target=self.read_requests, name="requests", daemon=True).start()
        self.send(("ready", {"pid": os.getpid(), "torch": torch.__version__, "threads": torch.get_num_threads()}))
        while True:
            message = self.requests.get()
            if message is None:
                return
            _, run_id, request = message
            try:
                self.run(run_id, request)
            finally:
                self.cancels.pop(run_id, None)

    def run(self, run_id: int, request: dict) -> None:
        from ..demos import get_spec, run_demo
        from ..device import resolve_device
        from ..progress import Cancelled

        cancel = self.cancels[run_id]
        name = request["name"]
        model_name = request.get("model") or DEFAULT_MODEL
        model = None
        what = name  # what a failure line names: the demo, or the model while it loads
        last = [0.0]

        def callback(step: int, total: int, info: dict) -> None:
            now = time.monotonic()
            if step >= total or step <= 1 or now - last[0] >= PROGRESS_EVERY_S:
                last[0] = now
                self.send(("progress", run_id, step, total, {k: v for k, v in info.items() if _plain(v)}))

        try:
            spec = get_spec(name)
            device = resolve_device(request.get("device") or "auto")
            self.send(("status", run_id, f"device: {device}"))
            if spec.needs_model:
                what = f"loading {model_label(canonical_model(model_name))}"
                model = self.model_on(model_name, device, run_id, cancel)
                what = name
                self.send(("status", run_id, f"device: {device_line(model, device)}"))
            if cancel.is_set():
                raise Cancelled("cancelled before the demo started")
            shown = canonical_model(model_name)
            on = f" with {model_label(shown)}" if spec.needs_model else ""
            self.send(("status", run_id, f"running {name} on {device}{on}…"))
            t0 = time.perf_counter()
            result = run_demo(name, model, device=device, seed=int(request.get("seed", 0)), steps=request.get("steps"),
                              callback=callback, cancel=cancel, **(request.get("options") or {}))
            paths = {}
            if request.get("out_dir"):
                self.send(("status", run_id, "writing the figures…"))
                paths = write_figures(result, request["out_dir"])
            seconds = time.perf_counter() - t0
        except Cancelled:
            self.send(("failed", run_id, "cancelled", "cancelled"))
        except BaseException as exc:  # noqa: BLE001 — every failure becomes one line for the app
            if cancel.is_set() and _cancelled_inside(exc):
                self.send(("failed", run_id, "cancelled", "cancelled"))
            else:
                self.send(("failed", run_id, "error", describe_failure(exc, what, model)))
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
        else:
            self.send(("done", run_id, result, {k: str(v) for k, v in paths.items()}, seconds))

    def model_on(self, model_name: str, device, run_id: int, cancel=None, dtype=None):
        """Model ``model_name`` on ``device``, loaded the first time and kept.

        ``dtype`` None lets ``load_model`` choose (half precision on CUDA, float32 elsewhere). A
        Stable Diffusion other than the one loaded replaces it: the old one is dropped first so the
        two never share the GPU's memory.
        """
        from ..progress import Cancelled

        name = canonical_model(model_name)
        key = (name, str(device), dtype)
        if key in self.models:
            return self.models[key]
        if name not in BUILTIN:
            from ..models.resolve import resolve_model

            resolve_model(name)  # a bad name fails here (one UserError line), before the loaded one is dropped
            self.drop_models(lambda k: k[0] not in BUILTIN)
        label = model_label(name)
        self.send(("status", run_id, f"loading {label} on {device}…"))

        def loading(step: int, total: int, info: dict) -> None:
            frame = {k: v for k, v in (info or {}).items() if _plain(v)}
            frame.update(stage="load", model=label)
            self.send(("progress", run_id, step, total, frame))
            if cancel is not None and cancel.is_set():
                raise Cancelled("cancelled while loading the model")

        from ..models import load_model

        # the contract of paperkit.models.load_model (issue 13): name, device, dtype (None: the
        # device's choice), callback(step, total, {"stage": "load", "component": …}) per component
        model = load_model(name, device=device, dtype=dtype, callback=loading)
        self.models[key] = model
        return model

    def drop_models(self, which) -> None:
        """Forget the loaded models whose key ``which`` accepts, and give their memory back."""
        gone = [k for k in self.models if which(k)]
        if not gone:
            return
        for k in gone:
            del self.models[k]
        import gc

        import torch

        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()


def model_label(name: str) -> str:
    """How a status line names the model: "the scenes model", "the digits model", "Stable Diffusion (NAME)"."""
    from pathlib import PurePath

    if name in BUILTIN:
        return f"the {name} model"
    short = PurePath(name.rstrip("/")).name or name
    return f"Stable Diffusion ({short})"


def device_line(model, device) -> str:
    """"cuda · float16 (half precision)": the device and dtype the model really runs in."""
    dtype = str(getattr(model, "dtype", "") or "").replace("torch.", "")
    where = str(getattr(model, "device", device) or device)
    if not dtype:
        return where
    half = " (half precision)" if dtype in ("float16", "bfloat16") else ""
    return f"{where} · {dtype}{half}"


def _cancelled_inside(exc: BaseException) -> bool:
    """A failure that a cancel caused: Cancelled itself, or wrapped by a loader (its cause or context)."""
    from ..progress import Cancelled

    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, (Cancelled, KeyboardInterrupt)):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def write_figures(result, out_dir: str) -> dict:
    """The run's images as labelled PNGs in ``out_dir``, and its plain per-item files (DiffEdit's
    ``1-input.png`` …): the files ``paperkit run`` writes."""
    from ..demos.figure import write_files, write_pngs

    paths = write_pngs(result, out_dir)
    write_files(result, out_dir)
    return paths


def _plain(value) -> bool:
    return isinstance(value, (int, float, str, bool)) or value is None


def main() -> None:
    frames_out = os.fdopen(os.dup(1), "wb")  # stdout's pipe carries only frames…
    os.dup2(2, 1)  # …so whatever a library prints goes to the log
    sys.stdout = sys.stderr
    Server(sys.stdin.buffer, frames_out).serve()


if __name__ == "__main__":
    main()
