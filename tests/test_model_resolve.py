"""``paperkit.models.load_model`` / ``resolve_model``: "digits", a Stable Diffusion folder, a cached Hub id.

Everything is offline: the tiny random-weight pipeline (``tests/sd_fixtures.py``) saved as a folder,
and a Hugging Face cache laid out by hand in tmp (``models--org--name/snapshots/<commit>/``,
``refs/main``) the way ``huggingface_hub`` writes it. diffusers' own ``from_pretrained`` is the
oracle for what a loaded pipeline holds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
import torch
from sd_fixtures import latents, tiny_folder, tiny_model, tiny_pipe  # noqa: F401  (fixtures)

from paperkit.errors import UserError
from paperkit.models import describe_model, load_model
from paperkit.models.resolve import hub_cache_dir, resolve_model
from paperkit.models.stable_diffusion import StableDiffusionModel, resolve_dtype
from paperkit.progress import Cancelled

COMMIT = "0123456789abcdef0123456789abcdef01234567"
COMPONENTS = ["unet", "vae", "text_encoder", "tokenizer", "scheduler"]


def fake_hub_cache(root, folder, repo_id="org/tiny-sd", commit=COMMIT):
    """A Hugging Face hub cache under ``root`` holding ``folder``'s files as ``repo_id`` at ``commit``."""
    repo = root / ("models--" + repo_id.replace("/", "--"))
    shutil.copytree(folder, repo / "snapshots" / commit)
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    return repo / "snapshots" / commit


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """HF_HOME in tmp and the Hub offline; returns the hub cache folder."""
    for var in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return tmp_path / "hf" / "hub"


def one_line(info) -> str:
    text = str(info.value)
    assert "\n" not in text and "Traceback" not in text
    return text


# -- names ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["digits", "Digits", " digits ", "digits (built-in)"])
def test_digits_names(name):
    ref = resolve_model(name)
    assert ref.kind == "digits" and not ref.text_to_image
    assert describe_model(name) == "built-in digits model"


def test_folder_resolves_and_describes_with_home_as_tilde(tiny_folder, tmp_path, monkeypatch):  # noqa: F811
    ref = resolve_model(str(tiny_folder))
    assert ref.kind == "folder" and ref.path == tiny_folder.resolve() and ref.text_to_image
    home = tmp_path / "home"
    shutil.copytree(tiny_folder, home / "models" / "sd")
    monkeypatch.setenv("HOME", str(home))
    assert describe_model(str(home / "models" / "sd")) == "Stable Diffusion folder ~/models/sd"
    assert describe_model("~/models/sd") == "Stable Diffusion folder ~/models/sd"


def test_bad_names_are_one_line_each(tiny_folder, tmp_path):  # noqa: F811
    cases = []
    cases.append((str(tmp_path / "no-such-folder"), "model folder not found"))
    a_file = tmp_path / "weights.safetensors"
    a_file.write_bytes(b"\0" * 16)
    cases.append((str(a_file), "model path is not a folder"))
    empty = tmp_path / "empty"
    empty.mkdir()
    cases.append((str(empty), "not a diffusers pipeline folder (no model_index.json)"))
    incomplete = tmp_path / "incomplete"
    incomplete.mkdir()
    shutil.copy(tiny_folder / "model_index.json", incomplete)
    (incomplete / "unet").mkdir()
    cases.append((str(incomplete), "missing vae/, text_encoder/, tokenizer/, scheduler/"))
    garbled = tmp_path / "garbled"
    shutil.copytree(tiny_folder, garbled)
    (garbled / "model_index.json").write_text("{not json")
    cases.append((str(garbled), "model_index.json is not valid JSON"))
    xl = tmp_path / "xl"
    shutil.copytree(tiny_folder, xl)
    index = json.loads((xl / "model_index.json").read_text())
    index.update(_class_name="StableDiffusionXLPipeline", text_encoder_2=["transformers", "CLIPTextModelWithProjection"])
    (xl / "model_index.json").write_text(json.dumps(index))
    cases.append((str(xl), "StableDiffusionXLPipeline"))
    cases.append(("digit", 'did you mean "digits"'))
    cases.append(("", "no model named"))
    for name, message in cases:
        with pytest.raises(UserError) as info:
            resolve_model(name)
        assert message in one_line(info), (name, str(info.value))
    with pytest.raises(UserError) as info:
        resolve_model("stable")
    assert "unknown model 'stable'" in one_line(info) and "did you mean" not in str(info.value)


