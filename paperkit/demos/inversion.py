"""``inversion``: DDIM inversion (``ddim.13``) of real images, then DDIM decoding (``ddim.12``, η = 0) back.

DDIM's sampler is the Euler discretisation of an ODE (``ddim.13``); run forwards in t it encodes x_0
into a latent x_T that decodes back to (nearly) x_0. Each encoding step t_{i−1} → t_i evaluates ε_θ at
t_i on x_{t_{i−1}} (``paperkit.diffusion.invert``, as DiffEdit's encoder and diffusers'
DDIMInverseScheduler do), the mirror of the decoding step t_i → t_{i−1} (``paperkit.diffusion.sample``);
the small mismatch between the two is the reconstruction error, which shrinks as the steps get
shorter. Both directions use the same conditioning, no guidance, on the model's sub-sequence
(``ddim.subsequence``).

- The scene model (the default): rendered held-out scenes (layouts never seen in training),
  conditioned on their own captions; ``prompts`` (captions) render those captions instead, at a
  layout seeded by each caption; ``images`` replaces them by the user's own, conditioned on the
  captions ``prompts`` give (one for all, or one per image), else unconditional. The scene world's
  attribute classifier reads the decoded scenes (does the round trip keep the caption's objects?)
  and those decoded from a random x_T.
- The digits model: held-out digits (never seen in training), conditioned on their true
  label; ``prompts`` ("3", "three") pick which digits, ``images`` replaces them by the user's own
  (``paperkit.demos.images``), conditioned on the digits ``prompts`` name, else unconditional.
- A text-to-image model (Stable Diffusion): ``images`` is required. Each is encoded by the VAE
  (``model.from_pixels``), inverted in latent space under ``prompts`` (one caption for all, or one
  per image; default "", the unconditional embedding) and decoded back, then to pixels by the VAE.
  Errors are measured in pixels (what one sees, VAE loss included) and in latents (the DDIM round
  trip alone); the VAE's own round trip is reported as the floor. The encoded x_T is a latent, not
  an image: its column shows its first three channels, min–max normalised per image.

For scale, the last column decodes a fresh Gaussian x_T with the same conditioning: the error a
latent that knows nothing about the input gives.
"""

from __future__ import annotations

from typing import Sequence

import torch

from ..diffusion import invert
from ..errors import UserError
from ._common import (Progress, add_grid, check_finite, ddim_sample, generator, is_scene_model, pixels, real_digits,
                      scene_readings, short_caption, start_noise)
from .images import load_images
from .plans import inversion_step_counts
from .result import DemoResult

CLASSES = tuple(range(10))


def encode(model, x0, cond, steps, progress, demo="inversion"):
    """x_0 → x_T by ``ddim.13`` forwards over the model's ``steps``-step sub-sequence (``invert``)."""

    def checked(k: int, t: int, x: torch.Tensor) -> None:
        check_finite(x, demo, f"encode ({steps} steps) step {k + 1}/{steps} (t={t})")
        progress.tick(stage=f"encode {steps}", t=t)

    return invert(model, x0, cond, steps=steps, after_step=checked).x_r


def decode(model, x_T, cond, steps, progress, stage="decode"):
    """x_T → x_0 by deterministic DDIM (``ddim.12``, η = 0) over the same sub-sequence (``sample``)."""
    return ddim_sample(model, x_T, cond, steps=steps, progress=progress, stage=f"{stage} {steps}")[0]


