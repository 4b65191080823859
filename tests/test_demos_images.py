"""The ``inversion`` and ``diffedit`` demos on the user's own images, on the digits model and on Stable
Diffusion (the tiny random-weight pipeline of ``tests/sd_fixtures.py``: 32×32 images, 16×16 latents),
and ``paperkit.demos.images.load_images``.

The Stable Diffusion runs are checked against ``paperkit.diffusion`` called directly (invert/sample,
diffedit_mask/encode/decode) on the same latents: the demo's tiles must be exactly those pixels.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from PIL import Image

from demo_fixtures import digits_model
from paperkit.demos import run_demo
from paperkit.demos._common import generator, real_digits, to_uint8
from paperkit.demos.images import load_images
from paperkit.diffusion import diffedit_decode, diffedit_encode, diffedit_mask, invert, sample
from paperkit.errors import UserError
from sd_fixtures import tiny_model, tiny_pipe  # noqa: F401  (fixtures)

RES = 32  # the tiny pipeline's image side


def tile(image: np.ndarray, r: int, c: int, side: int, pad: int = 1) -> np.ndarray:
    """Tile (r, c) of a grid image of ``side``-pixel tiles."""
    y, x = r * (side + pad), c * (side + pad)
    return image[y:y + side, x:x + side]


def hwc(x: torch.Tensor) -> np.ndarray:
    """One (C, H, W) image in [−1, 1] as the grid shows it: uint8 (H, W, 3) or (H, W)."""
    a = to_uint8(x).transpose(1, 2, 0)
    return a[..., 0] if a.shape[-1] == 1 else a


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    """Two small images: an RGB 48×40 one with structure, and a grayscale square one."""
    folder = tmp_path_factory.mktemp("photos")
    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:40, 0:48]
    rgb = np.stack([xx * 5, yy * 6, 255 - xx * 5], -1).clip(0, 255).astype(np.uint8)
    rgb[10:30, 14:34] = rng.integers(0, 255, (20, 20, 3), dtype=np.uint8)
    Image.fromarray(rgb).save(folder / "cat.png")
    Image.fromarray((yy[:, :40] * 6).astype(np.uint8)).save(folder / "grey.png")
    return [str(folder / "cat.png"), str(folder / "grey.png")]


# -- load_images --------------------------------------------------------------------------------

def test_load_images_centre_crops_a_wide_and_a_tall_image(tiny_model, tmp_path):  # noqa: F811
    blue, red = (0, 0, 255), (255, 0, 0)
    wide = np.zeros((40, 60, 3), np.uint8)
    wide[:] = red
    wide[:, 10:50] = blue            # the centre 40×40 square is all blue
    tall = wide.transpose(1, 0, 2).copy()
    Image.fromarray(wide).save(tmp_path / "wide.png")
    Image.fromarray(tall).save(tmp_path / "tall.png")
    px, names = load_images([tmp_path / "wide.png", str(tmp_path / "tall.png")], tiny_model)
    assert names == ["wide.png", "tall.png"]
    assert px.shape == (2, 3, RES, RES) and px.dtype == torch.float32 and px.device == tiny_model.device
    blue_px = torch.tensor([-1.0, -1.0, 1.0]).reshape(1, 3, 1, 1).expand(2, 3, RES, RES)
    assert torch.allclose(px, blue_px, atol=1e-6)  # no red left: the crop came before the resize


def test_load_images_grayscale_on_rgb_and_on_digits(tiny_model, tmp_path):  # noqa: F811
    ramp = np.tile(np.linspace(0, 255, 64).astype(np.uint8), (64, 1))
    Image.fromarray(ramp).save(tmp_path / "ramp.png")
    px, _ = load_images([tmp_path / "ramp.png"], tiny_model)
    assert px.shape == (1, 3, RES, RES)
    assert torch.equal(px[0, 0], px[0, 1]) and torch.equal(px[0, 1], px[0, 2])  # grey: R = G = B
    assert px[0, 0, :, 0].mean() < -0.9 and px[0, 0, :, -1].mean() > 0.9  # dark left, light right

    model = digits_model()
    px, _ = load_images([tmp_path / "ramp.png"], model)
    assert px.shape == (1, 1, model.resolution, model.resolution)


def test_load_images_inverts_dark_ink_on_paper_for_the_digits_model(tmp_path):
    """The digits are white on black: a dark stroke on white paper loads as the same image as a
    white stroke on black."""
    ink = np.full((64, 64), 255, np.uint8)
    ink[8:56, 28:36] = 0
    Image.fromarray(ink).save(tmp_path / "paper.png")
    Image.fromarray(255 - ink).save(tmp_path / "screen.png")
    px, _ = load_images([tmp_path / "paper.png", tmp_path / "screen.png"], digits_model())
    assert torch.allclose(px[0], px[1], atol=1e-6)
    assert px[0, 0, 0, 0] == -1.0 and px[0, 0, 8, 8] > 0.9  # background black, stroke white


def test_load_images_gives_a_real_digit_back(tmp_path):
    """A held-out digit written as a 16×16 PNG loads as itself, up to 8-bit rounding."""
    x, _ = real_digits([3])
    Image.fromarray(to_uint8(x[0, 0])).save(tmp_path / "three.png")
    px, names = load_images([tmp_path / "three.png"], digits_model())
    assert names == ["three.png"] and px.shape == (1, 1, 16, 16)
    assert (px.cpu() - x).abs().max() <= 1 / 127.5 + 1e-6


def test_load_images_composites_transparency_over_white(tiny_model, tmp_path):  # noqa: F811
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(tmp_path / "clear.png")
    px, _ = load_images([tmp_path / "clear.png"], tiny_model)
    assert torch.all(px == 1.0)


def test_load_images_refuses_bad_files_with_one_line(tiny_model, tmp_path):  # noqa: F811
    (tmp_path / "notes.png").write_text("not an image at all")
    (tmp_path / "truncated.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    cases = {tmp_path / "missing.png": "not found", tmp_path: "not a file",
             tmp_path / "notes.png": "notes.png", tmp_path / "truncated.png": "truncated.png"}
    for path, words in cases.items():
        with pytest.raises(UserError) as info:
            load_images([path], tiny_model)
        assert words in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(UserError, match="no image"):
        load_images([], tiny_model)


# -- inversion ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sd_inversion(tiny_model, photos):  # noqa: F811
    return run_demo("inversion", tiny_model, device="cpu", steps=4, images=photos)


def test_inversion_on_stable_diffusion_rows_are_images(sd_inversion, photos):
    r = sd_inversion
    assert r.settings["images"] == ["cat.png", "grey.png"] and r.settings["prompts"] == [""]
    assert r.settings["steps"] == [4]
    meta = r.grids["reconstruction"]
    assert meta["rows"] == ["cat.png", "grey.png"]
    assert meta["cols"] == ["input x_0", "x_T ch 0–2 (normalised)", "decoded 4 steps", "random x_T decoded"]
    assert r.images["reconstruction"].shape == (2 * (RES + 1) - 1, 4 * (RES + 1) - 1, 3)
    assert r.table("reconstruction")["columns"] == ["x_T from", "steps", "mse (pixels)", "max |error| (pixels)",
                                                    "mse (latents)", "std(x_T)"]
    for key in ("mse.4", "max_abs.4", "mse_latent.4", "mse.random", "mse_latent.random", "mse.vae"):
        assert math.isfinite(r.metrics[key]) and r.metrics[key] >= 0
    # the inverted x_T carries the image; a random one does not (even with random weights, in latents)
    assert r.metrics["mse_latent.4"] < r.metrics["mse_latent.random"]


def test_inversion_on_stable_diffusion_is_invert_then_sample(sd_inversion, tiny_model, photos):  # noqa: F811
    """The decoded column is exactly ``sample(invert(E(x)))`` decoded by the VAE, unconditionally."""
    px, _ = load_images(photos, tiny_model)
    x0 = tiny_model.from_pixels(px)
    cond = tiny_model.encode_prompt([""])
    x_T = invert(tiny_model, x0, cond, steps=4).x_r
    decoded = tiny_model.to_pixels(sample(tiny_model, x_T, cond, steps=4))
    image = sd_inversion.images["reconstruction"]
    for i in range(2):
        assert np.array_equal(tile(image, i, 0, RES), hwc(px[i]))
        assert np.array_equal(tile(image, i, 2, RES), hwc(decoded[i]))
    latent_mse = float((sample(tiny_model, x_T, cond, steps=4) - x0).pow(2).mean())
    assert sd_inversion.metrics["mse_latent.4"] == pytest.approx(latent_mse, rel=1e-6)


def test_inversion_with_a_caption_per_image(tiny_model, photos):  # noqa: F811
    r = run_demo("inversion", tiny_model, device="cpu", steps=2, images=photos, prompts=["a cat", "a ramp"])
    assert r.settings["prompts"] == ["a cat", "a ramp"]
    assert all(math.isfinite(v) for v in r.metrics.values())


def test_inversion_refuses_missing_images_and_mismatched_prompts(tiny_model, photos):  # noqa: F811
    with pytest.raises(UserError, match="needs images") as info:
        run_demo("inversion", tiny_model, device="cpu", steps=2)
    assert "\n" not in str(info.value)
    with pytest.raises(UserError, match="3 prompts for 2 images"):
        run_demo("inversion", tiny_model, device="cpu", steps=2, images=photos, prompts=["a", "b", "c"])


def test_inversion_on_digits_with_a_user_image(tmp_path):
    x, _ = real_digits([3])
    Image.fromarray(to_uint8(x[0, 0])).save(tmp_path / "three.png")
    r = run_demo("inversion", digits_model(), device="cpu", steps=4, images=[str(tmp_path / "three.png")], prompts=["three"])
    assert r.settings["images"] == ["three.png"] and r.settings["prompts"] == ["three"]
    assert r.images["reconstruction"].shape == (16, 4 * 17 - 1)  # grey: x_0, x_T, decoded 4 steps, random
    assert r.grids["reconstruction"]["cols"][1] == "encoded x_T"
    held_out = run_demo("inversion", digits_model(), device="cpu", steps=4, classes=[3])
    # the same digit, up to the PNG's 8-bit rounding, conditioned on the same label
    assert r.metrics["mse.4"] == pytest.approx(held_out.metrics["mse.4"], abs=1e-3)


# -- diffedit -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sd_diffedit(tiny_model, photos):  # noqa: F811
    return run_demo("diffedit", tiny_model, device="cpu", steps=10, images=photos, source="a cat", target="a dog")


def test_diffedit_on_stable_diffusion_uses_the_papers_settings(sd_diffedit):
    s = sd_diffedit.settings
    assert (s["threshold"], s["guidance"], s["n"], s["strength"], s["encode_ratio"]) == (0.5, 7.5, 10, 0.5, 0.8)
    assert (s["source"], s["target"], s["images"], s["steps"], s["encode_steps"]) == ("a cat", "a dog", ["cat.png", "grey.png"], 10, 8)


def test_diffedit_on_stable_diffusion_grids_and_metrics(sd_diffedit):
    r = sd_diffedit
    meta = r.grids["edits"]
    assert meta["rows"] == ["cat.png", "grey.png"] and meta["row_title"] == "image"
    assert meta["cols"] == ["input x_0", "mask M (latent, nearest)", "encoded x_r (decoded)", "edit", "what changed"]
    assert r.images["edits"].shape == (2 * (RES + 1) - 1, 5 * (RES + 1) - 1, 3)
    assert set(r.images) == {"edits", "mask_1", "edit_1", "mask_2", "edit_2"}
    for name in ("mask_1", "edit_1", "mask_2", "edit_2"):
        assert r.images[name].shape == (RES, RES, 3)
    assert r.grids["edit_2"]["rows"] == ["grey.png"]
    assert all(math.isfinite(v) for v in r.metrics.values())
    assert r.metrics["unchanged_outside_mask"] == 1.0
    assert 0 <= r.metrics["unchanged_outside_mask_pixels"] <= 1 and 0 < r.metrics["mask_coverage"] < 1
    assert {"change_inside_mask", "change_outside_mask", "vae_change_outside_mask"} <= set(r.metrics)
    assert r.table("edits")["columns"] == ["image", "mask coverage", "unchanged outside (latents)", "unchanged outside (pixels)",
                                           "|Δ| inside", "|Δ| outside", "|Δ| outside, VAE alone"]


def test_diffedit_on_stable_diffusion_keeps_latents_outside_the_mask(sd_diffedit, tiny_model, photos):  # noqa: F811
    """The paper's three steps called directly on the same latents: outside the mask the edited latents
    are the input's exactly, and the demo's mask and edit images are these tensors."""
    px, _ = load_images(photos, tiny_model)
    x0 = tiny_model.from_pixels(px)
    cond_ref, cond_query = tiny_model.encode_prompt(["a cat", "a dog"]).chunk(2)
    gen = generator(0)
    masks = [diffedit_mask(tiny_model, x0[i:i + 1], cond_ref, cond_query, n=10, strength=0.5, threshold=0.5,
                           steps=10, guidance_scale=7.5, generator=gen) for i in range(2)]
    mask = torch.cat(masks)
    encoding = diffedit_encode(tiny_model, x0, encode_ratio=0.8, steps=10)
    y0 = diffedit_decode(tiny_model, encoding, mask, cond_query, guidance_scale=7.5)
    outside = ~mask.bool()[:, None].expand_as(x0)
    assert outside.any() and (~outside).any()
    assert torch.equal(y0[outside], x0[outside])          # exact, not approximately
    assert not torch.equal(y0[~outside], x0[~outside])    # and the inside did change
    edit = tiny_model.to_pixels(y0)
    for i in range(2):
        assert np.array_equal(sd_diffedit.images[f"edit_{i + 1}"], hwc(edit[i]))
        assert np.array_equal(tile(sd_diffedit.images["edits"], i, 3, RES), hwc(edit[i]))
        upsampled = mask[i].repeat_interleave(RES // mask.shape[-1], 0).repeat_interleave(RES // mask.shape[-1], 1)
        assert np.array_equal(sd_diffedit.images[f"mask_{i + 1}"][..., 0], to_uint8(upsampled * 2 - 1))
    assert sd_diffedit.metrics["mask_coverage"] == pytest.approx(float(mask.mean()))


def test_diffedit_on_stable_diffusion_names_what_is_missing(tiny_model, photos):  # noqa: F811
    cases = [({}, ["images", "source", "target"]), ({"images": photos, "source": "a cat"}, ["target"]),
             ({"source": "a cat", "target": "a dog"}, ["images"]), ({"images": photos, "source": " ", "target": "a dog"}, ["source"])]
    for options, missing in cases:
        with pytest.raises(UserError) as info:
            run_demo("diffedit", tiny_model, device="cpu", steps=4, **options)
        message = str(info.value)
        assert "\n" not in message and "text-to-image" in message
        for word in ("images", "source", "target"):
            assert (f"{word} (" in message) == (word in missing), (options, message)


def test_diffedit_on_digits_with_a_user_image(tmp_path):
    x, _ = real_digits([3])
    Image.fromarray(to_uint8(x[0, 0])).save(tmp_path / "three.png")
    r = run_demo("diffedit", digits_model(), device="cpu", steps=10, images=[str(tmp_path / "three.png")],
                 source="three", target="8")
    assert r.settings["pairs"] == [[3, 8]] and r.settings["images"] == ["three.png"] and r.settings["threshold"] == 0.3
    assert r.images["edits"].shape == (16, 5 * 17 - 1) and r.grids["edits"]["rows"] == ["three.png"]
    assert r.images["edit_1"].shape == r.images["mask_1"].shape == (16, 16)
    assert r.metrics["unchanged_outside_mask"] == 1.0
    with pytest.raises(UserError, match="needs source .* and target"):
        run_demo("diffedit", digits_model(), device="cpu", steps=4, images=[str(tmp_path / "three.png")])
