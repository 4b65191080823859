"""``paperkit run``: --list, PNGs and --json, one-line errors, NaNs, and Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

import paperkit.cli as cli
from demo_fixtures import NaNModel, digits_model
from paperkit.cli import run_cmd
from paperkit.demos import DEMOS

ROOT = Path(__file__).resolve().parent.parent
# the same entry point as `paperkit`, with `run` registered whether or not cli/__init__ lists it yet
ENTRY = ("import sys, paperkit.cli as cli\nfrom paperkit.cli import run_cmd\n"
         "cli.COMMANDS = cli.COMMANDS if run_cmd in cli.COMMANDS else cli.COMMANDS + (run_cmd,)\n"
         "sys.exit(cli.main(sys.argv[1:]))")


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    if run_cmd not in cli.COMMANDS:
        monkeypatch.setattr(cli, "COMMANDS", cli.COMMANDS + (run_cmd,))


def run(capsys, *argv):
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_shows_demos_and_equations(capsys):
    code, out, _ = run(capsys, "run", "--list")
    assert code == 0
    for name, spec in DEMOS.items():
        assert name in out and all(eq in out for eq in spec.equations)
    code, out, _ = run(capsys, "run", "--list", "--json")
    listed = json.loads(out)
    assert [d["name"] for d in listed] == list(DEMOS) and listed[2]["equations"] == ["ddpm.alg2", "ddpm.11"]
    assert "DDIM at 10 and 50 steps" in out and "Algorithm 2 over all T = 1000 steps" in out


def test_list_describes_the_demos_at_the_steps_given(capsys):
    code, out, _ = run(capsys, "run", "--list", "--steps", "10")
    assert code == 0 and out.startswith("at --steps 10:")
    assert "DDIM at 10 steps with η = 0" in out and "50 steps" not in out
    assert "10 strided ancestral steps (t = 900, 800, …, 0" in out and "10 DDIM steps each" in out
    code, out, _ = run(capsys, "run", "--list", "--steps", "20", "--json")
    described = {d["name"]: d["description"] for d in json.loads(out)}
    assert described == {name: spec.describe(20) for name, spec in DEMOS.items()}  # on each demo's default model
    assert described["diffedit"].startswith("held-out scenes")  # its default model is the scene model
    assert "a 20-step DDIM schedule, encoded and decoded over its first 16" in described["diffedit"]
    code, _, err = run(capsys, "run", "--list", "--steps", "0")
    assert code == 2 and "--steps must be between 1 and 1000" in err


def test_run_writes_pngs_and_json(capsys, tmp_path):
    code, out, err = run(capsys, "run", "ddim", "--model", "digits", "--steps", "4", "--device", "cpu", "--seed", "3",
                         "--out", str(tmp_path / "d"), "--json")
    assert code == 0
    record = json.loads(out)
    assert record["demo"] == "ddim" and record["equations"] == ["ddim.12", "ddim.16", "ddim.subsequence"]
    assert record["description"] == "DDIM at 4 steps with η = 0 and η = 1 from the same noise, timed"
    assert record["settings"]["seed"] == 3 and record["settings"]["device"] == "cpu"
    assert {t["name"] for t in record["tables"]} == {"samples", "timings"}
    assert set(record["images"]) == {"samples"} and record["model"] == "built-in digits model, float32 on cpu"
    for name, entry in record["images"].items():
        path = Path(entry["path"])
        assert path.parent == tmp_path / "d" and path.name == f"{name}.png"
        assert entry["grid"]["cols"] == [str(d) for d in range(10)] and entry["grid"]["col_title"] == "digit"
        assert entry["title"] == "DDIM samples x_0 from one x_T per digit: steps and η by row"
        assert entry["grid"]["rows"] == ["4 steps, η = 0", "4 steps, η = 1"]
        with Image.open(path) as img:  # the labelled figure: the tiles ×4 plus room for the labels
            width, height = img.size
            tiles = np.asarray(img.convert("L"))
        assert width > entry["shape"][1] * run_cmd.PNG_SCALE and height > entry["shape"][0] * run_cmd.PNG_SCALE + 40
        assert (tiles[:40] != tiles[0, 0]).any()  # the title is drawn at the top
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["samples.png"]
    assert "ddim" in err  # progress on stderr


def test_text_summary_and_same_seed_same_pngs(capsys, tmp_path):
    code, out, _ = run(capsys, "run", "forward", "--device", "cpu", "--out", str(tmp_path / "a"))
    assert code == 0
    assert "forward — Forward process" in out and "corr(x_t, x_0)" in out and str(tmp_path / "a" / "strip.png") in out
    assert "held-out scenes noised from x_0 to x_T" in out  # what ran
    assert f"{tmp_path / 'a' / 'strip.png'}  — q(x_t | x_0): each held-out scene noised" in out  # each file with its title
    code, _, _ = run(capsys, "run", "forward", "--device", "cpu", "--out", str(tmp_path / "b"))
    assert (tmp_path / "a" / "strip.png").read_bytes() == (tmp_path / "b" / "strip.png").read_bytes()


def test_default_out_folder(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(capsys, "run", "forward", "--device", "cpu")
    assert code == 0 and (tmp_path / "paperkit-out" / "forward" / "strip.png").is_file()


@pytest.mark.parametrize("argv, message", [
    (["run", "ddmp"], "unknown demo 'ddmp'; did you mean ddpm"),
    (["run"], "name a demo"),
    (["run", "ddim", "--steps", "0"], "--steps must be between 1 and 1000"),
])
def test_one_line_errors(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_cuda_is_one_line(capsys):
    code, out, err = run(capsys, "run", "forward", "--device", "cuda")
    assert code == 2 and out == "" and err.count("\n") == 1 and "CUDA is not available" in err


def test_nan_is_one_line_and_non_zero(capsys, monkeypatch, tmp_path):
    import paperkit.models

    nan_model = NaNModel(digits_model())  # before the patch: digits_model() itself calls load_model
    monkeypatch.setattr(paperkit.models, "load_model", lambda name, device="cpu": nan_model)
    code, out, err = run(capsys, "run", "ddpm", "--steps", "5", "--device", "cpu", "--out", str(tmp_path))
    assert code == 1 and out == ""
    last = err.strip().splitlines()[-1]
    assert last.startswith("paperkit: error: demo 'ddpm'") and "NaN" in last and "step 1/5" in last
    assert "Traceback" not in err


def test_ctrl_c_cancels_cleanly(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", ENTRY, "run", "ddpm", "--device", "cpu", "--out", str(tmp_path)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    first = proc.stderr.readline()  # the first progress line: sampling has started
    assert "ddpm" in first, first
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1] == "cancelled" and "Traceback" not in err
    assert out == "" and not any(tmp_path.iterdir())
