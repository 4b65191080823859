"""The demo process: ``python -m paperkit.runner.server``, started by ``DemoRunner``.

It reads requests on stdin and answers on stdout (``protocol.py``). Each demo runs on this
process's main thread through ``paperkit.demos.run_demo`` — the call ``paperkit run`` makes — so a
run costs here what it costs from the command line. A reader thread takes the requests: a cancel
sets the running demo's flag at once (the demo stops between two steps), a device question is
answered without waiting for the run. Models are loaded once per device and kept for later runs.

Anything a library prints goes to stderr, which the app points at a log file: stdout carries
only frames.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time

from .failures import describe_failure
from .protocol import read_frame, write_frame

PROGRESS_EVERY_S = 0.1  # at most ten progress frames a second (the app shows four)


class Server:
    def __init__(self, inp, out):
        self.inp, self.out = inp, out
        self.write_lock = threading.Lock()
        self.requests: queue.Queue = queue.Queue()
        self.cancels: dict[int, threading.Event] = {}
        self.models: dict[str, object] = {}

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
            model = None
            if spec.needs_model:
                model = self.model_on(device, run_id)
            if cancel.is_set():
                raise Cancelled("cancelled before the demo started")
            self.send(("status", run_id, f"running {name} on {device}…"))
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
            if isinstance(exc, KeyboardInterrupt) and cancel.is_set():
                self.send(("failed", run_id, "cancelled", "cancelled"))
            else:
                self.send(("failed", run_id, "error", describe_failure(exc, name)))
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
        else:
            self.send(("done", run_id, result, {k: str(v) for k, v in paths.items()}, seconds))

    def model_on(self, device, run_id: int):
        """The digits model on ``device``, loaded the first time and kept."""
        key = str(device)
        if key not in self.models:
            self.send(("status", run_id, f"loading the digits model on {device}…"))
            from ..models import load_model

            self.models[key] = load_model("digits", device=device)
        return self.models[key]


def write_figures(result, out_dir: str) -> dict:
    """The run's images as labelled PNGs in ``out_dir`` (the files ``paperkit run`` writes)."""
    from ..demos.figure import write_pngs

    return write_pngs(result, out_dir)


def _plain(value) -> bool:
    return isinstance(value, (int, float, str, bool)) or value is None


def main() -> None:
    frames_out = os.fdopen(os.dup(1), "wb")  # stdout's pipe carries only frames…
    os.dup2(2, 1)  # …so whatever a library prints goes to the log
    sys.stdout = sys.stderr
    Server(sys.stdin.buffer, frames_out).serve()


if __name__ == "__main__":
    main()
