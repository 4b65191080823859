"""The demo process (``paperkit.runner``) for real: a child Python that runs demos on its main thread,
streams progress, honours cancel, reports failures as one line, and survives being killed."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from paperkit.runner import DemoRunner, RunFailed
from paperkit.runner.failures import describe_failure
from paperkit.runner.protocol import read_frame, write_frame


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    r = DemoRunner(log_path=tmp_path_factory.mktemp("runner") / "runner.log")
    yield r
    r.stop()


def test_a_demo_runs_in_another_process_and_writes_its_figures(runner, tmp_path):
    steps = []
    statuses = []
    out = runner.run("forward", out_dir=tmp_path / "forward", on_progress=lambda s, t, i: steps.append((s, t)),
                     on_status=statuses.append)
    assert runner.info["pid"] != os.getpid() and runner.alive
    assert out.result.demo == "forward" and out.result.images
    assert set(out.paths) == set(out.result.images)
    for path in out.paths.values():
        assert Path(path).is_file() and Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert steps and steps[-1][0] == steps[-1][1]  # progress reached the end
    assert any(s.startswith("device: cpu") for s in statuses)
    assert out.seconds > 0


def test_progress_is_streamed_while_the_demo_runs(runner):
    seen = []
    out = runner.run("ddpm", steps=20, on_progress=lambda s, t, i: seen.append((s, t, i.get("stage"))))
    assert out.result.settings["steps"] == 20
    counts = [s for s, _, _ in seen]
    assert counts == sorted(counts) and counts[0] == 1 and counts[-1] == 20
    assert {t for _, t, _ in seen} == {20} and seen[0][2] == "sample"


def test_cancel_stops_between_steps_and_the_next_run_works(runner):
    cancel = threading.Event()
    seen = []

    def progress(step, total, info):
        seen.append(step)
        if step >= 3:
            cancel.set()

    with pytest.raises(RunFailed) as failed:
        runner.run("ddpm", steps=1000, on_progress=progress, cancel=cancel)
    assert failed.value.kind == "cancelled"
    assert max(seen) < 1000
    assert runner.run("schedules").result.demo == "schedules"  # the process is still good


def test_failures_are_one_line(runner):
    with pytest.raises(RunFailed) as failed:
        runner.run("ddpm", device="mps")
    assert failed.value.kind == "error" and "MPS is not available" in str(failed.value)
    assert "\n" not in str(failed.value)
    with pytest.raises(RunFailed) as failed:
        runner.run("no-such-demo")
    assert "unknown demo" in str(failed.value)
    with pytest.raises(RunFailed) as failed:
        runner.run("ddim", steps=0)
    assert str(failed.value).startswith("ddim")


def test_device_questions(runner):
    assert runner.check_device("cpu") == "cpu"
    assert runner.check_device("auto") in {"cpu", "cuda", "mps"}
    with pytest.raises(RunFailed) as failed:
        runner.check_device("mps")
    assert "MPS is not available" in str(failed.value)


def test_one_run_at_a_time(runner):
    cancel = threading.Event()
    started = threading.Event()
    errors = []

    def first():
        try:
            runner.run("ddpm", steps=1000, on_progress=lambda *a: started.set(), cancel=cancel)
        except RunFailed as exc:
            errors.append(exc.kind)

    thread = threading.Thread(target=first)
    thread.start()
    assert started.wait(60)
    with pytest.raises(RunFailed) as failed:
        runner.run("schedules")
    assert "already running" in str(failed.value)
    cancel.set()
    thread.join(30)
    assert errors == ["cancelled"]


def test_a_killed_process_is_one_message_and_the_next_run_starts_a_new_one(tmp_path):
    runner = DemoRunner(log_path=tmp_path / "runner.log")
    try:
        started = threading.Event()
        result = {}

        def go():
            try:
                runner.run("ddpm", steps=1000, on_progress=lambda *a: started.set())
            except RunFailed as exc:
                result["error"] = exc

        thread = threading.Thread(target=go)
        thread.start()
        assert started.wait(60)
        first_pid = runner.info["pid"]
        os.kill(first_pid, signal.SIGKILL)
        thread.join(30)
        error = result["error"]
        assert error.kind == "error" and "stopped" in str(error) and "killed by signal 9" in str(error)
        assert str(tmp_path / "runner.log") in str(error)
        assert runner.run("schedules").result.demo == "schedules"
        assert runner.info["pid"] != first_pid
    finally:
        runner.stop()
    assert not runner.alive


def test_stop_ends_the_process(tmp_path):
    runner = DemoRunner(log_path=tmp_path / "runner.log")
    runner.check_device("cpu")
    pid = runner.info["pid"]
    runner.stop()
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_frames_round_trip(tmp_path):
    path = tmp_path / "frames"
    with open(path, "wb") as out:
        write_frame(out, ("progress", 1, 2, 3, {"stage": "x"}))
        write_frame(out, ("done", 1, {"a": [1.5]}, {}, 0.1))
    with open(path, "rb") as inp:
        assert read_frame(inp) == ("progress", 1, 2, 3, {"stage": "x"})
        assert read_frame(inp)[2] == {"a": [1.5]}
        assert read_frame(inp) is None  # end of stream


def test_describe_failure():
    assert describe_failure(ValueError("steps must be ≥ 2"), "ddim") == "ddim: steps must be ≥ 2"
    oom = type("OutOfMemoryError", (RuntimeError,), {})("CUDA out of memory. Tried to allocate 2 GiB")
    assert "out of GPU memory" in describe_failure(oom, "ddpm")
    assert describe_failure(ZeroDivisionError("division by zero"), "x") == "x failed: ZeroDivisionError: division by zero"
