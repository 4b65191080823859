"""The demo process (``paperkit.runner``) for real: a child Python that runs demos on its main thread,
streams progress, honours cancel, reports failures as one line, and survives being killed; it runs
demos on the model a request names (the digits model, a Stable Diffusion folder), loaded once."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from paperkit.runner import DemoRunner, RunFailed
from paperkit.runner.failures import describe_failure
from paperkit.runner.protocol import read_frame, write_frame
from sd_fixtures import tiny_folder  # noqa: F401 — a pytest fixture


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
    loading = [x for x in seen if x[2] == "load"]  # the model's own progress, once, before the demo's
    assert seen[: len(loading)] == loading
    seen = seen[len(loading):]
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


# -- bring your own model (issue 13): the request names the model --------------------------------------


def test_a_stable_diffusion_folder_loads_once_with_its_own_progress(runner, tiny_folder, tmp_path):
    seen, statuses = [], []

    def go(prompt):
        seen.clear()
        statuses.clear()
        return runner.run("ddim", model=str(tiny_folder), steps=3, options={"prompts": [prompt]}, out_dir=tmp_path / "sd",
                          on_progress=lambda s, t, i: seen.append((i.get("stage"), s, t, i.get("component"))),
                          on_status=statuses.append)

    out = go("a red cube")
    assert list(out.result.images) == ["samples"] and out.result.grids["samples"]["tile"] == [32, 32]
    assert np.asarray(out.result.images["samples"]).shape == (2 * 32 + 1, 32, 3)  # RGB tiles of the tiny model: η = 0, 1
    loads = [x for x in seen if x[0] == "load"]
    assert loads and seen[: len(loads)] == loads  # the model loads first, with progress of its own
    assert "unet" in {c for _, _, _, c in loads} and loads[-1][1] == loads[-1][2]
    assert any(s.startswith("loading Stable Diffusion (tiny-sd) on cpu") for s in statuses), statuses
    assert "device: cpu · float32" in statuses  # the device and dtype the model runs in
    assert any("running ddim on cpu with Stable Diffusion (tiny-sd)" in s for s in statuses)
    first_pid = runner.info["pid"]
    go("a blue sphere")  # kept: no second load
    assert runner.info["pid"] == first_pid
    assert not [x for x in seen if x[0] == "load"] and not any(s.startswith("loading") for s in statuses)


def test_a_bad_model_is_one_line_and_the_process_carries_on(runner, tmp_path):
    missing = str(tmp_path / "no-such-model")
    with pytest.raises(RunFailed) as failed:
        runner.run("ddim", model=missing, steps=3)
    message = str(failed.value)
    assert failed.value.kind == "error" and "no-such-model" in message
    assert "\n" not in message and "Error" not in message and "Traceback" not in message  # the UserError's text
    assert runner.run("ddim", model="digits", steps=3).result.demo == "ddim"


def test_models_are_kept_per_model_and_device_and_one_stable_diffusion_at_a_time(tiny_folder, tmp_path):
    import io
    import shutil

    import torch

    from paperkit.errors import UserError
    from paperkit.runner.server import Server

    other = Path(shutil.copytree(tiny_folder, tmp_path / "other-sd"))
    server = Server(io.BytesIO(), io.BytesIO())
    cpu = torch.device("cpu")
    digits = server.model_on("digits", cpu, 1)
    first = server.model_on(str(tiny_folder), cpu, 1)
    assert server.model_on(str(tiny_folder) + "/", cpu, 2) is first  # one spelling per folder
    assert set(server.models) == {("digits", "cpu", None), (str(tiny_folder.resolve()), "cpu", None)}
    with pytest.raises(UserError, match="model folder not found"):  # a bad name drops nothing
        server.model_on(str(tmp_path / "missing"), cpu, 3)
    assert server.model_on(str(tiny_folder), cpu, 3) is first
    second = server.model_on(str(other), cpu, 3)
    assert second is not first
    assert set(server.models) == {("digits", "cpu", None), (str(other.resolve()), "cpu", None)}  # the first is gone
    assert server.model_on("digits", cpu, 4) is digits  # the digits model stays beside a Stable Diffusion
    frames = io.BytesIO(server.out.getvalue())
    loads = []
    while (frame := read_frame(frames)) is not None:
        if frame[0] == "progress":
            loads.append(frame[4]["stage"])
    assert loads and set(loads) == {"load"}


def test_out_of_gpu_memory_says_what_to_make_smaller():
    from paperkit.runner.failures import describe_failure as describe_run_failure
    from paperkit.runner.server import canonical_model, device_line

    oom = type("OutOfMemoryError", (RuntimeError,), {})("CUDA out of memory. Tried to allocate 2 GiB")
    full = type("Model", (), {"dtype": "torch.float32", "device": "cuda:0", "text_to_image": True})()
    line = describe_run_failure(oom, "ddim", full)
    assert line.startswith("ddim: out of GPU memory — try a smaller batch") and "fewer steps" in line
    assert "half precision" in line and "\n" not in line
    half = type("Model", (), {"dtype": "torch.float16", "device": "cuda:0", "text_to_image": True})()
    assert "half precision" not in describe_run_failure(oom, "ddim", half)  # already in it: not suggested
    assert device_line(half, "cuda") == "cuda:0 · float16 (half precision)"
    assert describe_run_failure(ValueError("steps must be ≥ 2"), "ddim") == "ddim: steps must be ≥ 2"
    assert canonical_model(" digits ") == "digits" and canonical_model("org/name") == "org/name"


def test_a_cancel_while_the_model_loads_stops_the_load(tiny_folder):
    import io

    from paperkit.runner.server import Server

    server = Server(io.BytesIO(), io.BytesIO())
    server.cancels[7] = threading.Event()
    server.cancels[7].set()  # Esc pressed before the first component is in
    server.run(7, {"name": "ddim", "model": str(tiny_folder), "device": "cpu", "steps": 3})
    frames, stream = [], io.BytesIO(server.out.getvalue())
    while (frame := read_frame(stream)) is not None:
        frames.append(frame)
    assert frames[-1] == ("failed", 7, "cancelled", "cancelled")
    assert [f[4]["stage"] for f in frames if f[0] == "progress"] == ["load"]  # stopped after one component
    assert not server.models  # nothing half-loaded is kept