# -- loading a folder ------------------------------------------------------------------------------------


def test_load_folder_component_by_component_matches_diffusers(tiny_folder, tiny_model):  # noqa: F811
    from diffusers import DDIMScheduler, StableDiffusionPipeline

    seen = []
    model = load_model(str(tiny_folder), callback=lambda step, total, info: seen.append((step, total, info)))
    assert [s for s, _, _ in seen] == [1, 2, 3, 4, 5] and {t for _, t, _ in seen} == {5}
    assert [i["component"] for _, _, i in seen] == COMPONENTS and all(i["stage"] == "load" for _, _, i in seen)
    assert isinstance(model, StableDiffusionModel) and model.dtype == torch.float32 and model.device.type == "cpu"
    pipe = model.pipeline
    assert pipe.safety_checker is None and pipe.feature_extractor is None
    assert isinstance(pipe.scheduler, DDIMScheduler)
    oracle = StableDiffusionPipeline.from_pretrained(str(tiny_folder), safety_checker=None, requires_safety_checker=False)
    for name in ("unet", "vae", "text_encoder"):
        ours, theirs = getattr(pipe, name).state_dict(), getattr(oracle, name).state_dict()
        assert ours.keys() == theirs.keys() and all(torch.equal(ours[k], theirs[k]) for k in ours)
    x, cond = latents(1, batch=2), tiny_model.encode_prompt(["a cat", "a dog"])
    assert torch.equal(model.encode_prompt(["a cat", "a dog"]), cond)
    assert torch.equal(model.eps(x, 321, cond), tiny_model.eps(x, 321, cond))


def test_scheduler_is_ddim_whatever_the_folder_names(tiny_folder, tmp_path):  # noqa: F811
    from diffusers import DDIMScheduler, PNDMScheduler

    pndm = tmp_path / "pndm"
    shutil.copytree(tiny_folder, pndm)
    config = json.loads((pndm / "scheduler" / "scheduler_config.json").read_text())
    config.update(_class_name="PNDMScheduler", skip_prk_steps=True)
    (pndm / "scheduler" / "scheduler_config.json").write_text(json.dumps(config))
    index = json.loads((pndm / "model_index.json").read_text())
    index["scheduler"] = ["diffusers", "PNDMScheduler"]
    (pndm / "model_index.json").write_text(json.dumps(index))
    assert isinstance(PNDMScheduler.from_pretrained(str(pndm), subfolder="scheduler"), PNDMScheduler)  # the folder says PNDM
    model = load_model(str(pndm))
    assert type(model.scheduler) is DDIMScheduler
    reference = DDIMScheduler.from_pretrained(str(tiny_folder), subfolder="scheduler")
    assert torch.equal(model.scheduler.alphas_cumprod, reference.alphas_cumprod)
    assert model.steps_offset == 1


def test_dtype_choice(tiny_folder):  # noqa: F811
    assert resolve_dtype(None, "cpu") == torch.float32 and resolve_dtype(None, torch.device("cuda")) == torch.float16
    assert resolve_dtype("auto", "cuda") == torch.float16 and resolve_dtype("bf16", "cpu") == torch.bfloat16
    with pytest.raises(UserError, match="unknown dtype 'float8'"):
        resolve_dtype("float8", "cpu")
    half = load_model(str(tiny_folder), dtype="float16")
    assert half.dtype == torch.float16 and half.vae.dtype == torch.float16 and half.text_encoder.dtype == torch.float16
    digits_seen = []
    digits = load_model("digits", dtype=torch.float16, callback=lambda *a: digits_seen.append(a))
    assert digits.dtype == torch.float32
    assert digits_seen == [(1, 1, {"stage": "load", "component": "digits"})]