def run(model, *, device="cpu", seed: int = 0, steps: int | None = None, callback=None, cancel=None,
        classes=CLASSES, images: Sequence[str] | None = None, prompts: Sequence[str] | None = None) -> DemoResult:
    step_counts = inversion_step_counts(steps)  # 10 and 20 below N, and N
    largest = step_counts[-1]
    text = bool(getattr(model, "text_to_image", False))
    if images:
        px, labels = load_images(images, model)
        cond, captions = _conditioning(model, prompts, len(labels))
        subject = {"images": labels, "prompts": captions}
    elif is_scene_model(model):
        px, captions = _held_out_scenes(model, prompts)
        px, cond = px.to(device), model.encode_prompt(captions)
        labels = [short_caption(c) for c in captions]
        subject = {"prompts": captions}
    elif text:
        raise UserError("inversion on a text-to-image model needs images to invert: give one or more image files")
    else:
        if prompts:
            classes = [int(c) for c in model.encode_prompt(list(prompts)).tolist()]
        px, digit_labels = real_digits(classes)
        px, cond = px.to(device), digit_labels.to(device)
        labels = digit_labels.tolist()
        subject = {"classes": list(map(int, classes))}
    progress = Progress("inversion", 2 * sum(step_counts) + largest, callback, cancel)
    x0 = model.from_pixels(px)
    latent = tuple(x0.shape[1:]) != tuple(px.shape[1:])  # a latent model: x_T is not an image
    rows, recon, latents = [], {}, {}
    for s in step_counts:
        x_T = encode(model, x0, cond, s, progress)
        x_rec = decode(model, x_T, cond, s, progress)
        recon[s], latents[s] = pixels(model, x_rec), x_T
        rows.append(_errors(recon[s], px, x_rec, x0, latent, steps=s, std=float(x_T.float().std())))
    gen = generator(seed)
    z_rand = decode(model, start_noise(model, len(labels), gen, device), cond, largest, progress, stage="decode noise")
    x_rand = pixels(model, z_rand)
    baseline = _errors(x_rand, px, z_rand, x0, latent, steps=largest, std=1.0)

    result = DemoResult("inversion", settings={"seed": seed, "device": str(device), "steps": step_counts, **subject})
    scenes = not images and is_scene_model(model)
    what = "image" if images else "scene" if scenes else "digit"
    x_T_col = "x_T ch 0–2 (normalised)" if latent else "encoded x_T"
    x_T_show = _latent_preview(latents[largest], px.shape[-1]) if latent else latents[largest]
    add_grid(result, "reconstruction", torch.stack([px.float(), x_T_show, *[recon[s] for s in step_counts], x_rand], 1),
             title=f"DDIM inversion: each {what} encoded to x_T ({largest} steps) and decoded back",
             rows=labels, row_title=what,
             cols=["input x_0", x_T_col, *[f"decoded {s} steps" for s in step_counts], "random x_T decoded"],
             caption=(f"rows: {what}s " + ", ".join(map(str, labels))
                      + f"; columns: x_0, its x_T ({largest} steps, "
                      + ("latent channels 0–2 min–max normalised" if latent else "clipped") + "), "
                      + ", ".join(f"decoded after {s} steps" for s in step_counts)
                      + f", a random x_T decoded ({largest} steps)"))
    result.tables.append({"name": "reconstruction", "title": "Encode with ddim.13, decode with ddim.12 (η = 0)"
                          + (": errors in pixels (VAE included) and in latents" if latent else ""),
                          "columns": ["x_T from", *rows[0]],
                          "rows": [{"x_T from": "inversion", **r} for r in rows] + [{"x_T from": "random noise", **baseline}]})
    mse_key = "mse (pixels)" if latent else "mse"
    max_key = "max |error| (pixels)" if latent else "max |error|"
    result.series["mse"] = {"x": step_counts, "y": [r[mse_key] for r in rows], "label": "pixels" if latent else "inversion",
                            "plot": "reconstruction MSE", "xlabel": "DDIM steps", "ylabel": "MSE", "yscale": "log"}
    for r in rows:
        result.metrics[f"mse.{r['steps']}"] = r[mse_key]
        result.metrics[f"max_abs.{r['steps']}"] = r[max_key]
    result.metrics["mse.random"] = baseline[mse_key]
    best = rows[-1]
    if scenes:
        _read_scenes(result, recon[largest], x_rand, subject["prompts"], largest)
    if not latent:
        result.text[:0] = [
            f"{len(labels)} {'images' if images else 'held-out scenes' if scenes else 'held-out digits'} inverted and decoded: MSE {best['mse']:.2e}, "
            f"max |error| {best['max |error|']:.3f} at {best['steps']} steps (pixels in [−1, 1])",
            f"a random x_T decoded with the same {'conditioning' if images or scenes else 'labels'} lands at MSE "
            f"{baseline['mse']:.3f}: the latent carries the image",
        ]
        return result
    result.series["mse_latent"] = {"x": step_counts, "y": [r["mse (latents)"] for r in rows], "label": "latents",
                                   "plot": "reconstruction MSE", "xlabel": "DDIM steps", "ylabel": "MSE", "yscale": "log"}
    for r in rows:
        result.metrics[f"mse_latent.{r['steps']}"] = r["mse (latents)"]
    result.metrics["mse_latent.random"] = baseline["mse (latents)"]
    vae = float((pixels(model, x0) - px.float()).pow(2).mean())  # encode and decode by the VAE alone
    result.metrics["mse.vae"] = vae
    result.text = [
        f"{len(labels)} image{'s' if len(labels) != 1 else ''} inverted and decoded at {best['steps']} steps: "
        f"latent MSE {best['mse (latents)']:.2e}, pixel MSE {best['mse (pixels)']:.2e} (pixels in [−1, 1])",
        f"the VAE alone (encode, decode) costs pixel MSE {vae:.2e}: the floor under every pixel error here",
        f"a random x_T decoded with the same caption lands at pixel MSE {baseline['mse (pixels)']:.3f}, "
        f"latent MSE {baseline['mse (latents)']:.3f}",
    ]
    return result


