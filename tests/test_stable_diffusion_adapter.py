"""``StableDiffusionModel`` (the adapter the DiffEdit maths runs on) and ``paperkit diffedit``.

Everything runs offline on the tiny random-weight pipeline of ``paperkit.models.tiny_sd``, saved
with ``save_pretrained`` and loaded back the way a user's checkpoint folder is.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image
from sd_fixtures import LATENT, cli_main, latents, tiny_folder, tiny_model, tiny_pipe  # noqa: F401  (fixtures)

from paperkit.errors import UserError
from paperkit.models.stable_diffusion import StableDiffusionModel

RES = 2 * LATENT  # the tiny VAE downsamples once


@pytest.fixture(scope="module")
def loaded(tiny_folder):  # noqa: F811
    return StableDiffusionModel.from_folder(tiny_folder)


def test_models_package_is_light():
    code = "import sys, paperkit.models; print(any(m in sys.modules for m in ('torch', 'diffusers', 'transformers')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_from_folder_round_trip(loaded, tiny_model):  # noqa: F811
    assert loaded.resolution == RES and loaded.latent_size == LATENT and loaded.vae_scale_factor == 2
    assert loaded.device.type == "cpu" and loaded.dtype == torch.float32
    x, cond = latents(0, batch=2), tiny_model.encode_prompt(["a cat", "a dog"])
    assert torch.equal(loaded.encode_prompt(["a cat", "a dog"]), cond)
    assert torch.equal(loaded.eps(x, 500, cond), tiny_model.eps(x, 500, cond))


def test_encode_prompt_and_null_cond(loaded):
    one = loaded.encode_prompt("a photo of a cat")
    assert one.shape == (1, 77, 32) and one.dtype == torch.float32
    two = loaded.encode_prompt(["a photo of a cat", "a photo of a dog"])
    assert two.shape == (2, 77, 32)
    torch.testing.assert_close(two[:1], one)
    assert torch.equal(loaded.null_cond, loaded.encode_prompt(""))
    assert loaded.null_cond is loaded.null_cond  # cached


@pytest.mark.parametrize("t", [1, 981, torch.tensor(500), torch.tensor([10, 900])])
def test_eps_shape_and_unet(loaded, t):
    x = latents(1, batch=2)
    cond = loaded.encode_prompt(["a cat", "a dog"])
    eps = loaded.eps(x, t, cond)
    assert eps.shape == x.shape and eps.dtype == x.dtype
    torch.testing.assert_close(eps, loaded.unet(x, t, encoder_hidden_states=cond).sample)


def test_schedule_attributes(loaded):
    ab = loaded.alpha_bars
    assert ab.dtype == torch.float64 and ab.shape == loaded.scheduler.alphas_cumprod.shape == (1000,)
    assert torch.equal(ab.float(), loaded.scheduler.alphas_cumprod)
    assert loaded.steps_offset == 1


def test_v_prediction_is_converted_to_eps(tiny_pipe):  # noqa: F811
    """A v-predicting checkpoint (SD 2.x at 768 px) still gives the maths ε = √ᾱ v + √(1 − ᾱ) x_t."""
    from diffusers import DDIMScheduler, StableDiffusionPipeline

    comps = dict(tiny_pipe.components)
    comps["scheduler"] = DDIMScheduler.from_config(tiny_pipe.scheduler.config, prediction_type="v_prediction")
    model = StableDiffusionModel(StableDiffusionPipeline(**comps))
    x, t = latents(2), 400
    cond = model.null_cond
    v = model.unet(x, t, encoder_hidden_states=cond).sample
    ab = float(model.alpha_bars[t])
    torch.testing.assert_close(model.eps(x, t, cond), ab**0.5 * v + (1 - ab) ** 0.5 * x)


def test_encode_decode_image_shapes(loaded):
    pixels = torch.rand(2, 3, RES, RES, generator=torch.Generator().manual_seed(0)) * 2 - 1
    z = loaded.encode_image(pixels)
    assert z.shape == (2, 4, LATENT, LATENT)
    expected = loaded.vae.encode(pixels).latent_dist.mean * loaded.vae.config.scaling_factor
    torch.testing.assert_close(z, expected)
    z1 = loaded.encode_image(pixels, generator=torch.Generator().manual_seed(3), sample=True)
    z2 = loaded.encode_image(pixels, generator=torch.Generator().manual_seed(3), sample=True)
    assert torch.equal(z1, z2) and not torch.equal(z1, z)
    out = loaded.decode_image(z)
    assert out.shape == (2, 3, RES, RES) and out.min() >= -1 and out.max() <= 1
    assert loaded.to("cpu") is loaded


def test_from_folder_bad_paths(tmp_path, tiny_folder):  # noqa: F811
    with pytest.raises(UserError, match="not found"):
        StableDiffusionModel.from_folder(tmp_path / "missing")
    a_file = tmp_path / "file.txt"
    a_file.write_text("hello")
    with pytest.raises(UserError, match="not a folder"):
        StableDiffusionModel.from_folder(a_file)
    with pytest.raises(UserError, match="model_index.json"):
        StableDiffusionModel.from_folder(tmp_path)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "model_index.json").write_text("{not json")
    for sub in ("unet", "vae", "text_encoder", "tokenizer", "scheduler"):
        (broken / sub).mkdir()
    with pytest.raises(UserError, match="cannot load") as info:
        StableDiffusionModel.from_folder(broken)
    assert "\n" not in str(info.value)
    incomplete = tmp_path / "incomplete"
    incomplete.mkdir()
    (incomplete / "model_index.json").write_text((tiny_folder / "model_index.json").read_text())
    with pytest.raises(UserError, match="missing unet/"):
        StableDiffusionModel.from_folder(incomplete)


# -- paperkit diffedit ---------------------------------------------------------------------------


@pytest.fixture
def png(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "input.png"
    Image.fromarray((rng.random((40, 56, 3)) * 255).astype(np.uint8)).save(path)  # not square, not RES
    return path


def _argv(folder, image, out, *extra):
    return ["diffedit", "--model", str(folder), "--image", str(image), "--from", "a cat", "--to", "a dog",
            "--out", str(out), "--steps", "10", "--n", "2", *extra]


def test_cli_diffedit_writes_mask_and_edit(tiny_folder, png, tmp_path, capsys):  # noqa: F811
    # `paperkit diffedit` is `paperkit run diffedit`: the demo's figures, one mask and edit per input
    out = tmp_path / "out"
    assert cli_main()(_argv(tiny_folder, png, out, "--device", "cpu")) == 0
    assert sorted(p.name for p in out.iterdir()) == ["edit_1.png", "edits.png", "mask_1.png"]
    for name in ("mask_1.png", "edit_1.png", "edits.png"):
        with Image.open(out / name) as img:
            assert img.mode == "RGB" and img.width >= RES and img.height > RES  # the tile, its title above
    captured = capsys.readouterr()
    for name in ("edits.png", "mask_1.png", "edit_1.png"):
        assert str(out / name) in captured.out  # the summary says where every file is
    assert "model: Stable Diffusion folder" in captured.out and "DiffEdit" in captured.out
    assert "diffedit encode" in captured.err and "diffedit decode" in captured.err and "loading" in captured.err


def test_cli_diffedit_is_deterministic(tiny_folder, png, tmp_path):  # noqa: F811
    main = cli_main()
    for name in ("a", "b"):
        assert main(_argv(tiny_folder, png, tmp_path / name, "--device", "cpu", "--seed", "3")) == 0
    for f in ("mask_1.png", "edit_1.png", "edits.png"):
        assert np.array_equal(np.asarray(Image.open(tmp_path / "a" / f)), np.asarray(Image.open(tmp_path / "b" / f)))


def _error(capsys):
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("paperkit: error:")
    return err


def test_cli_diffedit_missing_image(tiny_folder, tmp_path, capsys):  # noqa: F811
    assert cli_main()(_argv(tiny_folder, tmp_path / "nope.png", tmp_path / "out")) == 2
    assert "image not found" in _error(capsys)


def test_cli_diffedit_not_an_image(tiny_folder, tmp_path, capsys):  # noqa: F811
    bogus = tmp_path / "bogus.png"
    bogus.write_text("not a png")
    assert cli_main()(_argv(tiny_folder, bogus, tmp_path / "out")) == 2
    assert "not a readable image" in _error(capsys)


def test_cli_diffedit_missing_model(png, tmp_path, capsys):
    assert cli_main()(_argv(tmp_path / "no-model", png, tmp_path / "out")) == 2
    assert "model folder not found" in _error(capsys)


def test_cli_diffedit_bad_numbers(tiny_folder, png, tmp_path, capsys):  # noqa: F811
    assert cli_main()(_argv(tiny_folder, png, tmp_path / "out", "--encode-ratio", "1.5")) == 2
    assert "--encode-ratio" in _error(capsys)


def test_cli_diffedit_cuda_without_cuda(tiny_folder, png, tmp_path, capsys):  # noqa: F811
    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    assert cli_main()(_argv(tiny_folder, png, tmp_path / "out", "--device", "cuda")) == 2
    assert "CUDA is not available" in _error(capsys)
    assert not (tmp_path / "out").exists()