def test_fp16_variant_folder_loads(tmp_path):
    from paperkit.models.tiny_sd import build_tiny_pipeline

    folder = tmp_path / "fp16-only"
    build_tiny_pipeline().save_pretrained(str(folder), variant="fp16")
    assert (folder / "unet" / "diffusion_pytorch_model.fp16.safetensors").is_file()
    assert not (folder / "unet" / "diffusion_pytorch_model.safetensors").exists()
    model = load_model(str(folder))
    assert model.resolution == 32


def test_truncated_weights_are_one_line(tiny_folder, tmp_path):  # noqa: F811
    broken = tmp_path / "broken"
    shutil.copytree(tiny_folder, broken)
    weights = broken / "vae" / "diffusion_pytorch_model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    with pytest.raises(UserError) as info:
        load_model(str(broken))
    assert one_line(info).startswith(f"cannot load the vae of {broken}")
    gone = tmp_path / "gone"
    shutil.copytree(tiny_folder, gone)
    (gone / "unet" / "diffusion_pytorch_model.safetensors").unlink()
    with pytest.raises(UserError) as info:
        load_model(str(gone))
    assert one_line(info).startswith(f"cannot load the unet of {gone}")


def test_a_cancel_from_the_callback_stops_loading(tiny_folder):  # noqa: F811
    def callback(step, total, info):
        if info["component"] == "vae":
            raise Cancelled("cancelled while loading")

    with pytest.raises(Cancelled):
        load_model(str(tiny_folder), callback=callback)


# -- the Hugging Face cache ----------------------------------------------------------------------------


def test_cached_hub_id_loads_offline(tiny_folder, tiny_model, offline):  # noqa: F811
    snapshot = fake_hub_cache(offline, tiny_folder)
    assert hub_cache_dir() == offline
    ref = resolve_model("org/tiny-sd")
    assert ref.kind == "hub" and ref.path == snapshot and ref.repo_id == "org/tiny-sd"
    assert describe_model("org/tiny-sd") == "org/tiny-sd (Hugging Face cache)"
    seen = []
    model = load_model("org/tiny-sd", callback=lambda s, t, i: seen.append(i["component"]))
    assert seen == COMPONENTS
    x, cond = latents(2), tiny_model.encode_prompt(["a cat"])
    assert torch.equal(model.eps(x, 500, cond), tiny_model.eps(x, 500, cond))


def test_hf_hub_cache_overrides_hf_home(tiny_folder, offline, tmp_path, monkeypatch):  # noqa: F811
    other = tmp_path / "elsewhere"
    fake_hub_cache(other, tiny_folder, "org/other")
    monkeypatch.setenv("HF_HUB_CACHE", str(other))
    assert hub_cache_dir() == other and resolve_model("org/other").path.parent.parent == other / "models--org--other"


def test_uncached_hub_id_offline_is_one_line(offline):
    with pytest.raises(UserError) as info:
        load_model("org/not-there")
    text = one_line(info)
    assert text.startswith(f"model 'org/not-there' is not in the Hugging Face cache ({offline})")
    assert "the Hub is offline" in text


def test_incomplete_cached_hub_id_offline_is_one_line(tiny_folder, offline):  # noqa: F811
    snapshot = fake_hub_cache(offline, tiny_folder, "org/partial")
    shutil.rmtree(snapshot / "unet")
    with pytest.raises(UserError) as info:
        resolve_model("org/partial")
    assert "is not usable and the Hub is offline" in one_line(info) and "missing unet/" in str(info.value)


def test_resolving_imports_no_torch(tiny_folder, tmp_path):  # noqa: F811
    code = ("import sys; from paperkit.models.resolve import resolve_model, describe_model\n"
            f"print(describe_model({str(tiny_folder)!r}), describe_model('digits'))\n"
            "try:\n    resolve_model('org/none')\nexcept Exception as e:\n    print(type(e).__name__)\n"
            "print(sorted(m for m in ('torch', 'diffusers', 'transformers') if m in sys.modules))")
    env = {"PATH": "/usr/bin:/bin", "HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    lines = out.stdout.strip().splitlines()
    assert lines == [f"Stable Diffusion folder {tiny_folder} built-in digits model", "UserError", "[]"], out.stderr