def _conditioning(model, prompts, n: int):
    """(cond, captions) for ``n`` user images: one prompt for all or one per image; default "" (unconditional)."""
    captions = [str(p) for p in (prompts if prompts else [""])]
    if len(captions) not in (1, n):
        raise UserError(f"give one prompt for all images or one per image: {len(captions)} prompts for {n} images")
    return model.encode_prompt(captions), captions


def _errors(px_rec, px, z_rec, z0, latent: bool, *, steps: int, std: float) -> dict:
    """A table row: MSE and max |error| in pixels, and for a latent model the latents' MSE too."""
    err = (px_rec.float() - px.float())
    if not latent:
        return {"steps": steps, "mse": float(err.pow(2).mean()), "max |error|": float(err.abs().max()), "std(x_T)": std}
    return {"steps": steps, "mse (pixels)": float(err.pow(2).mean()), "max |error| (pixels)": float(err.abs().max()),
            "mse (latents)": float((z_rec.float() - z0.float()).pow(2).mean()), "std(x_T)": std}


def _latent_preview(z: torch.Tensor, size: int) -> torch.Tensor:
    """The first three channels of latents (B, C, h, w), min–max normalised to [−1, 1] per image and
    enlarged (nearest) to ``size`` pixels: a look at x_T, not a decoding of it."""
    from torch.nn import functional as F

    z = z.float()[:, :3]
    if z.shape[1] < 3:
        z = z[:, :1].expand(-1, 3, -1, -1)
    lo = z.amin(dim=(1, 2, 3), keepdim=True)
    hi = z.amax(dim=(1, 2, 3), keepdim=True)
    z = (z - lo) / (hi - lo).clamp(min=1e-12) * 2 - 1
    return F.interpolate(z, size=(size, size), mode="nearest")


def _read_scenes(result: DemoResult, decoded: torch.Tensor, random: torch.Tensor, captions: list[str], steps: int) -> None:
    """The scene classifier on the decoded scenes and on those decoded from a random x_T, against
    their captions (its objects): a table and the metrics ``reads_caption.decoded`` / ``.random``."""
    back, rand = scene_readings(decoded, captions), scene_readings(random, captions)
    if back is None or rand is None:
        return
    result.tables.append({"name": "classifier", "title": "What the scene classifier reads",
                          "columns": ["caption", f"decoded ({steps} steps)", "random x_T decoded"],
                          "rows": [{"caption": short_caption(c), f"decoded ({steps} steps)": a, "random x_T decoded": b}
                                   for c, a, b in zip(captions, back["labels"], rand["labels"])]})
    result.metrics["reads_caption.decoded"] = back["accuracy"]
    result.metrics["reads_caption.random"] = rand["accuracy"]
    result.text.append(f"the scene classifier reads {back['accuracy']:.0%} of the decoded scenes with their caption's objects "
                       f"({rand['accuracy']:.0%} of those decoded from a random x_T)")


def _held_out_scenes(model, prompts: Sequence[str] | None, count: int = 4) -> tuple[torch.Tensor, list[str]]:
    """Rendered held-out scenes (never seen in training; half with one object, half with two) and their
    captions, conditioned on them; with ``prompts`` (captions), a seeded layout of each caption instead."""
    from ..models.scenes.data import held_out_scenes, render_scenes, to_model_space
    from ..models.scenes.layouts import scene_for_caption

    scenes = ([scene_for_caption(p) for p in prompts] if prompts else
              held_out_scenes(count // 2, objects=1, seed=21) + held_out_scenes(count - count // 2, objects=2, seed=21))
    return to_model_space(render_scenes(scenes, model.resolution)), [s.caption for s in scenes]
