"""``DemoRunner``: the app's handle on the demo process (``server.py``).

``run`` blocks its caller (the app calls it from a thread worker) until the demo has finished,
reporting progress and status through callbacks and honouring a cancel flag; it returns a
``RunOutcome`` or raises ``RunFailed`` with one line to show. The process starts on the first
request (importing torch, ≈ 2 s), stays up for the session and is stopped at exit. If it dies —
killed, out of memory, a crash in native code — the run fails with a message naming its log, and
the next request starts a fresh one. A cancel that the demo does not honour within
``HARD_CANCEL_S`` (a step that never ends) stops the process.

No Textual and no torch here: plain Python, importable on the app's UI path.
"""

from __future__ import annotations

import atexit
import itertools
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..models.resolve import DEFAULT_MODEL  # plain Python: no torch
from .protocol import read_frame, write_frame

START_TIMEOUT_S = 120.0  # importing torch on a cold disk can take long; a hung start still ends
HARD_CANCEL_S = 10.0
POLL_S = 0.1


class RunFailed(Exception):
    """A run that did not finish: ``kind`` is "cancelled" or "error"; the message is one line."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass
class RunOutcome:
    """A finished run: the ``DemoResult``, the PNG written for each image, and the seconds the
    demo took in the demo process (the app adds nothing to them but the transfer)."""

    result: Any
    paths: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


class DemoRunner:
    """One demo process, started on demand. Thread-safe: one run at a time, device questions any time."""

    def __init__(self, python: str | None = None, log_path: Path | None = None):
        self.python = python or sys.executable
        self.log_path = Path(log_path) if log_path else Path(tempfile.gettempdir()) / f"paperkit-runner-{os.getpid()}.log"
        self._proc: subprocess.Popen | None = None
        self._ready = threading.Event()
        self._info: dict = {}
        self._inboxes: dict[int, queue.Queue] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()  # guards the process handle and the inboxes
        self._run_lock = threading.Lock()  # one run at a time
        self._write_lock = threading.Lock()

    # -- the process ---------------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def info(self) -> dict:
        """What the process said when it was ready: pid, torch version, threads."""
        return dict(self._info)

    def _ensure_started(self) -> subprocess.Popen:
        with self._lock:
            if self.alive:
                return self._proc
            self._ready.clear()
            self._info = {}
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            log = open(self.log_path, "ab")
            try:
                proc = subprocess.Popen(
                    [self.python, "-m", "paperkit.runner.server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=log, env=_child_env(), start_new_session=(os.name == "posix"),
                )
            finally:
                log.close()
            self._proc = proc
            threading.Thread(target=self._read_frames, args=(proc,), name="demo-runner-frames", daemon=True).start()
            return proc

    def _read_frames(self, proc: subprocess.Popen) -> None:
        """Route each frame to the inbox of its request; at the end, tell every waiting request."""
        while True:
            try:
                message = read_frame(proc.stdout)
            except Exception:
                message = None
            if message is None:
                with self._lock:
                    inboxes = list(self._inboxes.values())
                for inbox in inboxes:
                    inbox.put(("gone", None))
                self._ready.set()  # wakes a waiting start; ``alive`` tells it the process died
                return
            if message[0] == "ready":
                self._info = message[1]
                self._ready.set()
                continue
            with self._lock:
                inbox = self._inboxes.get(message[1])
            if inbox is not None:
                inbox.put(message)

    def _send(self, proc: subprocess.Popen, message) -> bool:
        try:
            with self._write_lock:
                write_frame(proc.stdin, message)
            return True
        except (BrokenPipeError, OSError, ValueError):
            return False

    def _wait_ready(self, proc, cancel, status: Callable[[str], None] | None) -> None:
        if self._ready.is_set() and proc.poll() is None:
            return
        if status:
            status("starting the demo process (importing torch, ≈ 2 s the first time)…")
        end = time.monotonic() + START_TIMEOUT_S
        while not self._ready.wait(POLL_S):
            if cancel is not None and cancel.is_set():
                raise RunFailed("cancelled", "cancelled")
            if proc.poll() is not None or time.monotonic() > end:
                break
        if proc.poll() is not None or not self._ready.is_set():
            self.stop()
            raise RunFailed("error", f"the demo process could not start (its log: {self.log_path})")

    def stop(self) -> None:
        """Stop the process (the next request starts a new one)."""
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            self._send(proc, ("shutdown",))
            try:
                proc.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                proc.kill()
                try:
                    proc.wait(timeout=2.0)
                except subprocess.TimeoutExpired:
                    pass
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except Exception:
                pass

    close = stop

    # -- requests ------------------------------------------------------------------------------
    def run(self, name: str, *, model: str = DEFAULT_MODEL, device: str = "auto", seed: int = 0,
            steps: int | None = None, out_dir: str | Path | None = None, options: dict | None = None,
            on_progress: Callable[[int, int, dict], None] | None = None,
            on_status: Callable[[str], None] | None = None, cancel=None) -> RunOutcome:
        """Run demo ``name`` on ``model`` ("scenes", "digits", a Stable Diffusion folder or a Hub id) in the demo
        process; block until it ends. Raises ``RunFailed``. ``options`` go to the demo function
        (``prompts``, ``images``, ``source``, ``target``); progress while the model loads comes with
        ``info["stage"] == "load"``."""
        if not self._run_lock.acquire(blocking=False):
            raise RunFailed("error", "a demo is already running: cancel it first")
        try:
            return self._run(name, model, device, seed, steps, out_dir, options, on_progress, on_status, cancel)
        finally:
            self._run_lock.release()

    @contextmanager
    def _request(self, cancel=None, on_status=None):
        """A started process, a fresh request id and the inbox its answers arrive in (dropped after)."""
        proc = self._ensure_started()
        self._wait_ready(proc, cancel, on_status)
        request_id = next(self._ids)
        inbox: queue.Queue = queue.Queue()
        with self._lock:
            self._inboxes[request_id] = inbox
        try:
            yield proc, request_id, inbox
        finally:
            with self._lock:
                self._inboxes.pop(request_id, None)

    def _run(self, name, model, device, seed, steps, out_dir, options, on_progress, on_status, cancel) -> RunOutcome:
        request = {"name": name, "model": model or DEFAULT_MODEL, "device": device, "seed": seed, "steps": steps,
                   "out_dir": str(out_dir) if out_dir else None, "options": options or {}}
        with self._request(cancel, on_status) as (proc, run_id, inbox):
            if not self._send(proc, ("run", run_id, request)):
                raise self._died(proc)
            cancel_sent_at = None
            while True:
                if cancel is not None and cancel.is_set() and cancel_sent_at is None:
                    self._send(proc, ("cancel", run_id))
                    cancel_sent_at = time.monotonic()
                    if on_status:
                        on_status("cancelling… (stops after the current step)")
                if cancel_sent_at is not None and time.monotonic() - cancel_sent_at > HARD_CANCEL_S:
                    self.stop()  # the step never ended: the process goes, the next run starts a new one
                    raise RunFailed("cancelled", "cancelled (the demo process was stopped)")
                try:
                    message = inbox.get(timeout=POLL_S)
                except queue.Empty:
                    continue
                kind = message[0]
                if kind == "progress" and on_progress:
                    on_progress(message[2], message[3], message[4])
                elif kind == "status" and on_status:
                    on_status(message[2])
                elif kind == "done":
                    return RunOutcome(message[2], message[3], message[4])
                elif kind == "failed":
                    raise RunFailed(message[2], message[3])
                elif kind == "gone":
                    if cancel_sent_at is not None:
                        raise RunFailed("cancelled", "cancelled")
                    raise self._died(proc)

    def check_device(self, name: str, timeout: float = START_TIMEOUT_S) -> str:
        """The device ``name`` resolves to in the demo process ("cpu", "cuda", …); RunFailed if it is not there."""
        with self._request() as (proc, request_id, inbox):
            if not self._send(proc, ("device", request_id, name)):
                raise self._died(proc)
            try:
                message = inbox.get(timeout=timeout)
            except queue.Empty:
                raise RunFailed("error", "the demo process did not answer") from None
            if message[0] == "gone":
                raise self._died(proc)
            _, _, ok, text = message
            if not ok:
                raise RunFailed("error", text)
            return text

    def _died(self, proc) -> RunFailed:
        try:
            code = proc.wait(timeout=2.0)  # its pipe closes a moment before its exit code is there
        except subprocess.TimeoutExpired:
            code = None
        self.stop()
        how = f"exit code {code}" if code is not None else "no answer"
        if code is not None and code < 0:
            how = f"killed by signal {-code}"
        return RunFailed("error", f"the demo process stopped ({how}); the next run starts a new one — its log: {self.log_path}")


def _child_env() -> dict:
    """The app's environment (the same Python finds the same paperkit); the cancel and progress
    frames must not wait in a buffer."""
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


_SHARED: DemoRunner | None = None
_SHARED_LOCK = threading.Lock()


def shared_runner() -> DemoRunner:
    """The session's demo process (one per app), stopped when Python exits."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = DemoRunner()
            atexit.register(_SHARED.stop)
        return _SHARED
