"""``paperkit run DEMO --model M``: the demos on a Stable Diffusion folder, their inputs, and one-line errors.

The model is the tiny random-weight Stable Diffusion saved once per session (``tests/sd_fixtures.py``),
loaded back the way a user's folder is; the CLI runs in-process through ``paperkit.cli.main``. Each
PNG is checked against the figure layout ``paperkit.demos.figure`` draws for the grid the JSON
describes: same size, and every pixel outside the tiles (title, labels, frame) the same.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from sd_fixtures import LATENT, tiny_folder  # noqa: F401  (fixture)

import paperkit.cli as cli
import paperkit.models
from paperkit.demos import figure
from paperkit.demos.result import DemoResult, grid_meta

RES = 2 * LATENT  # the tiny VAE halves the image once: 32-px images, drawn ×4


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def png(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "photo.png"
    Image.fromarray((rng.random((40, 56, 3)) * 255).astype(np.uint8)).save(path)  # not square, not RES
    return path


def check_figure(path: Path, entry: dict, scale: int) -> None:
    """The PNG at ``path`` is the labelled figure of ``entry`` (an image of ``--json``) at ``scale``."""
    with Image.open(path) as img:
        assert img.mode == "RGB"
        drawn = np.asarray(img)
    meta = entry["grid"]
    layout = figure.render_image(np.zeros(entry["shape"], np.uint8), meta, title=entry["title"], scale=scale)
    assert drawn.shape == np.asarray(layout.image).shape
    x0, y0, x1, y1 = layout.grid_box
    outside = np.ones(drawn.shape[:2], bool)
    outside[y0:y1, x0:x1] = False
    assert np.array_equal(drawn[outside], np.asarray(layout.image)[outside])  # title, labels and frame
    assert (x1 - x0) == entry["shape"][1] * scale and meta["tile"] == [RES, RES]


DEMO_ARGS = {
    "ddim": ["--prompt", "a cat", "--prompt", "a dog"],
    "cfg": ["--prompt", "a red car"],
    "norm_rescale": ["--prompt", "a bowl of fruits", "--guidance", "9"],
    "decreasing_guidance": ["--prompt", "a horse"],
    "interpolation": ["--prompt", "a house in summer", "--prompt", "a house in winter"],
    "inversion": ["--image", "{png}", "--prompt", "a photo"],
    "diffedit": ["--image", "{png}", "--from", "a bowl of fruits", "--to", "a bowl of pears"],
}


@pytest.mark.parametrize("demo", list(DEMO_ARGS))
def test_demo_on_a_stable_diffusion_folder(demo, tiny_folder, png, tmp_path, capsys):  # noqa: F811
    out_dir = tmp_path / "out"
    extra = [a.format(png=png) for a in DEMO_ARGS[demo]]
    code, out, err = run(capsys, "run", demo, "--model", tiny_folder, "--steps", "3", "--device", "cpu",
                         "--out", out_dir, "--json", *extra)
    assert code == 0, err
    record = json.loads(out)
    assert record["demo"] == demo and record["model"] == f"Stable Diffusion folder {tiny_folder}, float32 on cpu"
    assert record["images"] and set(record["png_scale"]) == set(record["images"])
    written = sorted(p.name for p in out_dir.iterdir())
    assert written == sorted(f"{name}.png" for name in record["images"])
    for name, entry in record["images"].items():
        assert entry["path"] == str(out_dir / f"{name}.png")
        assert record["png_scale"][name] == 4  # 32-px tiles, drawn ×4
        check_figure(Path(entry["path"]), entry, 4)
    assert "loading Stable Diffusion folder" in err and "unet — 1/5" in err and "scheduler — 5/5" in err
    assert "Traceback" not in err


def test_the_options_reach_the_demo(tiny_folder, png, tmp_path, capsys):  # noqa: F811
    code, out, _ = run(capsys, "run", "interpolation", "--model", tiny_folder, "--steps", "1", "--out", tmp_path,
                       "--json", "--prompt", "a cat", "--prompt", "a dog", "--guidance", "3")
    settings = json.loads(out)["settings"]
    assert code == 0 and (settings["source"], settings["target"], settings["guidance"]) == ("a cat", "a dog", 3.0)
    code, out, _ = run(capsys, "run", "diffedit", "--model", tiny_folder, "--steps", "2", "--out", tmp_path / "d",
                       "--json", "--image", png, "--image", png, "--from", "a cat", "--to", "a dog", "--guidance", "2")
    record = json.loads(out)
    assert code == 0 and record["settings"]["guidance"] == 2.0
    assert {"mask_1", "edit_1", "mask_2", "edit_2"} <= set(record["images"])  # one mask and edit per input


def test_text_summary_names_the_model_and_every_png(tiny_folder, tmp_path, capsys):  # noqa: F811
    code, out, err = run(capsys, "run", "ddim", "--model", tiny_folder, "--steps", "2", "--out", tmp_path,
                         "--prompt", "a cat")
    assert code == 0
    assert f"model: Stable Diffusion folder {tiny_folder}, float32 on cpu" in out
    assert "Images (labelled PNGs, tiles ×4)" in out
    assert f"{tmp_path / 'samples.png'}  — DDIM samples x_0 from one x_T per prompt: steps and η by row" in out
    code, out, _ = run(capsys, "run", "forward", "--device", "cpu", "--out", tmp_path / "f")
    assert code == 0 and "model:" not in out  # no model, no model line


def test_a_cached_hub_id_runs_offline(tiny_folder, tmp_path, capsys, monkeypatch):  # noqa: F811
    commit = "89abcdef0123456789abcdef0123456789abcdef"
    repo = tmp_path / "hf" / "hub" / "models--someone--tiny-sd"
    shutil.copytree(tiny_folder, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    code, out, err = run(capsys, "run", "cfg", "--model", "someone/tiny-sd", "--steps", "1", "--out", tmp_path / "o",
                         "--prompt", "a dog")
    assert code == 0, err
    assert "model: someone/tiny-sd (Hugging Face cache), float32 on cpu" in out
    assert str(tmp_path / "o" / "sweep.png") in out


# -- one line for every mistake, before anything is loaded ------------------------------------------------


@pytest.fixture
def nothing_loads(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a model was loaded before the arguments were checked")

    monkeypatch.setattr(paperkit.models, "load_model", refuse)


def _one_line(code, out, err, message):
    assert code == 2 and out == "", err
    assert err.count("\n") == 1 and err.startswith("paperkit: error: ") and message in err, err


def test_bad_models_are_one_line(tiny_folder, tmp_path, capsys, monkeypatch, nothing_loads):  # noqa: F811
    not_pipeline = tmp_path / "photos"
    not_pipeline.mkdir()
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    cases = [
        (tmp_path / "no-model", f"model folder not found: {tmp_path / 'no-model'}"),
        (not_pipeline, f"not a diffusers pipeline folder (no model_index.json): {not_pipeline}"),
        ("runwayml/stable-diffusion-v1-5", "model 'runwayml/stable-diffusion-v1-5' is not in the Hugging Face cache "
                                           f"({tmp_path / 'hf' / 'hub'}) and the Hub is offline"),
        ("digit", 'unknown model \'digit\'; did you mean "digits"?'),
    ]
    for model, message in cases:
        _one_line(*run(capsys, "run", "ddim", "--model", model, "--out", tmp_path / "o"), message)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("argv, message", [
    (["run", "schedules", "--model", "digits"], "schedules runs without a model: drop --model"),
    (["run", "matmul", "--model", "{sd}"], "matmul runs without a model"),
    (["run", "ddim", "--image", "{png}"], "ddim takes no --image; the demos that do: inversion, diffedit"),
    (["run", "cfg", "--from", "a", "--to", "b"], "cfg takes no --from; the demos that do: diffedit"),
    (["run", "inversion", "--model", "{sd}", "--from", "a"], "inversion takes no --from"),
    (["run", "ddim", "--guidance", "3"], "ddim takes no --guidance; the demos that do: interpolation, diffedit"),
    (["run", "interpolation", "--model", "{sd}", "--prompt", "a cat"], "interpolation takes exactly two --prompt"),
    (["run", "interpolation", "--prompt", "a", "--prompt", "b", "--prompt", "c"], "exactly two --prompt (from and to), got 3"),
    (["run", "diffedit", "--model", "{sd}", "--image", "{png}"], "diffedit on a Stable Diffusion model needs --from and --to"),
    (["run", "diffedit", "--model", "{sd}"], "diffedit on a Stable Diffusion model needs --image, --from and --to"),
    (["run", "inversion", "--model", "{sd}"], "inversion on a Stable Diffusion model needs --image"),
    (["run", "diffedit", "--from", "3"], "--from and --to go together"),
    (["run", "ddim", "--model", "{sd}", "--prompt", " "], "--prompt must be a non-empty text"),
    (["run", "norm_rescale", "--guidance", "-2"], "--guidance must be a number ≥ 0, got -2.0"),
    (["run", "inversion", "--image", "{png}", "--image", "{png}", "--prompt", "a", "--prompt", "b", "--prompt", "c"],
     "give one --prompt for all images or one per image (3 prompts for 2 images)"),
    (["run", "inversion", "--image", "{missing}"], "image not found: {missing}"),
    (["run", "inversion", "--image", "{dir}"], "image path is not a file: {dir}"),
    (["run", "diffedit", "--model", "digits", "--image", "{text}", "--from", "3", "--to", "8"], "not a readable image: {text}"),
])
def test_inputs_are_checked_in_one_line(argv, message, tiny_folder, png, tmp_path, capsys, nothing_loads):  # noqa: F811
    (tmp_path / "notes.png").write_text("not a png")
    names = {"sd": tiny_folder, "png": png, "missing": tmp_path / "gone.png", "dir": tmp_path, "text": tmp_path / "notes.png"}
    argv = [a.format(**names) for a in argv]
    _one_line(*run(capsys, *argv, "--out", tmp_path / "o"), message.format(**names))


def test_out_of_memory_is_one_line(capsys, monkeypatch, tmp_path):
    import paperkit.demos.ddim

    def oom(*args, **kwargs):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 MiB")

    monkeypatch.setattr(paperkit.demos.ddim, "run", oom)
    code, out, err = run(capsys, "run", "ddim", "--device", "cpu", "--out", tmp_path)
    assert code == 1 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("paperkit: error: ddim: out of memory (CUDA out of memory. Tried to allocate 20.00 MiB)")
    assert "smaller batch" in err and "fewer --steps" in err
    assert "--dtype" not in err and "--device cpu" not in err  # the scene model is float32, and this is the CPU
    monkeypatch.setattr(paperkit.demos.ddim, "run", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError, match="boom"):  # any other failure is a bug, and shows as one
        cli.main(["run", "ddim", "--device", "cpu", "--out", str(tmp_path)])


def test_out_of_memory_while_sampling_stable_diffusion(tiny_folder, capsys, monkeypatch, tmp_path):  # noqa: F811
    import paperkit.demos.cfg

    def oom(*args, **kwargs):
        raise RuntimeError("MPS backend out of memory (MPS allocated: 17.00 GB)")

    monkeypatch.setattr(paperkit.demos.cfg, "run", oom)
    code, out, err = run(capsys, "run", "cfg", "--model", tiny_folder, "--out", tmp_path, "--prompt", "a cat")
    last = err.strip().splitlines()[-1]
    assert code == 1 and out == "" and "Traceback" not in err
    assert last.startswith("paperkit: error: cfg: out of memory (MPS backend out of memory")
    assert "half precision (--dtype float16)" in last  # the model was loaded in float32


# -- paperkit diffedit: the alias ------------------------------------------------------------------------


def test_diffedit_alias_passes_its_knobs(tiny_folder, png, tmp_path, capsys):  # noqa: F811
    code, out, err = run(capsys, "diffedit", "--model", tiny_folder, "--image", png, "--from", "a cat", "--to", "a dog",
                         "--out", tmp_path, "--steps", "4", "--n", "2", "--strength", "0.75", "--threshold", "0.25",
                         "--rescale", "clamp_mean", "--encode-ratio", "0.5", "--guidance", "3", "--json")
    assert code == 0, err
    settings = json.loads(out)["settings"]
    assert {k: settings[k] for k in ("n", "strength", "threshold", "rescale", "encode_ratio", "guidance", "steps")} == {
        "n": 2, "strength": 0.75, "threshold": 0.25, "rescale": "clamp_mean", "encode_ratio": 0.5, "guidance": 3.0, "steps": 4}
    code, out, _ = run(capsys, "diffedit", "--model", tiny_folder, "--image", png, "--from", "a cat", "--to", "a dog",
                       "--out", tmp_path / "b", "--steps", "4", "--n", "2")
    assert code == 0 and all(str(tmp_path / "b" / f) in out for f in ("edits.png", "mask_1.png", "edit_1.png"))
    _one_line(*run(capsys, "diffedit", "--model", tiny_folder, "--image", png, "--from", "a", "--to", "b",
                   "--threshold", "2"), "--threshold must be in [0, 1], got 2.0")


# -- figure scale, and a light parser ----------------------------------------------------------------------


def _result(tile: int, name: str = "grid") -> DemoResult:
    meta = grid_meta(title="t", rows=["r"], cols=["a", "b"], tile=(tile, tile), pad=1)
    result = DemoResult("test")
    result.images[name] = np.zeros(meta["shape"] + [3], np.uint8)
    result.grids[name] = meta
    return result


@pytest.mark.parametrize("tile, scale", [(16, 4), (32, 4), (64, 2), (128, 1), (512, 1)])
def test_write_pngs_scales_each_figure_to_its_tiles(tile, scale, tmp_path):
    result = _result(tile)
    assert figure.png_scale(result, "grid") == scale
    path = figure.write_pngs(result, tmp_path)["grid"]
    with Image.open(path) as img:
        assert img.size == figure.render(result, "grid", scale).image.size
    assert figure.write_pngs(result, tmp_path / "x4", scale=4)["grid"].read_bytes() == figure.figure_png(result, "grid", 4)


def test_help_and_list_import_no_torch():
    probe = ("import io, contextlib, sys\nfrom paperkit.cli import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    codes = [main(['run', '--list'])]\n"
             "    for argv in (['--help'], ['run', '--help'], ['diffedit', '--help']):\n"
             "        try:\n            main(argv)\n        except SystemExit as e:\n            codes.append(e.code)\n"
             "print(codes, sorted(m for m in ('torch', 'diffusers', 'transformers', 'huggingface_hub') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[0, 0, 0, 0] []", out.stderr


def test_list_says_what_each_demo_takes_with_a_model(capsys):
    code, out, _ = run(capsys, "run", "--list")
    assert code == 0
    assert "with --model: --image PATH [--image PATH …] --from TEXT --to TEXT" in out  # diffedit
    assert "with --model: [--prompt TEXT --prompt TEXT]" in out  # interpolation: two, optional
    code, out, _ = run(capsys, "run", "--list", "--json")
    by = {d["name"]: d for d in json.loads(out)}
    assert by["diffedit"]["inputs"] == [{"option": "--image", "count": "+", "required": True},
                                        {"option": "--from", "count": 1, "required": True},
                                        {"option": "--to", "count": 1, "required": True}]
    assert by["schedules"]["inputs"] == []
